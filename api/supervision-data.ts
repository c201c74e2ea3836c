import { sql, type SqlBool } from 'kysely';
import { Type, type Static } from 'typebox';
import { Nullable } from './schemas';
import type { Db } from '../schema/database';
import { reviewRollup, type ReviewScores } from './review-rollup';
import {
  CLOCK_SKEW_LIMIT_MS,
  EMPTY_TALLY,
  addTallies,
  casesMissingFootage,
  figures,
  isOverdueRecorder,
  splitPeriod,
  unlinkedPeriod,
  uploadDelayMs,
  type CaseFootage,
  type Period,
  type Tally,
} from './compliance';
import { DEFAULT_RECORDING_RULE, missingStages, type CaseStage } from './case-stages';
import type { SupervisionPolicy } from '../core/config';

/**
 * The query adapter of the supervision figures: reads aggregates and rows, leaves every decision
 * to api/compliance.ts. `units` is the caller's units (null: every unit).
 */
export interface FigureQuery {
  units: string[] | null;
  period: Period;
  now: Date;
  policy: SupervisionPolicy;
}

/** Makes the daily aggregates count `late` against this threshold, rebuilding them when it changed. */
export async function syncOnTimeHours(db: Db, hours: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const changed = await trx.updateTable('supervision_settings').set({ on_time_hours: hours }).where('on_time_hours', '<>', hours).returning('id').executeTakeFirst();
    if (changed) await sql`select supervision_rebuild()`.execute(trx);
    return changed !== undefined;
  });
}

const NO_UNIT = '00000000-0000-0000-0000-000000000000';
const unitList = (units: string[] | null) => (units && units.length === 0 ? [NO_UNIT] : units);
const officerKey = (unitId: string, officerNo: string) => `${unitId}\u0000${officerNo}`;

interface TallyRow {
  unit_id: string;
  officer_no: string;
  recordings: string;
  duration_ms: string | null;
  bytes: string | null;
  late: string;
  unlinked: string;
}

const toTally = (r: TallyRow): Tally => ({ recordings: Number(r.recordings), durationMs: Number(r.duration_ms ?? 0), bytes: Number(r.bytes ?? 0), late: Number(r.late), unlinked: Number(r.unlinked) });

/** Per unit, or per unit and officer ('' unknown). */
export type TallyBy = 'unit' | 'officer';
const grouping = (by: TallyBy, officer: ReturnType<typeof sql.ref>) =>
  by === 'officer' ? { column: sql`${officer}`, groupBy: sql`group by 1, 2` } : { column: sql`''`, groupBy: sql`group by 1` };

/** Tallies straight from the recordings: the edges of a period, and the unaggregated baseline. */
export async function rawTallies(db: Db, units: string[] | null, range: Period, onTimeHours: number, by: TallyBy = 'officer'): Promise<Map<string, Tally>> {
  const list = unitList(units);
  const g = grouping(by, sql.ref('officer_no'));
  const { rows } = await sql<TallyRow>`
    select unit_id, coalesce(${g.column}, '') as officer_no, count(*) as recordings, sum(coalesce(duration_ms, 0)) as duration_ms, sum(size) as bytes,
           count(*) filter (where supervision_late(received_at, recorded_at, duration_ms, clock_skew_ms, ${onTimeHours}::int)) as late,
           count(*) filter (where case_links = 0) as unlinked
    from evidence
    where unit_id is not null and recorded_at >= ${range.from} and recorded_at < ${range.to} ${list ? sql`and unit_id in (${sql.join(list)})` : sql``}
    ${g.groupBy}`.execute(db);
  return new Map(rows.map((r) => [officerKey(r.unit_id, r.officer_no), toTally(r)]));
}

