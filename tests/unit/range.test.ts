import { describe, expect, it } from 'vitest';
import { decideRange } from '../../api/range';
import { rangeAnswered } from '../../core/store/s3';

describe('decideRange', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-0', 100, { kind: 'partial', start: 0, end: 0 }],
    ['bytes=0-', 100, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=10-19', 100, { kind: 'partial', start: 10, end: 19 }],
    ['bytes=90-500', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-10', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-500', 100, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=99-99', 100, { kind: 'partial', start: 99, end: 99 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=20-10', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=-', 100, { kind: 'unsatisfiable' }],
    ['bytes=abc', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'full' }],
    ['items=0-1', 100, { kind: 'full' }],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(decideRange(header, size)).toEqual(expected);
  });
});

describe("rangeAnswered: whether an S3 answer's Content-Range is the asked range, within the object", () => {
  it.each([
    [{ start: 0, end: 9 }, 'bytes 0-9/10', true],
    [{ start: 5, end: 5 }, 'bytes 5-5/100', true],
    [{ start: 5, end: 10 }, 'bytes 5-9/10', false], // shortened: the range ran past the end
    [{ start: 0, end: 9 }, 'bytes 0-9/*', false],
    [{ start: 0, end: 9 }, 'bytes 1-9/10', false],
    [{ start: 0, end: 0 }, undefined, false], // a whole-object answer (200) to a range
    [{ start: 0, end: 9 }, 'bytes */10', false],
  ] as const)('%o answered with %s: %s', (range, contentRange, expected) => {
    expect(rangeAnswered(range, contentRange)).toBe(expected);
  });
});
