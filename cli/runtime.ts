import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import v8 from 'node:v8';
import type { Redis } from 'ioredis';
import { ConfigError, type Config } from '../core/config';
import { assertNoEviction, redisConnection, startDispatcher, type Handlers, type JobKind } from '../core/jobs';
import { probeHwaccel } from '../transcode/hwaccel';
import { passthroughJob } from '../transcode/passthrough';
import { playbackJob } from '../transcode/rendition';
import { stillJob } from '../transcode/still';
import { exportJob } from '../export/job';
import { openTimestamping } from '../core/timestamp/client';
import { timestampTask } from '../core/timestamp/batcher';
import { checkpointTask } from '../core/checkpoints';
import { fixityTask } from '../core/fixity';
import type { Metrics } from '../core/metrics';
import { housekeepingTask } from '../ingest/housekeeping';
import { retentionTask } from '../core/disposal';
import { webhookTask } from '../api/webhook-delivery';
import { IngestService } from '../ingest/service';
import { loadOrCreateSigningKey } from '../core/signing-key';
import { openStore } from '../core/store/factory';
import type { ObjectStore } from '../core/store/port';
import { RevokedTokenError, createToken, generateToken } from '../core/tokens';
import { APP_ROLE, connect, migrateToLatest, type Db } from '../schema/database';
import { diskStaging } from '../ingest/staging';
import { syncOnTimeHours } from '../api/supervision-data';
import { startEmbeddedPostgres, startPrivateRedis, type RunningService } from './embedded';

/** The running platform's shared parts: database (migrated), Redis, object store. */
export interface Runtime {
  db: Db;
  databaseUrl: string;
  redis: Redis;
  store: ObjectStore;
  close(): Promise<void>;
  /** Given to work that runs ffmpeg: aborted by `abandonWork` (transcode/runner.ts AbandonableWork). */
  abandon: AbortSignal;
  /** The process stops waiting for its running work and exits: no ffmpeg it started may outlive it. */
  abandonWork(): void;
}

function startDatabase(config: Readonly<Config>): Promise<RunningService> {
  return config.database.kind === 'external'
    ? Promise.resolve({ url: config.database.url, stop: async () => {} })
    : startEmbeddedPostgres(config.database.dir, config.database.port);
}

/** Only the database, as the owner (for offline checks such as `evidence audit verify`). */
export async function openDatabase(config: Readonly<Config>): Promise<{ db: Db; close(): Promise<void> }> {
  const database = await startDatabase(config);
  const db = connect(database.url, { max: 2 });
  return {
    db,
    close: async () => {
      await db.destroy();
      await database.stop();
    },
  };
}

/**
 * How much V8's heap may grow past what the last full collection kept, before the next one. V8's
 * own choice on this server's small heap (about 50 MB live) is under 50%: with uploads and Range
 * reads streaming through the store's cipher (a new buffer per chunk) it started a full collection
 * every few hundred milliseconds, 20-50 per 512 MiB ingested, their marking threads spending more CPU
 * than SM4 itself; with 100% it is 2-3 (docs/encryption.md). The price: up to one more live heap's
 * worth of garbage held between collections.
 */
const HEAP_GROWING_PERCENT = 100;

export async function startRuntime(config: Readonly<Config>): Promise<Runtime> {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const stops: RunningService[] = [];
  try {
    const database = await startDatabase(config);
    stops.push(database);
    const redis = config.redis.kind === 'external' ? { url: config.redis.url, stop: async () => {} } : await startPrivateRedis(config.redis.dir, config.redis.port);
    stops.push(redis);
    const connection = redisConnection(redis.url);
    stops.push({ url: redis.url, stop: async () => void connection.disconnect() });
    await assertNoEviction(connection);
    const owner = connect(database.url, { max: 1 });
    await migrateToLatest(owner).finally(() => owner.destroy());
    // From here on the platform works as the application role: it cannot rewrite the trails.
    const db = connect(database.url, { role: APP_ROLE });
    stops.push({ url: database.url, stop: () => db.destroy() });
    // The supervision aggregates count late recordings against EVIDENCE_ONTIME_HOURS.
    await syncOnTimeHours(db, config.supervision.onTimeHours);
    const store = await openStore(config, db);
    const abandon = new AbortController();
    return {
      db,
      databaseUrl: database.url,
      redis: connection,
      store,
      abandon: abandon.signal,
      abandonWork: () => abandon.abort(new Error('the shutdown grace period is over')),
      close: async () => {
        for (const s of stops.reverse()) await s.stop();
      },
    };
  } catch (error) {
    for (const s of stops.reverse()) await s.stop().catch(() => {});
    throw error;
  }
}