/** Tallies over a period: the daily aggregates for its whole days, raw rows for the rest. */
export async function tallies(db: Db, units: string[] | null, period: Period, onTimeHours: number, by: TallyBy = 'officer'): Promise<Map<string, Tally>> {
  const { days, edges } = splitPeriod(period);
  const list = unitList(units);
  const parts = await Promise.all(edges.map((edge) => rawTallies(db, units, edge, onTimeHours, by)));
  if (days) {
    const g = grouping(by, sql.ref('officer_no'));
    // Per unit, the officers' rows already summed (0030): a unit-day row each, a hundred times fewer.
    const { rows } = await sql<TallyRow>`
      select unit_id, ${g.column} as officer_no, sum(recordings) as recordings, sum(duration_ms) as duration_ms, sum(bytes) as bytes, sum(late) as late, sum(unlinked) as unlinked
      from ${sql.table(by === 'unit' ? 'supervision_unit_daily' : 'supervision_daily')}
      where day >= ${days.from}::date and day < ${days.to}::date ${list ? sql`and unit_id in (${sql.join(list)})` : sql``}
      ${g.groupBy} having sum(recordings) <> 0`.execute(db);
    parts.push(new Map(rows.map((r) => [officerKey(r.unit_id, r.officer_no), toTally(r)])));
  }
  const total = new Map<string, Tally>();
  for (const part of parts) for (const [key, t] of part) total.set(key, addTallies(total.get(key) ?? EMPTY_TALLY, t));
  return total;
}

/** Sums officer tallies by unit (or keeps one unit's officers). */
function rollUp(byOfficer: Map<string, Tally>, key: (unitId: string, officerNo: string) => string | null): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const [k, t] of byOfficer) {
    const [unitId, officerNo] = k.split('\u0000') as [string, string];
    const into = key(unitId, officerNo);
    if (into !== null) out.set(into, addTallies(out.get(into) ?? EMPTY_TALLY, t));
  }
  return out;
}

export interface OverdueRecorder {
  id: string;
  serial: string;
  officerNo: string | null;
  officerName: string | null;
  unitId: string;
  lastDockedAt: Date | null;
}

/** Recorders of officers of the units (by the officer they are bound to) not docked for too long, longest first. */
export async function overdueRecorders(db: Db, units: string[] | null, now: Date): Promise<OverdueRecorder[]> {
  const list = unitList(units);
  const rows = await db
    .selectFrom('recorders as r')
    .innerJoin('users as u', 'u.officer_no', 'r.officer_no')
    .select(['r.id', 'r.serial', 'r.officer_no', 'u.display_name', 'u.username', 'u.unit_id', 'r.last_docked_at'])
    .where('u.unit_id', 'is not', null)
    .$if(list !== null, (q) => q.where('u.unit_id', 'in', list!))
    .execute();
  return rows
    .filter((r) => isOverdueRecorder(r.last_docked_at, now))
    .map((r) => ({ id: r.id, serial: r.serial, officerNo: r.officer_no, officerName: r.display_name ?? r.username, unitId: r.unit_id!, lastDockedAt: r.last_docked_at }))
    .sort((a, b) => (a.lastDockedAt?.getTime() ?? 0) - (b.lastDockedAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1));
}

/** Cases opened in the period, grouped by what the missing-footage rule looks at, per unit. */
async function caseFootageGroups(db: Db, units: string[] | null, period: Period) {
  const list = unitList(units);
  const { rows } = await sql<{ unit_id: string; reached: CaseStage[]; required: CaseStage[] | null; footage: CaseStage[]; count: string }>`
    select c.unit_id, c.stages_reached::text[] as reached, r.required_stages::text[] as required, c.footage_stages as footage, count(*) as count
    from cases c left join unit_recording_rules r on r.unit_id = c.unit_id
    where c.created_at >= ${period.from} and c.created_at < ${period.to} ${list ? sql`and c.unit_id in (${sql.join(list)})` : sql``}
    group by 1, 2, 3, 4`.execute(db);
  return rows.map((r) => ({ unitId: r.unit_id, required: r.required ?? DEFAULT_RECORDING_RULE, reached: r.reached, withFootage: r.footage, count: Number(r.count) }));
}

