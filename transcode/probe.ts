import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { moovBeforeMdat, topLevelBoxes } from './atoms';

export type Rotation = 0 | 90 | 180 | 270;

export interface VideoInfo {
  codec: string;
  /** Container fourcc, e.g. 'hvc1' vs 'hev1' for H.265. */
  codecTag: string;
  /** ffprobe's profile name ('High', 'Main 10', ...); '' when unknown. */
  profile: string;
  /** ffprobe's level: level_idc for H.264 (40 = 4.0), general_level_idc for H.265 (120 = 4.0); 0 when unknown. */
  level: number;
  pixelFormat: string;
  width: number;
  height: number;
  sampleAspectRatio: number;
  /** Clockwise degrees a player must rotate decoded frames for display. */
  rotation: Rotation;
  /** Average frame rate (frames / duration); 0 when unknown. */
  frameRate: number;
  /** ffprobe's r_frame_rate: the base rate all timestamps fit; 0 when unknown. */
  realFrameRate: number;
  variableFrameRate: boolean;
}

export interface AudioInfo {
  codec: string;
  /** ffprobe's profile name, e.g. 'LC' or 'HE-AAC' for AAC; '' when unknown. */
  profile: string;
  channels: number;
  sampleRate: number;
}

export interface MediaInfo {
  /** ffprobe format_name, e.g. 'mov,mp4,m4a,3gp,3g2,mj2' or 'avi'. */
  container: string;
  /** ISO-BMFF major brand ('isom', 'qt', ...), null for other containers. */
  majorBrand: string | null;
  /** null when the container does not tell. */
  durationSeconds: number | null;
  /** moov box before mdat ("faststart"); false for non-MP4 containers. */
  moovBeforeMdat: boolean;
  video: VideoInfo;
  audio: AudioInfo | null;
}

export type ProbeResult = { playable: true; info: MediaInfo } | { playable: false; reason: string };

/** Everything interpretProbe needs; the recorded unit-test fixtures have exactly this shape. */
export interface ProbeRecord {
  exitCode: number;
  /** ffprobe's stderr with the input's path removed. */
  stderr: string;
  /** Parsed JSON printed by ffprobe (null when it printed nothing parseable). */
  output: unknown;
  topLevelBoxes: string[];
}

export interface ProbeOptions {
  timeoutMs?: number;
  /** Bounds how much of the file ffprobe reads to find streams (bytes / microseconds). */
  probeSizeBytes?: number;
  analyzeDurationUs?: number;
}

/** Probes a local file. Bad media gives { playable: false }; throws only for operational failures. */
export async function probe(path: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  return interpretProbe(await runProbe(path, opts));
}

/** Runs ffprobe and reads the box layout. Throws if the file is missing, ffprobe is missing or it timed out. */
export async function runProbe(path: string, opts: ProbeOptions = {}): Promise<ProbeRecord> {
  const boxes = await topLevelBoxes(path); // also surfaces a missing file as ENOENT, not as "unplayable"
  // The file: prefix stops a ':' in the name from being read as a protocol.
  const url = `file:${resolve(path)}`;
  const args = [
    '-v', 'error', '-hide_banner',
    '-protocol_whitelist', 'file',
    '-probesize', String(opts.probeSizeBytes ?? 10_000_000),
    '-analyzeduration', String(opts.analyzeDurationUs ?? 10_000_000),
    '-print_format', 'json', '-show_format', '-show_streams',
    url,
  ];
  const { exitCode, stdout, stderr } = await execFfprobe(args, opts.timeoutMs ?? 30_000);
  return {
    exitCode,
    stderr: stderr.replaceAll(`${url}: `, ''),
    output: parseJson(stdout),
    topLevelBoxes: boxes,
  };
}

