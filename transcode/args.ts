import { join, resolve } from 'node:path';
import type { Hwaccel } from '../core/config';
import { videoEncodeArgs } from './hwaccel';
import type { AudioPlan, VideoPlan } from './policy';

/**
 * One ffmpeg invocation, kept structured (not one flat list) so the runner can hand inputs and
 * outputs to fluent-ffmpeg as they are; toArgv gives the equivalent command line.
 */
export interface FfmpegJob {
  global: string[];
  inputs: Array<{ options: string[]; path: string }>;
  outputs: Array<{ options: string[]; path: string }>;
}

/**
 * Errors only on stderr plus machine-readable progress blocks ("out_time_us=...") there too,
 * which the runner turns into percentages.
 */
export const GLOBAL_OPTIONS: readonly string[] = [
  '-nostdin', '-y', '-hide_banner', '-v', 'error', '-nostats', '-progress', 'pipe:2',
];

/** Keyframe spacing of encoded video: seek granularity and the HLS segment grid. */
export const KEYFRAME_SECONDS = 2;

export function toArgv(job: FfmpegJob): string[] {
  return [
    ...job.global,
    ...job.inputs.flatMap((input) => [...input.options, '-i', input.path]),
    ...job.outputs.flatMap((output) => [...output.options, output.path]),
  ];
}

/**
 * Inputs may only read local files: demuxers such as HLS or concat would otherwise follow URLs
 * found inside an untrusted file. The file: prefix (inputs and outputs) keeps a ':' in a name
 * from selecting a protocol.
 */
function fileInput(path: string, options: string[] = []): { options: string[]; path: string } {
  return { options: ['-protocol_whitelist', 'file', ...options], path: fileUrl(path) };
}

function fileUrl(path: string): string {
  return `file:${resolve(path)}`;
}

function job(input: { options: string[]; path: string }, outputOptions: string[], output: string): FfmpegJob {
  return { global: [...GLOBAL_OPTIONS], inputs: [input], outputs: [{ options: outputOptions, path: fileUrl(output) }] };
}

/**
 * Browser-playable MP4 with the movie header first. With both plans 'copy' this is a remux;
 * otherwise H.264 yuv420p / AAC for whatever must be encoded. Only the first video and audio
 * streams are kept: data and timecode tracks confuse players.
 */
export function mp4Job(input: string, output: string, plan: { video: VideoPlan; audio: AudioPlan }, encoder: Encoder = SOFTWARE): FfmpegJob {
  const { video, audio } = plan;
  const encode = video.mode === 'encode' ? videoEncodeArgs(encoder.accel, video, { hwDecode: encoder.hwDecode, keyframeSeconds: KEYFRAME_SECONDS }) : null;
  return job(
    fileInput(input, encode?.input),
    [
      '-map', '0:V:0', // capital V: video streams except attached pictures (cover art)
      ...(audio.mode === 'none' ? ['-an'] : ['-map', '0:a:0']),
      '-sn', '-dn',
      ...(encode?.output ?? ['-c:v', 'copy']),
      ...audioOptions(audio),
      '-movflags', '+faststart',
      '-f', 'mp4',
    ],
    output,
  );
}

/** Which accelerator encodes video, and whether the source is decoded on it (hwaccel.ts decodesOnDevice). */
export interface Encoder {
  accel: Hwaccel;
  hwDecode: boolean;
}
export const SOFTWARE: Encoder = { accel: 'none', hwDecode: false };

export function audioOptions(audio: AudioPlan): string[] {
  if (audio.mode === 'none') return [];
  if (audio.mode === 'copy') return ['-c:a', 'copy'];
  return ['-c:a', 'aac', '-b:a', audio.channels > 1 ? '128k' : '64k', '-ac', String(audio.channels)];
}

export const HLS_PLAYLIST = 'index.m3u8';
export const HLS_INIT = 'init.mp4';

