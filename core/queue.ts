import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db } from '../schema/database';

/** Every job kind, its payload, and its retry policy. The outbox `kind` column holds these names. */
export interface JobPayloads {
  transcode: { evidenceId: string };
}
export type JobKind = keyof JobPayloads;

export const JOB_OPTIONS: Record<JobKind, JobsOptions> = {
  // ffmpeg failures may be transient (a store hiccup, a killed machine); bad media is not retried at all.
  transcode: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
};

export const QUEUE_NAME = 'evidence-jobs';

export function redisConnection(url: string): Redis {
  // BullMQ workers block on Redis; they need maxRetriesPerRequest null.
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
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

export function jobQueue(redis: Redis, prefix: string): Queue {
  return new Queue(QUEUE_NAME, { connection: redis, prefix });
}

/**
 * Moves committed outbox rows into the queue. The job id is the outbox id, so a row handed over
 * twice (a crash between add and mark) is still one job. Safe to run in several processes.
 */
export async function dispatchOutbox(db: Db, queue: Queue, batch = 100): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('outbox')
      .select(['id', 'kind', 'payload'])
      .where('dispatched_at', 'is', null)
      .orderBy('id')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const kind = row.kind as JobKind;
      await queue.add(kind, row.payload, { ...JOB_OPTIONS[kind], jobId: `outbox-${row.id}` });
    }
    if (rows.length > 0) {
      await trx.updateTable('outbox').set({ dispatched_at: sql`now()` }).where('id', 'in', rows.map((r) => r.id)).execute();
    }
    return rows.length;
  });
}

/** Polls the outbox until stopped; returns the stop function. */
export function startOutboxDispatcher(db: Db, queue: Queue, log: { warn(o: object, m: string): void }, intervalMs = 500): () => Promise<void> {
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    while (!stopped) {
      current = dispatchOutbox(db, queue).catch((err: unknown) => log.warn({ err: String(err) }, 'outbox dispatch failed; will retry'));
      const moved = await current;
      if (moved === 0 || typeof moved !== 'number') await new Promise((r) => setTimeout(r, intervalMs));
    }
  };
  void tick();
  return async () => {
    stopped = true;
    await current;
  };
}
