// Transcode benchmark: node bin/run-ts.js tests/bench/transcode.bench.ts [--only SECTIONS]
// Clips are generated once (cached by recipe in test-artifacts/transcode-bench); the rest runs each time.
// --only fg runs sections (f) and (g) alone (the letters below); by default every section runs.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FilesystemStore } from '../../core/store/fs';
import { imagesJob, mp4Job, passthroughJob, posterJob, thumbnailFramesJob, toArgv } from '../../transcode/args';
import type { FfmpegJob } from '../../transcode/args';
import { makeDerivatives, makePassthrough } from '../../transcode/media';
import { decidePlayback, decideTranscodeEagerness, type TranscodePolicy } from '../../transcode/policy';
import { probe } from '../../transcode/probe';
import { runFfmpeg } from '../../transcode/runner';
import { buildPoster, buildSprite, readFrames } from '../../transcode/thumbnails';
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

/** CPU seconds of `work`: its ffmpeg/ffprobe children plus this process (sharp's libvips threads, node). */
async function cpuSeconds(work: () => Promise<unknown>): Promise<number> {
  const children = await childCpuSeconds();
  const self = process.cpuUsage();
  await work();
  const { user, system } = process.cpuUsage(self);
  return (await childCpuSeconds()) - children + (user + system) / 1e6;
}

/** A recording `times` × `clip` long, joined by stream copy (no re-encode), as recorders write segments. */
async function joined(clip: string, times: number, output: string): Promise<string> {
  const list = `${output}.txt`;
  await writeFile(list, Array.from({ length: times }, () => `file '${resolve(clip)}'`).join('\n'));
  await exec('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', output]);
  return output;
}

