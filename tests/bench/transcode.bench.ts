// Transcode benchmark: node bin/run-ts.js tests/bench/transcode.bench.ts
// Clips are generated once (cached by recipe in test-artifacts/transcode-bench); the rest runs each time.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FilesystemStore } from '../../core/store/fs';
import { mp4Job, thumbnailFramesJob, toArgv } from '../../transcode/args';
import type { FfmpegJob } from '../../transcode/args';
import { makeDerivatives, makePassthrough } from '../../transcode/media';
import { decidePlayback, decideTranscodeEagerness, type TranscodePolicy } from '../../transcode/policy';
import { probe } from '../../transcode/probe';
import { runFfmpeg } from '../../transcode/runner';
import { makeClip, tone, video } from '../fixtures/make-clips';
import { onDemandFirstFrame } from './first-frame';

const OPTS = { hlsMinSeconds: 3600, maxLines: 720 } as const;
const exec = promisify(execFile);
const H264_SECONDS = 60;
const HEVC_SECONDS = 20;

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** The same command line, spawned directly: the baseline for the runner's overhead. */
function byHand(job: FfmpegJob): Promise<void> {
  return new Promise((done, fail) => {
    spawn('ffmpeg', toArgv(job), { stdio: 'ignore' })
      .on('error', fail)
      .on('exit', (code) => (code === 0 ? done() : fail(new Error(`ffmpeg exited with ${code}`))));
  });
}

async function mediaOf(path: string) {
  const probed = await probe(path);
  if (!probed.playable) throw new Error(`${path}: ${probed.reason}`);
  return probed.info;
}

/** CPU (user + system) of this process's finished children, e.g. ffmpeg: /proc/self/stat cutime and cstime. */
async function childCpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).replace(/^.*\) /s, '').split(' ');
  // After "pid (comm) ", field 3 (state) is index 0: cutime is field 16, cstime 17.
  return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ is 100 on Linux
}

const row = (label: string, value: string): void => console.log(`${label.padEnd(58)} ${value}`);

console.log(`transcode bench: ${availableParallelism()} CPUs; generating/reusing clips...`);
const clipsDir = 'test-artifacts/transcode-bench';
const generation = performance.now();
const h264 = await makeClip(clipsDir, 'h264-1080p30-8M', {
  ext: '.mp4',
  steps: [{
    ffmpeg: [
      ...video('1920x1080', 30, H264_SECONDS), ...tone(H264_SECONDS),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '8M', '-maxrate', '8M', '-bufsize', '16M', '-g', '60',
      '-pix_fmt', 'yuv420p', '-c:a', 'aac', '{out}',
    ],
  }],
});
const hevc = await makeClip(clipsDir, 'hevc-1080p30', {
  ext: '.mp4',
  steps: [{
    ffmpeg: [
      ...video('1920x1080', 30, HEVC_SECONDS), ...tone(HEVC_SECONDS),
      '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:keyint=60', '-pix_fmt', 'yuv420p',
      '-tag:v', 'hvc1', '-c:a', 'aac', '{out}',
    ],
  }],
});
console.log(`clips ready in ${((performance.now() - generation) / 1000).toFixed(1)} s\n`);

