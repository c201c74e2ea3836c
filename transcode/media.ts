import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { HLS_PLAYLIST, hlsJob, imagesJob, mp4Job, passthroughJob } from './args';
import type { FfmpegJob, KeyframeImages } from './args';
import type { Hwaccel } from '../core/config';
import { decodesOnDevice } from './hwaccel';
import { decidePlayback, passthroughAudio, passthroughCodecs } from './policy';
import type { PlaybackDecision, PlaybackOptions } from './policy';
import { probe } from './probe';
import type { MediaInfo } from './probe';
import { runFfmpeg } from './runner';
import { buildPoster, buildSprite, readFrames } from './thumbnails';

export interface DerivativeOptions extends PlaybackOptions {
  /** Upper bound on sprite tiles; they are spread evenly over the recording. */
  maxTiles?: number;
  tileWidth?: number;
  signal?: AbortSignal;
  /** Per ffmpeg run; by default 10 minutes plus 3x the recording's duration. */
  timeoutMs?: number;
  /** The accelerator that passed its probe at worker start (default none: software). */
  hwaccel?: Hwaccel;
  /** The MP4 already made (joined from chunks, transcode/chunked.ts): moved into place, not encoded again. */
  assembledMp4?: string;
  /** false: no poster and thumbnails (the passthrough job made them already). */
  images?: boolean;
  /** false: no passthrough (already made). */
  passthrough?: boolean;
}

/** passthrough: the original's H.264/H.265 stream-copied into HLS (fMP4); mp4 and hls: the H.264 rendition. */
export type DerivativeKind = 'mp4' | 'hls' | 'poster' | 'thumbnails' | 'passthrough';

export interface DerivativeFile {
  /** Absolute local path. */
  path: string;
  /** Name within the derivative, e.g. 'index.m3u8', 'seg-0001.m4s', 'video.mp4'. */
  name: string;
  mimeType: string;
}

export interface Derivative {
  kind: DerivativeKind;
  files: DerivativeFile[];
}

export type DerivativesResult =
  | { state: 'ready'; info: MediaInfo; decision: PlaybackDecision; derivatives: Derivative[] }
  | { state: 'unplayable'; reason: string };

const MIME_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.webp': 'image/webp',
  '.json': 'application/json',
};

/** Tile spacing when the container does not tell the duration. */
const UNKNOWN_DURATION_TILE_SECONDS = 10;

/** Share of the overall percentage each ffmpeg stage reports into (the MP4 step dominates). */
const STAGES = { mp4: [0, 85], hls: [85, 90], images: [90, 98] } as const;

/**
 * Makes the browser-playable derivatives of one original, which is only ever read.
 * Everything is written into a fresh directory under workDir, so no output can collide with
 * (or overwrite) the original even if it lives in workDir too.
 *
 * An MP4 derivative is always produced, also when the decision is 'none': the copy is a remux
 * (hundreds of times realtime), so players never need the original itself (access to it can
 * stay reserved to export and audit) and every MP4 derivative has the same shape: first video
 * and first audio stream only.
 *
 * Bad media found by probing gives 'unplayable'. ffmpeg failing afterwards throws (FfmpegError),
 * leaving the retry decision to the caller.
 */
