import { join, resolve } from 'node:path';
import { GLOBAL_OPTIONS, audioOptions, type FfmpegJob } from './args';
import type { AudioPlan } from './policy';

/**
 * Chunked transcoding of long recordings: the pure parts (where to cut, the ffmpeg jobs that cut
 * and join, whether the joined result is whole). transcode/chunked.ts runs them.
 */

/** Seconds [start, end) of the source; start is a keyframe, so the chunk decodes on its own. */
export interface Chunk {
  index: number;
  start: number;
  end: number;
}

/**
 * Cuts at keyframes: each cut is the first keyframe at least `chunkSeconds` after the previous
 * one; a tail shorter than half a chunk stays with the chunk before it. `keyframes` are the
 * video's keyframe times in seconds (any order).
 */
export function planChunks(keyframes: readonly number[], durationSeconds: number, chunkSeconds: number): Chunk[] {
  const cuts: number[] = [];
  let last = 0;
  for (const time of [...keyframes].sort((a, b) => a - b)) {
    if (time - last >= chunkSeconds && durationSeconds - time >= chunkSeconds / 2) {
      cuts.push(time);
      last = time;
    }
  }
  const starts = [0, ...cuts];
  return starts.map((start, index) => ({ index, start, end: starts[index + 1] ?? durationSeconds }));
}

/** Most a joined recording's duration may differ from its source's. */
export const DURATION_TOLERANCE_SECONDS = 0.1;

/**
 * Whether a joined recording is whole: its duration within 0.1 s of the source's, and no gap
 * between consecutive video frames (presentation times, any order) beyond one frame.
 * Answers what is wrong, or null.
 */
export function assemblyProblem(check: { sourceSeconds: number; resultSeconds: number; framePts: readonly number[]; frameSeconds: number }): string | null {
  const { sourceSeconds, resultSeconds, frameSeconds } = check;
  if (!(Math.abs(resultSeconds - sourceSeconds) <= DURATION_TOLERANCE_SECONDS)) {
    return `duration ${resultSeconds.toFixed(3)} s differs from the source's ${sourceSeconds.toFixed(3)} s by more than ${DURATION_TOLERANCE_SECONDS} s`;
  }
  const pts = [...check.framePts].sort((a, b) => a - b);
  if (pts.length === 0) return 'no video frames';
  // Half a frame of slack for timestamp rounding; a missing frame is a whole frame more.
  const gap = pts.findIndex((t, i) => i > 0 && t - pts[i - 1]! > frameSeconds * 1.5);
  if (gap > 0) return `video jumps from ${pts[gap - 1]!.toFixed(3)} s to ${pts[gap]!.toFixed(3)} s (frames missing)`;
  return null;
}

const file = (path: string) => `file:${resolve(path)}`;

/** Stream-copies the first video stream into one NUT file per chunk (NUT keeps exact timestamps), each starting at 0. */
export function splitJob(input: string, dir: string, chunks: readonly Chunk[]): FfmpegJob {
  return {
    global: [...GLOBAL_OPTIONS],
    inputs: [{ options: ['-protocol_whitelist', 'file'], path: file(input) }],
    outputs: [{
      options: [
        '-map', '0:V:0', '-c', 'copy',
        '-f', 'segment', '-segment_format', 'nut', '-reset_timestamps', '1',
        '-segment_times', chunks.slice(1).map((c) => c.start.toFixed(6)).join(','),
      ],
      path: file(join(dir, 'source-%04d.nut')),
    }],
  };
}

export const chunkSourceName = (index: number) => `source-${String(index).padStart(4, '0')}.nut`;
export const chunkOutputName = (index: number) => `out-${String(index).padStart(4, '0')}.mp4`;

/** The concat demuxer's list of the encoded chunks, in order. */
export function concatList(paths: readonly string[]): string {
  return paths.map((p) => `file '${resolve(p).replaceAll("'", "'\\''")}'\n`).join('');
}

/**
 * Joins the encoded chunks without re-encoding (concat demuxer, -c copy) and adds the source's
 * audio (copied or encoded as the plan says, in one piece: chunked audio would click at every cut).
 */
export function joinJob(list: string, original: string, output: string, audio: AudioPlan): FfmpegJob {
  return {
    global: [...GLOBAL_OPTIONS],
    inputs: [
      { options: ['-protocol_whitelist', 'file', '-f', 'concat', '-safe', '0'], path: file(list) },
      { options: ['-protocol_whitelist', 'file'], path: file(original) },
    ],
    outputs: [{
      options: ['-map', '0:v:0', ...(audio.mode === 'none' ? ['-an'] : ['-map', '1:a:0', ...audioOptions(audio)]), '-c:v', 'copy', '-movflags', '+faststart', '-f', 'mp4'],
      path: file(output),
    }],
  };
}
