import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, nulAt } from '../../api/schemas';

describe('cursors', () => {
  const id = '0b7e7c4a-3f7e-4d7e-9a51-1f2b3c4d5e6f';
  it('decode what the server gave out', () => {
    expect(decodeCursor(encodeCursor(new Date('2026-11-26T08:00:00.123Z'), id))).toEqual({ at: new Date('2026-11-26T08:00:00.123Z'), exact: '2026-11-26T08:00:00.123Z', id });
  });
  it('keep the microseconds of a database timestamp', () => {
    expect(decodeCursor(encodeCursor('2026-11-26T08:00:00.123456Z', id))).toEqual({ at: new Date('2026-11-26T08:00:00.123Z'), exact: '2026-11-26T08:00:00.123456Z', id });
  });
  it.each([
    ['not base64 of anything', 'bm90LWEtY3Vyc29y'],
    ['a time and no uuid', Buffer.from('2026-11-26T08:00:00.000Z|x').toString('base64url')],
    ['a loose date', Buffer.from(`1|${id}`).toString('base64url')],
    ['an impossible date', Buffer.from(`2026-02-30T08:00:00.000Z|${id}`).toString('base64url')],
    ['a uuid with trailing text', Buffer.from(`2026-11-26T08:00:00.000Z|${id}' or 1=1`).toString('base64url')],
    ['empty', ''],
    ['nanoseconds', Buffer.from(`2026-11-26T08:00:00.123456789Z|${id}`).toString('base64url')],
    ['an impossible date to the microsecond', Buffer.from(`2026-02-30T08:00:00.000001Z|${id}`).toString('base64url')],
  ])('refuse %s', (_, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});

describe('nulAt', () => {
  it.each([
    [{ a: 'x', b: ['y', { c: 'z' }] }, null],
    ['a\u0000', 'body'],
    [{ a: 'x', b: ['y', { c: 'z\u0000' }] }, 'body.b.1.c'],
    [{ 'k\u0000': 1 }, 'body."k\\u0000"'],
    [null, null],
    [42, null],
  ])('%j → %s', (value, at) => {
    expect(nulAt(value, 'body')).toBe(at);
  });
});
