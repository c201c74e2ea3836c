import { describe, expect, it } from 'vitest';
import {
  EMPTY_TALLY,
  casesMissingFootage,
  figures,
  isClockSkewOutlier,
  isLate,
  isOverdueRecorder,
  splitPeriod,
  tallyOf,
  unlinkedPeriod,
  uploadDelayMs,
} from '../../api/compliance';
import { csvCell } from '../../api/supervision-report';

const t = (iso: string) => new Date(iso);
const H = 3_600_000;

describe('upload delay and lateness (threshold 24 h)', () => {
  it.each([
    // recorded (recorder clock), length, skew (recorder − station), received → delay hours, late
    ['received an hour after the end', '2026-07-01T08:00:00Z', 1800_000, null, '2026-07-01T09:30:00Z', 1, false],
    ['exactly at the threshold is on time', '2026-07-01T08:00:00Z', 0, null, '2026-07-02T08:00:00Z', 24, false],
    ['a second past it is late', '2026-07-01T08:00:00Z', 0, null, '2026-07-02T08:00:01Z', 24 + 1 / 3600, true],
    ['the length moves the end', '2026-07-01T08:00:00Z', 2 * H, null, '2026-07-02T09:00:00Z', 23, false],
    ['not yet probed: the end is the start', '2026-07-01T08:00:00Z', null, null, '2026-07-02T09:00:00Z', 25, true],
    ['a recorder clock 2 h fast: its times are 2 h ahead of the server', '2026-07-01T10:00:00Z', 0, 2 * H, '2026-07-02T09:00:00Z', 25, true],
    ['a recorder clock 3 h slow', '2026-07-01T05:00:00Z', 0, -3 * H, '2026-07-02T07:00:00Z', 23, false],
  ] as const)('%s', (_, recorded, durationMs, clockSkewMs, received, hours, late) => {
    const r = { recordedAt: t(recorded), durationMs, clockSkewMs, receivedAt: t(received) };
    expect(uploadDelayMs(r) / H).toBeCloseTo(hours, 6);
    expect(isLate(r, 24)).toBe(late);
  });

  it('a shorter threshold makes the same recording late', () => {
    const r = { recordedAt: t('2026-07-01T08:00:00Z'), durationMs: 0, clockSkewMs: null, receivedAt: t('2026-07-01T14:00:00Z') };
    expect([isLate(r, 24), isLate(r, 6), isLate(r, 5)]).toEqual([false, false, true]);
  });

  it('tallies one recording', () => {
    const r = { recordedAt: t('2026-07-01T08:00:00Z'), durationMs: 600_000, clockSkewMs: null, receivedAt: t('2026-07-03T08:00:00Z'), caseLinks: 0, size: 1000 };
    expect(tallyOf(r, 24)).toEqual({ recordings: 1, durationMs: 600_000, bytes: 1000, late: 1, unlinked: 1 });
    expect(tallyOf({ ...r, caseLinks: 2, receivedAt: t('2026-07-01T09:00:00Z') }, 24)).toEqual({ recordings: 1, durationMs: 600_000, bytes: 1000, late: 0, unlinked: 0 });
  });
});