const work = await mkdtemp(join(tmpdir(), 'transcode-bench-'));
try {
  // (a) + (c): H.265 1080p -> 720p H.264, by hand vs through the runner vs the whole pipeline.
  const hevcInfo = await mediaOf(hevc);
  const hevcJob = mp4Job(hevc, join(work, 'hevc.mp4'), decidePlayback(hevcInfo, OPTS));
  const hand: number[] = [];
  const runner: number[] = [];
  for (let round = 0; round < 2; round++) {
    hand.push(await seconds(() => byHand(hevcJob)));
    const progress = { durationSeconds: hevcInfo.durationSeconds, onProgress: () => {} };
    runner.push(await seconds(() => runFfmpeg(hevcJob, progress)));
  }
  const pipeline = await seconds(() => makeDerivatives(hevc, work, OPTS, () => {}));
  const best = (times: number[]): number => Math.min(...times);
  row(`(a) transcode by hand (child_process), best of 2`, `${best(hand).toFixed(2)} s`);
  const ratio = (time: number): string => `${time.toFixed(2)} s  ratio ${(time / best(hand)).toFixed(3)}`;
  row(`(a) same job through runFfmpeg (fluent-ffmpeg), best of 2`, ratio(best(runner)));
  row(`(a) makeDerivatives (probe+transcode+poster+thumbnails)`, ratio(pipeline));
  row(`(c) H.265 1080p -> 720p H.264 (${HEVC_SECONDS} s clip, runner)`, `${(HEVC_SECONDS / best(runner)).toFixed(2)}x realtime`);

  // (b) remux path on the 60 s 1080p H.264 (moov at the end, so 'remux').
  const h264Info = await mediaOf(h264);
  const remuxDecision = decidePlayback(h264Info, OPTS);
  const remuxJob = mp4Job(h264, join(work, 'remux.mp4'), remuxDecision);
  const remux = await seconds(() => runFfmpeg(remuxJob, { durationSeconds: h264Info.durationSeconds }));
  const remuxPipeline = await seconds(() => makeDerivatives(h264, work, OPTS, () => {}));
  const realtime = (time: number): string => `${(H264_SECONDS / time).toFixed(1)}x realtime (${time.toFixed(2)} s)`;
  row(`(b) remux ${H264_SECONDS} s 1080p H.264 8 Mb/s (decision: ${remuxDecision.action})`, realtime(remux));
  row(`(b) makeDerivatives on it (remux+poster+thumbnails)`, realtime(remuxPipeline));

  // (d) thumbnails every 2 s (the GOP) from the same clip: keyframes only vs decoding everything.
  const thumbs = async (keyframesOnly: boolean): Promise<number> => {
    const dir = await mkdtemp(join(work, 'frames-'));
    const job = thumbnailFramesJob(h264, dir, { intervalSeconds: 2, tileWidth: 160, keyframesOnly });
    return seconds(() => runFfmpeg(job));
  };
  const keyframes = await thumbs(true);
  const full = await thumbs(false);
  row(`(d) thumbnails, keyframes only`, `${keyframes.toFixed(2)} s`);
  row(`(d) thumbnails, full decode`, `${full.toFixed(2)} s  keyframe speed-up ${(full / keyframes).toFixed(1)}x`);

  // (e) A 10-minute 1080p H.264 recording (the 60 s clip ten times, joined without re-encoding),
  // with production options (HLS from 300 s): derivatives made, hashed and stored as the worker does.
  const list = join(work, 'ten.txt');
  await writeFile(list, Array.from({ length: 10 }, () => `file '${resolve(h264)}'`).join('\n'));
  const ten = join(work, 'ten-minutes.mp4');
  await exec('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', ten]);
  const store = new FilesystemStore(join(work, 'store'));
  await store.ensureReady();
  const playable = await seconds(async () => {
    const made = await makeDerivatives(ten, work, { hlsMinSeconds: 300, maxLines: 720 }, () => {});
    if (made.state !== 'ready') throw new Error(made.state);
    for (const derivative of made.derivatives) {
      for (const file of derivative.files) {
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(file.path)) hash.update(chunk as Buffer);
        await store.put(`derived/bench/${derivative.kind}/${file.name}`, createReadStream(file.path), (await stat(file.path)).size);
      }
    }
  });
  row('(e) 10-minute 1080p H.264: verified to playable (mp4 + HLS + images, stored)', `${playable.toFixed(1)} s`);

  // (f) Issue 18: CPU of the ffmpeg children per recorded hour, smart vs eager, on a mixed corpus:
  // half H.265 (20 s), half H.264 (60 s; one of them a long 3-minute recording), 1080p, 5% linked.
  // Each distinct piece of work is run (and measured) once per recording file; the corpus sums them.
  const longList = join(work, 'long.txt');
  await writeFile(longList, Array.from({ length: 3 }, () => `file '${resolve(h264)}'`).join('\n'));
  const long = join(work, 'three-minutes.mp4');
  await exec('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', longList, '-c', 'copy', long]);
  const corpus = [
    ...Array.from({ length: 10 }, (_, i) => ({ path: hevc, seconds: HEVC_SECONDS, linked: i === 0 })),
    ...Array.from({ length: 9 }, () => ({ path: h264, seconds: H264_SECONDS, linked: false })),
    { path: long, seconds: 3 * H264_SECONDS, linked: false },
  ];
  const measured = new Map<string, number>();
  const cpuOf = async (key: string, work: () => Promise<unknown>): Promise<number> => {
    if (!measured.has(key)) {
      const before = await childCpuSeconds();
      await work();
      measured.set(key, (await childCpuSeconds()) - before);
    }
    return measured.get(key)!;
  };
  const corpusCpu = async (policy: TranscodePolicy): Promise<number> => {
    let total = 0;
    for (const recording of corpus) {
      // Verification: passthrough, poster and thumbnails for every recording, whatever the policy.
      total += await cpuOf(`passthrough ${recording.path}`, () => makePassthrough(recording.path, work, {}));
      const facts = { important: false, linked: recording.linked, requiredStage: false, viewed: false, passthrough: true };
      if (decideTranscodeEagerness(policy, facts).transcode === 'now') {
        total += await cpuOf(`h264 ${recording.path}`, () => makeDerivatives(recording.path, work, { hlsMinSeconds: 300, maxLines: 720, images: false }));
      }
    }
    return total;
  };
  const hours = corpus.reduce((sum, r) => sum + r.seconds, 0) / 3600;
  const smart = (await corpusCpu('smart')) / hours;
  const eager = (await corpusCpu('eager')) / hours;
  console.log(`cpu-seconds per recorded hour: smart ${smart.toFixed(0)}, eager ${eager.toFixed(0)}, ratio ${(smart / eager).toFixed(3)}`);

  // (g) Issue 18: a never-transcoded 1080p H.265 recording opened in Chromium's reviewer page.
  console.log(`first frame, on-demand H.265: ${(await onDemandFirstFrame(hevc, 18890)).toFixed(1)} s`);
} finally {
  await rm(work, { recursive: true, force: true });
}
