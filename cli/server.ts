import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import { Registry } from 'prom-client';
import { apiRoutes, registerApiPlugins } from '../api/app';
import { declarable, permits, refusal } from '../api/access';
import { authenticate } from '../api/identity';
import { ViewingGrants } from '../api/viewing';
import { bearerToken, createHttpServer, publicRoutes, PUBLIC, type HttpServer } from '../core/http';
import { trustedProxies } from '../core/client-address';
import { Problem } from '../core/errors';
import { tokenUses, type TokenUses } from '../core/tokens';
import { createMetrics, metricsAccess, routeLabel, type Metrics, type QueueDepths } from '../core/metrics';
import { failedObjectCounts } from '../core/fixity';
import type { ObjectStore } from '../core/store/port';
import { IngestService } from '../ingest/service';
import { ingestRoutes } from '../ingest/routes';
import { diskStaging } from '../ingest/staging';
import type { Db } from '../schema/database';
import type { SigningKey } from '../core/signing-key';
import type { IngestPolicy, SupervisionPolicy } from '../core/config';
import type { TranscodePolicy } from '../transcode/policy';

export interface ServerDeps {
  db: Db;
  store: ObjectStore;
  stagingDir: string;
  maxFileBytes: number;
  signingKey: SigningKey;
  /** Read rate of fixity passes started through the API (default 20 MB/s). */
  fixityBytesPerSecond?: number;
  /** EVIDENCE_OBJECT_LOCK_HORIZON_DAYS, for the ingest and the fixity passes started here. */
  objectLockHorizonDays?: number;
  /** EVIDENCE_RETENTION_GRACE_DAYS (default 7). */
  retentionGraceDays?: number;
  now?: () => Date;
  /** Send the session cookie with Secure (EVIDENCE_PUBLIC_URL is https, or EVIDENCE_SECURE_COOKIES). */
  secureCookies?: boolean;
  /** Send Strict-Transport-Security (EVIDENCE_PUBLIC_URL is https). */
  hsts?: boolean;
  /** Peers whose X-Forwarded-For is believed (EVIDENCE_TRUSTED_PROXIES). */
  trustedProxies?: readonly string[];
  /** The built reviewer page, served at / (default: dist/web once `npm run build:web` has run). */
  webRoot?: string;
  ingest: Readonly<IngestPolicy>;
  /** EVIDENCE_TRANSCODE_POLICY (default smart). */
  transcodePolicy?: TranscodePolicy;
  /** Webhook receivers on loopback and private networks are allowed (EVIDENCE_WEBHOOK_ALLOW_PRIVATE). */
  webhookAllowPrivate?: boolean;
  /** EVIDENCE_ONTIME_HOURS / EVIDENCE_UNLINKED_DAYS (defaults 24 / 7). */
  supervision?: SupervisionPolicy;
  /** Free bytes on the staging filesystem (tests inject a reading). */
  freeSpace?: (dir: string) => Promise<number>;
  /** This instance's metrics registry (default: a new one); /metrics serves it. */
  registry?: Registry;
  /** Queue depths for /metrics, read at each scrape. */
  queueDepths?: () => Promise<QueueDepths>;
  /** EVIDENCE_METRICS_TOKEN: /metrics wants it as a bearer token; unset, /metrics answers loopback peers only. */
  metricsToken?: string;
  /** Readiness probe of Redis (GET /api/ready), when this process uses Redis. */
  redisPing?: () => Promise<unknown>;
}

const BUILT_PAGE = fileURLToPath(new URL('../dist/web/', import.meta.url));

/**
 * One HTTP server carrying the API (/api) and the dock offload protocol (/ingest/v1). Tests use inject.
 * Its ingest comes with it: the housekeeping task must see the uploads this process is receiving.
 */
