import type { FastifyServerOptions } from 'fastify';
import { apiRoutes, registerApiPlugins } from '../api/app';
import { authenticate } from '../api/identity';
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
  now?: () => Date;
  secureCookies?: boolean;
}

/** One HTTP server carrying the API (/api) and the dock offload protocol (/ingest/v1). Tests use inject. */
export async function buildServer(deps: ServerDeps, options: FastifyServerOptions = {}): Promise<HttpServer> {
  const now = deps.now ?? (() => new Date());
  const app = await createHttpServer((request) => authenticate(deps.db, request, now()), options);
  await registerApiPlugins(app);
  const ingest = new IngestService({ ...deps, log: app.log });
  await app.register(apiRoutes({ db: deps.db, store: deps.store, now, secureCookies: deps.secureCookies ?? false }), { prefix: '/api' });
  await app.register(ingestRoutes(ingest), { prefix: '/ingest/v1' });
  return app;
}
