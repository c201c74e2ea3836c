import type { FastifyServerOptions } from 'fastify';
import { apiRoutes } from '../api/app';
import { createHttpServer, type HttpServer } from '../core/http';
import type { ObjectStore } from '../core/store/port';
import { IngestService } from '../ingest/service';
import { ingestRoutes } from '../ingest/routes';
import type { Db } from '../schema/database';

export interface ServerDeps {
  db: Db;
  store: ObjectStore;
  stagingDir: string;
  maxFileBytes: number;
}

/** One HTTP server carrying the API (/api) and the dock offload protocol (/ingest/v1). Tests use inject. */
export async function buildServer(deps: ServerDeps, options: FastifyServerOptions = {}): Promise<HttpServer> {
  const app = createHttpServer(deps.db, options);
  const ingest = new IngestService({ ...deps, log: app.log });
  await app.register(apiRoutes(deps), { prefix: '/api' });
  await app.register(ingestRoutes(ingest), { prefix: '/ingest/v1' });
  return app;
}