export async function buildServer(deps: ServerDeps, options: FastifyServerOptions = {}): Promise<HttpServer & { ingest: IngestService; metrics: Metrics; tokenUses: TokenUses }> {
  const now = deps.now ?? (() => new Date());
  // A request its viewing grant covers is the grant's caller; the permission table still applies.
  const viewings = new ViewingGrants(now);
  const uses = tokenUses(deps.db);
  const app = await createHttpServer({ authenticate: async (request) => viewings.principalOf(request) ?? authenticate(deps.db, request, now(), uses), refusal, declarable }, { trustedProxies: deps.trustedProxies ?? [], hsts: deps.hsts ?? false }, options);
  // Closing waits for the token uses being written, so none is left to a database already closed.
  app.addHook('onClose', () => uses.settled());
  const metrics = createMetrics(deps.registry ?? new Registry(), deps.queueDepths, () => failedObjectCounts(deps.db));
  measureRequests(app, metrics);
  await registerApiPlugins(app);
  const staging = diskStaging(deps.stagingDir, deps.store, deps.freeSpace);
  const ingest = new IngestService({
    ...deps,
    staging,
    policy: deps.ingest,
    log: requestScopedLog(app),
    observe: { received: (bytes) => metrics.ingestBytes.inc(bytes), committed: () => metrics.ingestFiles.inc() },
  });
  await app.register(
    apiRoutes({
      db: deps.db,
      store: deps.store,
      now,
      secureCookies: deps.secureCookies ?? false,
      staging,
      stagingMinFreeBytes: deps.ingest.stagingMinFreeBytes,
      probes: deps.redisPing ? { redis: deps.redisPing } : {},
      onFixityFailure: (state) => metrics.fixityFailures.inc({ state }),
      signingKey: deps.signingKey,
      fixityBytesPerSecond: deps.fixityBytesPerSecond ?? 20_000_000,
      objectLockHorizonDays: deps.objectLockHorizonDays,
      retentionGraceDays: deps.retentionGraceDays ?? 7,
      webhookAllowPrivate: deps.webhookAllowPrivate ?? false,
      supervision: deps.supervision ?? { onTimeHours: 24, unlinkedDays: 7 },
      viewings,
    }),
    { prefix: '/api' },
  );
  await app.register(ingestRoutes(ingest, (p) => permits(p, 'ingest.every-dock')), { prefix: '/ingest/v1' });
  serveMetrics(app, metrics, deps.metricsToken);
  await servePage(app, deps.webRoot ?? BUILT_PAGE);
  return Object.assign(app, { ingest, metrics, tokenUses: uses });
}

/**
 * A log whose lines, written while a request is handled, are that request's (they carry its reqId);
 * elsewhere (housekeeping, the sweep) the server's. The ingest logs through it without knowing requests.
 */
function requestScopedLog(app: HttpServer): { info(o: object, m: string): void; warn(o: object, m: string): void } {
  const current = new AsyncLocalStorage<FastifyBaseLogger>();
  app.addHook('onRequest', (request, _reply, done) => current.run(request.log, done));
  const log = () => current.getStore() ?? app.log;
  return { info: (o, m) => log().info(o, m), warn: (o, m) => log().warn(o, m) };
}

/** HTTP latency by route pattern; the dock's complete call is also the verify latency. */
function measureRequests(app: HttpServer, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = routeLabel(request.routeOptions.url, request.is404);
    const seconds = reply.elapsedTime / 1000;
    metrics.httpSeconds.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
    if (route === COMPLETE_ROUTE && reply.statusCode === 200) metrics.verifySeconds.observe(seconds);
  });
}
const COMPLETE_ROUTE = '/ingest/v1/uploads/:id/complete';

const isLoopback = trustedProxies(['loopback']);

/** Prometheus text at /metrics, for the configured token or, without one, loopback peers only (docs/operations.md). */
function serveMetrics(app: HttpServer, metrics: Metrics, token: string | undefined): void {
  app.get('/metrics', { config: { action: PUBLIC }, schema: { hide: true } }, async (request, reply) => {
    const access = metricsAccess({ token, bearer: bearerToken(request), peerIsLoopback: isLoopback(request.socket.remoteAddress ?? '') });
    if (access === 'unauthorized') throw new Problem(401, 'Unauthorized', 'send the metrics token (EVIDENCE_METRICS_TOKEN) as a bearer token');
    if (access === 'forbidden') throw new Problem(403, 'Forbidden', 'metrics are served to loopback peers only unless EVIDENCE_METRICS_TOKEN is set');
    reply.header('cache-control', 'no-store').type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

/** The reviewer page: its files, and index.html for its own routes (/evidence/…); unknown API and asset paths stay 404 problems. */
async function servePage(app: HttpServer, root: string): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'the reviewer page is not built (npm run build:web); serving the API only');
    return;
  }
  // biome-ignore lint/nursery/noMisusedPromises: fastify awaits an async plugin (its overloads confuse the rule)
  await app.register(async (page) => {
    publicRoutes(page);
    await page.register(fastifyStatic, {
      root,
      wildcard: false,
      setHeaders: (reply, path) => reply.header('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
    });
    page.get('/*', { config: { action: PUBLIC }, schema: { hide: true } }, (request, reply) => (/^\/(api|ingest|assets)(\/|$)/.test(request.url) ? reply.callNotFound() : reply.sendFile('index.html')));
  });
}
