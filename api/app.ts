import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { wholeMebibytes } from '../core/bytes';
import { Problem, ProblemBody } from '../core/errors';
import { PUBLIC, publicRoutes, type HttpServer } from '../core/http';
import type { ObjectStore } from '../core/store/port';
import type { Db } from '../schema/database';
import { registerAuditTrail } from './audit';
import { documentOptions } from './openapi';
import { nulAt } from './schemas';
import { adminRoutes } from './routes/admin';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { caseRoutes } from './routes/cases';
import { evidenceRoutes } from './routes/evidence';
import { stationRoutes } from './routes/stations';
import { exportRoutes } from './routes/exports';
import { fixityRoutes } from './routes/fixity';
import { recordingRuleRoutes } from './routes/recording-rules';
import { storageRoutes } from './routes/storage';
import { workQueueRoutes } from './routes/work-queue';
import { retentionRoutes } from './routes/retention';
import { eventRoutes } from './routes/events';
import { webhookRoutes } from './routes/webhooks';
import { reviewRoutes } from './routes/reviews';
import { reminderRoutes } from './routes/reminders';
import { supervisionRoutes } from './routes/supervision';
import type { SupervisionPolicy } from '../core/config';
import type { SigningKey } from '../core/signing-key';
import type { Staging } from '../ingest/staging';
import { TimedOut, withTimeout } from '../core/timeout';
import type { ViewingGrants } from './viewing';

export interface ApiDeps {
  db: Db;
  store: ObjectStore;
  /** The clock every time-based rule uses (sessions, lockout, viewing sessions). */
  now: () => Date;
  /** Send the session cookie with Secure (behind HTTPS). */
  secureCookies: boolean;
  /** The ingest's staging: live offload progress, and its free space for health. */
  staging: Pick<Staging, 'bytes' | 'freeSpace'>;
  /** Readiness fails while staging has less free space than this. */
  stagingMinFreeBytes: number;
  /** Readiness probes of the services beyond the database and store (Redis, when this process uses it). */
  probes?: { redis?: () => Promise<unknown> };
  /** Told of each object a fixity pass started through the API finds altered or missing (the metrics). */
  onFixityFailure?: (state: 'altered' | 'missing') => void;
  /** The platform key that signs court export manifests. */
  signingKey: SigningKey;
  /** Read rate of fixity passes started through the API (bytes/s, 0 no limit). */
  fixityBytesPerSecond: number;
  objectLockHorizonDays?: number;
  /** Days from a disposal request's approval to its run. */
  retentionGraceDays: number;
  /** Webhook receivers on loopback and private networks are allowed. */
  webhookAllowPrivate: boolean;
  /** EVIDENCE_ONTIME_HOURS and EVIDENCE_UNLINKED_DAYS. */
  supervision: SupervisionPolicy;
  /** Viewing grants: the Range requests of one viewing after its first skip the database (api/viewing.ts). */
  viewings: ViewingGrants;
}

/** Why the platform is degraded (empty: healthy). */
export function degradedReasons(facts: { stagingFreeBytes: number; stagingMinFreeBytes: number }): string[] {
  const reasons: string[] = [];
  if (facts.stagingFreeBytes < facts.stagingMinFreeBytes) {
    reasons.push(`staging space low: ${wholeMebibytes(facts.stagingFreeBytes)} MB free, below the floor of ${wholeMebibytes(facts.stagingMinFreeBytes)} MB; uploads may be refused with 507`);
  }
  return reasons;
}

/** Each readiness check's limit: a load balancer polls often and must get an answer fast. */
const READY_TIMEOUT_MS = 2000;

/** A failed readiness check whose message is safe to show (others are summarized, never echoed). */
export class NotReady extends Error {}

export interface CheckResult {
  ok: boolean;
  ms: number;
  detail?: string;
}

/** Runs one probe with a timeout; what failed is said in words that leak no address or secret. */
export async function runCheck(probe: () => Promise<unknown>, timeoutMs: number, onError: (error: unknown) => void): Promise<CheckResult> {
  const began = performance.now();
  try {
    await withTimeout(probe(), timeoutMs);
    return { ok: true, ms: Math.round(performance.now() - began) };
  } catch (error) {
    onError(error);
    const safe = error instanceof NotReady || error instanceof TimedOut;
    return { ok: false, ms: Math.round(performance.now() - began), detail: safe ? error.message : 'unreachable or refused; see the server log' };
  }
}

