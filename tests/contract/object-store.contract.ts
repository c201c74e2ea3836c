import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectNotFoundError } from '../../core/store/port';
import type { ObjectStore } from '../../core/store/port';

const MiB = 1024 * 1024;

/** `size` random bytes, produced 1 MiB at a time; `sha256()` is the digest of what was read. */
function randomStream(size: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  async function* chunks() {
    for (let left = size; left > 0; left -= MiB) {
      const chunk = randomBytes(Math.min(left, MiB));
      hash.update(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks()), sha256: () => hash.digest('hex') };
}

async function sha256Of(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function keysOf(list: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of list) keys.push(key);
  return keys.sort(); // the order of list() is not part of the contract
}

const put = (store: ObjectStore, key: string, bytes: Buffer) => store.put(key, Readable.from([bytes]), bytes.length);

/**
 * What every ObjectStore adapter must do, run against real storage. `makeStore` is called
 * once per test and must return an empty store (ensureReady is called here).
 */
export function objectStoreContract(
  name: string,
  makeStore: () => Promise<{ store: ObjectStore; cleanup(): Promise<void> }>,
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
      await store.ensureReady();
    });
    afterEach(async () => {
      await cleanup();
    });

    it('round-trips a small object byte for byte', async () => {
      const bytes = randomBytes(1000);
      await put(store, 'originals/small', bytes);
      expect(await store.stat('originals/small')).toEqual({ size: 1000 });
      expect((await bytesOf(await store.get('originals/small'))).equals(bytes)).toBe(true);
    });

    it('round-trips a 70 MiB object streamed in (multipart on S3) without holding it in memory', async () => {
      const size = 70 * MiB;
      const source = randomStream(size);
      await store.put('originals/large', source.stream, size, 'video/mp4');
      expect(await store.stat('originals/large')).toEqual({ size });
      expect(await sha256Of(await store.get('originals/large'))).toEqual({ sha256: source.sha256(), size });
    });

    it('reads inclusive ranges: first byte, middle, last byte', async () => {
      const bytes = randomBytes(100_000);
      await put(store, 'originals/ranged', bytes);
      const range = async (start: number, end: number) => bytesOf(await store.get('originals/ranged', { start, end }));
      expect((await range(0, 0)).equals(bytes.subarray(0, 1))).toBe(true);
      expect((await range(40_000, 59_999)).equals(bytes.subarray(40_000, 60_000))).toBe(true);
      expect((await range(99_999, 99_999)).equals(bytes.subarray(99_999))).toBe(true);
    });

    it('reads ranges at any offset, across 16-byte block boundaries', async () => {
      const bytes = randomBytes(100_003);
      await put(store, 'originals/odd', bytes);
      for (const [start, end] of [[1, 100_002], [15, 16], [16, 31], [17, 100_000], [31, 32], [65_535, 65_537], [100_002, 100_002]] as const) {
        expect((await bytesOf(await store.get('originals/odd', { start, end }))).equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      }
    });

    // Large objects are encrypted in 1 MiB pieces on worker threads: each piece has its own counter.
    it('reads ranges deep inside an object of several MiB, and the whole of it', async () => {
      const mib = 1024 * 1024;
      const bytes = randomBytes(5 * mib + 9);
      await put(store, 'originals/large', bytes);
      expect((await bytesOf(await store.get('originals/large'))).equals(bytes)).toBe(true);
      for (const [start, end] of [[mib, 2 * mib - 1], [mib + 7, 3 * mib + 100], [4 * mib - 3, 5 * mib + 8]] as const) {
        expect((await bytesOf(await store.get('originals/large', { start, end }))).equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      }
    });

    it('refuses a range that runs past the end', async () => {
      await put(store, 'originals/ranged', randomBytes(10));
      await expect(store.get('originals/ranged', { start: 5, end: 10 })).rejects.toThrow(RangeError);
      await expect(store.get('originals/ranged', { start: 10, end: 10 })).rejects.toThrow(RangeError);
      expect((await bytesOf(await store.get('originals/ranged', { start: 9, end: 9 }))).length).toBe(1);
    });

    it('refuses every range of an empty object, and ranges that are not ranges', async () => {
      await store.put('derived/e3/empty', Readable.from([]), 0);
      await expect(store.get('derived/e3/empty', { start: 0, end: 0 })).rejects.toThrow(RangeError);
      await put(store, 'originals/ranged', randomBytes(10));
      for (const range of [{ start: 5, end: 4 }, { start: -1, end: 3 }, { start: 0.5, end: 3 }]) {
        await expect(store.get('originals/ranged', range), JSON.stringify(range)).rejects.toThrow(RangeError);
      }
    });

    it('stat of a missing object is null; get of one rejects with ObjectNotFoundError', async () => {
      expect(await store.stat('originals/missing')).toBeNull();
      await expect(store.get('originals/missing')).rejects.toThrow(ObjectNotFoundError);
      await expect(store.get('originals/missing', { start: 0, end: 0 })).rejects.toThrow(ObjectNotFoundError);
    });

    // 1 KiB goes up in one request on S3; 17 MiB takes the multipart path.
    for (const size of [1024, 17 * MiB]) {
      it(`rejects a stream that ends short and leaves no object (${size} bytes declared)`, async () => {
        await expect(store.put('originals/short', randomStream(size - 1).stream, size)).rejects.toThrow(/ended after/);
        expect(await store.stat('originals/short')).toBeNull();
        expect(await keysOf(store.list(''))).toEqual([]);
      });

      it(`rejects a stream that runs long and leaves no object (${size} bytes declared)`, async () => {
        await expect(store.put('originals/long', randomStream(size + 1).stream, size)).rejects.toThrow(/more than/);
        expect(await store.stat('originals/long')).toBeNull();
        expect(await keysOf(store.list(''))).toEqual([]);
      });
    }

    it('leaves the existing object untouched when a put over it fails', async () => {
      const bytes = randomBytes(2000);
      await put(store, 'derived/e1/poster.webp', bytes);
      await expect(store.put('derived/e1/poster.webp', randomStream(999).stream, 1000)).rejects.toThrow();
      expect((await bytesOf(await store.get('derived/e1/poster.webp'))).equals(bytes)).toBe(true);
    });

    it('putFile stores the file and removes the local copy', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'store-contract-'));
      try {
        const local = join(dir, 'upload.bin');
        const bytes = randomBytes(300_000);
        await writeFile(local, bytes);
        await store.putFile('originals/from-file', local, bytes.length, 'application/octet-stream');
        expect(existsSync(local)).toBe(false);
        expect((await bytesOf(await store.get('originals/from-file'))).equals(bytes)).toBe(true);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('putFile with the wrong size rejects and keeps the local file', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'store-contract-'));
      try {
        const local = join(dir, 'upload.bin');
        await writeFile(local, randomBytes(500));
        await expect(store.putFile('originals/wrong-size', local, 501)).rejects.toThrow();
        expect(existsSync(local)).toBe(true);
        expect(await store.stat('originals/wrong-size')).toBeNull();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('delete removes the object and is idempotent', async () => {
      await put(store, 'originals/doomed', randomBytes(10));
      await store.delete('originals/doomed');
      expect(await store.stat('originals/doomed')).toBeNull();
      await store.delete('originals/doomed');
      await store.delete('originals/never-existed');
    });

    it('lists keys by prefix, recursively', async () => {
      for (const key of ['derived/e1/poster.webp', 'derived/e1/h264.mp4', 'derived/e10/poster.webp', 'originals/a1']) {
        await put(store, key, randomBytes(10));
      }
      expect(await keysOf(store.list('derived/e1/'))).toEqual(['derived/e1/h264.mp4', 'derived/e1/poster.webp']);
      expect(await keysOf(store.list('derived/e1'))).toEqual([
        'derived/e1/h264.mp4',
        'derived/e1/poster.webp',
        'derived/e10/poster.webp',
      ]);
      expect(await keysOf(store.list('originals/'))).toEqual(['originals/a1']);
      expect(await keysOf(store.list(''))).toHaveLength(4);
      expect(await keysOf(store.list('nothing/'))).toEqual([]);
    });

    it('overwrites an existing key', async () => {
      await put(store, 'originals/again', randomBytes(5000));
      const second = randomBytes(3000);
      await put(store, 'originals/again', second);
      expect(await store.stat('originals/again')).toEqual({ size: 3000 });
      expect((await bytesOf(await store.get('originals/again'))).equals(second)).toBe(true);
    });

    it('stores a zero-byte object', async () => {
      await store.put('derived/e2/empty', Readable.from([]), 0);
      expect(await store.stat('derived/e2/empty')).toEqual({ size: 0 });
      expect((await bytesOf(await store.get('derived/e2/empty'))).length).toBe(0);
      expect(await keysOf(store.list('derived/'))).toEqual(['derived/e2/empty']);
    });

    it('refuses keys that could escape or alias: .., leading /, backslash, NUL, empty segments', async () => {
      for (const key of ['../escape', 'originals/../x', '/etc/passwd', 'a\\b', 'a\0b', 'a//b', 'a/', '', '.tmp/x']) {
        await expect(put(store, key, randomBytes(1)), key).rejects.toThrow(/unsafe object key/);
      }
      await expect(store.get('../escape')).rejects.toThrow(/unsafe object key/);
      await expect(store.delete('../escape')).rejects.toThrow(/unsafe object key/);
    });
  });
}