/** How a unit's or an officer's sampled recordings fared in sample reviews (api/review-rollup.ts). */
interface ReviewFigures {
  reviewed: number;
  reviewPassRate: number | null;
}

export interface UnitFigures extends ReturnType<typeof figures>, ReviewFigures {
  unitId: string;
  name: string;
  overdueRecorders: number;
  casesMissingFootage: number;
}

export interface OfficerFigures extends ReturnType<typeof figures>, ReviewFigures {
  officerNo: string | null;
  name: string | null;
  overdueRecorders: number;
}

/** The agency units of the caller's scope, by code. */
export async function unitsOf(db: Db, units: string[] | null) {
  const list = unitList(units);
  return db.selectFrom('units').select(['id', 'name']).where('kind', '=', 'agency').$if(list !== null, (q) => q.where('id', 'in', list!)).orderBy('code').execute();
}

/** The summary: each unit's figures; with one unit also its officers'. */
export async function supervisionSummary(db: Db, q: FigureQuery, officersOf?: string): Promise<{ units: UnitFigures[]; officers?: OfficerFigures[] }> {
  const unlinkedPart = unlinkedPeriod(q.period, q.now, q.policy.unlinkedDays);
  // Officers' rows only when they are asked for: across every unit they are a hundred times more.
  const by: TallyBy = officersOf === undefined ? 'unit' : 'officer';
  const [units, inPeriod, oldEnough, overdue, cases, reviews] = await Promise.all([
    unitsOf(db, q.units),
    tallies(db, q.units, q.period, q.policy.onTimeHours, by),
    unlinkedPart ? tallies(db, q.units, unlinkedPart, q.policy.onTimeHours, by) : Promise.resolve(new Map<string, Tally>()),
    overdueRecorders(db, q.units, q.now),
    caseFootageGroups(db, q.units, q.period),
    reviewRollup(db, { unitIds: q.units, from: q.period.from, to: q.period.to }),
  ]);
  const byUnit = (unitId: string) => unitId;
  const [unitPeriod, unitOld] = [rollUp(inPeriod, byUnit), rollUp(oldEnough, byUnit)];
  const scored = (r: ReviewScores | undefined) => ({ reviewed: r?.reviewed ?? 0, reviewPassRate: r?.passRate ?? null });
  const result: { units: UnitFigures[]; officers?: OfficerFigures[] } = {
    units: units.map((u) => ({
      unitId: u.id,
      name: u.name,
      ...figures(unitPeriod.get(u.id) ?? EMPTY_TALLY, unitOld.get(u.id) ?? EMPTY_TALLY),
      overdueRecorders: overdue.filter((r) => r.unitId === u.id).length,
      casesMissingFootage: casesMissingFootage(cases.filter((c) => c.unitId === u.id) satisfies CaseFootage[]),
      ...scored(reviews.units.find((r) => r.unitId === u.id)),
    })),
  };
  if (officersOf !== undefined) {
    const mine = (unitId: string, officerNo: string) => (unitId === officersOf ? officerNo : null);
    const [officerPeriod, officerOld] = [rollUp(inPeriod, mine), rollUp(oldEnough, mine)];
    const recorderOfficers = overdue.filter((r) => r.unitId === officersOf).map((r) => r.officerNo ?? '');
    const numbers = [...new Set([...officerPeriod.keys(), ...recorderOfficers])].sort();
    const names = new Map((await officerNames(db, numbers)).map((u) => [u.officer_no, u.name]));
    result.officers = numbers.map((no) => ({
      officerNo: no === '' ? null : no,
      name: names.get(no) ?? null,
      ...figures(officerPeriod.get(no) ?? EMPTY_TALLY, officerOld.get(no) ?? EMPTY_TALLY),
      overdueRecorders: recorderOfficers.filter((o) => o === no).length,
      ...scored(reviews.officers.find((r) => r.unitId === officersOf && (r.officerNo ?? '') === no)),
    }));
  }
  return result;
}