export async function makeDerivatives(
  inputPath: string,
  workDir: string,
  opts: DerivativeOptions,
  onProgress: (percent: number) => void = () => {},
): Promise<DerivativesResult> {
  const probed = await probe(inputPath);
  if (!probed.playable) return { state: 'unplayable', reason: probed.reason };
  const { info } = probed;
  const decision = decidePlayback(info, opts);
  const outDir = await mkdtemp(join(resolve(workDir), 'derivatives-'));
  const run = runner(info, opts, onProgress);

  try {
    const mp4 = join(await dir(outDir, 'mp4'), 'video.mp4');
    const accel = opts.hwaccel ?? 'none';
    if (opts.assembledMp4) await rename(opts.assembledMp4, mp4);
    else await run(mp4Job(inputPath, mp4, decision, { accel, hwDecode: decodesOnDevice(accel, info.video) }), STAGES.mp4);
    const derivatives: Derivative[] = [{ kind: 'mp4', files: [file(mp4, 'video.mp4')] }];
    if (decision.hls) {
      const hlsDir = await dir(outDir, 'hls');
      await run(hlsJob(mp4, hlsDir), STAGES.hls);
      derivatives.push({ kind: 'hls', files: await filesIn(hlsDir) });
    }
    if (opts.images !== false) {
      const images = await keyframeImages(outDir, info.durationSeconds, opts);
      await run(imagesJob(mp4, images), STAGES.images);
      derivatives.push(...(await finishImages(images, outDir)));
    }
    onProgress(100); // the images stage stops short of it: sprite assembly follows ffmpeg
    return { state: 'ready', info, decision, derivatives };
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
}

type Run = (job: FfmpegJob, progressSpan?: readonly [number, number]) => Promise<void>;

/** Runs jobs on one recording, each reporting into its span of the overall percentage. */
function runner(info: MediaInfo, opts: Pick<DerivativeOptions, 'signal' | 'timeoutMs'>, onProgress: (percent: number) => void): Run {
  let reported = -1;
  const report = (span: readonly [number, number]) => (percent: number) => {
    const overall = Math.floor(span[0] + ((span[1] - span[0]) * percent) / 100);
    if (overall > reported) onProgress((reported = overall));
  };
  return (job, span) =>
    runFfmpeg(job, {
      durationSeconds: info.durationSeconds,
      onProgress: span && report(span),
      signal: opts.signal,
      // A hung ffmpeg (pathological input) must not hold the worker forever.
      timeoutMs: opts.timeoutMs ?? 600_000 + 3_000 * (info.durationSeconds ?? 3600),
    });
}

export type PassthroughResult =
  | { state: 'ready'; info: MediaInfo; codecs: string | null; derivatives: Derivative[] }
  | { state: 'unplayable'; reason: string };

/**
 * What every verified original gets at once, cheaply: the passthrough (when its video is H.264 or
 * H.265 with a codec string; stream copy, hundreds of times realtime) and the poster and
 * thumbnail sprite from the original's keyframes. Nothing is re-encoded but non-AAC audio.
 */
export async function makePassthrough(
  inputPath: string,
  workDir: string,
  opts: Omit<DerivativeOptions, keyof PlaybackOptions>,
  onProgress: (percent: number) => void = () => {},
): Promise<PassthroughResult> {
  const probed = await probe(inputPath);
  if (!probed.playable) return { state: 'unplayable', reason: probed.reason };
  const { info } = probed;
  const codecs = passthroughCodecs(info);
  const outDir = await mkdtemp(join(resolve(workDir), 'passthrough-'));
  const run = runner(info, opts, onProgress);
  try {
    const derivatives: Derivative[] = [];
    // Poster and thumbnails from the original (ffmpeg turns its frames upright), in the passthrough's run when there is one.
    const images = opts.images === false ? undefined : await keyframeImages(outDir, info.durationSeconds, opts);
    if (codecs && opts.passthrough !== false) {
      const hlsDir = await dir(outDir, 'passthrough');
      await run(passthroughJob(inputPath, hlsDir, { hevc: info.video.codec === 'hevc', audio: passthroughAudio(info.audio), images }), [0, 90]);
      derivatives.push({ kind: 'passthrough', files: await filesIn(hlsDir) });
    } else if (images) {
      await run(imagesJob(inputPath, images), [0, 90]);
    }
    if (images) derivatives.push(...(await finishImages(images, outDir)));
    onProgress(100);
    return { state: 'ready', info, codecs, derivatives };
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
}

/** Where ffmpeg leaves the poster and thumbnail frames of one recording: a scratch folder in outDir. */
async function keyframeImages(outDir: string, duration: number | null, opts: Pick<DerivativeOptions, 'maxTiles' | 'tileWidth'>): Promise<KeyframeImages> {
  const framesDir = await dir(outDir, 'frames');
  return {
    poster: join(framesDir, 'poster.png'),
    posterSeconds: Math.min((duration ?? 0) * 0.1, 5),
    tilesDir: await dir(framesDir, 'tiles'),
    intervalSeconds: duration ? duration / (opts.maxTiles ?? 100) : UNKNOWN_DURATION_TILE_SECONDS,
    tileWidth: opts.tileWidth ?? 160,
  };
}

/** The poster WebP and the thumbnail sprite from the frames ffmpeg left; the frames are removed. */
async function finishImages(images: KeyframeImages, outDir: string): Promise<Derivative[]> {
  const poster = join(await dir(outDir, 'poster'), 'poster.webp');
  await buildPoster(images.poster, poster);
  const thumbnailsDir = await dir(outDir, 'thumbnails');
  const sheet = await buildSprite(await readFrames(images.tilesDir), join(thumbnailsDir, 'sprite.webp'));
  await writeFile(join(thumbnailsDir, 'thumbnails.json'), JSON.stringify(sheet));
  await rm(dirname(images.poster), { recursive: true });
  return [
    { kind: 'poster', files: [file(poster, 'poster.webp')] },
    { kind: 'thumbnails', files: await filesIn(thumbnailsDir) },
  ];
}

async function dir(parent: string, name: string): Promise<string> {
  const path = join(parent, name);
  await mkdir(path);
  return path;
}

function file(path: string, name: string): DerivativeFile {
  const extension = name.slice(name.lastIndexOf('.'));
  return { path, name, mimeType: MIME_TYPES[extension] ?? 'application/octet-stream' };
}

/** In name order, except that an HLS playlist comes first. */
async function filesIn(directory: string): Promise<DerivativeFile[]> {
  const names = (await readdir(directory)).sort();
  const ordered = names.includes(HLS_PLAYLIST)
    ? [HLS_PLAYLIST, ...names.filter((name) => name !== HLS_PLAYLIST)]
    : names;
  return ordered.map((name) => file(join(directory, name), name));
}
