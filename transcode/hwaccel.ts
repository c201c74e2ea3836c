import { execFile } from 'node:child_process';
import type { Hwaccel } from '../core/config';
import type { FfmpegJob } from './args';
import { runFfmpeg } from './runner';

/** The render node of the first GPU, as docker-compose passes /dev/dri to a worker. */
const DRI = '/dev/dri/renderD128';

/**
 * One accelerator's arguments, in the shape of immich's per-accelerator configs: how frames are
 * decoded on the device, how software frames get there, how they are scaled, which encoder and
 * which rate control.
 */
interface AccelConfig {
  /** Input options: decode on the device, frames stay there. */
  hwDecode: string[];
  /** Input options when decoding in software: open the device for the upload filter. */
  swDecode: string[];
  /** Filters that move software frames to the device. */
  upload: string[];
  scale(width: number, height: number): string;
  encoder: string[];
  rateControl: string[];
}

const CONFIGS: Record<Hwaccel, AccelConfig> = {
  none: {
    hwDecode: [],
    swDecode: [],
    upload: [],
    scale: (w, h) => `scale=${w}:${h}`,
    encoder: ['-c:v', 'libx264', '-preset', 'veryfast'],
    rateControl: ['-crf', '23'],
  },
  vaapi: {
    hwDecode: ['-hwaccel', 'vaapi', '-hwaccel_device', DRI, '-hwaccel_output_format', 'vaapi'],
    swDecode: ['-init_hw_device', `vaapi=hw:${DRI}`, '-filter_hw_device', 'hw'],
    upload: ['format=nv12', 'hwupload'],
    scale: (w, h) => `scale_vaapi=w=${w}:h=${h}:format=nv12`,
    encoder: ['-c:v', 'h264_vaapi'],
    rateControl: ['-rc_mode', 'CQP', '-qp', '23'],
  },
  qsv: {
    hwDecode: ['-init_hw_device', `vaapi=va:${DRI}`, '-init_hw_device', 'qsv=hw@va', '-filter_hw_device', 'hw', '-hwaccel', 'qsv', '-hwaccel_output_format', 'qsv'],
    swDecode: ['-init_hw_device', `vaapi=va:${DRI}`, '-init_hw_device', 'qsv=hw@va', '-filter_hw_device', 'hw'],
    upload: ['format=nv12', 'hwupload=extra_hw_frames=64'],
    scale: (w, h) => `scale_qsv=w=${w}:h=${h}`,
    encoder: ['-c:v', 'h264_qsv', '-preset', 'veryfast'],
    rateControl: ['-global_quality', '23'],
  },
  nvenc: {
    hwDecode: ['-hwaccel', 'cuda', '-hwaccel_output_format', 'cuda'],
    swDecode: ['-init_hw_device', 'cuda=hw', '-filter_hw_device', 'hw'],
    upload: ['format=nv12', 'hwupload_cuda'],
    scale: (w, h) => `scale_cuda=${w}:${h}:format=nv12`,
    // -forced-idr: the forced keyframes (the HLS grid) become IDR frames.
    encoder: ['-c:v', 'h264_nvenc', '-preset', 'p1', '-forced-idr', '1'],
    rateControl: ['-rc', 'vbr', '-cq', '23', '-b:v', '0'],
  },
};

/** The encoder ffmpeg must list for the accelerator. */
export const encoderName = (accel: Hwaccel): string => CONFIGS[accel].encoder[1]!;

/**
 * Whether a source is decoded on the device: only codecs every accelerator decodes, and only
 * upright frames (ffmpeg's autorotation filters run on software frames).
 */
export function decodesOnDevice(accel: Hwaccel, source: { codec: string; rotation: number }): boolean {
  return accel !== 'none' && (source.codec === 'h264' || source.codec === 'hevc') && source.rotation === 0;
}

export interface EncodeTarget {
  width: number;
  height: number;
  /** null keeps the source's (constant) timing. */
  frameRate: number | null;
}

/**
 * Input and output options that encode video to H.264 High (8-bit 4:2:0) at the target size
 * with the accelerator; forced keyframes every `keyframeSeconds`.
 */
export function videoEncodeArgs(accel: Hwaccel, target: EncodeTarget, opts: { hwDecode: boolean; keyframeSeconds: number }): { input: string[]; output: string[] } {
  const config = CONFIGS[accel];
  const hwDecode = opts.hwDecode && accel !== 'none';
  const filters = [
    ...(target.frameRate === null ? [] : [`fps=${target.frameRate}`]),
    ...(hwDecode ? [] : config.upload),
    config.scale(target.width, target.height),
    'setsar=1',
  ];
  return {
    input: hwDecode ? config.hwDecode : config.swDecode,
    output: [
      '-vf', filters.join(','),
      ...(target.frameRate === null ? [] : ['-fps_mode', 'cfr']),
      ...config.encoder,
      ...config.rateControl,
      '-profile:v', 'high',
      // Hardware encoders take the device's nv12 frames as they are.
      ...(accel === 'none' ? ['-pix_fmt', 'yuv420p'] : []),
      '-force_key_frames', `expr:gte(t,n_forced*${opts.keyframeSeconds})`,
    ],
  };
}

/** One second of generated video through the accelerator's software-decode path into nothing. */
export function testEncodeJob(accel: Hwaccel): FfmpegJob {
  const args = videoEncodeArgs(accel, { width: 320, height: 240, frameRate: null }, { hwDecode: false, keyframeSeconds: 2 });
  return {
    global: ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', '-progress', 'pipe:2'],
    inputs: [{ options: [...args.input, '-f', 'lavfi'], path: 'testsrc2=duration=1:size=320x240:rate=30' }],
    outputs: [{ options: [...args.output, '-f', 'null'], path: '-' }],
  };
}

type Log = { info(o: object, m: string): void; warn(o: object, m: string): void };

/**
 * At worker start: is the chosen accelerator's encoder built into ffmpeg, and does a one-second
 * test encode on the device work? Answers the accelerator to use: the chosen one, or 'none'
 * (software) with a warning saying why.
 */
export async function probeHwaccel(accel: Hwaccel, log: Log): Promise<Hwaccel> {
  if (accel === 'none') return 'none';
  const encoder = encoderName(accel);
  const failure = (await listsEncoder(encoder)) ? await testEncode(accel) : `ffmpeg has no ${encoder} encoder`;
  if (failure === null) {
    log.info({ hwaccel: accel, encoder }, `hardware encoder ready: ${accel} (${encoder})`);
    return accel;
  }
  log.warn({ hwaccel: accel, encoder, reason: failure }, `EVIDENCE_HWACCEL=${accel} does not work here, transcoding in software (libx264): ${failure}`);
  return 'none';
}

function listsEncoder(encoder: string): Promise<boolean> {
  return new Promise((done) => {
    execFile('ffmpeg', ['-hide_banner', '-encoders'], { timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
      done(!error && new RegExp(`^\\s*V\\S*\\s+${encoder}\\s`, 'm').test(stdout));
    });
  });
}

async function testEncode(accel: Hwaccel): Promise<string | null> {
  try {
    await runFfmpeg(testEncodeJob(accel), { timeoutMs: 30_000 });
    return null;
  } catch (error) {
    // ffmpeg's own words (no device, no driver, ...), minus per-run context addresses.
    const text = error instanceof Error ? error.message : String(error);
    return text.split('\n').map((line) => line.replace(/ @ 0x[0-9a-f]+\]/, ']').trim()).filter(Boolean).join('; ').slice(0, 500);
  }
}
