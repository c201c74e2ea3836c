import { Queue, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db } from '../schema/database';
import { LOCKS, withAdvisoryLock } from './locks';
import { scrapeReading, type QueueDepths } from './metrics';

/**
 * The one home of background work. Two shapes:
 * - queued jobs: a row in the outbox (written in the transaction that makes the work), moved into
 *   the job kind's BullMQ queue and run by a worker; a job whose process dies is run again.
 * - scheduled tasks: run every interval, each under its PostgreSQL advisory lock, so however many
 *   processes run the dispatcher, one of them runs a given task at a time.
 * Handlers live with their roles (transcode/, export/, core/, ingest/); this module only
 * dispatches, schedules, locks, and reports (a log line here, the handler's status for the API).
 */

/** Every queued job kind and its payload. The outbox `kind` column holds these names. */
/** Who waits for a transcode: a viewer now, footage likely to be watched, or nobody yet (issue 18). */
export type TranscodePriority = 'interactive' | 'linked' | 'background';

export interface JobPayloads {
  /** priority absent: 'background'. chunk: only that chunk of a long recording (transcode/chunked.ts). */
  transcode: { evidenceId: string; priority?: TranscodePriority; chunk?: number };
  /** The evidence authorized when the export was requested, in package order. */
  export: { exportId: string; evidenceIds: string[] };
  /** One still frame of an original (a `stills` row), saved as a derivative. */
  still: { stillId: string };
  /** After verification: the stream-copied passthrough, poster and thumbnails (issue 18). */
  passthrough: { evidenceId: string };
}
export type QueuedKind = keyof JobPayloads;
const QUEUED_KINDS: readonly QueuedKind[] = ['transcode', 'export', 'still', 'passthrough'];

const SCHEDULED_KINDS = ['timestamps', 'checkpoints', 'fixity', 'housekeeping', 'retention', 'webhooks'] as const;
export type ScheduledKind = (typeof SCHEDULED_KINDS)[number];

export type JobKind = QueuedKind | ScheduledKind;
export const JOB_KINDS: readonly JobKind[] = [...QUEUED_KINDS, ...SCHEDULED_KINDS];

const JOB_OPTIONS: Record<QueuedKind, JobsOptions> = {
  // ffmpeg failures may be transient (a store hiccup, a killed machine); bad media is not retried at all.
  transcode: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  // A failed export is reported to its requester, who exports again; one whose process died runs again (stalled).
  export: { attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 },
  // Like transcode: a store hiccup is retried; the request shows 'failed' after the last attempt.
  still: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  // Like transcode; cheap (stream copy and keyframes), so retried sooner.
  passthrough: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
};

/**
 * Where a job stands in its queue: lower tiers run first; within a tier, jobs are ordered by how
 * many open jobs their share (e.g. a unit) already has there, so one share's backlog cannot block another's.
 */
export interface Placement {
  tier: number;
  share: string;
}

/** BullMQ's priorities run from 1 (first) to 2^21 - 1; each tier gets a band this wide. */
export const PRIORITY_BAND = 100_000;

/**
 * The BullMQ priority of a job placed in `tier` when its share already has `backlog` open jobs
 * there: the k-th job of every share runs before the (k+1)-th of any (equal priorities run in
 * arrival order), and every job of a tier before any of the next.
 */
export function jobPriority(tier: number, backlog: number): number {
  return 1 + tier * PRIORITY_BAND + Math.min(Math.max(0, backlog), PRIORITY_BAND - 1);
}

export interface QueuedHandler<P> {
  /** Without it, jobs of the kind run in arrival order. */
  place?(payload: P): Promise<Placement>;
  run(payload: P, report: { progress(percent: number): Promise<void> }): Promise<void>;
  /** After the last attempt failed: record it where the API shows it. */
  failed?(payload: P, message: string): Promise<void>;
  concurrency: number;
  /** A job whose worker stops renewing its lock this long is run again elsewhere. */
  lockSeconds: number;
}

