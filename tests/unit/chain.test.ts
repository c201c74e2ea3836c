import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalAround, chainHash, GENESIS_HASH, refusedRow } from '../../core/chain';

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

describe('refusedRow', () => {
  // A group commit's batch that fails on one row's data is written again row by row; a lost database is not.
  it.each([
    ['invalid text for a uuid column', { code: '22P02' }, true],
    ['a NUL in text', { code: '22021' }, true],
    ['a unique violation', { code: '23505' }, true],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), false],
    ['the server shutting down', { code: '57P01' }, false],
    ['a serialization failure', { code: '40001' }, false],
    ['no code', new Error('timeout exceeded when trying to connect'), false],
    ['not an object', null, false],
  ])('%s', (_name, error, expected) => {
    expect(refusedRow(error)).toBe(expected);
  });
});