async function officerNames(db: Db, numbers: string[]) {
  const known = numbers.filter((n) => n !== '');
  if (known.length === 0) return [];
  return db.selectFrom('users').select(['officer_no', sql<string>`coalesce(display_name, username)`.as('name')]).where('officer_no', 'in', known).execute();
}

// ——— Drill-down: the rows behind each figure, keyset-paged by (sort time, id). ———

export const ITEM_KINDS = ['late', 'unlinked', 'casesMissingFootage', 'overdueRecorders', 'clockSkew'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** A row behind a figure: a recording, a case or a recorder, with what identifies it. */
export const SupervisionItem = Type.Object({
  id: Type.String({ description: 'The recording, case or recorder.' }),
  unitId: Type.String(),
  unitName: Type.String(),
  officerNo: Nullable(Type.String()),
  officerName: Nullable(Type.String()),
  evidenceId: Type.Optional(Type.String()),
  originalName: Type.Optional(Type.String()),
  recordedAt: Type.Optional(Type.String()),
  receivedAt: Type.Optional(Type.String()),
  durationMs: Type.Optional(Nullable(Type.Integer())),
  delayHours: Type.Optional(Type.Number({ description: 'Hours from the recording\'s end (on the server clock) to its receipt.' })),
  clockSkewMs: Type.Optional(Nullable(Type.Integer())),
  caseId: Type.Optional(Type.String()),
  caseNumber: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  stage: Type.Optional(Type.String()),
  createdAt: Type.Optional(Type.String()),
  missingStages: Type.Optional(Type.Array(Type.String())),
  recorderSerial: Type.Optional(Type.String()),
  lastDockedAt: Type.Optional(Nullable(Type.String())),
  hoursSinceDocked: Type.Optional(Nullable(Type.Number())),
});

/** An item with the time its list is sorted by (recorder time, case opening, last docking). */
export type Item = Static<typeof SupervisionItem> & { sortAt: Date };

export interface ItemQuery extends FigureQuery {
  after: { at: Date; id: string } | null;
  limit: number;
}

const hoursOf = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;

/** One page of the rows behind a figure (one more than `limit` when more follow). */
export async function supervisionItems(db: Db, kind: ItemKind, q: ItemQuery): Promise<Item[]> {
  const names = new Map((await unitsOf(db, q.units)).map((u) => [u.id, u.name]));
  const unitName = (id: string) => names.get(id) ?? '';
  const list = unitList(q.units);
  const afterClause = (at: string, id: string) => (q.after ? sql<SqlBool>`(${sql.ref(at)}, ${sql.ref(id)}) > (${q.after.at}, ${q.after.id}::uuid)` : sql<SqlBool>`true`);

  if (kind === 'overdueRecorders') {
    const epoch = new Date(0);
    return (await overdueRecorders(db, q.units, q.now))
      .filter((r) => {
        const t = (r.lastDockedAt ?? epoch).getTime();
        return !q.after || t > q.after.at.getTime() || (t === q.after.at.getTime() && r.id > q.after.id);
      })
      .slice(0, q.limit + 1)
      .map((r) => ({
        sortAt: r.lastDockedAt ?? epoch, id: r.id, unitId: r.unitId, unitName: unitName(r.unitId), officerNo: r.officerNo, officerName: r.officerName,
        recorderSerial: r.serial, lastDockedAt: r.lastDockedAt?.toISOString() ?? null, hoursSinceDocked: r.lastDockedAt ? hoursOf(q.now.getTime() - r.lastDockedAt.getTime()) : null,
      }));
  }

  if (kind === 'casesMissingFootage') {
    const rules = new Map((await db.selectFrom('unit_recording_rules').select(['unit_id', 'required_stages']).execute()).map((r) => [r.unit_id, r.required_stages]));
    const found: Item[] = [];
    let after = q.after;
    // Cases in pages of the opening order, kept when the rule finds a stage missing, until the page is full.
    for (;;) {
      const { rows } = await sql<{ id: string; number: string; title: string; unit_id: string; stage: string; created_at: Date; reached: CaseStage[]; footage: CaseStage[] }>`
        select c.id, c.number, c.title, c.unit_id, c.stage, c.created_at, c.stages_reached::text[] as reached, c.footage_stages as footage
        from cases c
        where c.created_at >= ${q.period.from} and c.created_at < ${q.period.to} ${list ? sql`and c.unit_id in (${sql.join(list)})` : sql``}
          and ${after ? sql`(c.created_at, c.id) > (${after.at}, ${after.id}::uuid)` : sql`true`}
        order by c.created_at, c.id limit 500`.execute(db);
      for (const c of rows) {
        const missing = missingStages(rules.get(c.unit_id) ?? DEFAULT_RECORDING_RULE, c.reached, c.footage);
        if (missing.length > 0) {
          found.push({ sortAt: c.created_at, id: c.id, unitId: c.unit_id, unitName: unitName(c.unit_id), officerNo: null, officerName: null, caseId: c.id, caseNumber: c.number, title: c.title, stage: c.stage, createdAt: c.created_at.toISOString(), missingStages: missing });
        }
      }
      const last = rows[rows.length - 1];
      if (found.length > q.limit || rows.length < 500 || !last) return found.slice(0, q.limit + 1);
      after = { at: last.created_at, id: last.id };
    }
  }

  const range = kind === 'unlinked' ? unlinkedPeriod(q.period, q.now, q.policy.unlinkedDays) : q.period;
  if (!range) return [];
  const which = {
    late: sql<SqlBool>`supervision_late(e.received_at, e.recorded_at, e.duration_ms, e.clock_skew_ms, ${q.policy.onTimeHours}::int)`,
    unlinked: sql<SqlBool>`e.case_links = 0`,
    clockSkew: sql<SqlBool>`abs(e.clock_skew_ms) > ${CLOCK_SKEW_LIMIT_MS}`,
  }[kind];
  const { rows } = await sql<{ id: string; unit_id: string; officer_no: string | null; officer_name: string | null; original_name: string; recorded_at: Date; received_at: Date; duration_ms: string | null; clock_skew_ms: string | null }>`
    select e.id, e.unit_id, e.officer_no, coalesce(u.display_name, u.username) as officer_name, e.original_name, e.recorded_at, e.received_at, e.duration_ms, e.clock_skew_ms
    from evidence e left join users u on u.officer_no = e.officer_no
    where e.unit_id is not null and e.recorded_at >= ${range.from} and e.recorded_at < ${range.to} ${list ? sql`and e.unit_id in (${sql.join(list)})` : sql``}
      and ${which} and ${afterClause('e.recorded_at', 'e.id')}
    order by e.recorded_at, e.id limit ${q.limit + 1}`.execute(db);
  return rows.map((r) => {
    const facts = { recordedAt: r.recorded_at, receivedAt: r.received_at, durationMs: r.duration_ms === null ? null : Number(r.duration_ms), clockSkewMs: r.clock_skew_ms === null ? null : Number(r.clock_skew_ms) };
    return {
      sortAt: r.recorded_at, id: r.id, unitId: r.unit_id, unitName: unitName(r.unit_id), officerNo: r.officer_no, officerName: r.officer_name,
      evidenceId: r.id, originalName: r.original_name, recordedAt: r.recorded_at.toISOString(), receivedAt: r.received_at.toISOString(),
      durationMs: facts.durationMs, delayHours: hoursOf(uploadDelayMs(facts)), clockSkewMs: facts.clockSkewMs,
    };
  });
}
