import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertNoEviction, dispatchOutbox, jobQueue, redisConnection, startDispatcher } from '../../core/jobs';
import { FilesystemStore } from '../../core/store/fs';
import { offloadVolume } from '../../dock-agent/offload';
import { passthroughEvidence } from '../../transcode/passthrough';
import { transcodeJob } from '../../transcode/worker';
import { makeClip, makeClips, video, type ClipName } from '../fixtures/make-clips';
import { spawnEvidence } from '../support/evidence-process';
import { bearer, startTestPlatform, type TestPlatform } from '../support/platform';

const CLIP_DIR = 'test-artifacts/clips';
const quiet = { info: () => {}, warn: () => {} };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let p: TestPlatform;
let home: string;
let redis: Redis;
const prefix = `test-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'evidence-transcode-'));
  // The platform's store is where a child `evidence worker` with EVIDENCE_HOME=home looks too.
  p = await startTestPlatform({ listen: true, store: new FilesystemStore(join(home, 'objects')) });
  redis = redisConnection(inject('redisUrl'));
});
afterAll(async () => {
  redis.disconnect();
  await p.close();
  await rm(home, { recursive: true, force: true });
});

/** Docks the given files as one recorder volume; returns evidence ids by clip name. */
async function dock(files: Record<string, string>): Promise<Record<string, string>> {
  const volume = await mkdtemp(join(tmpdir(), 'volume-'));
  await mkdir(join(volume, 'DCIM'));
  const byPath: Record<string, string> = {};
  for (const [name, path] of Object.entries(files)) {
    const fileName = `${name}${path.slice(path.lastIndexOf('.'))}`;
    await copyFile(path, join(volume, 'DCIM', fileName));
    byPath[`DCIM/${fileName}`] = name;
  }
  const summary = await offloadVolume(volume, { server: p.url, token: p.stationToken, station: { code: 'T' }, bay: 1, recorder: { serial: `R${Date.now()}` }, utcOffsetMinutes: 480 });
  await rm(volume, { recursive: true, force: true });
  expect(summary.failed).toEqual([]);
  return Object.fromEntries(summary.results.map((r) => [byPath[r.path]!, r.evidenceId]));
}

const detail = async (id: string) => (await p.app.inject({ url: `/api/evidence/${id}`, headers: bearer(p.adminToken) })).json();

async function waitForPlayback(id: string, done: (playback: { state: string; progress: number }) => boolean, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await detail(id);
    if (done(body.playback)) return body;
    if (Date.now() > deadline) throw new Error(`playback of ${id} stayed ${JSON.stringify(body.playback)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
/** Pids of the processes named `name` whose parent is `parent` (from /proc). */
async function childProcesses(parent: number, name: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const match = /^(\d+) \((.*)\) \S+ (\d+)/.exec(stat);
    if (match && match[2] === name && Number(match[3]) === parent) pids.push(Number(match[1]));
  }
  return pids;
}

/** Whether a process is still there and not a zombie waiting to be reaped. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z /.test(stat);
}

const finished = (pb: { state: string }) => ['ready', 'unplayable', 'failed'].includes(pb.state);

/** A dispatcher running transcode jobs; returns its stop function. */
function worker(lockSeconds = 30): () => Promise<void> {
  const transcode = transcodeJob({ db: p.db, store: p.store, workDir: home, hlsMinSeconds: 2, log: quiet }, { concurrency: 2, lockSeconds });
  return startDispatcher({ db: p.db, log: quiet, redis, prefix }, ['transcode'], { transcode });
}