export interface ScheduledHandler {
  /** 0: switched off by configuration. */
  intervalMs: number;
  /** `signal` aborts when the dispatcher stops. */
  run(signal: AbortSignal): Promise<unknown>;
}

export type Handlers = { [K in QueuedKind]: QueuedHandler<JobPayloads[K]> } & { [K in ScheduledKind]: ScheduledHandler };

/** The kinds `--jobs` names: every kind when none are given; an unknown name is an error. */
export function parseJobKinds(list: string | undefined): JobKind[] {
  if (list === undefined) return [...JOB_KINDS];
  const names = list.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = names.filter((n) => !(JOB_KINDS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`unknown job kind ${unknown.join(', ') || '(none given)'}; the kinds are ${JOB_KINDS.join(', ')}`);
  return [...new Set(names as JobKind[])];
}

/** The startup check: every kind to run has a handler. */
export function assertHandlers(kinds: readonly JobKind[], handlers: Partial<Handlers>): void {
  const missing = kinds.filter((k) => !handlers[k]);
  if (missing.length > 0) throw new Error(`no handler for job kind ${missing.join(', ')}`);
}

const queueName = (kind: QueuedKind) => `evidence-jobs-${kind}`;

/**
 * A Redis connection that reconnects by itself. It says so once per outage (ioredis emits an
 * error on every reconnect attempt; unheard, each would print as an "Unhandled error event").
 */
export function redisConnection(url: string, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): Redis {
  // BullMQ workers block on Redis; they need maxRetriesPerRequest null.
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    warn(`Redis unreachable (${error.message}); reconnecting, queued work waits`);
  });
  redis.on('ready', () => {
    down = false;
  });
  return redis;
}

/** BullMQ loses jobs when Redis evicts keys: refuse to start on any policy but noeviction. */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const info = await redis.info('memory');
  const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  if (policy !== 'noeviction') {
    throw new Error(
      `Redis at ${redis.options.host}:${redis.options.port} has maxmemory-policy "${policy ?? 'unknown'}"; ` +
        'job queues need "noeviction" (set it in redis.conf or with: redis-cli CONFIG SET maxmemory-policy noeviction)',
    );
  }
}

export function jobQueue(redis: Redis, prefix: string, kind: QueuedKind): Queue {
  return new Queue(queueName(kind), { connection: redis, prefix });
}

/** Puts a queued job in the outbox, inside the caller's transaction: it exists exactly when the work's rows do. */
export async function enqueue<K extends QueuedKind>(trx: Pick<Db, 'insertInto'>, kind: K, payload: JobPayloads[K]): Promise<void> {
  await trx.insertInto('outbox').values({ kind, payload: JSON.stringify(payload) }).execute();
}

/**
 * Open jobs per tier and share of one queue, in a Redis hash: counted up when a job is queued,
 * down when it ends. The job's name is its hash field, so the worker knows what to count down.
 */
const backlogKey = (prefix: string, kind: QueuedKind) => `${prefix}:${queueName(kind)}:backlog`;
const backlogField = (placement: Placement) => `${placement.tier}/${placement.share}`;

export type Placers = { [K in QueuedKind]?: (payload: JobPayloads[K]) => Promise<Placement> };

/**
 * Moves committed outbox rows of the given kinds into their queues. The job id is the outbox id,
 * so a row handed over twice (a crash between add and mark) is still one job. Safe to run in
 * several processes (rows locked, skipping those another process holds). Kinds with a placer
 * get their priority from it (jobPriority).
 */
