import { missingStages, type CaseStage } from './case-stages';

/**
 * Recording compliance (监督考核, issue 16): the decisions behind the supervision figures, pure
 * over rows and aggregates. The adapter (api/supervision-data.ts) reads them from the database;
 * the daily aggregates (migration 0018) apply the same late rule in SQL, and the integration test
 * recomputes every figure from raw rows with these functions.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A recorder not docked for longer than this is overdue (as on the station page). */
export const OVERDUE_AFTER_HOURS = 24;
/** A recorder clock further off than this when docked is an outlier: its recorder times cannot be trusted. */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

export interface Period {
  from: Date;
  to: Date;
}

/** What the figures need of one recording. */
export interface RecordingFacts {
  /** Recorder time of the start (from the file name). */
  recordedAt: Date;
  durationMs: number | null;
  /** Recorder clock minus station clock when docked. */
  clockSkewMs: number | null;
  receivedAt: Date;
  caseLinks: number;
  size: number;
}

/** Sums over recordings; `unlinked` counts those linked to no case, whatever their age. */
export interface Tally {
  recordings: number;
  durationMs: number;
  bytes: number;
  late: number;
  unlinked: number;
}

export const EMPTY_TALLY: Readonly<Tally> = Object.freeze({ recordings: 0, durationMs: 0, bytes: 0, late: 0, unlinked: 0 });

export const addTallies = (a: Tally, b: Tally): Tally => ({
  recordings: a.recordings + b.recordings,
  durationMs: a.durationMs + b.durationMs,
  bytes: a.bytes + b.bytes,
  late: a.late + b.late,
  unlinked: a.unlinked + b.unlinked,
});

/**
 * How long after the recording's end it was received. The end is the recorder's start time plus
 * the length (0 until probed), moved onto the server's clock by the skew measured at docking.
 */
export function uploadDelayMs(r: Pick<RecordingFacts, 'recordedAt' | 'durationMs' | 'clockSkewMs' | 'receivedAt'>): number {
  return r.receivedAt.getTime() - (r.recordedAt.getTime() + (r.durationMs ?? 0) - (r.clockSkewMs ?? 0));
}

/** Received more than the threshold after its end (the SQL twin is supervision_late in 0018_supervision). */
export const isLate = (r: Parameters<typeof uploadDelayMs>[0], onTimeHours: number): boolean => uploadDelayMs(r) > onTimeHours * HOUR_MS;

export function tallyOf(r: RecordingFacts, onTimeHours: number): Tally {
  return { recordings: 1, durationMs: r.durationMs ?? 0, bytes: r.size, late: isLate(r, onTimeHours) ? 1 : 0, unlinked: r.caseLinks === 0 ? 1 : 0 };
}

/**
 * A period cut for the daily aggregates: the whole UTC days inside it (`days`, [from, to) as
 * YYYY-MM-DD, absent when there is none) and the partial days at its edges, read from raw rows.
 */
export function splitPeriod(p: Period): { days: { from: string; to: string } | null; edges: Period[] } {
  if (p.to <= p.from) return { days: null, edges: [] };
  const firstDay = Math.ceil(p.from.getTime() / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(p.to.getTime() / DAY_MS) * DAY_MS;
  if (firstDay >= lastDay) return { days: null, edges: [p] };
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const edges = [
    ...(p.from.getTime() < firstDay ? [{ from: p.from, to: new Date(firstDay) }] : []),
    ...(lastDay < p.to.getTime() ? [{ from: new Date(lastDay), to: p.to }] : []),
  ];
  return { days: { from: day(firstDay), to: day(lastDay) }, edges };
}

/**
 * Footage counts as unlinked once it is `days` old without a case: the part of the period
 * recorded before now minus that many days; null when no part is.
 */
export function unlinkedPeriod(p: Period, now: Date, days: number): Period | null {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const to = p.to < cutoff ? p.to : cutoff;
  return to > p.from ? { from: p.from, to } : null;
}

/** Not docked for more than OVERDUE_AFTER_HOURS (never docked counts as overdue). */
export const isOverdueRecorder = (lastDockedAt: Date | null, now: Date): boolean =>
  lastDockedAt === null || now.getTime() - lastDockedAt.getTime() > OVERDUE_AFTER_HOURS * HOUR_MS;

export const isClockSkewOutlier = (skewMs: number | null): boolean => skewMs !== null && Math.abs(skewMs) > CLOCK_SKEW_LIMIT_MS;

/** A case as the missing-footage rule needs it: its unit's required stages, the stages it reached, those with footage. */
export interface CaseFootage {
  required: readonly CaseStage[];
  reached: readonly CaseStage[];
  withFootage: readonly CaseStage[];
}

/** How many of the cases (each standing for `count` alike) lack footage of a required stage they reached. */
export const casesMissingFootage = (cases: readonly (CaseFootage & { count: number })[]): number =>
  cases.reduce((sum, c) => sum + (missingStages(c.required, c.reached, c.withFootage).length > 0 ? c.count : 0), 0);

/** The figures of a unit or an officer, from the tallies of the period and of its part old enough to count as unlinked. */
export function figures(period: Tally, unlinkedPart: Tally) {
  return {
    recordings: period.recordings,
    hours: period.durationMs / HOUR_MS,
    bytes: period.bytes,
    /** Null without recordings: nothing was due. */
    onTimeRate: period.recordings > 0 ? (period.recordings - period.late) / period.recordings : null,
    late: period.late,
    unlinked: unlinkedPart.unlinked,
  };
}
