import { describe, expect, it } from 'vitest';
import { readConfig } from '../../core/config';
import { dueCutoff, evidenceFixity, fixityVerdict, runState, scrubTickMs, throttleDelayMs, type Expected, type ObjectCheck, type Observed } from '../../core/fixity';

const sha = (c: string) => c.repeat(64);
const expected: Expected = { size: 10, sha256: sha('a'), sm3: sha('b') };
const read = (over: Partial<Extract<Observed, { kind: 'read' }>> = {}): Observed => ({ kind: 'read', bytes: 10, sha256: sha('a'), sm3: sha('b'), ...over });

describe('fixityVerdict', () => {
  it.each<[string, Expected, Observed, string, RegExp | undefined]>([
    ['matching bytes', expected, read(), 'ok', undefined],
    ['a missing object', expected, { kind: 'missing' }, 'missing', /not in the store/],
    ['a shorter object', expected, read({ bytes: 9 }), 'altered', /9 bytes, 10 were recorded/],
    ['another SHA-256', expected, read({ sha256: sha('c') }), 'altered', /SHA-256 of the stored bytes is c+, a+ was recorded/],
    ['another SM3 only', expected, read({ sm3: sha('d') }), 'altered', /SM3/],
    ['a derivative (no SM3 recorded)', { ...expected, sm3: null }, read({ sm3: sha('d') }), 'ok', undefined],
  ])('%s', (_name, exp, observed, state, detail) => {
    const verdict = fixityVerdict(exp, observed);
    expect(verdict.state).toBe(state);
    if (detail) expect(verdict).toMatchObject({ detail: expect.stringMatching(detail) });
  });
});

describe('throttleDelayMs', () => {
  it.each([
    // bytes read, bytes/s, elapsed ms -> pause ms
    [0, 1_000_000, 0, 0],
    [1_000_000, 1_000_000, 0, 1000],
    [1_000_000, 1_000_000, 400, 600],
    [1_000_000, 1_000_000, 1000, 0],
    [1_000_000, 1_000_000, 5000, 0], // behind the budget: never negative
    [3, 2, 0, 1500],
    [1_000_000_000, 0, 0, 0], // 0: no limit
  ])('%i bytes at %i B/s after %i ms: pause %i ms', (bytes, rate, elapsed, pause) => {
    expect(throttleDelayMs(bytes, rate, elapsed)).toBe(pause);
  });
});

describe('dueCutoff', () => {
  const start = new Date('2026-11-26T12:00:00Z');
  it.each([
    ['scheduled', 7 * 24 * 3_600_000, '2026-11-19T12:00:00.000Z'],
    ['scheduled', 3_600_000, '2026-11-26T11:00:00.000Z'],
    ['manual', 7 * 24 * 3_600_000, '2026-11-26T12:00:00.000Z'], // a manual pass re-reads everything checked before it
  ] as const)('a %s pass with interval %i re-reads what was checked before %s', (trigger, interval, cutoff) => {
    expect(dueCutoff(trigger, start, interval).toISOString()).toBe(cutoff);
  });
});

describe('evidenceFixity', () => {
  const at = (h: number) => new Date(Date.UTC(2026, 10, 26, h));
  const ok = (kind: ObjectCheck['kind'], h: number): ObjectCheck => ({ kind, checked: { state: 'ok', checkedAt: at(h), detail: null } });
  const bad = (kind: ObjectCheck['kind'], state: 'altered' | 'missing', h: number, detail: string): ObjectCheck => ({ kind, checked: { state, checkedAt: at(h), detail } });
  const unchecked = (kind: ObjectCheck['kind']): ObjectCheck => ({ kind, checked: null });
  it.each<[string, ObjectCheck[], object]>([
    ['no objects', [], { state: 'unchecked' }],
    ['never checked', [unchecked('original')], { state: 'unchecked' }],
    ['original ok, a derivative not yet', [ok('original', 1), unchecked('derivative')], { state: 'unchecked' }],
    ['all ok: the oldest check counts', [ok('original', 3), ok('derivative', 1)], { state: 'ok', checkedAt: at(1).toISOString() }],
    ['an altered derivative', [ok('original', 3), bad('derivative', 'altered', 2, 'd')], { state: 'altered', checkedAt: at(2).toISOString(), detail: 'd' }],
    ['the original first', [bad('derivative', 'altered', 5, 'd'), bad('original', 'missing', 1, 'o')], { state: 'missing', detail: 'o (and 1 more of its objects failed)' }],
    ['the newest failure among derivatives', [bad('derivative', 'altered', 1, 'old'), bad('derivative', 'missing', 4, 'new'), unchecked('original')], { state: 'missing', detail: 'new (and 1 more of its objects failed)' }],
  ])('%s', (_name, objects, view) => {
    expect(evidenceFixity(objects)).toEqual(expect.objectContaining(view));
  });
});

describe('runState', () => {
  const end = new Date();
  it.each([
    [{ finishedAt: end, error: null }, false, 'finished'],
    [{ finishedAt: end, error: 'store unreachable' }, false, 'failed'],
    [{ finishedAt: null, error: null }, true, 'running'],
    [{ finishedAt: null, error: null }, false, 'interrupted'], // its process died: nobody holds the lock
  ])('%o, lock held %s: %s', (run, held, state) => {
    expect(runState(run, held)).toBe(state);
  });
});

describe('scrub schedule and configuration', () => {
  it.each([
    [168 * 3_600_000, 3_600_000],
    [1_800_000, 1_800_000],
  ])('interval %i ms: look for due objects every %i ms', (interval, tick) => {
    expect(scrubTickMs(interval)).toBe(tick);
  });

  it('defaults to 20 MB/s and a weekly re-read; both configurable', () => {
    expect(readConfig({}).fixity).toEqual({ bytesPerSecond: 20_000_000, intervalMs: 168 * 3_600_000 });
    expect(readConfig({ EVIDENCE_FIXITY_MB_PER_S: '5', EVIDENCE_FIXITY_INTERVAL_HOURS: '24' }).fixity).toEqual({ bytesPerSecond: 5_000_000, intervalMs: 24 * 3_600_000 });
    expect(() => readConfig({ EVIDENCE_FIXITY_MB_PER_S: 'fast' })).toThrow(/EVIDENCE_FIXITY_MB_PER_S/);
  });
});
