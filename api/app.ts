import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { wholeMebibytes } from '../core/bytes';
import { Problem } from '../core/errors';
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
  /** Health reports degraded while staging has less free space than this. */
  stagingMinFreeBytes: number;
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

/** Plugins that must sit at the server's root (documentation covers every route). */
export async function registerApiPlugins(app: HttpServer): Promise<void> {
  await app.register(rateLimit, { global: false });
  // Every route, API and ingest: a NUL anywhere is a 400 here, never a database error (a 500) later.
  app.addHook('preValidation', async (request) => {
    const at = nulAt(request.query, 'querystring') ?? nulAt(request.params, 'params') ?? nulAt(request.body, 'body');
    if (at) throw new Problem(400, 'Bad Request', `${at} contains a NUL character`);
  });
  await app.register(swagger, documentOptions);
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
        summary: 'Platform health', description: 'Whether the platform can serve: the database answers, and why it is degraded if it is (e.g. staging space low). No authentication.', tags: ['system'], operationId: 'getHealth', security: [],
        response: { 200: Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]), database: Type.Boolean(), reasons: Type.Array(Type.String()) }) },
      },
    }, async () => {
      await sql`select 1`.execute(deps.db);
      const reasons = degradedReasons({ stagingFreeBytes: await deps.staging.freeSpace(), stagingMinFreeBytes: deps.stagingMinFreeBytes });
      return { status: reasons.length > 0 ? ('degraded' as const) : ('ok' as const), database: true, reasons };
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
    await app.register(fixityRoutes({ db: deps.db, store: deps.store, now: deps.now, bytesPerSecond: deps.fixityBytesPerSecond, objectLockHorizonDays: deps.objectLockHorizonDays }));
    await app.register(storageRoutes(deps));
    await app.register(retentionRoutes(deps));
    await app.register(reviewRoutes(deps));
    await app.register(reminderRoutes(deps));
    await app.register(supervisionRoutes(deps));
  };
}
