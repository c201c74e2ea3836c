import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type RunningService } from '../../cli/embedded';
import { dispatchOutbox, jobQueue, redisConnection } from '../../core/jobs';
import { FilesystemStore } from '../../core/store/fs';
import { offloadVolume } from '../../dock-agent/offload';
import { makeClip, video } from '../fixtures/make-clips';
import { startEvidence, type EvidenceProcess } from '../support/evidence-process';
import { freePort } from '../support/free-port';
import { bearer, startTestPlatform, type TestPlatform } from '../support/platform';

// A Redis of its own: stopping the shared one would break every other file of the run.
let home: string;
let redisDir: string;
let redisPort: number;
let redis: RunningService;
let p: TestPlatform;
let worker: EvidenceProcess | undefined;
const prefix = `redis-stop-${process.pid}`;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'evidence-redis-stop-'));
  await chmod(home, 0o755);
  redisDir = join(home, 'redis');
  redisPort = await freePort();
  redis = await startPrivateRedis(redisDir, redisPort);
  // The platform's store is where a child `evidence worker` with EVIDENCE_HOME=home looks too.
  p = await startTestPlatform({ listen: true, store: new FilesystemStore(join(home, 'objects')) });
});
afterAll(async () => {
  await worker?.stop();
  await redis.stop();
  await p.close();
  await rm(home, { recursive: true, force: true });
});

const detail = async (id: string) => (await p.app.inject({ url: `/api/evidence/${id}`, headers: bearer(p.adminToken) })).json();

async function playbackUntil(id: string, done: (pb: { state: string; progress: number }) => boolean) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (worker && worker.child.exitCode !== null) throw new Error(`the worker died:\n${worker.output()}`);
    const body = await detail(id);
    if (done(body.playback)) return body.playback;
    if (Date.now() > deadline) throw new Error(`playback still ${JSON.stringify(body.playback)} after 90 s; the worker said:\n${worker?.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Redis stopped mid-transcode', () => {
  it('the worker keeps running, and once Redis is back the job completes once: one set of derivatives, one custody event', async () => {
    const clip = await makeClip('test-artifacts/clips', 'hevc-long', {
      ext: '.mp4',
      steps: [{ ffmpeg: [...video('1280x720', 30, 20), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '{out}'] }],
    });
    const volume = join(home, 'card');
    await mkdir(join(volume, 'DCIM'), { recursive: true });
    await copyFile(clip, join(volume, 'DCIM', 'long.mp4'));
    const summary = await offloadVolume(volume, { server: p.url, token: p.stationToken, station: { code: 'T' }, bay: 1, recorder: { serial: 'DSJ1403' }, utcOffsetMinutes: 480 });
    expect(summary.failed).toEqual([]);
    const id = summary.results[0]!.evidenceId;
    const connection = redisConnection(redis.url);
    const queue = jobQueue(connection, prefix, 'transcode');
    queue.on('error', () => {});
    try {
      await dispatchOutbox(p.db, { transcode: queue });

      // Only the transcode job: the passthrough of issue 18 would make the recording 'ready' before Redis stops.
      worker = await startEvidence(['worker', '--jobs', 'transcode'], { EVIDENCE_HOME: home, DATABASE_URL: p.databaseUrl, REDIS_URL: redis.url, EVIDENCE_QUEUE_PREFIX: prefix, EVIDENCE_HLS_MIN_SECONDS: '2' }, 'transcode worker running');
      await playbackUntil(id, (pb) => {
        if (pb.state !== 'queued' && pb.state !== 'processing') throw new Error(`the transcode ended (${pb.state}) before Redis could be stopped mid-job`);
        return pb.state === 'processing' && pb.progress >= 5;
      });

      // Redis goes away while ffmpeg runs; the worker notices (and must not die of it).
      await redis.stop();
      for (let seen = false; !seen; await new Promise((r) => setTimeout(r, 100))) {
        if (worker.child.exitCode !== null) throw new Error(`the worker died when Redis stopped:\n${worker.output()}`);
        seen = /Redis|ECONNREFUSED|connection/i.test(worker.output());
      }
      redis = await startPrivateRedis(redisDir, redisPort);

      const done = await playbackUntil(id, (pb) => ['ready', 'unplayable', 'failed'].includes(pb.state));
      expect(done.state).toBe('ready');
      expect(worker.child.exitCode).toBeNull();
      // Every Redis connection of the worker is listened to: the outage is said once, in words.
      expect(worker.output()).toContain('Redis unreachable');
      expect(worker.output()).not.toContain('Unhandled error event');
      const rows = await p.db.selectFrom('derivatives').select('storage_key').where('evidence_id', '=', id).execute();
      const stored: string[] = [];
      for await (const key of p.store.list(`derived/${id}/`)) stored.push(key);
      expect(stored.sort()).toEqual(rows.map((r) => r.storage_key).sort());
      expect(new Set(rows.map((r) => r.storage_key.split('/')[2])).size).toBe(1); // one attempt's files
      const derived = await p.ownerDb.selectFrom('custody_events').select('seq').where('evidence_id', '=', id).where('action', '=', 'playback.derived').execute();
      expect(derived).toHaveLength(1);
      // The original is untouched.
      const original = await p.app.inject({ url: `/api/evidence/${id}/original`, headers: bearer(p.adminToken) });
      expect(original.statusCode).toBe(200);
    } finally {
      await queue.close().catch(() => {});
      connection.disconnect();
    }
  }, 240_000);
});
