import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CtrPool, type CtrEngine } from '../../core/store/ctr-pool';
import { sm4Engine } from '../../core/store/factory';
import { libgcryptSm4 } from '../../core/store/libgcrypt';

const hex = (s: string) => Buffer.from(s, 'hex');
const pool = new CtrPool({ size: 2, idleMs: 1000 });

const fast = await libgcryptSm4();

it('libgcrypt runs SM4 on this machine (scripts/setup.sh installs libgcrypt20), and the store chooses it', async () => {
  expect('run' in fast ? fast.label : fast.unavailable).toMatch(/^libgcrypt \d+\.\d+/);
  expect((await sm4Engine()).label).toMatch(/^libgcrypt/);
});

// Both engines write objects that the other (and node:crypto, which decrypts small reads inline) must read.
describe.each([
  ['libgcrypt', () => fast as CtrEngine],
  ['OpenSSL on worker threads', () => pool],
])('%s: the same SM4-CTR stream as node:crypto', (_name, engine) => {
  for (const counter of ['00000000000000000000000000000000', '0000000000000000fffffffffffffffe', 'fffffffffffffffffffffffffffffff0', randomBytes(16).toString('hex')]) {
    for (const length of [1, 15, 16, 17, 4099, 1024 * 1024, 1024 * 1024 + 5]) {
      it(`counter ${counter}, ${length} bytes`, async () => {
        const key = randomBytes(16);
        const plain = randomBytes(length);
        const expected = createCipheriv('sm4-ctr', key, hex(counter)).update(plain);
        const out = await engine().run(key, hex(counter), Buffer.from(plain));
        expect(out.equals(expected)).toBe(true);
      });
    }
  }

  it('runs pieces side by side, each from its own counter', async () => {
    const key = randomBytes(16);
    const iv = hex('0000000000000000ffffffffffffff00');
    const plain = randomBytes(8 * 65536);
    const whole = createCipheriv('sm4-ctr', key, iv).update(plain);
    const pieces = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const counter = (BigInt(`0x${iv.toString('hex')}`) + BigInt((i * 65536) / 16)).toString(16).padStart(32, '0');
        return engine().run(key, hex(counter), Buffer.from(plain.subarray(i * 65536, (i + 1) * 65536)));
      }),
    );
    expect(Buffer.concat(pieces).equals(whole)).toBe(true);
  });
});