/** HLS with fMP4 segments into `dir`: VOD (complete when written) or EVENT (grows while it is made). */
function hlsOutput(dir: string, segmentSeconds: number, type: 'vod' | 'event'): string[] {
  return [
    '-f', 'hls',
    '-hls_segment_type', 'fmp4',
    '-hls_time', String(segmentSeconds),
    '-hls_playlist_type', type,
    '-hls_list_size', '0',
    // temp_file: the playlist is replaced whole, so a reader never sees half of it.
    '-hls_flags', 'independent_segments+temp_file',
    '-hls_fmp4_init_filename', HLS_INIT,
    '-start_number', '1',
    '-hls_segment_filename', fileUrl(join(dir, 'seg-%04d.m4s')),
  ];
}

/** VOD HLS with fMP4 segments, stream-copied from the MP4 derivative (cut at its keyframes). */
export function hlsJob(mp4: string, dir: string, segmentSeconds = 2 * KEYFRAME_SECONDS): FfmpegJob {
  return job(fileInput(mp4), ['-map', '0', '-c', 'copy', ...hlsOutput(dir, segmentSeconds, 'vod')], join(dir, HLS_PLAYLIST));
}

/**
 * The passthrough: the original's H.264 or H.265 video stream-copied (no re-encode) into HLS
 * with fMP4 segments, cut at its own keyframes. HEVC is tagged hvc1 (the sample entry browsers
 * accept); audio is copied when it is AAC, else encoded to AAC. With `images`, the same run
 * also decodes the keyframes into the poster and thumbnail frames: one read of the original.
 */
export function passthroughJob(input: string, dir: string, plan: { hevc: boolean; audio: AudioPlan; images?: KeyframeImages }): FfmpegJob {
  const images = plan.images && keyframeImages(plan.images);
  return {
    global: [...GLOBAL_OPTIONS, ...(images?.global ?? [])],
    // Decoder options: the stream copy still gets every packet.
    inputs: [fileInput(input, images ? KEYFRAMES_ONLY : [])],
    outputs: [
      {
        options: [
          '-map', '0:V:0',
          ...(plan.audio.mode === 'none' ? ['-an'] : ['-map', '0:a:0']),
          '-sn', '-dn',
          '-c:v', 'copy', ...(plan.hevc ? ['-tag:v', 'hvc1'] : []),
          ...audioOptions(plan.audio),
          ...hlsOutput(dir, 2 * KEYFRAME_SECONDS, 'vod'),
        ],
        path: fileUrl(join(dir, HLS_PLAYLIST)),
      },
      ...(images?.outputs ?? []),
    ],
  };
}

/** The segment length of renditions made for viewers (one keyframe interval: the first shows soonest). */
export const RENDITION_SEGMENT_SECONDS = KEYFRAME_SECONDS;

/**
 * The just-in-time H.264 rendition a viewer waits for: encoded straight into an EVENT playlist
 * of short segments (one keyframe interval each), so the first can be served while the rest
 * are made.
 */
export function renditionJob(input: string, dir: string, plan: { video: VideoPlan; audio: AudioPlan }, encoder: Encoder = SOFTWARE): FfmpegJob {
  const encode = plan.video.mode === 'encode' ? videoEncodeArgs(encoder.accel, plan.video, { hwDecode: encoder.hwDecode, keyframeSeconds: KEYFRAME_SECONDS }) : null;
  return job(
    fileInput(input, encode?.input),
    [
      '-map', '0:V:0',
      ...(plan.audio.mode === 'none' ? ['-an'] : ['-map', '0:a:0']),
      '-sn', '-dn',
      ...(encode?.output ?? ['-c:v', 'copy']),
      ...audioOptions(plan.audio),
      ...hlsOutput(dir, RENDITION_SEGMENT_SECONDS, 'event'),
    ],
    join(dir, HLS_PLAYLIST),
  );
}

/**
 * One full-size PNG of the frame at `seconds` (the poster; a still frame captured from an original).
 * Without -noaccurate_seek ffmpeg would discard the preceding keyframe and, in a clip with a single
 * keyframe, output nothing. Autorotation turns the frame upright as players show it.
 */
