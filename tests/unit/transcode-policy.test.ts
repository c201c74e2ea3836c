import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decidePlayback, decideTranscodeEagerness, derivativeFrameRate, passthroughCodecs, videoCodecString } from '../../transcode/policy';
import type { FootageFacts, TranscodePolicy } from '../../transcode/policy';
import type { PlaybackDecision } from '../../transcode/policy';
import { interpretProbe } from '../../transcode/probe';
import type { MediaInfo, ProbeRecord } from '../../transcode/probe';
import { finishedSegments, renditionPlaylist } from '../../transcode/playlist';

const FIXTURES = join(import.meta.dirname, '../fixtures/ffprobe');
const OPTS = { hlsMinSeconds: 600, maxLines: 720 } as const;

function recorded(name: string): ProbeRecord {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as ProbeRecord;
}

function infoOf(name: string): MediaInfo {
  const result = interpretProbe(recorded(name));
  if (!result.playable) throw new Error(`${name} is unplayable: ${result.reason}`);
  return result.info;
}

describe('interpretProbe on recorded ffprobe output', () => {
  it.each([
    // name, codec, pixel format, width, height, rotation, VFR, audio codec
    ['h264-aac', 'h264', 'yuv420p', 320, 240, 0, false, 'aac'],
    ['h264-noaudio', 'h264', 'yuv420p', 320, 240, 0, false, null],
    ['hevc-aac', 'hevc', 'yuv420p', 320, 240, 0, false, 'aac'],
    ['mjpeg-pcm', 'mjpeg', 'yuvj422p', 321, 241, 0, false, 'pcm_s16le'],
    ['rotated', 'h264', 'yuv420p', 320, 240, 90, false, 'aac'],
    ['h264-1918x1078', 'h264', 'yuv420p', 1918, 1078, 0, false, 'aac'],
    ['h264-pcm', 'h264', 'yuv420p', 320, 240, 0, false, 'pcm_s16le'],
    ['vfr', 'h264', 'yuv420p', 320, 240, 0, true, 'aac'],
  ] as const)('%s', (name, codec, pixelFormat, width, height, rotation, variableFrameRate, audioCodec) => {
    const info = infoOf(name);
    expect(info.video).toMatchObject({ codec, pixelFormat, width, height, rotation, variableFrameRate });
    expect(info.audio?.codec ?? null).toBe(audioCodec);
    expect(info.durationSeconds).toBeGreaterThan(2.5);
  });

  it('reads the HEVC fourcc and faststart layout', () => {
    expect(infoOf('hevc-aac').video.codecTag).toBe('hvc1');
    expect(infoOf('h264-aac').moovBeforeMdat).toBe(true);
    expect(infoOf('h264-noaudio').moovBeforeMdat).toBe(false);
  });

  it.each([
    ['truncated', /moov atom not found/],
    ['empty', /Invalid data found/],
    ['random', /Invalid data found/],
  ])('%s is unplayable with ffprobe’s reason, free of paths and addresses', (name, reason) => {
    const result = interpretProbe(recorded(name));
    expect(result.playable).toBe(false);
    if (result.playable) return;
    expect(result.reason).toMatch(reason);
    expect(result.reason).not.toMatch(/\/|0x[0-9a-f]/);
  });

  it('honours the legacy clockwise rotate tag when there is no display matrix', () => {
    const record = recorded('h264-aac');
    const output = structuredClone(record.output) as { streams: Array<Record<string, unknown>> };
    const video = output.streams[0];
    if (!video) throw new Error('fixture has no streams');
    video.tags = { rotate: '270' };
    const result = interpretProbe({ ...record, output });
    expect(result.playable && result.info.video.rotation).toBe(270);
  });

  it('treats a file without a video stream as unplayable', () => {
    const record = recorded('h264-aac');
    const output = structuredClone(record.output) as { streams: Array<Record<string, unknown>> };
    output.streams = output.streams.filter((stream) => stream.codec_type !== 'video');
    expect(interpretProbe({ ...record, output })).toEqual({ playable: false, reason: 'no video stream' });
  });
});

