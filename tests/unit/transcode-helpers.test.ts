import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moovBeforeMdat, topLevelBoxes } from '../../transcode/atoms';
import { progressTracker } from '../../transcode/runner';
import { spriteLayout } from '../../transcode/thumbnails';

function box(type: string, payload = 0): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, Buffer.alloc(payload)]);
}

function largeBox(type: string, payload: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write(type, 4, 'latin1');
  header.writeBigUInt64BE(BigInt(16 + payload), 8);
  return Buffer.concat([header, Buffer.alloc(payload)]);
}

describe('topLevelBoxes', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atoms-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['faststart', [box('ftyp', 16), box('moov', 100), box('mdat', 1000)], ['ftyp', 'moov', 'mdat'], true],
    ['moov at the end', [box('ftyp', 16), box('free'), box('mdat', 1000), box('moov', 100)], ['ftyp', 'free', 'mdat', 'moov'], false],
    ['64-bit mdat size', [box('ftyp', 16), largeBox('mdat', 500), box('moov', 10)], ['ftyp', 'mdat', 'moov'], false],
    ['truncated inside mdat', [box('ftyp', 16), box('mdat', 1000).subarray(0, 300)], ['ftyp', 'mdat'], false],
    ['empty', [], [], false],
    ['not a box', [Buffer.from([0, 0, 0, 12, 0xff, 0x00, 0x13, 0x99, 1, 2, 3, 4])], [], false],
  ])('%s', async (name, parts, expected, faststart) => {
    const path = join(dir, `${name}.mp4`);
    await writeFile(path, Buffer.concat(parts));
    const boxes = await topLevelBoxes(path);
    expect(boxes).toEqual(expected);
    expect(moovBeforeMdat(boxes)).toBe(faststart);
  });

  it('treats size 0 as "to the end of the file"', async () => {
    const header = box('mdat');
    header.writeUInt32BE(0, 0);
    const path = join(dir, 'size0.mp4');
    await writeFile(path, Buffer.concat([box('ftyp', 16), header, Buffer.alloc(100), box('moov')]));
    expect(await topLevelBoxes(path)).toEqual(['ftyp', 'mdat']);
  });

  it('rejects for a missing file (an operational error, not bad media)', async () => {
    await expect(topLevelBoxes(join(dir, 'missing.mp4'))).rejects.toThrow(/ENOENT/);
  });
});

describe('progressTracker', () => {
  const block = (microseconds: number, state = 'continue'): string[] => [
    'frame=10', 'fps=0.00', 'stream_0_0_q=28.0', 'bitrate=N/A', 'total_size=N/A',
    `out_time_us=${microseconds}`, `out_time_ms=${microseconds}`, 'out_time=00:00:00.000000',
    'dup_frames=0', 'drop_frames=0', 'speed=   0x', `progress=${state}`,
  ];

  it('reports growing integer percentages of the known duration and consumes progress lines', () => {
    const seen: number[] = [];
    const consume = progressTracker(10, (p) => seen.push(p));
    const times = [0, 2_500_000, 2_500_000, 1_000_000, 9_990_000];
    const lines = [...times.flatMap((us) => block(us)), ...block(12_000_000, 'end')];
    expect(lines.every(consume)).toBe(true);
    expect(seen).toEqual([0, 25, 99, 100]);
  });

  it('leaves other lines (errors) alone', () => {
    const consume = progressTracker(10);
    expect(consume('[libx264 @ 0x1] width not divisible by 2 (321x241)')).toBe(false);
    expect(consume('Error initializing output stream 0:0 -- ')).toBe(false);
  });

  it('reports only the end when the duration is unknown', () => {
    const seen: number[] = [];
    const consume = progressTracker(null, (p) => seen.push(p));
    [...block(5_000_000), ...block(9_000_000, 'end')].forEach(consume);
    expect(seen).toEqual([100]);
  });
});

describe('spriteLayout', () => {
  it.each([
    [1, 10, 1, 1, { x: 0, y: 0 }],
    [10, 10, 10, 1, { x: 1440, y: 0 }],
    [11, 10, 10, 2, { x: 0, y: 90 }],
    [25, 4, 4, 7, { x: 0, y: 540 }],
  ])('%i tiles, at most %i columns -> %ix%i grid', (count, maxColumns, columns, rows, last) => {
    const layout = spriteLayout(count, { width: 160, height: 90 }, maxColumns);
    expect(layout).toMatchObject({ columns, rows });
    expect(layout.positions).toHaveLength(count);
    expect(layout.positions.at(-1)).toEqual(last);
  });
});
