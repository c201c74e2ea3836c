import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { masterKeyFrom } from '../../core/encryption-keys';
import { HEADER_SIZE, counterAt, decodeHeader, encodeHeader, storedRange, unwrapDataKey, wrapDataKey } from '../../core/store/encrypted';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('counterAt: the CTR counter block and skip for a plaintext offset', () => {
  it.each([
    { iv: '000102030405060708090a0b0c0d0e0f', offset: 0, counter: '000102030405060708090a0b0c0d0e0f', skip: 0 },
    { iv: '000102030405060708090a0b0c0d0e0f', offset: 1, counter: '000102030405060708090a0b0c0d0e0f', skip: 1 },
    { iv: '000102030405060708090a0b0c0d0e0f', offset: 15, counter: '000102030405060708090a0b0c0d0e0f', skip: 15 },
    { iv: '000102030405060708090a0b0c0d0e0f', offset: 16, counter: '000102030405060708090a0b0c0d0e10', skip: 0 },
    { iv: '000102030405060708090a0b0c0d0e0f', offset: 17, counter: '000102030405060708090a0b0c0d0e10', skip: 1 },
    // the carry runs across the low 64 bits, as OpenSSL's 128-bit counter does
    { iv: '0000000000000000ffffffffffffffff', offset: 16, counter: '00000000000000010000000000000000', skip: 0 },
    // and the whole counter wraps modulo 2^128
    { iv: 'ffffffffffffffffffffffffffffffff', offset: 32, counter: '00000000000000000000000000000001', skip: 0 },
    { iv: '00000000000000000000000000000000', offset: 2 ** 40 + 5, counter: '00000000000000000000001000000000', skip: 5 },
  ])('IV $iv at offset $offset', ({ iv, offset, counter, skip }) => {
    expect(counterAt(hex(iv), offset)).toEqual({ counter: hex(counter), skip });
  });

  // The table above must match what the cipher does: decrypting from the counter gives the same bytes.
  for (const [cipher, keyBytes] of [['sm4-ctr', 16], ['aes-256-ctr', 32]] as const) {
    for (const iv of ['fffffffffffffffffffffffffffffff0', '0000000000000000fffffffffffffffe', randomBytes(16).toString('hex')]) {
      it(`${cipher}: a range decrypted from counterAt equals the same bytes of the whole stream (IV ${iv})`, () => {
        const key = randomBytes(keyBytes);
        const plain = randomBytes(1000);
        const whole = createCipheriv(cipher, key, hex(iv)).update(plain);
        for (const [start, end] of [[0, 999], [1, 1], [15, 16], [17, 600], [999, 999], [512, 999]] as const) {
          const { counter, skip } = counterAt(hex(iv), start);
          const stored = whole.subarray(start - skip, end + 1);
          const out = createDecipheriv(cipher, key, counter).update(stored).subarray(skip);
          expect(out.equals(plain.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
        }
      });
    }
  }
});

describe('storedRange: the stored bytes a plaintext range needs', () => {
  it.each([
    { start: 0, end: 0, stored: { start: HEADER_SIZE, end: HEADER_SIZE } },
    { start: 15, end: 16, stored: { start: HEADER_SIZE, end: HEADER_SIZE + 16 } },
    { start: 16, end: 16, stored: { start: HEADER_SIZE + 16, end: HEADER_SIZE + 16 } },
    { start: 17, end: 100_000, stored: { start: HEADER_SIZE + 16, end: HEADER_SIZE + 100_000 } },
  ])('$start-$end', ({ start, end, stored }) => {
    expect(storedRange({ start, end })).toEqual(stored);
  });

  it.each([
    { start: -1, end: 3 },
    { start: 5, end: 4 },
    { start: 0.5, end: 4 },
  ])('refuses $start-$end', (range) => {
    expect(() => storedRange(range)).toThrow(RangeError);
  });
});

describe('the object header and the wrapped data key', () => {
  it('round-trips cipher, IV and data key id; refuses bytes without the header', () => {
    const header = { cipher: 'sm4' as const, iv: randomBytes(16), keyId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0' };
    const bytes = encodeHeader(header);
    expect(bytes.length).toBe(HEADER_SIZE);
    expect(decodeHeader(bytes, 'k')).toEqual(header);
    expect(() => decodeHeader(randomBytes(HEADER_SIZE), 'originals/plain')).toThrow(/no encryption header/);
    expect(() => decodeHeader(bytes.subarray(0, 20), 'originals/short')).toThrow(/no encryption header/);
  });

  it('a data key opens only with its master key and only for its own key id', () => {
    const master = masterKeyFrom(randomBytes(32));
    const other = masterKeyFrom(randomBytes(32));
    const dataKey = randomBytes(16);
    const wrapped = wrapDataKey(master, 'a', dataKey);
    expect(unwrapDataKey(master, 'a', wrapped).equals(dataKey)).toBe(true);
    expect(() => unwrapDataKey(other, 'a', wrapped)).toThrow(/does not open/);
    expect(() => unwrapDataKey(master, 'b', wrapped)).toThrow(/does not open/);
    expect(master.id).toMatch(/^[0-9a-f]{16}$/);
    expect(master.id).not.toBe(other.id);
  });
});
