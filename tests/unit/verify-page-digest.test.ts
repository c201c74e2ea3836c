import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestChunks } from '../../export/verify-page/digest';

const MiB = 1024 * 1024;

/**
 * `total` seeded pseudo-random bytes (an AES-128-CTR keystream) in chunks of seeded, uneven sizes,
 * each also fed to node:crypto's hashes: a large input is never held whole, let alone twice.
 */
function* seeded(seed: number, total: number, maxChunk: number, node: Hash[]): Generator<Uint8Array> {
  const key = Buffer.alloc(16);
  key.writeUInt32BE(seed);
  const stream = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(maxChunk);
  let state = seed || 1;
  for (let done = 0; done < total; ) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const size = Math.min(total - done, 1 + (state % maxChunk));
    const chunk = stream.update(zeros.subarray(0, size));
    for (const h of node) h.update(chunk);
    done += size;
    yield chunk;
  }
}

async function compare(seed: number, total: number, maxChunk: number) {
  const sha256 = createHash('sha256');
  const sm3 = createHash('sm3');
  const page = await digestChunks(seeded(seed, total, maxChunk, [sha256, sm3]));
  return { page, node: { sha256: sha256.digest('hex'), sm3: sm3.digest('hex') } };
}

describe("verify.html's SHA-256 and SM3 against node:crypto", () => {
  it('knows the SM3 of "abc" (GB/T 32905 example 1)', async () => {
    expect((await digestChunks([new TextEncoder().encode('abc')])).sm3).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  // Around the 64-byte block and its 56-byte padding edge, and fed in pieces of every size.
  it.each([
    [1, 0, 1], [2, 1, 1], [3, 55, 7], [4, 56, 56], [5, 63, 64], [6, 64, 1], [7, 65, 13], [8, 119, 64], [9, 120, 120], [10, 100_000, 4096], [11, 3 * MiB + 5, MiB],
  ])('agrees on seed %i: %i bytes in chunks of up to %i', async (seed, total, maxChunk) => {
    const { page, node } = await compare(seed, total, maxChunk);
    expect(page).toEqual(node);
  });

  // The message length in bits needs more than 32 bits from 512 MiB on: where a pure-JS SHA-256 library went wrong.
  it('agrees on 512 MiB + 777 bytes streamed in uneven chunks', async () => {
    const { page, node } = await compare(12, 512 * MiB + 777, 8 * MiB);
    expect(page).toEqual(node);
  }, 60_000);
});