/** Plugins that must sit at the server's root (documentation covers every route). */
export async function registerApiPlugins(app: HttpServer): Promise<void> {
  await app.register(rateLimit, { global: false });
  // Every route, API and ingest: a NUL anywhere is a 400 here, never a database error (a 500) later.
  app.addHook('preValidation', async (request) => {
    const at = nulAt(request.query, 'querystring') ?? nulAt(request.params, 'params') ?? nulAt(request.body, 'body');
    if (at) throw new Problem(400, 'Bad Request', `${at} contains a NUL character`);
  });
  await app.register(swagger, documentOptions);
  // biome-ignore lint/nursery/noMisusedPromises: fastify awaits an async plugin (its overloads confuse the rule)
  await app.register(async (docs) => {
    publicRoutes(docs);
    await docs.register(swaggerUi, { routePrefix: '/api/docs' });
  });
}

/** The API as a fastify plugin; mounted under /api by the server. */
export function apiRoutes(deps: ApiDeps) {
  return async (app: HttpServer) => {
    registerAuditTrail(app, deps.db);
    app.get('/health', {
      config: { action: PUBLIC },
      schema: {
        summary: 'Liveness', description: 'The process answers: for a liveness probe (restart it when this fails). Checks no dependency; readiness is GET /api/ready. No authentication.', tags: ['system'], operationId: 'getHealth', security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    }, async () => ({ status: 'ok' as const }));
    const checkResult = Type.Object({ ok: Type.Boolean(), ms: Type.Integer({ description: 'How long the check took' }), detail: Type.Optional(Type.String({ description: 'Why it failed (no addresses, no secrets)' })) });
    const checks = Type.Record(Type.String(), checkResult, { description: 'database, redis (when used), store, staging' });
    app.get('/ready', {
      config: { action: PUBLIC },
      schema: {
        summary: 'Readiness', description: `Whether this replica can serve: PostgreSQL, Redis, the object store and free staging space, each checked with a ${READY_TIMEOUT_MS} ms timeout. 200 when all pass, 503 naming the failed check. For load balancers and orchestrators. No authentication.`, tags: ['system'], operationId: 'getReadiness', security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks }),
          503: Type.Object({ ...ProblemBody.properties, checks }, { additionalProperties: true, description: '未就绪 Not ready: the detail names the failed checks; `checks` has each result. Take this replica out of the load balancer until it answers 200.' }),
        },
      },
    }, async (request, reply) => {
      const probes: Record<string, () => Promise<unknown>> = {
        database: () => sql`select 1`.execute(deps.db),
        ...(deps.probes?.redis ? { redis: deps.probes.redis } : {}),
        // A key that never exists: any answer (null) means the store is reachable and lets us in.
        store: () => deps.store.stat('readiness-probe/absent'),
        staging: async () => {
          const [reason] = degradedReasons({ stagingFreeBytes: await deps.staging.freeSpace(), stagingMinFreeBytes: deps.stagingMinFreeBytes });
          if (reason) throw new NotReady(reason);
        },
      };
      const entries = await Promise.all(Object.entries(probes).map(async ([name, probe]) => [name, await runCheck(probe, READY_TIMEOUT_MS, (err) => request.log.warn({ check: name, err: String(err) }, 'readiness check failed'))] as const));
      const results = Object.fromEntries(entries);
      const failed = entries.filter(([, c]) => !c.ok).map(([name]) => name);
      reply.header('cache-control', 'no-store');
      if (failed.length > 0) throw new Problem(503, 'Service Unavailable', `not ready: ${failed.join(', ')}`, { checks: results, retryable: true });
      return { status: 'ready' as const, checks: results };
    });
    app.get('/openapi.json', { config: { action: PUBLIC }, schema: { hide: true } }, async () => app.swagger());
    await app.register(authRoutes(deps));
    await app.register(evidenceRoutes(deps));
    await app.register(caseRoutes(deps));
    await app.register(recordingRuleRoutes(deps));
    await app.register(auditRoutes(deps));
    await app.register(stationRoutes(deps));
    await app.register(exportRoutes(deps));
    await app.register(workQueueRoutes(deps));
    await app.register(adminRoutes(deps));
    await app.register(webhookRoutes({ db: deps.db, allowPrivate: deps.webhookAllowPrivate }));
    await app.register(eventRoutes({ db: deps.db }));
    await app.register(fixityRoutes({ db: deps.db, store: deps.store, now: deps.now, bytesPerSecond: deps.fixityBytesPerSecond, objectLockHorizonDays: deps.objectLockHorizonDays, onFailure: deps.onFixityFailure }));
    await app.register(storageRoutes(deps));
    await app.register(retentionRoutes(deps));
    await app.register(reviewRoutes(deps));
    await app.register(reminderRoutes(deps));
    await app.register(supervisionRoutes(deps));
  };
}
