import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../core/chain';

describe('chainHash', () => {
  it('is sha256(previous hash bytes || RFC 8785 canonical JSON)', () => {
    const content = { b: 2, a: 'x', nested: { z: true, y: [1, 2] } };
    const expected = createHash('sha256')
      .update(Buffer.from(GENESIS_HASH, 'hex'))
      .update('{"a":"x","b":2,"nested":{"y":[1,2],"z":true}}')
      .digest('hex');
    expect(chainHash(GENESIS_HASH, content)).toBe(expected);
  });

  it('does not depend on key order but does on every value and on the previous hash', () => {
    const base = chainHash(GENESIS_HASH, { a: 1, b: 2 });
    expect(chainHash(GENESIS_HASH, { b: 2, a: 1 })).toBe(base);
    expect(chainHash(GENESIS_HASH, { a: 1, b: 3 })).not.toBe(base);
    expect(chainHash('1'.repeat(64), { a: 1, b: 2 })).not.toBe(base);
  });
});
