import { describe, expect, it } from 'vitest';
import { desiredLock, lockUpdate } from '../../core/object-lock';

const now = new Date('2026-11-26T00:00:00Z');
const day = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe('desiredLock', () => {
  it.each([
    ['expiry ahead: retained until it', { expiresAt: day(30), heldBy: [] }, { retainUntil: day(30), legalHold: false }],
    ['permanent: retained a horizon ahead', { expiresAt: null, heldBy: [] }, { retainUntil: day(3650), legalHold: false }],
    ['expired: nothing to retain (never shortened, never in the past)', { expiresAt: day(-1), heldBy: [] }, { retainUntil: null, legalHold: false }],
    ['expiring right now: nothing to retain', { expiresAt: now, heldBy: [] }, { retainUntil: null, legalHold: false }],
    ['held: the legal hold', { expiresAt: day(30), heldBy: [{ id: 'h1' }] }, { retainUntil: day(30), legalHold: true }],
    ['held and expired: the legal hold only', { expiresAt: day(-400), heldBy: ['h1', 'h2'] }, { retainUntil: null, legalHold: true }],
    ['held and permanent', { expiresAt: null, heldBy: ['h1'] }, { retainUntil: day(3650), legalHold: true }],
  ])('%s', (_, retention, expected) => {
    expect(desiredLock(retention, now, 3650)).toEqual(expected);
  });
});

describe('lockUpdate (what the scrub changes)', () => {
  const H = 3650;
  it.each([
    ['permanent, more than half the horizon left: nothing', { retainUntil: day(2000), legalHold: false }, { retainUntil: day(H), legalHold: false }, true, null],
    ['permanent, less than half left: a full horizon again', { retainUntil: day(1000), legalHold: false }, { retainUntil: day(H), legalHold: false }, true, { retainUntil: day(H), legalHold: false }],
    ['permanent, never locked (ingest could not): locked', { retainUntil: null, legalHold: false }, { retainUntil: day(H), legalHold: false }, true, { retainUntil: day(H), legalHold: false }],
    ['expiry later than the lock (retention lengthened): extended', { retainUntil: day(10), legalHold: false }, { retainUntil: day(400), legalHold: false }, false, { retainUntil: day(400), legalHold: false }],
    ['expiry earlier than the lock: never shortened', { retainUntil: day(400), legalHold: false }, { retainUntil: day(10), legalHold: false }, false, null],
    ['same expiry: nothing', { retainUntil: day(10), legalHold: false }, { retainUntil: day(10), legalHold: false }, false, null],
    ['expired, nothing to retain: nothing', { retainUntil: day(-5), legalHold: false }, { retainUntil: null, legalHold: false }, false, null],
    ['hold placed: the legal hold, retention untouched', { retainUntil: day(10), legalHold: false }, { retainUntil: day(10), legalHold: true }, false, { retainUntil: null, legalHold: true }],
    ['hold released: legal hold off', { retainUntil: day(10), legalHold: true }, { retainUntil: day(10), legalHold: false }, false, { retainUntil: null, legalHold: false }],
  ])('%s', (_, current, desired, permanent, expected) => {
    expect(lockUpdate(current, desired, now, H, permanent)).toEqual(expected);
  });
});