describe('decidePlayback on recorded clips', () => {
  it.each<[string, PlaybackDecision['action'], PlaybackDecision['video'], PlaybackDecision['audio'], RegExp[]]>([
    ['h264-aac', 'none', { mode: 'copy' }, { mode: 'copy' }, []],
    ['h264-noaudio', 'remux', { mode: 'copy' }, { mode: 'none' }, [/no faststart/]],
    ['h264-1918x1078', 'remux', { mode: 'copy' }, { mode: 'copy' }, [/container matroska/]],
    ['hevc-aac', 'transcode', { mode: 'encode', width: 320, height: 240, frameRate: null }, { mode: 'copy' }, [/video codec hevc/]],
    [
      'mjpeg-pcm',
      'transcode',
      { mode: 'encode', width: 320, height: 240, frameRate: null },
      { mode: 'encode', channels: 1 },
      [/video codec mjpeg/, /pixel format yuvj422p/, /odd dimensions 321x241/, /audio codec pcm_s16le/, /container avi/],
    ],
    [
      'rotated',
      'transcode',
      { mode: 'encode', width: 240, height: 320, frameRate: null },
      { mode: 'copy' },
      [/rotation 90/, /container quicktime/],
    ],
    ['h264-pcm', 'transcode', { mode: 'copy' }, { mode: 'encode', channels: 1 }, [/audio codec pcm_s16le/, /container quicktime/]],
    [
      'vfr',
      'transcode',
      { mode: 'encode', width: 320, height: 240, frameRate: 30 },
      { mode: 'copy' },
      [/variable frame rate/, /no faststart/],
    ],
  ])('%s: %s', (name, action, video, audio, reasons) => {
    const decision = decidePlayback(infoOf(name), OPTS);
    expect(decision).toMatchObject({ action, video, audio, hls: false });
    expect(decision.reasons).toHaveLength(reasons.length);
    reasons.forEach((reason, i) => expect(decision.reasons[i]).toMatch(reason));
  });
});

describe('decidePlayback rules', () => {
  const base = infoOf('h264-aac');
  const withVideo = (video: Partial<MediaInfo['video']>): MediaInfo => ({ ...base, video: { ...base.video, ...video } });

  it('makes HLS from hlsMinSeconds on', () => {
    expect(decidePlayback(base, { hlsMinSeconds: 3, maxLines: 720 }).hls).toBe(true);
    expect(decidePlayback(base, { hlsMinSeconds: 3.01, maxLines: 720 }).hls).toBe(false);
    expect(decidePlayback({ ...base, durationSeconds: null }, { hlsMinSeconds: 0, maxLines: 720 }).hls).toBe(false);
  });

  it.each([
    // source (after rotation) -> target: short side at most 720, aspect kept, even, never upscaled
    [{ codec: 'hevc', width: 1920, height: 1080 }, 1280, 720],
    [{ codec: 'hevc', width: 1918, height: 1078 }, 1280, 720],
    [{ codec: 'hevc', width: 3840, height: 2160 }, 1280, 720],
    [{ codec: 'hevc', width: 1920, height: 1080, rotation: 90 as const }, 720, 1280],
    [{ codec: 'hevc', width: 1440, height: 1080, rotation: 270 as const }, 720, 960],
    [{ codec: 'hevc', width: 1280, height: 1080, rotation: 180 as const }, 852, 720],
    [{ codec: 'hevc', width: 720, height: 576, sampleAspectRatio: 16 / 15 }, 768, 576],
    [{ codec: 'mjpeg', width: 641, height: 479 }, 640, 478],
    [{ codec: 'hevc', width: 3, height: 1 }, 2, 2],
  ])('scales %o to %ix%i', (video, width, height) => {
    expect(decidePlayback(withVideo(video), OPTS).video).toMatchObject({ mode: 'encode', width, height });
  });

  it('encodes high bit depth and 4:2:2 H.264 but copies browser-safe MP3', () => {
    expect(decidePlayback(withVideo({ pixelFormat: 'yuv420p10le' }), OPTS).action).toBe('transcode');
    expect(decidePlayback(withVideo({ pixelFormat: 'yuv422p' }), OPTS).action).toBe('transcode');
    const mp3 = decidePlayback({ ...base, audio: { codec: 'mp3', profile: '', channels: 2, sampleRate: 44100 } }, OPTS);
    expect(mp3).toMatchObject({ action: 'none', audio: { mode: 'copy' } });
  });

  it('downmixes encoded audio to at most two channels', () => {
    const surround = decidePlayback({ ...base, audio: { codec: 'pcm_s24le', profile: '', channels: 6, sampleRate: 48000 } }, OPTS);
    expect(surround.audio).toEqual({ mode: 'encode', channels: 2 });
  });

  it('caps frame rates above 60 and keeps every frame of VFR below it', () => {
    expect(decidePlayback(withVideo({ frameRate: 120, realFrameRate: 120 }), OPTS).video).toMatchObject({ frameRate: 60 });
    const vfr = withVideo({ variableFrameRate: true, frameRate: 24.5, realFrameRate: 30000 / 1001 });
    expect(decidePlayback(vfr, OPTS).video).toMatchObject({ frameRate: 29.97 });
    const vfrHigh = withVideo({ variableFrameRate: true, frameRate: 29, realFrameRate: 90000 });
    expect(decidePlayback(vfrHigh, OPTS).video).toMatchObject({ frameRate: 60 });
  });

  it('remuxes a QuickTime-branded file with safe streams', () => {
    expect(decidePlayback({ ...base, majorBrand: 'qt' }, OPTS)).toMatchObject({ action: 'remux', reasons: ['container quicktime'] });
  });
});

