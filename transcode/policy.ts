import type { MediaInfo, VideoInfo } from './probe';

export interface PlaybackOptions {
  /** Also make HLS when the recording is at least this long. */
  hlsMinSeconds: number;
  /** Upper bound for the short side of transcoded video (720 => "720p", landscape or portrait). */
  maxLines: number;
}

export type VideoPlan =
  | { mode: 'copy' }
  /** frameRate: force this constant rate; null keeps the source's (already constant) timing. */
  | { mode: 'encode'; width: number; height: number; frameRate: number | null };

export type AudioPlan = { mode: 'copy' } | { mode: 'encode'; channels: number } | { mode: 'none' };

export interface PlaybackDecision {
  /**
   * none: the original already is a browser-ready faststart MP4;
   * remux: browser-safe streams, only the container needs rewriting;
   * transcode: at least one stream must be re-encoded (the other may still be copied).
   */
  action: 'none' | 'remux' | 'transcode';
  /** Why the original cannot be served as is (empty for 'none'). */
  reasons: string[];
  video: VideoPlan;
  audio: AudioPlan;
  hls: boolean;
}

/** Browsers drop or stutter above this; sources beyond it (slow-motion modes) are resampled. */
const MAX_FRAME_RATE = 60;
const BROWSER_SAFE_AUDIO = new Set(['aac', 'mp3']);
const ISO_BMFF = 'mov,mp4,m4a,3gp,3g2,mj2';

export function decidePlayback(info: MediaInfo, opts: PlaybackOptions): PlaybackDecision {
  const { video, audio } = info;
  const videoReasons = videoProblems(video);
  const audioReasons = audio && !BROWSER_SAFE_AUDIO.has(audio.codec) ? [`audio codec ${audio.codec}`] : [];
  const containerReasons = !isMp4(info)
    ? [`container ${info.majorBrand === 'qt' ? 'quicktime' : info.container}`]
    : info.moovBeforeMdat
      ? []
      : ['moov atom after media data (no faststart)'];
  const encodes = videoReasons.length > 0 || audioReasons.length > 0;
  return {
    action: encodes ? 'transcode' : containerReasons.length > 0 ? 'remux' : 'none',
    reasons: [...videoReasons, ...audioReasons, ...containerReasons],
    video: videoReasons.length > 0
      ? { mode: 'encode', ...targetSize(video, opts.maxLines), frameRate: constantRate(video) }
      : { mode: 'copy' },
    audio: !audio
      ? { mode: 'none' }
      : audioReasons.length > 0
        ? { mode: 'encode', channels: Math.min(2, audio.channels || 2) } // stereo is enough to listen to
        : { mode: 'copy' },
    hls: info.durationSeconds !== null && info.durationSeconds >= opts.hlsMinSeconds,
  };
}

function videoProblems(video: VideoInfo): string[] {
  return [
    ...(video.codec === 'h264' ? [] : [`video codec ${video.codec}`]),
    ...(video.pixelFormat === 'yuv420p' ? [] : [`pixel format ${video.pixelFormat}`]),
    // Cannot come out of a 4:2:0 H.264 encoder, so it flags inconsistent stream metadata.
    ...(video.width % 2 === 0 && video.height % 2 === 0 ? [] : [`odd dimensions ${video.width}x${video.height}`]),
    ...(video.rotation === 0 ? [] : [`rotation ${video.rotation}`]),
    ...(video.variableFrameRate ? ['variable frame rate'] : []),
    ...(video.frameRate > MAX_FRAME_RATE ? [`frame rate ${round(video.frameRate)} above ${MAX_FRAME_RATE}`] : []),
  ];
}

function isMp4(info: MediaInfo): boolean {
  return info.container === ISO_BMFF && info.majorBrand !== 'qt';
}

/**
 * Display size (pixel aspect and rotation applied), shrunk so the short side fits maxLines;
 * never upscaled; both sides even because 4:2:0 chroma needs it.
 */
function targetSize(video: VideoInfo, maxLines: number): { width: number; height: number } {
  const stored = { width: video.width * video.sampleAspectRatio, height: video.height };
  const quarterTurn = video.rotation === 90 || video.rotation === 270;
  const width = quarterTurn ? stored.height : stored.width;
  const height = quarterTurn ? stored.width : stored.height;
  const scale = Math.min(1, maxLines / Math.min(width, height));
  return { width: even(width * scale), height: even(height * scale) };
}

/** Rounds down to even; the epsilon keeps 1279.9999999 (float noise) at 1280. */
function even(size: number): number {
  return Math.max(2, 2 * Math.floor(size / 2 + 1e-6));
}

/**
 * VFR becomes constant at the base rate, so no frame of the evidence is dropped
 * (only duplicated), unless the source exceeds MAX_FRAME_RATE.
 */
function constantRate(video: VideoInfo): number | null {
  if (video.variableFrameRate) return round(Math.min(MAX_FRAME_RATE, video.realFrameRate));
  return video.frameRate > MAX_FRAME_RATE ? MAX_FRAME_RATE : null;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Frames per second of the playable derivative (the player's frame step); null when unknown. */
export function derivativeFrameRate(info: MediaInfo, decision: PlaybackDecision): number | null {
  if (decision.video.mode === 'encode' && decision.video.frameRate !== null) return decision.video.frameRate;
  const rate = info.video.frameRate || info.video.realFrameRate;
  return rate > 0 ? round(rate) : null;
}