function execFfprobe(args: string[], timeoutMs: number): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(
      'ffprobe',
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return done({ exitCode: 0, stdout, stderr });
        if (typeof error.code === 'number') return done({ exitCode: error.code, stdout, stderr });
        if (error.killed) return fail(new Error(`ffprobe timed out after ${timeoutMs} ms`));
        fail(error); // ENOENT (ffprobe missing), output too large, ...
      },
    );
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Pure: turns what ffprobe said into MediaInfo or an unplayable reason. */
export function interpretProbe(record: ProbeRecord): ProbeResult {
  if (record.exitCode !== 0) {
    return { playable: false, reason: ffprobeReason(record.stderr) || `ffprobe exited with code ${record.exitCode}` };
  }
  const output = asObject(record.output);
  const format = asObject(output.format);
  const streams = Array.isArray(output.streams) ? output.streams.map(asObject) : [];
  // Attached pictures (cover art) are video streams too, but not the recording.
  const video = streams.find((s) => s.codec_type === 'video' && asObject(s.disposition).attached_pic !== 1);
  if (!video) return { playable: false, reason: 'no video stream' };
  const width = numberOf(video.width);
  const height = numberOf(video.height);
  if (!(width > 0 && height > 0)) return { playable: false, reason: 'video stream has no dimensions' };
  const audio = streams.find((s) => s.codec_type === 'audio');
  const frameRate = ratio(video.avg_frame_rate);
  const realFrameRate = ratio(video.r_frame_rate);
  const duration = numberOf(format.duration) || numberOf(video.duration);
  const brand = asObject(format.tags).major_brand;
  return {
    playable: true,
    info: {
      container: stringOf(format.format_name),
      majorBrand: typeof brand === 'string' ? brand.trim() : null,
      durationSeconds: duration > 0 ? duration : null,
      moovBeforeMdat: moovBeforeMdat(record.topLevelBoxes),
      video: {
        codec: stringOf(video.codec_name),
        codecTag: stringOf(video.codec_tag_string),
        profile: stringOf(video.profile),
        level: Math.max(0, numberOf(video.level)),
        pixelFormat: stringOf(video.pix_fmt),
        width,
        height,
        sampleAspectRatio: ratio(video.sample_aspect_ratio, ':') || 1,
        rotation: rotationOf(video),
        frameRate,
        realFrameRate,
        variableFrameRate: isVariable(frameRate, realFrameRate),
      },
      audio: audio
        ? {
            codec: stringOf(audio.codec_name),
            profile: stringOf(audio.profile),
            channels: numberOf(audio.channels),
            sampleRate: numberOf(audio.sample_rate),
          }
        : null,
    },
  };
}

/** ffprobe's own words, minus the per-run context address ("[mov,mp4 @ 0x55...]" -> "[mov,mp4]"). */
function ffprobeReason(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.replace(/ @ 0x[0-9a-f]+\]/, ']').trim())
    .filter(Boolean)
    .join('; ')
    .slice(0, 1000);
}

/** Display matrix (ffmpeg >= 5: counter-clockwise degrees) wins over the legacy clockwise 'rotate' tag. */
function rotationOf(video: Record<string, unknown>): Rotation {
  const sideData = Array.isArray(video.side_data_list) ? video.side_data_list.map(asObject) : [];
  const matrix = sideData.find((d) => d.side_data_type === 'Display Matrix');
  const clockwise = matrix ? -numberOf(matrix.rotation) : numberOf(asObject(video.tags).rotate);
  return ((((Math.round(clockwise / 90) * 90) % 360) + 360) % 360) as Rotation;
}

/**
 * VFR when the average rate differs from the base rate by more than 1%: CFR files match
 * within rounding, VFR files (phones, dropped frames) fall well below the base rate.
 */
function isVariable(average: number, base: number): boolean {
  return average > 0 && base > 0 && Math.abs(base - average) / base > 0.01;
}

function ratio(value: unknown, separator = '/'): number {
  const [num, den] = stringOf(value).split(separator).map(Number);
  return num !== undefined && den !== undefined && num > 0 && den > 0 ? num / den : 0;
}

function numberOf(value: unknown): number {
  const n = typeof value === 'number' ? value : Number.parseFloat(stringOf(value));
  return Number.isFinite(n) ? n : 0;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
