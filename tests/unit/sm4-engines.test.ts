import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CtrPool, type CtrEngine } from '../../core/store/ctr-pool';
import { sm4Engine } from '../../core/store/factory';
import { libgcryptSm4 } from '../../core/store/libgcrypt';

const hex = (s: string) => Buffer.from(s, 'hex');
const pool = new CtrPool({ size: 2, idleMs: 1000 });

const fast = await libgcryptSm4();

it('libgcrypt runs SM4 on this machine (scripts/setup.sh installs libgcrypt20), and the store chooses it', async () => {
  expect('ctr' in fast ? fast.label : fast.unavailable).toMatch(/^libgcrypt \d+\.\d+/);
  expect((await sm4Engine()).label).toMatch(/^libgcrypt/);
});

/** `bytes` cut into chunks of the given sizes, cycling: a socket's or a disk's reads never fall on block boundaries. */
async function* chunked(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield Buffer.from(bytes.subarray(at, at + size));
    at += size;
  }
}

async function run(engine: CtrEngine, key: Buffer, counter: Buffer, body: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of engine.ctr(key, counter, body)) out.push(chunk);
  return Buffer.concat(out);
}

// Both engines write objects that the other (and node:crypto, for AES's twin) must read.
describe.each([
  ['libgcrypt', () => fast as CtrEngine],
  ['OpenSSL on worker threads', () => pool],
])('%s: the same SM4-CTR stream as node:crypto', (_name, engine) => {
  for (const counter of ['00000000000000000000000000000000', '0000000000000000fffffffffffffffe', 'fffffffffffffffffffffffffffffff0', randomBytes(16).toString('hex')]) {
    for (const length of [1, 15, 16, 17, 4099, 1024 * 1024, 1024 * 1024 + 5, 3 * 1024 * 1024 + 7]) {
      it(`counter ${counter}, ${length} bytes, in chunks of odd sizes`, async () => {
        const key = randomBytes(16);
        const plain = randomBytes(length);
        const expected = createCipheriv('sm4-ctr', key, hex(counter)).update(plain);
        expect((await run(engine(), key, hex(counter), chunked(plain, [length]))).equals(expected)).toBe(true);
        expect((await run(engine(), key, hex(counter), chunked(plain, [1, 15, 17, 65536, 3, 1024 * 1024 + 1]))).equals(expected)).toBe(true);
      });
    }
  }

  it('runs streams side by side, each with its own key and counter', async () => {
    const streams = Array.from({ length: 6 }, () => ({ key: randomBytes(16), counter: randomBytes(16), plain: randomBytes(2 * 1024 * 1024 + 9) }));
    const outs = await Promise.all(streams.map((s) => run(engine(), s.key, s.counter, chunked(s.plain, [65536, 333]))));
    outs.forEach((out, i) => {
      const { key, counter, plain } = streams[i]!;
      expect(out.equals(createCipheriv('sm4-ctr', key, counter).update(plain))).toBe(true);
    });
  });

  it('leaves the caller’s chunks as they were (a tee may still be writing them elsewhere)', async () => {
    const plain = randomBytes(3 * 65536);
    const chunks = [plain.subarray(0, 65536), plain.subarray(65536)].map((c) => Buffer.from(c));
    const copies = chunks.map((c) => Buffer.from(c));
    await run(engine(), randomBytes(16), randomBytes(16), (async function* () {
      yield* chunks;
    })());
    expect(chunks.every((c, i) => c.equals(copies[i]!))).toBe(true);
  });
});