export async function dispatchOutbox(
  db: Db,
  queues: Partial<Record<QueuedKind, Queue>>,
  placement?: { redis: Redis; prefix: string; placers: Placers },
  batch = 100,
): Promise<number> {
  const kinds = Object.keys(queues) as QueuedKind[];
  if (kinds.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('outbox')
      .select(['id', 'kind', 'payload'])
      .where('dispatched_at', 'is', null)
      .where('kind', 'in', kinds)
      .orderBy('id')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const kind = row.kind as QueuedKind;
      const place = placement?.placers[kind] as ((payload: unknown) => Promise<Placement>) | undefined;
      const options = { ...JOB_OPTIONS[kind], jobId: `outbox-${row.id}` };
      if (!place || !placement) {
        await queues[kind]!.add(kind, row.payload, options);
        continue;
      }
      const where = await place(row.payload);
      const open = await placement.redis.hincrby(backlogKey(placement.prefix, kind), backlogField(where), 1);
      await queues[kind]!.add(backlogField(where), row.payload, { ...options, priority: jobPriority(where.tier, open - 1) });
    }
    if (rows.length > 0) {
      await trx.updateTable('outbox').set({ dispatched_at: sql`now()` }).where('id', 'in', rows.map((r) => r.id)).execute();
    }
    return rows.length;
  });
}

type Log = { info(o: object, m: string): void; warn(o: object, m: string): void };

/**
 * Runs `pass` now and then `intervalMs` after each run ends, until the returned stop() (which
 * waits for a running pass). A failed pass goes to `onError` and is simply tried again: a
 * background loop must never leave a rejected promise unheard, nor stop for one failure.
 */
