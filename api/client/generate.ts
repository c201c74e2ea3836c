import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

/** Where the typed client's types are checked in, relative to the repository. */
export const CLIENT_SCHEMA_FILE = 'api/client/schema.d.ts';

const HEADER = `/**
 * Generated from /api/openapi.json by \`npm run generate:client\` (openapi-typescript); do not edit.
 * A test (tests/integration/openapi.test.ts) fails when this file and the served document differ.
 */

`;

/** The types of the typed client (api/client/index.ts), written from the API document. */
export async function clientSchemaSource(document: unknown): Promise<string> {
  return HEADER + astToString(await openapiTS(document as OpenAPI3, { alphabetize: false }));
}