export function posterJob(input: string, output: string, seconds: number): FfmpegJob {
  // Accurate seek: decodes at most one GOP. Keyframes only would find no frame when the
  // clip's only keyframe lies before the poster time (short recorder segments).
  return job(
    fileInput(input, ['-ss', seconds.toFixed(3)]),
    ['-map', '0:V:0', '-frames:v', '1', '-c:v', 'png', '-f', 'image2', '-update', '1'],
    output,
  );
}

/** Only keyframes reach the video decoder (-skip_frame nokey): posters and thumbnails need no others. */
const KEYFRAMES_ONLY = ['-skip_frame:v', 'nokey'];

/** Frames at least `intervalSeconds` apart (the first always), scaled to `tileWidth`. */
const spacedTiles = (intervalSeconds: number, tileWidth: number): string =>
  `select=isnan(prev_selected_t)+gte(t-prev_selected_t\\,${intervalSeconds.toFixed(3)}),scale=${tileWidth}:-2`;

/** Tiles are named by their time in milliseconds (<ms>.png), so the sprite knows where each sits. */
const TILE_OUTPUT = ['-fps_mode', 'passthrough', '-enc_time_base', '1/1000', '-frame_pts', '1', '-c:v', 'png', '-f', 'image2'];

/**
 * Small frames at least `intervalSeconds` apart, named by their time in milliseconds
 * (<ms>.png) so the sprite knows where each tile sits on the timeline.
 * keyframesOnly decodes only keyframes (-skip_frame nokey): far cheaper. The pipeline makes its
 * tiles with the poster in one run (imagesJob, passthroughJob); this form is the benchmark's, to
 * compare keyframes with full decoding and with the separate runs of before.
 */
export function thumbnailFramesJob(
  input: string,
  dir: string,
  opts: { intervalSeconds: number; tileWidth: number; keyframesOnly: boolean },
): FfmpegJob {
  return job(
    fileInput(input, opts.keyframesOnly ? KEYFRAMES_ONLY : []),
    ['-map', '0:V:0', '-vf', spacedTiles(opts.intervalSeconds, opts.tileWidth), ...TILE_OUTPUT],
    join(dir, '%d.png'),
  );
}

/** Where one decode of a recording's keyframes leaves the poster and the thumbnail frames. */
export interface KeyframeImages {
  /** Full-size PNG: the first keyframe at or after posterSeconds, else the first frame. */
  poster: string;
  posterSeconds: number;
  /** <ms>.png tiles, as thumbnailFramesJob writes them. */
  tilesDir: string;
  intervalSeconds: number;
  tileWidth: number;
}

/**
 * The filter graph and outputs that turn the first video stream's keyframes into poster and
 * tiles. The poster branch keeps at most two frames (the first, then the first keyframe from
 * posterSeconds on), each overwriting poster.png: two full-size PNGs at most, no second decode.
 */
function keyframeImages(images: KeyframeImages): { global: string[]; outputs: FfmpegJob['outputs'] } {
  const at = images.posterSeconds.toFixed(3);
  const poster = `select=isnan(prev_selected_t)+gte(t\\,${at})*lt(prev_selected_t\\,${at})`;
  const graph = `[0:V:0]split[p][t];[p]${poster}[poster];[t]${spacedTiles(images.intervalSeconds, images.tileWidth)}[tiles]`;
  return {
    global: ['-filter_complex', graph],
    outputs: [
      { options: ['-map', '[poster]', '-fps_mode', 'passthrough', '-c:v', 'png', '-f', 'image2', '-update', '1'], path: fileUrl(images.poster) },
      { options: ['-map', '[tiles]', ...TILE_OUTPUT], path: fileUrl(join(images.tilesDir, '%d.png')) },
    ],
  };
}

/** Poster and thumbnail frames from one decode of the keyframes (when there is no passthrough to make with them). */
export function imagesJob(input: string, images: KeyframeImages): FfmpegJob {
  const { global, outputs } = keyframeImages(images);
  return { global: [...GLOBAL_OPTIONS, ...global], inputs: [fileInput(input, KEYFRAMES_ONLY)], outputs };
}