describe('derivativeFrameRate (the player steps one frame of the derivative)', () => {
  const base = infoOf('h264-aac');
  const withVideo = (video: Partial<MediaInfo['video']>): MediaInfo => ({ ...base, video: { ...base.video, ...video } });
  it.each([
    ['a copied stream keeps its average rate', { frameRate: 29.97, realFrameRate: 30000 / 1001 }, 29.97],
    ['an average rate unknown falls back to the base rate', { frameRate: 0, realFrameRate: 25 }, 25],
    ['neither known', { frameRate: 0, realFrameRate: 0 }, null],
    ['VFR is encoded at its constant base rate', { codec: 'h264', variableFrameRate: true, frameRate: 27.3, realFrameRate: 30 }, 30],
    ['above 60 fps is resampled to 60', { frameRate: 120, realFrameRate: 120 }, 60],
    ['an encoded constant-rate stream keeps its rate', { codec: 'hevc', frameRate: 25, realFrameRate: 25 }, 25],
  ])('%s', (_name, video, rate) => {
    const info = withVideo(video);
    expect(derivativeFrameRate(info, decidePlayback(info, OPTS))).toBe(rate);
  });
});

describe('decideTranscodeEagerness (issue 18: when the H.264 rendition is made)', () => {
  const plain: FootageFacts = { important: false, linked: false, requiredStage: false, viewed: false, passthrough: true };
  const now = (priority: 'linked' | 'background') => ({ transcode: 'now', priority });
  const onDemand = { transcode: 'on-demand' };
  it.each<[TranscodePolicy, Partial<FootageFacts>, object]>([
    ['smart', {}, onDemand],
    ['smart', { passthrough: null }, onDemand], // at verification: the passthrough job decides after probing
    ['smart', { important: true }, now('linked')],
    ['smart', { linked: true }, now('linked')],
    ['smart', { requiredStage: true }, now('linked')],
    ['smart', { viewed: true }, now('linked')],
    ['smart', { passthrough: false }, now('background')], // MPEG-4 part 2 etc.: never left without a playable rendition
    ['smart', { passthrough: false, important: true }, now('linked')],
    ['eager', {}, now('background')],
    ['eager', { passthrough: null }, now('background')],
    ['eager', { linked: true }, now('linked')],
    ['on-demand', { important: true, linked: true, viewed: true }, onDemand],
    ['on-demand', { passthrough: false }, onDemand], // the viewer's request makes it, through the same path
  ])('%s %o -> %o', (policy, facts, expected) => {
    expect(decideTranscodeEagerness(policy, { ...plain, ...facts })).toEqual(expected);
  });
});

