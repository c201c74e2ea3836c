import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalAround, chainHash, GENESIS_HASH } from '../../core/chain';

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

describe('canonicalAround', () => {
  // The database hashes prefix + seq + suffix: it must be the canonical JSON chainHash hashes.
  it.each([
    ['keys before and after seq', { action: 'evidence.search', unitId: null, at: '2031-01-01T00:00:00.000Z' }, 1],
    ['seq the only key', {}, 7],
    ['only keys after seq', { unitId: 'u', z: [1, { seq: 0 }] }, 12],
    ['only keys before seq', { a: 1, role: 'auditor' }, 123456789012],
    ['a nested "seq":0 and quotes in values', { details: { seq: 0, text: '"seq":0,\\"' }, outcome: 'allowed' }, 3],
    ['non-ASCII and escapes', { actorName: '张三😀', client: 'a\u0000b\n', '\u00e9': 'é', Seq: 1, seq_: 2 }, 42],
    ['undefined members left out', { a: undefined, b: 2 }, 5],
  ])('%s', (_name, content: Record<string, unknown>, seq) => {
    const { prefix, suffix } = canonicalAround(content, 'seq');
    expect(prefix + String(seq) + suffix).toBe(canonicalize({ ...content, seq }));
  });
});