describe('transcode pipeline: outbox → BullMQ → worker → API', () => {
  it('makes every original playable, keeps it untouched, and serves derivatives with Range', async () => {
    const clips = await makeClips(CLIP_DIR);
    const names: ClipName[] = ['h264-aac', 'hevc-aac', 'mjpeg-pcm', 'truncated', 'empty', 'random'];
    const ids = await dock(Object.fromEntries(names.map((n) => [n, clips[n]])));
    expect((await detail(ids['hevc-aac']!)).playback).toMatchObject({ state: 'queued', derivatives: [] });

    const queue = jobQueue(redis, prefix, 'transcode');
    expect(await dispatchOutbox(p.db, { transcode: queue })).toBe(names.length);
    expect(await dispatchOutbox(p.db, { transcode: queue })).toBe(0); // each outbox row becomes one job, once
    const w = worker();
    try {
      for (const name of ['h264-aac', 'hevc-aac', 'mjpeg-pcm']) {
        const body = await waitForPlayback(ids[name]!, finished);
        expect(body.playback.state, name).toBe('ready');
        expect(body.playback.progress).toBe(100);
        // The probed length, for the supervision figures (hours, the recording's end).
        const { duration_ms } = await p.db.selectFrom('evidence').select('duration_ms').where('id', '=', ids[name]!).executeTakeFirstOrThrow();
        expect(Number(duration_ms), name).toBeGreaterThan(0);
        const kinds = body.playback.derivatives.map((d: { kind: string }) => d.kind).sort();
        expect(kinds).toEqual(['hls', 'mp4', 'poster', 'thumbnails']); // hlsMinSeconds is 2 here

        const mp4 = body.playback.derivatives.find((d: { kind: string }) => d.kind === 'mp4');
        expect(mp4).toMatchObject({ mimeType: 'video/mp4' });
        const whole = await p.app.inject({ url: mp4.href, headers: bearer(p.adminToken) });
        expect(whole.statusCode).toBe(200);
        expect(sha256(whole.rawPayload)).toBe(mp4.sha256);
        expect(whole.rawPayload.length).toBe(mp4.size);
        const part = await p.app.inject({ url: mp4.href, headers: { ...bearer(p.adminToken), range: 'bytes=0-99' } });
        expect(part.statusCode).toBe(206);
        expect(part.headers['content-type']).toBe('video/mp4');
        expect(part.rawPayload.equals(whole.rawPayload.subarray(0, 100))).toBe(true);
        const hls = body.playback.derivatives.find((d: { kind: string }) => d.kind === 'hls');
        const playlist = await p.app.inject({ url: hls.href, headers: bearer(p.adminToken) });
        expect(playlist.headers['content-type']).toContain('mpegurl');
        expect(playlist.body).toContain('#EXTM3U');

        // The original is exactly what was docked, and the derivatives name it as their source.
        const original = await p.app.inject({ url: `/api/evidence/${ids[name]}/original`, headers: bearer(p.adminToken) });
        expect(sha256(original.rawPayload)).toBe(body.sha256);
        const custody = (await p.app.inject({ url: `/api/evidence/${ids[name]}/custody`, headers: bearer(p.adminToken) })).json();
        expect(custody.items.find((e: { action: string }) => e.action === 'playback.derived').details.sourceSha256).toBe(body.sha256);
      }
      for (const name of ['truncated', 'empty', 'random']) {
        const body = await waitForPlayback(ids[name]!, finished);
        expect(body.playback.state, name).toBe('unplayable');
        expect(body.playback.reason.length).toBeGreaterThan(0);
        expect(body.playback.derivatives).toEqual([]);
        const original = await p.app.inject({ url: `/api/evidence/${ids[name]}/original`, headers: bearer(p.adminToken) });
        expect(original.statusCode).toBe(200);
        expect(sha256(original.rawPayload)).toBe(body.sha256);
      }
      // The platform hears when footage becomes playable (the event feed), once per file, never of unplayable originals.
      const feed = (await p.app.inject({ url: '/api/events?limit=1000', headers: bearer(p.adminToken) })).json().items as { type: string; data: { id: string } }[];
      expect(feed.filter((e) => e.type === 'evidence.playable').map((e) => e.data.id).sort()).toEqual(['h264-aac', 'hevc-aac', 'mjpeg-pcm'].map((n) => ids[n]).sort());
      // Bad media is not retried: each of those jobs ran exactly once.
      const jobs = await queue.getJobs(['completed']);
      const unplayableIds = new Set(['truncated', 'empty', 'random'].map((n) => ids[n]));
      for (const job of jobs.filter((j) => unplayableIds.has(j.data.evidenceId))) expect(job.attemptsMade).toBe(1);
    } finally {
      await w();
      await queue.close();
    }
  }, 180_000);

  it('recovers from a worker killed mid-job: the job runs again and exactly one set of derivatives remains', async () => {
    const long = await makeClip(CLIP_DIR, 'hevc-long', {
      ext: '.mp4',
      steps: [{ ffmpeg: [...video('1280x720', 30, 20), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '{out}'] }],
    });
    const ids = await dock({ long });
    const id = ids.long!;
    const queue = jobQueue(redis, prefix, 'transcode');
    await dispatchOutbox(p.db, { transcode: queue });

    // Only the transcode job: the passthrough of issue 18 would make the recording 'ready' before it is killed.
    const child = spawnEvidence(['worker', '--jobs', 'transcode'], {
      env: { EVIDENCE_HOME: home, DATABASE_URL: p.databaseUrl, REDIS_URL: inject('redisUrl'), EVIDENCE_QUEUE_PREFIX: prefix, EVIDENCE_JOB_LOCK_SECONDS: '2', EVIDENCE_HLS_MIN_SECONDS: '2' },
    });
    child.stdout!.resume(); // unread, it must not fill up and stall the worker
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => code !== null && (stderr += `\nworker exited with ${code}`));
    await waitForPlayback(id, (pb) => {
      if (stderr.includes('worker exited')) throw new Error(stderr);
      return pb.state === 'processing' && pb.progress >= 10;
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const w = worker(2);
    try {
      const body = await waitForPlayback(id, finished, 120_000);
      expect(body.playback.state).toBe('ready');
      const rows = await p.db.selectFrom('derivatives').select('storage_key').where('evidence_id', '=', id).execute();
      const stored: string[] = [];
      for await (const key of p.store.list(`derived/${id}/`)) stored.push(key);
      expect(stored.sort()).toEqual(rows.map((r) => r.storage_key).sort());
      expect(new Set(rows.map((r) => r.storage_key.split('/')[2])).size).toBe(1); // one attempt's files
    } finally {
      await w();
      await queue.close();
    }
  }, 240_000);

  it('a worker whose running transcode outlasts the shutdown grace period kills its ffmpeg before it exits; the job runs again', async () => {
    const long = await makeClip(CLIP_DIR, 'hevc-long', {
      ext: '.mp4',
      steps: [{ ffmpeg: [...video('1280x720', 30, 20), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '{out}'] }],
    });
    const id = (await dock({ long })).long!;
    const queue = jobQueue(redis, prefix, 'transcode');
    await dispatchOutbox(p.db, { transcode: queue });

    const child = spawnEvidence(['worker', '--jobs', 'transcode'], {
      env: { EVIDENCE_HOME: home, DATABASE_URL: p.databaseUrl, REDIS_URL: inject('redisUrl'), EVIDENCE_QUEUE_PREFIX: prefix, EVIDENCE_JOB_LOCK_SECONDS: '2', EVIDENCE_HLS_MIN_SECONDS: '2', EVIDENCE_SHUTDOWN_GRACE_SECONDS: '1' },
    });
    child.stdout!.resume();
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitForPlayback(id, (pb) => pb.state === 'processing' && pb.progress >= 10);
    const encoders = await childProcesses(child.pid!, 'ffmpeg');
    expect(encoders.length).toBeGreaterThan(0);

    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(stderr).toMatch(/shutdown took longer than 1 s/);
    // SIGKILL is sent before the worker exits; the kernel ends the process at once.
    await new Promise((r) => setTimeout(r, 500));
    expect(await Promise.all(encoders.map(running))).toEqual(encoders.map(() => false));

    const w = worker(2);
    try {
      expect((await waitForPlayback(id, finished, 120_000)).playback.state).toBe('ready');
    } finally {
      await w();
      await queue.close();
    }
  }, 240_000);

  it('a recording no browser can play as recorded (MJPEG in AVI) is not called playable by its passthrough job: it gets its poster and waits for its H.264 rendition', async () => {
    const clips = await makeClips(CLIP_DIR);
    const id = (await dock({ mjpeg: clips['mjpeg-pcm'] })).mjpeg!;
    await passthroughEvidence({ db: p.db, store: p.store, workDir: home, log: quiet, policy: 'smart' }, id);
    expect((await detail(id)).playback.state).toBe('queued');
    const kinds = await p.db.selectFrom('derivatives').select('kind').where('evidence_id', '=', id).execute();
    expect([...new Set(kinds.map((k) => k.kind))].sort()).toEqual(['poster', 'thumbnails']);
    const queued = await p.db.selectFrom('outbox').select('payload').where('kind', '=', 'transcode').execute();
    expect(queued.map((q) => (q.payload as { evidenceId: string }).evidenceId)).toContain(id);
  });

  it('refuses a Redis that may evict keys, with a clear message', async () => {
    const port = 63000 + Math.floor(Math.random() * 900);
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
    const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null, retryStrategy: (n) => (n > 50 ? null : 100) });
    try {
      await expect(assertNoEviction(client)).rejects.toThrow(/maxmemory-policy "allkeys-lru".*noeviction/);
    } finally {
      client.disconnect();
      server.kill();
    }
  });
});
