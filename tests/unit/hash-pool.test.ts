import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashPool } from '../../core/hashing';

const MiB = 1024 * 1024;
const expected = (data: Buffer) => ({ sha256: createHash('sha256').update(data).digest('hex'), sm3: createHash('sm3').update(data).digest('hex') });

/** Feeds `data` in pieces of `piece` bytes, as a socket would. */
async function hashInPieces(pool: HashPool, data: Buffer, piece: number) {
  const hasher = pool.hasher();
  for (let at = 0; at < data.length; at += piece) await hasher.update(data.subarray(at, at + piece));
  return { digests: await hasher.digest(), bytes: hasher.bytes };
}

describe('hashing on worker threads', () => {
  const pool = new HashPool(2);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hash-pool-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    { size: 0, piece: 1 },
    { size: 1, piece: 1 },
    { size: MiB - 1, piece: 65_536 },
    { size: MiB, piece: 65_536 },
    { size: MiB + 1, piece: 7_777 },
    { size: 20 * MiB + 3, piece: 3 * MiB }, // pieces larger than a batch, more than the queue bound
  ])('$size bytes in pieces of $piece: the SHA-256 and SM3 of node:crypto', async ({ size, piece }) => {
    const data = randomBytes(size);
    expect(await hashInPieces(pool, data, piece)).toEqual({ digests: expected(data), bytes: size });
  });

  it('copies what it is given: the caller may overwrite a chunk once update returns', async () => {
    const data = randomBytes(3 * MiB);
    const hasher = pool.hasher();
    const chunk = Buffer.alloc(MiB);
    for (let at = 0; at < data.length; at += MiB) {
      data.copy(chunk, 0, at, at + MiB);
      await hasher.update(chunk);
      chunk.fill(0xff); // a socket's buffer reused for the next read
    }
    expect(await hasher.digest()).toEqual(expected(data));
  });

  it('resumes from a staged prefix read by the worker, then the bytes that follow', async () => {
    const data = randomBytes(5 * MiB + 11);
    const path = join(dir, 'partial');
    await writeFile(path, data);
    const held = 2 * MiB + 5;
    const hasher = pool.hasher();
    await hasher.addFile(path, held);
    await hasher.update(data.subarray(held));
    expect(await hasher.digest()).toEqual(expected(data));
    expect(hasher.bytes).toBe(data.length);
    const whole = pool.hasher();
    await whole.addFile(path);
    expect(await whole.digest()).toEqual(expected(data));
  });

  it('keeps many hashes under way at once apart, more than there are workers', async () => {
    const inputs = Array.from({ length: 7 }, (_, i) => randomBytes(MiB * (i + 1) + i));
    const hashers = inputs.map(() => pool.hasher());
    for (let at = 0; at < 8 * MiB; at += 100_000) {
      await Promise.all(hashers.map((h, i) => h.update(inputs[i]!.subarray(at, at + 100_000))));
    }
    expect(await Promise.all(hashers.map((h) => h.digest()))).toEqual(inputs.map(expected));
  });

  it('fails a hash of a file it cannot read instead of answering digests', async () => {
    const hasher = pool.hasher();
    await expect(hasher.addFile(join(dir, 'missing'), 10)).rejects.toThrow(/ENOENT/);
    await expect(hasher.digest()).rejects.toThrow(/ENOENT/);
  });
});