const row = (label: string, value: string): void => console.log(`${label.padEnd(64)} ${value}`);
const only = process.argv.indexOf('--only') > 0 ? process.argv[process.argv.indexOf('--only') + 1] ?? '' : null;
const runs = (section: string): boolean => only === null || only.includes(section);

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
  if (runs('a')) {
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
  }

  const realtime = (time: number): string => `${(H264_SECONDS / time).toFixed(1)}x realtime (${time.toFixed(2)} s)`;
  if (runs('b')) {
    // (b) remux path on the 60 s 1080p H.264 (moov at the end, so 'remux').
    const h264Info = await mediaOf(h264);
    const remuxDecision = decidePlayback(h264Info, OPTS);
    const remuxJob = mp4Job(h264, join(work, 'remux.mp4'), remuxDecision);
    const remux = await seconds(() => runFfmpeg(remuxJob, { durationSeconds: h264Info.durationSeconds }));
    const remuxPipeline = await seconds(() => makeDerivatives(h264, work, OPTS, () => {}));
    row(`(b) remux ${H264_SECONDS} s 1080p H.264 8 Mb/s (decision: ${remuxDecision.action})`, realtime(remux));
    row(`(b) makeDerivatives on it (remux+poster+thumbnails)`, realtime(remuxPipeline));
  }

  if (runs('d')) {
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
  }

  if (runs('e')) {
    // (e) A 10-minute 1080p H.264 recording (the 60 s clip ten times, joined without re-encoding),
    // with production options (HLS from 300 s): derivatives made, hashed and stored as the worker does.
    const ten = await joined(h264, 10, join(work, 'ten-minutes.mp4'));
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
  }

  if (runs('f')) {
    // (f) Issue 18: CPU per recorded hour, smart vs eager, on a corpus as the issue describes it: half
    // H.265 and half H.264 by count and by recorded time, 1080p30, recorder segments of 1, 5 and
    // 10 minutes (joined from the clips by stream copy), 5% linked to a case, over both codecs.
    // Each piece of work is measured once, in full, on each distinct file; the corpus sums them.
    const LENGTHS = [{ minutes: 1, count: 4 }, { minutes: 5, count: 12 }, { minutes: 10, count: 4 }];
    const LINKED_MINUTES = 5; // one recording of this length per codec is linked
    const CODECS = [
      { codec: 'H.265', clip: hevc, clipSeconds: HEVC_SECONDS },
      { codec: 'H.264', clip: h264, clipSeconds: H264_SECONDS },
    ] as const;
    const corpus: Array<{ codec: string; path: string; seconds: number; linked: boolean }> = [];
    for (const { codec, clip, clipSeconds } of CODECS) {
      for (const { minutes, count } of LENGTHS) {
        const seconds = minutes * 60;
        const path = seconds === clipSeconds ? clip : await joined(clip, seconds / clipSeconds, join(work, `${codec}-${minutes}min.mp4`));
        for (let i = 0; i < count; i++) corpus.push({ codec, path, seconds, linked: minutes === LINKED_MINUTES && i === 0 });
      }
    }

    const measured = new Map<string, number>();
    /** CPU of one piece of work on one file, measured the first time (in a scratch folder removed after). */
    const cpuOf = async (key: string, run: (dir: string) => Promise<unknown>): Promise<number> => {
      if (!measured.has(key)) {
        const dir = await mkdtemp(join(work, 'measure-'));
        measured.set(key, await cpuSeconds(() => run(dir)));
        await rm(dir, { recursive: true, force: true });
      }
      return measured.get(key)!;
    };
    // Verification: passthrough, poster and thumbnails for every recording, whatever the policy.
    const verification = (path: string) => cpuOf(`verification ${path}`, (dir) => makePassthrough(path, dir, {}));
    const rendition = (path: string) => cpuOf(`rendition ${path}`, (dir) => makeDerivatives(path, dir, { hlsMinSeconds: 300, maxLines: 720, images: false }));

    // Where one 5-minute recording of each codec spends it, stage by stage (best of 3 runs each:
    // CPU time under other load is noisy); the first runs load fluent-ffmpeg's checks and sharp.
    const perHour = (cpu: number, recorded: number): string => `${cpu.toFixed(2)} cpu-s  (${((cpu * 3600) / recorded).toFixed(1)} per recorded hour)`;
    const noop: FfmpegJob = { global: ['-nostdin', '-v', 'error'], inputs: [{ options: ['-f', 'lavfi'], path: 'nullsrc=s=16x16:d=0.04' }], outputs: [{ options: ['-f', 'null'], path: '-' }] };
    await runFfmpeg(noop);
    for (const { codec } of CODECS) {
      const recorded = LINKED_MINUTES * 60;
      const path = corpus.find((r) => r.codec === codec && r.seconds === recorded)!.path;
      const stage = async (label: string, run: (dir: string) => Promise<unknown>): Promise<number> => {
        const runs: number[] = [];
        for (let round = 0; round < 3; round++) {
          const dir = await mkdtemp(join(work, 'stage-'));
          runs.push(await cpuSeconds(() => run(dir)));
          await rm(dir, { recursive: true, force: true });
        }
        row(`(f) ${codec} ${LINKED_MINUTES} min: ${label}`, perHour(Math.min(...runs), recorded));
        return Math.min(...runs);
      };
      const tiles = { intervalSeconds: recorded / 100, tileWidth: 160 };
      const images = async (dir: string) => ({ poster: join(dir, 'poster.png'), posterSeconds: 5, tilesDir: await mkdtemp(join(dir, 'tiles-')), ...tiles });
      const plan = { hevc: codec === 'H.265', audio: { mode: 'copy' } } as const;
      await stage('an ffmpeg run doing nothing (start cost)', () => runFfmpeg(noop));
      await stage('probe (ffprobe + box scan)', () => probe(path));
      const copy = await stage('passthrough stream copy alone (HLS fMP4)', (dir) => runFfmpeg(passthroughJob(path, dir, plan)));
      const poster = await stage('  before: poster frame alone (accurate seek, PNG)', (dir) => runFfmpeg(posterJob(path, join(dir, 'poster.png'), 5)));
      const frames = await stage('  before: thumbnail frames alone (keyframes only)', (dir) => runFfmpeg(thumbnailFramesJob(path, dir, { ...tiles, keyframesOnly: true })));
      await stage('poster + thumbnail frames, one keyframe decode', async (dir) => runFfmpeg(imagesJob(path, await images(dir))));
      const one = await stage('passthrough + poster + thumbnails in one run (now)', async (dir) => runFfmpeg(passthroughJob(path, dir, { ...plan, images: await images(dir) })));
      row(`(f) ${codec}: before (copy, poster, frames: 3 runs) vs now (1 run)`, `${(copy + poster + frames).toFixed(2)} vs ${one.toFixed(2)} cpu-s`);
      const framesDir = await mkdtemp(join(work, 'frames-'));
      const made = await images(framesDir);
      await runFfmpeg(imagesJob(path, made));
      await stage('sharp: poster WebP + sprite (in process)', async (dir) => {
        await buildPoster(made.poster, join(dir, 'poster.webp'));
        await buildSprite(await readFrames(made.tilesDir), join(dir, 'sprite.webp'));
      });
      row(`(f) ${codec} ${LINKED_MINUTES} min: verification, all of it (makePassthrough)`, perHour(await verification(path), recorded));
      const info = await mediaOf(path);
      const transcode = await rendition(path);
      row(`(f) ${codec} ${LINKED_MINUTES} min: eager H.264 rendition (${decidePlayback(info, OPTS).action}; mp4 + HLS)`, `${perHour(transcode, recorded)}  ${(recorded / transcode).toFixed(1)}x realtime per core`);
    }

    const hoursOf = (recordings: typeof corpus): number => recordings.reduce((sum, r) => sum + r.seconds, 0) / 3600;
    const linked = corpus.filter((r) => r.linked);
    const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;
    const mix = LENGTHS.map(({ minutes, count }) => `${count} x ${minutes} min`).join(' + ');
    const perCodec = CODECS.map(({ codec }) => {
      const of = corpus.filter((r) => r.codec === codec);
      return `${of.length} ${codec} (${hoursOf(of).toFixed(2)} h)`;
    });
    console.log(`(f) corpus: ${corpus.length} recordings of 1080p30 test pattern, ${perCodec.join(' + ')}, each codec ${mix};` +
      ` linked ${linked.length} (${linked.map((r) => `${r.codec} ${r.seconds / 60} min`).join(', ')}): ${percent(linked.length, corpus.length)} by count, ${percent(hoursOf(linked), hoursOf(corpus))} by time`);
    const distinct = new Set(corpus.map((r) => r.path)).size;
    console.log(`(f) CPU measured once per distinct file (${distinct} files), each in full on the real file (nothing scaled); ffmpeg children + this process (sharp)`);
    const corpusCpu = async (policy: TranscodePolicy): Promise<{ verify: number; renditions: number }> => {
      const total = { verify: 0, renditions: 0 };
      for (const recording of corpus) {
        total.verify += await verification(recording.path);
        const facts = { important: false, linked: recording.linked, requiredStage: false, viewed: false, passthrough: true };
        if (decideTranscodeEagerness(policy, facts).transcode === 'now') total.renditions += await rendition(recording.path);
      }
      return total;
    };
    const hours = hoursOf(corpus);
    const smart = await corpusCpu('smart');
    const eager = await corpusCpu('eager');
    for (const [policy, cpu] of [['smart', smart], ['eager', eager]] as const) {
      row(`(f) ${policy} per recorded hour: verification + H.264 renditions`, `${(cpu.verify / hours).toFixed(1)} + ${(cpu.renditions / hours).toFixed(1)} cpu-s`);
    }
    const [smartHour, eagerHour] = [smart, eager].map((cpu) => (cpu.verify + cpu.renditions) / hours) as [number, number];
    console.log(`cpu-seconds per recorded hour: smart ${smartHour.toFixed(0)}, eager ${eagerHour.toFixed(0)}, ratio ${(smartHour / eagerHour).toFixed(3)}`);
  }

  if (runs('g')) {
    // (g) Issue 18: a never-transcoded 1080p H.265 recording opened in Chromium's reviewer page.
    console.log(`first frame, on-demand H.265: ${(await onDemandFirstFrame(hevc, 18890)).toFixed(1)} s`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
