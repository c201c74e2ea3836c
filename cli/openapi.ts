import type { FastifyInstance } from 'fastify';
import { readConfig } from '../core/config';
import { FilesystemStore } from '../core/store/fs';
import { connect } from '../schema/database';
import { buildServer } from './server';

const NOWHERE = '/nonexistent/evidence-openapi';

/**
 * The document GET /api/openapi.json serves, without a running platform: the routes are only
 * registered, so nothing reaches the database (its pool never connects), the store or a key.
 * `npm run generate:client` writes the typed client (api/client/schema.d.ts) from it.
 */
export async function apiDocument(): Promise<ReturnType<FastifyInstance['swagger']>> {
  const db = connect('postgres://openapi.invalid/none');
  const refuse = () => { throw new Error('the API document is built without a signing key'); };
  const app = await buildServer({
    db,
    store: new FilesystemStore(NOWHERE),
    stagingDir: NOWHERE,
    maxFileBytes: 1,
    signingKey: { sign: refuse, publicKeyPem: '', fingerprint: '', sm2: { sign: refuse, publicKeyPem: '', fingerprint: '' } },
    ingest: readConfig({}).ingest,
    webRoot: NOWHERE,
  });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
    await db.destroy();
  }
}