function every(intervalMs: number, pass: () => Promise<unknown>, onError: (error: unknown) => void): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const loop = () => {
    running = pass()
      .catch(onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  loop();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

export interface DispatcherDeps {
  db: Db;
  log: Log;
  /** Needed when queued kinds run. */
  redis?: Redis;
  prefix?: string;
  /** How often the outbox is polled when it was empty. */
  pollMs?: number;
}

/**
 * Runs the given kinds: the outbox pump and a worker per queued kind, a loop per scheduled task.
 * Fails at once when a kind has no handler. Returns the stop function (waits for running work).
 */
export function startDispatcher(deps: DispatcherDeps, kinds: readonly JobKind[], handlers: Partial<Handlers>): () => Promise<void> {
  assertHandlers(kinds, handlers);
  const { db, log } = deps;
  const stops: (() => Promise<void>)[] = [];
  const queued = kinds.filter((k): k is QueuedKind => (QUEUED_KINDS as readonly string[]).includes(k));
  if (queued.length > 0) {
    if (!deps.redis || deps.prefix === undefined) throw new Error('queued jobs need a Redis connection and a queue prefix');
    const { redis, prefix } = deps;
    const queues: Partial<Record<QueuedKind, Queue>> = {};
    const placers: Record<string, QueuedHandler<unknown>['place']> = {};
    for (const kind of queued) {
      placers[kind] = (handlers[kind] as QueuedHandler<unknown>).place;
      const queue = jobQueue(deps.redis, deps.prefix, kind);
      // An unheard 'error' (Redis gone) would end the process; BullMQ reconnects by itself.
      queue.on('error', (error) => log.warn({ kind, err: error.message }, 'job queue: Redis connection error; retrying'));
      queues[kind] = queue;
      const worker = startWorker(deps.redis, deps.prefix, kind, handlers[kind] as QueuedHandler<JobPayloads[typeof kind]>, log);
      stops.push(async () => {
        await worker.close();
        await queue.close();
      });
    }
    // Drains the outbox while it has rows; otherwise waits pollMs.
    const pump = async () => {
      while ((await dispatchOutbox(db, queues, { redis, prefix, placers: placers as Placers })) > 0);
    };
    stops.unshift(every(deps.pollMs ?? 500, pump, (err) => log.warn({ err: String(err) }, 'outbox dispatch failed; will retry')));
  }
  const abort = new AbortController();
  for (const kind of kinds.filter((k): k is ScheduledKind => (SCHEDULED_KINDS as readonly string[]).includes(k))) {
    const task = handlers[kind]!;
    if (task.intervalMs <= 0) continue;
    const pass = () => withAdvisoryLock(db, LOCKS.tasks[kind], () => task.run(abort.signal));
    stops.unshift(every(task.intervalMs, pass, (err) => log.warn({ task: kind, err: err instanceof Error ? err.message : String(err) }, 'scheduled task failed; it runs again at its next interval')));
  }
  // Every worker stops taking jobs at once (one by one, a later one would take new jobs while an
  // earlier one waits for its running ones); each waits for its running jobs.
  return async () => {
    abort.abort();
    await settleAll(stops.map((stop) => stop()));
  };
}

/** Waits for every promise, then rejects with the first failure: nothing is left running unheard. */
export async function settleAll(work: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function startWorker<P>(connection: Redis, prefix: string, kind: QueuedKind, handler: QueuedHandler<P>, log: Log): Worker {
  const worker = new Worker<P>(queueName(kind), (job) => handler.run(job.data, { progress: (percent) => job.updateProgress(percent) }), {
    connection,
    prefix,
    concurrency: handler.concurrency,
    lockDuration: handler.lockSeconds * 1000,
    stalledInterval: handler.lockSeconds * 1000,
  });
  // A placed job (named by its backlog field) leaves its share's backlog when it ends.
  const leaveBacklog = (name: string) => {
    if (name === kind) return;
    connection.hincrby(backlogKey(prefix, kind), name, -1).catch((err: unknown) => log.warn({ kind, err: String(err) }, 'could not count down a queue backlog'));
  };
  worker.on('completed', (job) => {
    leaveBacklog(job.name);
    log.info({ kind, job: job.id }, 'job finished');
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    log.warn({ kind, job: job.id, attempt: job.attemptsMade, err: error.message }, 'job failed');
    const { failed } = handler;
    // Final after its last attempt, or when BullMQ gave up on it otherwise (it stalled too often).
    const final = async () => job.attemptsMade >= (JOB_OPTIONS[kind].attempts ?? 1) || (await job.getState()) === 'failed';
    final()
      .then((yes) => {
        if (!yes) return;
        leaveBacklog(job.name);
        return failed?.(job.data, error.message);
      })
      .catch((err: unknown) => log.warn({ kind, job: job.id, err: String(err) }, 'could not record the failed job; its status still shows it running'));
  });
  // Redis going away makes the worker emit 'error'; unheard, that would end the process. BullMQ reconnects by itself.
  worker.on('error', (error) => log.warn({ kind, err: error.message }, `${kind} worker: queue connection error; retrying`));
  return worker;
}

/**
 * Queue depths for /metrics: outbox rows not yet dispatched (null while the database cannot answer)
 * and each queue's jobs by state (null while Redis cannot): the scrape reports either instead of
 * failing or hanging. close() ends its queue handles.
 */
export function queueDepthReader(db: Db, redis: Redis, prefix: string): { read(): Promise<QueueDepths>; close(): Promise<void> } {
  const queues = QUEUED_KINDS.map((kind) => ({ kind, queue: jobQueue(redis, prefix, kind) }));
  for (const { queue } of queues) queue.on('error', () => {}); // Redis down: the scrape says so, the process does not end
  const jobCounts = async (): Promise<QueueDepths['jobs']> => {
    // Reconnecting: a command would wait in the connection's queue until Redis is back.
    if (redis.status !== 'ready') return null;
    const counts = await scrapeReading(() =>
      Promise.all(queues.map(async ({ kind, queue }) => Object.entries(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed')).map(([state, count]) => ({ kind, state, count })))),
    );
    return counts?.flat() ?? null;
  };
  const outbox = async (): Promise<QueueDepths['outbox']> => {
    const rows = await scrapeReading(() => db.selectFrom('outbox').select(['kind', db.fn.countAll<string>().as('n')]).where('dispatched_at', 'is', null).groupBy('kind').execute());
    return rows && Object.fromEntries(QUEUED_KINDS.map((k) => [k, Number(rows.find((r) => r.kind === k)?.n ?? 0)]));
  };
  return {
    read: async () => {
      const [pending, jobs] = await Promise.all([outbox(), jobCounts()]);
      return { outbox: pending, jobs };
    },
    close: async () => {
      for (const { queue } of queues) await queue.close();
    },
  };
}