describe('codec strings of the passthrough', () => {
  it.each([
    ['h264', 'Constrained Baseline', 13, 'avc1.42400D'],
    ['h264', 'Baseline', 30, 'avc1.42001E'],
    ['h264', 'Main', 31, 'avc1.4D001F'],
    ['h264', 'High', 40, 'avc1.640028'],
    ['h264', 'High', 42, 'avc1.64002A'],
    ['h264', 'High 10', 51, 'avc1.6E0033'],
    ['h264', 'High 4:2:2', 41, 'avc1.7A0029'],
    ['hevc', 'Main', 120, 'hvc1.1.6.L120.B0'],
    ['hevc', 'Main', 93, 'hvc1.1.6.L93.B0'],
    ['hevc', 'Main 10', 153, 'hvc1.2.4.L153.B0'],
    ['hevc', 'Rext', 123, 'hvc1.4.10.L123.B0'],
    ['h264', 'High', 0, null], // level unknown: the browser cannot be asked
    ['h264', 'Progressive High', 40, null],
    ['hevc', '', 120, null],
    ['mpeg4', 'Simple Profile', 1, null],
    ['mjpeg', 'Baseline', 1, null],
  ] as const)('%s %s level %i -> %s', (codec, profile, level, expected) => {
    expect(videoCodecString({ codec, profile, level })).toBe(expected);
  });

  it('reads profile and level from ffprobe and names the audio (AAC kept, anything else made AAC-LC)', () => {
    expect(passthroughCodecs(infoOf('h264-aac'))).toBe('avc1.42400D,mp4a.40.2');
    expect(passthroughCodecs(infoOf('hevc-aac'))).toBe('hvc1.1.6.L60.B0,mp4a.40.2');
    expect(passthroughCodecs(infoOf('h264-noaudio'))).toMatch(/^avc1\.[0-9A-F]{6}$/);
    expect(passthroughCodecs(infoOf('h264-pcm'))).toMatch(/^avc1\.[0-9A-F]{6},mp4a\.40\.2$/);
    const heAac = infoOf('h264-aac');
    expect(passthroughCodecs({ ...heAac, audio: { ...heAac.audio!, profile: 'HE-AAC' } })).toBe('avc1.42400D,mp4a.40.5');
    expect(passthroughCodecs(infoOf('mjpeg-pcm'))).toBeNull();
  });
});

describe('rendition playlists', () => {
  it('reads only the segments ffmpeg has finished, with their durations', () => {
    const written = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.000000,\nseg-0001.m4s\n#EXTINF:1.960000,\nseg-0002.m4s\n';
    expect(finishedSegments(written)).toEqual([{ name: 'seg-0001.m4s', durationMs: 2000 }, { name: 'seg-0002.m4s', durationMs: 1960 }]);
    expect(finishedSegments('')).toEqual([]);
  });

  it('grows as an EVENT playlist and ends as VOD; the target duration covers the longest segment', () => {
    const segments = [{ name: 'seg-0001.m4s', durationMs: 2000 }, { name: 'seg-0002.m4s', durationMs: 2400 }];
    const growing = renditionPlaylist({ targetSeconds: 2, init: 'init.mp4', segments, complete: false });
    expect(growing).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(growing).toContain('#EXT-X-TARGETDURATION:3');
    expect(growing).toContain('#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.000,\nseg-0001.m4s\n#EXTINF:2.400,\nseg-0002.m4s\n');
    expect(growing).not.toContain('#EXT-X-ENDLIST');
    const done = renditionPlaylist({ targetSeconds: 2, init: 'init.mp4', segments, complete: true });
    expect(done).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(done.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });
});
