import { sql } from 'kysely';
import { Type } from 'typebox';
import type { HttpServer } from '../core/http';
import type { ObjectStore } from '../core/store/port';
import type { Db } from '../schema/database';
import { adminRoutes } from './routes/admin';
import { evidenceRoutes } from './routes/evidence';

export interface ApiDeps {
  db: Db;
  store: ObjectStore;
}

/** The API as a fastify plugin; mounted under /api by the server. */
export function apiRoutes(deps: ApiDeps) {
  return async (app: HttpServer) => {
    app.get('/health', {
      schema: { response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.Boolean() }) } },
    }, async () => {
      await sql`select 1`.execute(deps.db);
      return { status: 'ok' as const, database: true };
    });
    await app.register(evidenceRoutes(deps));
    await app.register(adminRoutes(deps));
  };
}

export type { HttpServer };