/**
 * The platform-admin token: EVIDENCE_ADMIN_TOKEN when set, else one generated on first start and
 * kept (mode 0600) under EVIDENCE_HOME so restarts keep working with it. A revoked one is refused
 * (ConfigError), never revived: revoking it is how an admin shuts a leaked token out for good.
 */
export async function ensureAdminToken(db: Db, config: Readonly<Config>): Promise<{ token: string; generated: boolean }> {
  const file = join(config.home, 'admin-token');
  let token = config.adminToken;
  let generated = false;
  if (!token) {
    token = await readFile(file, 'utf8').then((t) => t.trim(), () => undefined);
    if (!token) {
      token = generateToken();
      generated = true;
      await mkdir(config.home, { recursive: true });
      await writeFile(file, `${token}\n`, { mode: 0o600 });
      await chmod(file, 0o600);
    }
  }
  try {
    await createToken(db, { name: 'platform-admin', role: 'admin', token });
  } catch (error) {
    if (!(error instanceof RevokedTokenError)) throw error;
    const source = config.adminToken ? 'EVIDENCE_ADMIN_TOKEN' : file;
    const remedy = config.adminToken
      ? 'set EVIDENCE_ADMIN_TOKEN to a new secret (or unset it to have one generated)'
      : `delete ${file} (a new token is generated and printed on the next start) or set EVIDENCE_ADMIN_TOKEN to a new secret`;
    throw new ConfigError(`the platform-admin token in ${source} was revoked (token ${error.tokenId}, ${error.revokedAt.toISOString()}) and stays revoked; to issue a new one, ${remedy}, then start again`);
  }
  return { token, generated };
}

/** How often the ingest sweeps the store and staging for what nobody will finish. */
const HOUSEKEEPING_MS = 10 * 60_000;
/** How often approved disposal requests past their grace period are looked for. */
const RETENTION_MS = 10 * 60_000;

/**
 * Background work: the given job kinds (core/jobs.ts), each safe to run in several processes.
 * Housekeeping uses `ingest` (the server's, in `evidence up`), else an ingest of this process's
 * own staging folder. Returns the stop function.
 */
export async function startJobs(
  runtime: Runtime,
  config: Readonly<Config>,
  log: { info(o: object, m: string): void; warn(o: object, m: string): void },
  kinds: readonly JobKind[],
  ingest?: IngestService,
  metrics?: Metrics,
): Promise<() => Promise<void>> {
  const { db, store, abandon } = runtime;
  const { client } = await openTimestamping(config.timestamps);
  const signingKey = await loadOrCreateSigningKey(join(config.home, 'keys'));
  const { workDir, concurrency, lockSeconds } = config.transcode;
  await mkdir(workDir, { recursive: true });
  const now = () => new Date();
  const hwaccel = kinds.includes('transcode') ? await probeHwaccel(config.transcode.hwaccel, log) : 'none';
  const handlers: Handlers = {
    transcode: playbackJob({ db, store, workDir, hlsMinSeconds: config.transcode.hlsMinSeconds, hwaccel, chunks: config.transcode.chunks, log, abandon }, { concurrency, lockSeconds }),
    export: exportJob({ db, store, signingKey, workDir }, { concurrency: 1, lockSeconds }),
    still: stillJob({ db, store, workDir, log, abandon }, { concurrency, lockSeconds }),
    passthrough: passthroughJob({ db, store, workDir, log, policy: config.transcode.policy, abandon }, { concurrency, lockSeconds }),
    timestamps: timestampTask({ db, client, clock: now, log, maxBatch: config.timestamps.batchMax }, { intervalMs: config.timestamps.intervalMs }),
    checkpoints: checkpointTask({ db, store, signingKey, timestamps: client, now, log }, config.checkpointIntervalMs),
    fixity: fixityTask({ db, store, now, ...config.fixity, objectLockHorizonDays: config.objectLockHorizonDays, log, onFailure: (state) => metrics?.fixityFailures.inc({ state }) }),
    housekeeping: housekeepingTask(
      ingest ?? new IngestService({ db, store, staging: diskStaging(config.stagingDir, store), maxFileBytes: config.maxFileBytes, policy: config.ingest, objectLockHorizonDays: config.objectLockHorizonDays, log }),
      HOUSEKEEPING_MS,
    ),
    retention: retentionTask({ db, store, now, log }, RETENTION_MS),
    webhooks: webhookTask({ db, now, allowPrivate: config.webhookAllowPrivate, log }),
  };
  return startDispatcher({ db, log, redis: runtime.redis, prefix: config.queuePrefix }, kinds, handlers);
}
