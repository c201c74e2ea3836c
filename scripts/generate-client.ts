// Writes the typed client's types (api/client/schema.d.ts) from the API document the server serves.
import { writeFile } from 'node:fs/promises';
import { CLIENT_SCHEMA_FILE, clientSchemaSource } from '../api/client/generate';
import { apiDocument } from '../cli/openapi';

await writeFile(CLIENT_SCHEMA_FILE, await clientSchemaSource(await apiDocument()));
console.log(`wrote ${CLIENT_SCHEMA_FILE}`);
