import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dispatchOutbox, enqueue, jobQueue, redisConnection, startDispatcher, type JobPayloads } from '../../core/jobs';
import { placeTranscode } from '../../transcode/queue';
import { startEvidence } from '../support/evidence-process';
import { usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform();
const w = useWorld(p);
const quiet = { info: () => {}, warn: () => {} };
let redis: Redis;
beforeAll(() => {
  redis = redisConnection(inject('redisUrl'));
});
afterAll(() => redis.disconnect());

describe('transcode queue priorities (real BullMQ on Redis)', () => {
  it("an interactive request overtakes a queue full of background jobs, and one unit's backlog does not block another's", async () => {
    const prefix = `test-order-${randomUUID()}`;
    const requests: JobPayloads['transcode'][] = [
      ...Array.from({ length: 10 }, () => ({ evidenceId: w.evidence.a, priority: 'background' as const })),
      { evidenceId: w.evidence.b }, // unit B, background by default
      { evidenceId: w.evidence.a2, priority: 'interactive' },
    ];
    // Only these requests: the docking of the world's footage queued jobs nobody runs here.
    await p.db.updateTable('outbox').set({ dispatched_at: new Date() }).where('dispatched_at', 'is', null).execute();
    await p.db.transaction().execute(async (trx) => {
      for (const request of requests) await enqueue(trx, 'transcode', request);
    });
    // All of it is queued before any worker runs.
    const queue = jobQueue(redis, prefix, 'transcode');
    expect(await dispatchOutbox(p.db, { transcode: queue }, { redis, prefix, placers: { transcode: placeTranscode(p.db) } })).toBe(requests.length);
    await queue.close();

    const done: string[] = [];
    let finished: () => void;
    const all = new Promise<void>((resolve) => (finished = resolve));
    const label = (id: string) => (id === w.evidence.a ? 'A' : id === w.evidence.a2 ? 'A2' : 'B');
    const stop = startDispatcher({ db: p.db, log: quiet, redis, prefix, pollMs: 50 }, ['transcode'], {
      transcode: {
        concurrency: 1,
        lockSeconds: 30,
        place: placeTranscode(p.db),
        run: async ({ evidenceId, priority }) => {
          done.push(`${label(evidenceId)}:${priority ?? 'background'}`);
          if (done.length === requests.length) finished();
        },
      },
    });
    await all;
    await stop();
    expect(done).toEqual(['A2:interactive', 'A:background', 'B:background', ...Array(9).fill('A:background')]);
    // Every job left its unit's backlog: the next background job of unit A runs first again.
    expect(Object.values(await redis.hgetall(`${prefix}:evidence-jobs-transcode:backlog`)).map(Number)).toEqual([0, 0, 0]);
  });
});

describe('hardware encoders', () => {
  it('EVIDENCE_HWACCEL=vaapi on a machine without a GPU: the worker says so at start and falls back to software', async () => {
    const home = await mkdtemp(join(tmpdir(), 'evidence-hwaccel-'));
    const worker = await startEvidence(
      ['worker', '--jobs', 'transcode'],
      { EVIDENCE_HOME: home, DATABASE_URL: p.databaseUrl, REDIS_URL: inject('redisUrl'), EVIDENCE_QUEUE_PREFIX: `test-hw-${randomUUID()}`, EVIDENCE_HWACCEL: 'vaapi' },
      'transcode worker running',
    );
    try {
      expect(worker.output()).toContain('EVIDENCE_HWACCEL=vaapi does not work here, transcoding in software (libx264)');
      expect(worker.output()).not.toContain('hardware encoder ready');
    } finally {
      await worker.stop();
      await rm(home, { recursive: true, force: true });
    }
  }, 60_000);
});
