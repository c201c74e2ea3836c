import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dispatchOutbox, enqueue, jobQueue, redisConnection, startDispatcher, type JobPayloads } from '../../core/jobs';
import { testEncodeJob } from '../../transcode/hwaccel';
import { placeTranscode } from '../../transcode/queue';
import { runFfmpeg } from '../../transcode/runner';
import { transcodeJob } from '../../transcode/worker';
import { dockClips, waitForPlayable } from '../support/footage';
import { startEvidence } from '../support/evidence-process';
import { usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform({ listen: true });
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
      // The same test encode in software works here: what failed is the device, not the arguments.
      await expect(runFfmpeg(testEncodeJob('none'), { timeoutMs: 30_000 })).resolves.toBeUndefined();
    } finally {
      await worker.stop();
      await rm(home, { recursive: true, force: true });
    }
  }, 60_000);
});

const run = promisify(execFile);
const ffprobe = async (path: string, ...args: string[]) => (await run('ffprobe', ['-v', 'error', ...args, '-of', 'csv=p=0', path])).stdout.trim().split('\n');

describe('chunked transcoding', () => {
  it('a 2-minute recording is cut at keyframes, its chunks encoded by two workers, and joined into one whole MP4', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'evidence-chunks-'));
    const prefix = `test-chunks-${randomUUID()}`;
    try {
      // Needs encoding (4:4:4 H.264 does not play in browsers); a keyframe every 2 s; with sound.
      const clip = join(dir, 'long.mp4');
      await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=120', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=120',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-c:a', 'aac', '-shortest', clip]);
      const sourceSeconds = Number((await ffprobe(clip, '-show_entries', 'format=duration'))[0]);
      await p.db.updateTable('outbox').set({ dispatched_at: new Date() }).where('dispatched_at', 'is', null).execute();
      const docked = await dockClips(p, { serial: `CHUNK-${randomUUID().slice(0, 8)}`, officerNo: 'C1' }, { '310001_DSJ7001_20260501093000_0001.mp4': clip });
      const id = docked['310001_DSJ7001_20260501093000_0001.mp4']!.evidenceId;

      // Two workers (one job at a time each) on the same queue; chunks of about 30 s from 60 s on.
      const ranChunks: Record<string, number[]> = { one: [], two: [] };
      const startWorker = (name: string) => {
        const handler = transcodeJob({ db: p.db, store: p.store, workDir: p.scratch, hlsMinSeconds: 300, chunks: { minSeconds: 60, chunkSeconds: 30 }, log: quiet }, { concurrency: 1, lockSeconds: 30 });
        return startDispatcher({ db: p.db, log: quiet, redis, prefix, pollMs: 50 }, ['transcode'], {
          transcode: { ...handler, run: (payload, report) => (payload.chunk !== undefined && ranChunks[name]!.push(payload.chunk), handler.run(payload, report)) },
        });
      };
      const workers = [startWorker('one'), startWorker('two')];
      try {
        await waitForPlayable(p.db, [id]);
      } finally {
        for (const stop of workers) await stop();
      }
      // Cut at keyframes every 30 s: four chunks, each encoded once, by both workers between them.
      expect([...ranChunks.one!, ...ranChunks.two!].sort()).toEqual([0, 1, 2, 3]);
      expect(ranChunks.one!.length).toBeGreaterThan(0);
      expect(ranChunks.two!.length).toBeGreaterThan(0);

      const mp4 = await p.db.selectFrom('derivatives').select('storage_key').where('evidence_id', '=', id).where('kind', '=', 'mp4').executeTakeFirstOrThrow();
      const joined = join(dir, 'joined.mp4');
      await pipeline(await p.store.get(mp4.storage_key), createWriteStream(joined));
      expect(Math.abs(Number((await ffprobe(joined, '-show_entries', 'format=duration'))[0]) - sourceSeconds)).toBeLessThanOrEqual(0.1);
      const pts = (await ffprobe(joined, '-select_streams', 'v:0', '-show_entries', 'packet=pts_time')).map(Number).sort((a, b) => a - b);
      expect(pts.length).toBe(120 * 25);
      const gaps = pts.filter((t, i) => i > 0 && t - pts[i - 1]! > 1.5 / 25);
      expect(gaps).toEqual([]);
      expect((await ffprobe(joined, '-show_entries', 'stream=codec_type')).sort()).toEqual(['audio', 'video']);
      // The pieces are gone once the derivatives are stored.
      const left: string[] = [];
      for await (const key of p.store.list(`transcode-chunks/${id}/`)) left.push(key);
      expect(left).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
