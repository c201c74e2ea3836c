import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** sharp (and libvips) load with the first picture, not at start: some 28 MB an idle or API-only process never needs. */
const loadSharp = async () => (await import('sharp')).default;

const RGB = 3;

export interface Frame {
  path: string;
  seconds: number;
}

/** What a player's seek bar needs: tile i covers [tiles[i].seconds, tiles[i+1].seconds). */
export interface ThumbnailSheet {
  image: string;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  tiles: Array<{ seconds: number; x: number; y: number }>;
}

/** Frames written by thumbnailFramesJob (<milliseconds>.png), in time order. */
export async function readFrames(dir: string): Promise<Frame[]> {
  const names = (await readdir(dir)).filter((name) => /^\d+\.png$/.test(name));
  return names
    .map((name) => ({ path: join(dir, name), seconds: Number.parseInt(name, 10) / 1000 }))
    .sort((a, b) => a.seconds - b.seconds);
}

/** Pure: a grid at most `maxColumns` wide, filled row by row. */
export function spriteLayout(
  count: number,
  tile: { width: number; height: number },
  maxColumns: number,
): { columns: number; rows: number; positions: Array<{ x: number; y: number }> } {
  const columns = Math.max(1, Math.min(count, maxColumns));
  const positions = Array.from({ length: count }, (_, i) => ({
    x: (i % columns) * tile.width,
    y: Math.floor(i / columns) * tile.height,
  }));
  return { columns, rows: Math.ceil(count / columns), positions };
}

/** Assembles the frames into one WebP sprite; the tile size is the first frame's. */
export async function buildSprite(frames: Frame[], output: string, maxColumns = 10): Promise<ThumbnailSheet> {
  const sharp = await loadSharp();
  const first = frames[0];
  if (!first) throw new Error('no thumbnail frames to assemble');
  const { width, height } = await sharp(first.path).metadata();
  const { columns, rows, positions } = spriteLayout(frames.length, { width, height }, maxColumns);
  const tiles = frames.map((frame, i) => ({ frame, x: 0, y: 0, ...positions[i] }));
  // The grid is filled in memory (RGB, black where no tile falls) and encoded once: about half
  // the CPU of libvips compositing a hundred overlays, and the same WebP.
  const line = width * RGB;
  const stride = columns * line;
  const grid = Buffer.alloc(rows * height * stride);
  await Promise.all(
    tiles.map(async ({ frame, x, y }) => {
      // A source may change resolution mid-stream; every tile gets the grid's size.
      const pixels = await sharp(frame.path).resize(width, height, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
      for (let row = 0; row < height; row++) pixels.copy(grid, (y + row) * stride + x * RGB, row * line, (row + 1) * line);
    }),
  );
  await sharp(grid, { raw: { width: columns * width, height: rows * height, channels: RGB } })
    .webp({ quality: 70 })
    .toFile(output);
  return {
    image: basename(output),
    tileWidth: width,
    tileHeight: height,
    columns,
    rows,
    tiles: tiles.map(({ frame, x, y }) => ({ seconds: frame.seconds, x, y })),
  };
}

export async function buildPoster(frame: string, output: string): Promise<void> {
  const sharp = await loadSharp();
  await sharp(frame).webp({ quality: 80 }).toFile(output);
}
