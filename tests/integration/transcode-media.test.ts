import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moovBeforeMdat, topLevelBoxes } from '../../transcode/atoms';
import { makeDerivatives } from '../../transcode/media';
import type { Derivative, DerivativeFile, DerivativeKind, DerivativesResult } from '../../transcode/media';
import type { PlaybackDecision } from '../../transcode/policy';
import { probe } from '../../transcode/probe';
import { buildSprite, type ThumbnailSheet } from '../../transcode/thumbnails';
import { makeClips, UNPLAYABLE_CLIPS } from '../fixtures/make-clips';
import type { ClipName } from '../fixtures/make-clips';

const exec = promisify(execFile);
const NO_HLS = { hlsMinSeconds: 600, maxLines: 720 } as const;

interface Probed {
  format: { format_name: string; duration: string };
  streams: Array<{
    codec_type: string;
    codec_name: string;
    pix_fmt?: string;
    width?: number;
    height?: number;
    side_data_list?: unknown[];
  }>;
}

/** Plain ffprobe, independent of the module under test. */
async function ffprobe(path: string): Promise<Probed> {
  const { stdout } = await exec('ffprobe', [
    '-v', 'error', '-protocol_whitelist', 'file', '-print_format', 'json', '-show_format', '-show_streams', path,
  ]);
  return JSON.parse(stdout) as Probed;
}

const videoOf = (probed: Probed) => probed.streams.find((s) => s.codec_type === 'video');
const audioOf = (probed: Probed) => probed.streams.find((s) => s.codec_type === 'audio');

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

function ready(result: DerivativesResult) {
  if (result.state !== 'ready') throw new Error(`unexpectedly unplayable: ${result.reason}`);
  return result;
}

function filesOf(derivatives: Derivative[], kind: DerivativeKind) {
  const derivative = derivatives.find((d) => d.kind === kind);
  if (!derivative) throw new Error(`no ${kind} derivative`);
  return derivative.files;
}

let clips: Record<ClipName, string>;
const originalHashes = new Map<string, string>();
let workDir = '';

