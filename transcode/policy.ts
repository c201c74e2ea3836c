import type { AudioInfo, MediaInfo, VideoInfo } from './probe';

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
export function derivativeFrameRate(info: MediaInfo, decision: Pick<PlaybackDecision, 'video'>): number | null {
  if (decision.video.mode === 'encode' && decision.video.frameRate !== null) return decision.video.frameRate;
  const rate = info.video.frameRate || info.video.realFrameRate;
  return rate > 0 ? round(rate) : null;
}

/** EVIDENCE_TRANSCODE_POLICY: when the H.264 rendition is made (issue 18). */
export const TRANSCODE_POLICIES = ['eager', 'smart', 'on-demand'] as const;
export type TranscodePolicy = (typeof TRANSCODE_POLICIES)[number];

/** What is known about a recording when deciding whether to transcode it before anyone asks. */
export interface FootageFacts {
  important: boolean;
  /** Linked to a case. */
  linked: boolean;
  /** Recorded at a case stage whose rules require recording. */
  requiredStage: boolean;
  /** Somebody has watched (or asked to watch) it. */
  viewed: boolean;
  /** A stream-copied passthrough can exist (H.264 or H.265 with a codec string); null: not probed yet. */
  passthrough: boolean | null;
}

export type Eagerness = { transcode: 'now'; priority: 'linked' | 'background' } | { transcode: 'on-demand' };

/**
 * Whether to make the H.264 rendition now (a background job at the given priority) or only when
 * a browser that cannot play the passthrough asks. smart transcodes what is likely to be watched,
 * and a recording without a passthrough at once (background): none of its bytes play without one,
 * so a viewer would otherwise always wait, and such recorders are few.
 */
export function decideTranscodeEagerness(policy: TranscodePolicy, facts: FootageFacts): Eagerness {
  const likely = facts.important || facts.linked || facts.requiredStage || facts.viewed;
  if (policy === 'on-demand') return { transcode: 'on-demand' };
  if (likely) return { transcode: 'now', priority: 'linked' };
  if (policy === 'eager' || facts.passthrough === false) return { transcode: 'now', priority: 'background' };
  return { transcode: 'on-demand' };
}

/** H.264 profile names as ffprobe prints them: profile_idc and the constraint flags byte. */
const AVC_PROFILES: Record<string, [number, number]> = {
  'Constrained Baseline': [0x42, 0x40],
  Baseline: [0x42, 0x00],
  Main: [0x4d, 0x00],
  Extended: [0x58, 0x00],
  High: [0x64, 0x00],
  'High 10': [0x6e, 0x00],
  'High 10 Intra': [0x6e, 0x10],
  'High 4:2:2': [0x7a, 0x00],
  'High 4:2:2 Intra': [0x7a, 0x10],
  'High 4:4:4 Predictive': [0xf4, 0x00],
};
/** H.265 profile names: general_profile_idc and the compatibility flags as RFC 6381 writes them. */
const HEVC_PROFILES: Record<string, string> = { Main: '1.6', 'Main 10': '2.4', 'Main Still Picture': '3.8', Rext: '4.10' };

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/**
 * The RFC 6381 codec string of a video stream (what MediaSource.isTypeSupported is asked), from
 * ffprobe's profile name and level: avc1.PPCCLL, or hvc1.P.C.L<level>.B0 (main tier, progressive,
 * frame-only). null when it cannot be told (then there is no passthrough).
 */
export function videoCodecString(video: Pick<VideoInfo, 'codec' | 'profile' | 'level'>): string | null {
  if (!(video.level > 0)) return null;
  if (video.codec === 'h264') {
    const profile = AVC_PROFILES[video.profile];
    return profile ? `avc1.${hex2(profile[0])}${hex2(profile[1])}${hex2(video.level)}` : null;
  }
  if (video.codec === 'hevc') {
    const profile = HEVC_PROFILES[video.profile];
    return profile ? `hvc1.${profile}.L${video.level}.B0` : null;
  }
  return null;
}

/** AAC object types by ffprobe profile name; other audio is encoded to AAC-LC for the passthrough. */
const AAC_OBJECT_TYPES: Record<string, number> = { LC: 2, 'HE-AAC': 5, 'HE-AACv2': 29 };

/** The passthrough keeps AAC as it is and encodes anything else to AAC-LC. */
export function passthroughAudio(audio: AudioInfo | null): AudioPlan {
  if (!audio) return { mode: 'none' };
  return audio.codec === 'aac' ? { mode: 'copy' } : { mode: 'encode', channels: Math.min(2, audio.channels || 2) };
}

/** The codecs parameter of the passthrough (video, then audio when there is any); null: no passthrough. */
export function passthroughCodecs(info: Pick<MediaInfo, 'video' | 'audio'>): string | null {
  const video = videoCodecString(info.video);
  if (!video) return null;
  if (!info.audio) return video;
  const objectType = info.audio.codec === 'aac' ? (AAC_OBJECT_TYPES[info.audio.profile] ?? 2) : 2;
  return `${video},mp4a.40.${objectType}`;
}
