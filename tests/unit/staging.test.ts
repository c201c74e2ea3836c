import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskStaging, type Staging } from '../../ingest/staging';

const A = '0b7e7c4a-3f7e-4d7e-9a51-1f2b3c4d5e6f';
const B = '1b7e7c4a-3f7e-4d7e-9a51-1f2b3c4d5e6f';

describe('disk staging', () => {
  let dir: string;
  let staging: Staging;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'staging-'));
    staging = diskStaging(join(dir, 'staging'), async () => 12_345);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends chunks to an upload\'s partial and says how many bytes it holds', async () => {
    expect(await staging.bytes(A)).toBe(0);
    expect(await staging.lastWrite(A)).toBeNull();
    await staging.append(A, [Readable.from([Buffer.from('hello ')])]);
    let seen = 0;
    const count = new Transform({ transform: (chunk: Buffer, _e, done) => ((seen += chunk.length), done(null, chunk)) });
    await staging.append(A, [Readable.from([Buffer.from('world')]), count]);
    expect(seen).toBe(5);
    expect(await staging.bytes(A)).toBe(11);
    expect(await readFile(staging.path(A), 'utf8')).toBe('hello world');
    expect(await staging.lastWrite(A)).toBeInstanceOf(Date);
    await staging.truncate(A, 5);
    expect(await staging.bytes(A)).toBe(5);
    await staging.discard(A);
    expect(await staging.bytes(A)).toBe(0);
  });

  it('creates an empty partial for a file of zero bytes', async () => {
    await staging.create(B);
    expect(await staging.lastWrite(B)).toBeInstanceOf(Date);
    expect(await staging.bytes(B)).toBe(0);
  });

  it('reclaims only the partials said to be abandoned, and leaves files that are no upload\'s alone', async () => {
    await staging.append(A, [Readable.from([Buffer.alloc(100)])]);
    await staging.append(B, [Readable.from([Buffer.alloc(7)])]);
    await writeFile(join(dir, 'staging', 'notes.txt'), 'not an upload');
    const asked: string[] = [];
    const freed = await staging.reclaim(async (id) => (asked.push(id), id === A));
    expect(freed).toEqual({ uploadIds: [A], bytes: 100 });
    expect(asked.sort()).toEqual([A, B]);
    expect(await staging.bytes(A)).toBe(0);
    expect(await staging.bytes(B)).toBe(7);
    expect(await readFile(join(dir, 'staging', 'notes.txt'), 'utf8')).toBe('not an upload');
  });

  it('reads free space from the reading it was given, and reclaims nothing from a folder not made yet', async () => {
    expect(await staging.freeSpace()).toBe(12_345);
    expect(await staging.reclaim(async () => true)).toEqual({ uploadIds: [], bytes: 0 });
  });
});