beforeAll(async () => {
  clips = await makeClips('test-artifacts/transcode-clips');
  for (const path of Object.values(clips)) originalHashes.set(path, await sha256(path));
  workDir = await mkdtemp(join(tmpdir(), 'transcode-media-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

describe('makeDerivatives on playable clips', () => {
  it.each<[ClipName, PlaybackDecision['action'], 'copy' | 'encode', 'portrait' | 'landscape']>([
    ['h264-aac', 'none', 'copy', 'landscape'],
    ['h264-noaudio', 'remux', 'copy', 'landscape'],
    ['h264-1918x1078', 'remux', 'copy', 'landscape'],
    ['hevc-aac', 'transcode', 'encode', 'landscape'],
    ['mjpeg-pcm', 'transcode', 'encode', 'landscape'],
    ['rotated', 'transcode', 'encode', 'portrait'],
    ['h264-pcm', 'transcode', 'copy', 'landscape'],
    ['vfr', 'transcode', 'encode', 'landscape'],
  ])('%s: %s', async (name, action, videoMode, orientation) => {
    const source = await ffprobe(clips[name]);
    const result = ready(await makeDerivatives(clips[name], workDir, NO_HLS));
    expect(result.decision).toMatchObject({ action, video: { mode: videoMode }, hls: false });
    expect(result.derivatives.map((d) => d.kind)).toEqual(['mp4', 'poster', 'thumbnails']);

    // The MP4: H.264 4:2:0, upright, within 720 lines when encoded, faststart, same duration.
    const [mp4] = filesOf(result.derivatives, 'mp4');
    expect(mp4).toMatchObject({ name: 'video.mp4', mimeType: 'video/mp4' });
    const out = await ffprobe(mp4?.path ?? '');
    const video = videoOf(out);
    expect(video).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p' });
    expect(video?.side_data_list ?? []).toEqual([]);
    const width = video?.width ?? 0;
    const height = video?.height ?? 0;
    expect(width % 2 + (height % 2)).toBe(0);
    expect(orientation === 'portrait' ? height > width : width > height).toBe(true);
    if (videoMode === 'encode') {
      expect(Math.min(width, height)).toBeLessThanOrEqual(720);
      expect(result.decision.video).toMatchObject({ width, height });
    } else {
      expect([width, height]).toEqual([videoOf(source)?.width, videoOf(source)?.height]);
    }
    expect(Math.abs(Number(out.format.duration) - Number(source.format.duration))).toBeLessThan(0.5);
    expect(moovBeforeMdat(await topLevelBoxes(mp4?.path ?? ''))).toBe(true);
    const audio = audioOf(out);
    expect(audio?.codec_name).toBe(audioOf(source) ? 'aac' : undefined);

    // Poster: WebP of the video's size.
    const [poster] = filesOf(result.derivatives, 'poster');
    expect(poster).toMatchObject({ name: 'poster.webp', mimeType: 'image/webp' });
    expect(await sharp(poster?.path).metadata()).toMatchObject({ format: 'webp', width, height });

    // Thumbnails: WebP sprite whose geometry matches its JSON, tiles in time order.
    const [sprite, json] = filesOf(result.derivatives, 'thumbnails');
    expect(sprite).toMatchObject({ name: 'sprite.webp', mimeType: 'image/webp' });
    expect(json).toMatchObject({ name: 'thumbnails.json', mimeType: 'application/json' });
    const sheet = JSON.parse(await readFile(json?.path ?? '', 'utf8')) as ThumbnailSheet;
    expect(sheet.image).toBe('sprite.webp');
    expect(sheet.tileWidth).toBe(160);
    expect(sheet.tileHeight).toBe(2 * Math.round((160 * height) / width / 2));
    expect(await sharp(sprite?.path).metadata()).toMatchObject({
      format: 'webp',
      width: sheet.columns * sheet.tileWidth,
      height: sheet.rows * sheet.tileHeight,
    });
    const times = sheet.tiles.map((t) => t.seconds);
    expect(times[0]).toBeLessThan(0.1); // the first video frame may start a little after the audio
    expect(times.length).toBeGreaterThanOrEqual(2); // the clips have keyframes at least every 2 s
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThan(Number(source.format.duration));

    // Nothing but the derivatives is left behind.
    const dir = join(mp4?.path ?? '', '../..');
    expect((await readdir(dir)).sort()).toEqual(['mp4', 'poster', 'thumbnails']);
  });

  it('makes HLS with fMP4 segments from the threshold on, playable by ffprobe', async () => {
    const result = ready(await makeDerivatives(clips['hevc-aac'], workDir, { hlsMinSeconds: 1, maxLines: 720 }));
    expect(result.decision.hls).toBe(true);
    const files = filesOf(result.derivatives, 'hls');
    expect(files.map((f) => f.name)).toEqual(['index.m3u8', 'init.mp4', 'seg-0001.m4s']);
    expect(files.map((f) => f.mimeType)).toEqual(['application/vnd.apple.mpegurl', 'video/mp4', 'video/iso.segment']);
    const playlist = await readFile(files[0]?.path ?? '', 'utf8');
    expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    const probed = await ffprobe(files[0]?.path ?? '');
    expect(probed.format.format_name).toBe('hls');
    expect(videoOf(probed)).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p' });
    expect(Number(probed.format.duration)).toBeCloseTo(3, 0);
  });

  it('reports progress from 0 to 100, never going back', async () => {
    const seen: number[] = [];
    ready(await makeDerivatives(clips.vfr, workDir, NO_HLS, (p) => seen.push(p)));
    expect(seen.at(-1)).toBe(100);
    expect(seen).toEqual([...new Set(seen)].sort((a, b) => a - b));
  });

  it('cleans up its output when aborted', async () => {
    const dir = await mkdtemp(join(workDir, 'abort-'));
    const signal = AbortSignal.abort();
    await expect(makeDerivatives(clips['hevc-aac'], dir, { ...NO_HLS, signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('makeDerivatives on bad media', () => {
  it.each(UNPLAYABLE_CLIPS)('%s is unplayable, with ffprobe’s reason', async (name) => {
    const dir = await mkdtemp(join(workDir, `${name}-`));
    const result = await makeDerivatives(clips[name], dir, NO_HLS);
    expect(result.state).toBe('unplayable');
    expect(result.state === 'unplayable' && result.reason).toMatch(/\w{3,}/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('throws (not "unplayable") for a missing file', async () => {
    await expect(makeDerivatives(join(workDir, 'missing.mp4'), workDir, NO_HLS)).rejects.toThrow(/ENOENT/);
  });

  it('throws (not "unplayable") when ffprobe exceeds its timeout', async () => {
    await expect(probe(clips['h264-aac'], { timeoutMs: 1 })).rejects.toThrow(/ffprobe timed out after 1 ms/);
  });
});

describe('browser playback (Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run',
      ],
    });
  });
  afterAll(() => browser?.close());

  it('cannot play the H.265 original, but plays its MP4 derivative', async () => {
    const result = ready(await makeDerivatives(clips['hevc-aac'], workDir, NO_HLS));
    const files = filesOf(result.derivatives, 'mp4');
    expect(await playbackIn(browser, files, 'video.mp4')).toEqual({ hevc: '', state: 'playing' });
  });

  it('plays the HLS derivative natively', async () => {
    const result = ready(await makeDerivatives(clips['h264-pcm'], workDir, { hlsMinSeconds: 1, maxLines: 720 }));
    const files = filesOf(result.derivatives, 'hls');
    expect(await playbackIn(browser, files, 'index.m3u8')).toMatchObject({ state: 'playing' });
  });
});

describe('buildSprite', () => {
  it('lays the tiles out in time order at the first tile’s size, whatever size, channels or alpha a later one has', async () => {
    const dir = await mkdtemp(join(workDir, 'sprite-'));
    const tile = async (name: string, width: number, height: number, channels: 1 | 2 | 3 | 4, color: number[]) => {
      const pixels = Buffer.alloc(width * height * channels);
      for (let i = 0; i < pixels.length; i++) pixels[i] = color[i % channels] ?? 0;
      await sharp(pixels, { raw: { width, height, channels } }).png().toFile(join(dir, name));
      return { path: join(dir, name), seconds: Number.parseInt(name, 10) / 1000 };
    };
    const frames = [
      await tile('0.png', 160, 90, 3, [255, 0, 0]),
      await tile('2000.png', 160, 90, 3, [0, 255, 0]),
      await tile('4000.png', 320, 180, 4, [0, 0, 255, 255]), // the recorder switched resolution
      await tile('6000.png', 160, 90, 1, [128]), // grey
      await tile('8000.png', 160, 90, 2, [255, 255]), // grey with alpha
    ];
    const sheet = await buildSprite(frames, join(dir, 'sprite.webp'), 3);
    expect(sheet).toMatchObject({ image: 'sprite.webp', tileWidth: 160, tileHeight: 90, columns: 3, rows: 2 });
    expect(sheet.tiles).toEqual([
      { seconds: 0, x: 0, y: 0 }, { seconds: 2, x: 160, y: 0 }, { seconds: 4, x: 320, y: 0 },
      { seconds: 6, x: 0, y: 90 }, { seconds: 8, x: 160, y: 90 },
    ]);
    const { data, info } = await sharp(join(dir, 'sprite.webp')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([480, 180]);
    const centre = (x: number, y: number) => [...data.subarray(((y + 45) * 480 + x + 80) * 3, ((y + 45) * 480 + x + 80) * 3 + 3)];
    const near = (actual: number[], expected: number[]) => actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) < 24);
    const expected: Array<[number, number, number[]]> = [
      [0, 0, [255, 0, 0]], [160, 0, [0, 255, 0]], [320, 0, [0, 0, 255]], [0, 90, [128, 128, 128]], [160, 90, [255, 255, 255]],
      [320, 90, [0, 0, 0]], // no tile: black
    ];
    for (const [x, y, color] of expected) expect(near(centre(x, y), color), `tile at ${x},${y}: ${centre(x, y)}`).toBe(true);
  });
});

it('never altered an original', async () => {
  for (const [path, hash] of originalHashes) expect(await sha256(path), path).toBe(hash);
});

/**
 * Serves the files (with HTTP Range support, as browsers expect) and a page with a muted
 * autoplaying <video> for `src`; resolves once playback passed 0.5 s or the element failed.
 */
async function playbackIn(browser: Browser, files: DerivativeFile[], src: string): Promise<{ hevc: string; state: string }> {
  const page = `<!doctype html><video muted autoplay playsinline src="/${src}"></video>`;
  const server = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    const file = files.find((f) => `/${f.name}` === req.url);
    if (!file) return void res.writeHead(404).end();
    const size = statSync(file.path).size;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    const headers = { 'content-type': file.mimeType, 'accept-ranges': 'bytes', 'content-length': end - start + 1 };
    res.writeHead(range ? 206 : 200, range ? { ...headers, 'content-range': `bytes ${start}-${end}/${size}` } : headers);
    createReadStream(file.path, { start, end }).pipe(res);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const tab = await browser.newPage();
  try {
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const state = await tab.waitForFunction(
      () => {
        const video = document.querySelector('video');
        if (video?.error) return `error ${video.error.code}: ${video.error.message}`;
        return (video?.currentTime ?? 0) > 0.5 && 'playing';
      },
      null,
      { timeout: 15_000 },
    );
    const hevc = await tab.evaluate(() => document.createElement('video').canPlayType('video/mp4; codecs="hvc1.1.6.L93.B0"'));
    return { hevc, state: String(await state.jsonValue()) };
  } finally {
    await tab.close();
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }
}