describe('periods', () => {
  it.each([
    ['whole days', '2026-07-01T00:00:00Z', '2026-07-04T00:00:00Z', { from: '2026-07-01', to: '2026-07-04' }, []],
    ['a China-time quarter: partial days at both edges', '2026-06-30T16:00:00Z', '2026-09-30T16:00:00Z', { from: '2026-07-01', to: '2026-09-30' },
      [['2026-06-30T16:00:00.000Z', '2026-07-01T00:00:00.000Z'], ['2026-09-30T00:00:00.000Z', '2026-09-30T16:00:00.000Z']]],
    ['inside one day', '2026-07-01T03:00:00Z', '2026-07-01T05:00:00Z', null, [['2026-07-01T03:00:00.000Z', '2026-07-01T05:00:00.000Z']]],
    ['across one midnight, no whole day', '2026-07-01T20:00:00Z', '2026-07-02T05:00:00Z', null, [['2026-07-01T20:00:00.000Z', '2026-07-02T05:00:00.000Z']]],
    ['empty', '2026-07-02T00:00:00Z', '2026-07-01T00:00:00Z', null, []],
  ] as const)('%s', (_, from, to, days, edges) => {
    const split = splitPeriod({ from: t(from), to: t(to) });
    expect(split.days).toEqual(days);
    expect(split.edges.map((e) => [e.from.toISOString(), e.to.toISOString()])).toEqual(edges);
  });

  it.each([
    ['all of it is old enough', '2026-07-01T00:00:00Z', '2026-07-10T00:00:00Z', '2026-08-01T00:00:00Z', ['2026-07-01T00:00:00.000Z', '2026-07-10T00:00:00.000Z']],
    ['the last 7 days are too young', '2026-07-01T00:00:00Z', '2026-07-20T00:00:00Z', '2026-07-15T00:00:00Z', ['2026-07-01T00:00:00.000Z', '2026-07-08T00:00:00.000Z']],
    ['none of it', '2026-07-10T00:00:00Z', '2026-07-20T00:00:00Z', '2026-07-15T00:00:00Z', null],
  ] as const)('unlinked counts from footage at least 7 days old: %s', (_, from, to, now, expected) => {
    const part = unlinkedPeriod({ from: t(from), to: t(to) }, t(now), 7);
    expect(part && [part.from.toISOString(), part.to.toISOString()]).toEqual(expected);
  });
});

describe('recorders, clocks, cases', () => {
  const now = t('2026-07-10T12:00:00Z');
  it.each([
    ['docked an hour ago', '2026-07-10T11:00:00Z', false],
    ['docked exactly 24 h ago', '2026-07-09T12:00:00Z', false],
    ['docked 25 h ago', '2026-07-09T11:00:00Z', true],
    ['never docked', null, true],
  ] as const)('a recorder %s: overdue %s', (_, last, overdue) => {
    expect(isOverdueRecorder(last ? t(last) : null, now)).toBe(overdue);
  });

  it.each([[null, false], [0, false], [300_000, false], [300_001, true], [-3_600_000, true]] as const)('clock skew %s ms is an outlier: %s', (skew, outlier) => {
    expect(isClockSkewOutlier(skew)).toBe(outlier);
  });

  it('counts the cases that reached a required stage without footage of it', () => {
    const rule = ['调查取证', '告知'] as const;
    expect(casesMissingFootage([
      { required: rule, reached: ['立案', '调查取证'], withFootage: ['调查取证'], count: 5 }, // complete
      { required: rule, reached: ['立案', '调查取证', '告知'], withFootage: ['调查取证'], count: 2 }, // 告知 missing
      { required: rule, reached: ['立案'], withFootage: [], count: 7 }, // nothing required reached yet
      { required: ['立案'], reached: ['立案'], withFootage: [], count: 1 }, // its unit requires 立案
    ])).toBe(3);
  });
});

describe('figures', () => {
  it.each([
    ['no recordings: no rate', EMPTY_TALLY, EMPTY_TALLY, { recordings: 0, hours: 0, bytes: 0, onTimeRate: null, late: 0, unlinked: 0 }],
    ['a quarter late', { recordings: 4, durationMs: 9 * H, bytes: 400, late: 1, unlinked: 3 }, { recordings: 2, durationMs: H, bytes: 200, late: 0, unlinked: 2 },
      { recordings: 4, hours: 9, bytes: 400, onTimeRate: 0.75, late: 1, unlinked: 2 }],
  ] as const)('%s', (_, period, old, expected) => {
    expect(figures(period, old)).toEqual(expected);
  });
});

describe('CSV cells', () => {
  it.each([
    [null, ''],
    [12.5, '12.5'],
    [-3, '-3'],
    ['城关派出所', '城关派出所'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
  ] as const)('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
