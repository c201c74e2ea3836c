import { sql, type Transaction } from 'kysely';
import type { Db } from '../schema/database';
import type { Database } from '../schema/db';

/** Growth is measured over this many days, and projected this far ahead. */
export const GROWTH_WINDOW_DAYS = 30;
export const PROJECTION_DAYS = 365;
/** Months are calendar months in Beijing time, as the people reading the report count them. */
const REPORT_TIME_ZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

/** Footage under one retention rule: its period (null: permanent), what it holds now, what came in over the growth window, and what of it expires within the projection. */
export interface RetentionGroup {
  days: number | null;
  bytes: number;
  recentBytes: number;
  expiringBytes: number;
}

/**
 * The size in `horizonDays` under today's rules, assuming every recording is disposed of as soon
 * as its retention ends: what is stored now, minus what expires within the horizon, plus intake
 * at the rate of the growth window (bytes received / window days) of which a category with a
 * period keeps only its last `days` days (footage ageing past it is disposed of), a permanent one all.
 */
export function projectStorage(groups: readonly RetentionGroup[], windowDays: number, horizonDays: number): number {
  let total = 0;
  for (const g of groups) {
    const dailyIntake = g.recentBytes / windowDays;
    const keptDays = g.days === null ? horizonDays : Math.min(g.days, horizonDays);
    total += g.bytes - g.expiringBytes + dailyIntake * keptDays;
  }
  return Math.round(total);
}

export interface Usage {
  count: number;
  bytes: number;
}
type Split = { originals: Usage; derivatives: Usage };

export interface StorageReport {
  asOf: string;
  totals: Split;
  byCategory: ({ code: string; category: string; days: number | null } & Split)[];
  byUnit: ({ unitId: string | null; unitName: string | null } & Split)[];
  byMonth: ({ month: string } & Split)[];
  growth: { days: number } & Split;
  projection: { days: number; originalsBytes: number; derivativesBytes: number; bytes: number };
}

interface Row {
  set: number;
  kind: 'original' | 'derivative';
  category: string | null;
  unit_id: string | null;
  unit_name: string | null;
  month: string | null;
  count: string;
  bytes: string;
  recent_count: string;
  recent_bytes: string;
  expiring_bytes: string;
}

/**
 * For the report's transaction: the planner cannot know that a million recordings fall into a few
 * hundred (category, unit, month) groups, expects a million, and sorts them on disk (seconds); hashing
 * them is one pass. And room for the hash join in memory.
 */
export async function reportSettings(trx: Transaction<Database>): Promise<void> {
  await sql`set local enable_sort = off`.execute(trx);
  await sql`set local work_mem = '64MB'`.execute(trx);
}

/** The one grouped query of the report (exported for EXPLAIN in benchmarks). */
export function reportQuery(since: Date, horizonEnd: Date) {
  // Per (kind, category, unit, month) first, in one pass over each table; the grouping sets then
  // only regroup those few thousand rows. Tombstones of disposed recordings hold no bytes.
  const recorded = sql.raw('coalesce(e.recorded_at, e.received_at)');
  // Expires within the horizon under its category, unless IMP-flagged or linked to a case (kept while open).
  // (`linked` is joined, not a subquery: inside an aggregate's FILTER that would run once per row.)
  const expiring = sql`not e.important and c.days is not null and ${recorded} + make_interval(days => c.days) <= ${horizonEnd} and linked.evidence_id is null`;
  const linked = sql`left join (select distinct evidence_id from case_evidence) linked on linked.evidence_id = e.id`;
  return sql<Row>`
    with fine as (
      select 'original' as kind, e.category, e.unit_id, date_trunc('month', ${recorded} at time zone ${REPORT_TIME_ZONE}) as m,
             count(*) as count, sum(e.size) as bytes,
             count(*) filter (where e.received_at >= ${since}) as recent_count,
             coalesce(sum(e.size) filter (where e.received_at >= ${since}), 0) as recent_bytes,
             coalesce(sum(e.size) filter (where ${expiring}), 0) as expiring_bytes
        from evidence e join retention_categories c on c.code = e.category ${linked}
       where e.state <> 'disposed'
       group by 2, 3, 4
      union all
      select 'derivative', e.category, e.unit_id, date_trunc('month', ${recorded} at time zone ${REPORT_TIME_ZONE}),
             count(*), sum(d.size),
             count(*) filter (where d.created_at >= ${since}),
             coalesce(sum(d.size) filter (where d.created_at >= ${since}), 0),
             coalesce(sum(d.size) filter (where ${expiring}), 0)
        from derivatives d join evidence e on e.id = d.evidence_id join retention_categories c on c.code = e.category ${linked}
       where e.state <> 'disposed'
       group by 2, 3, 4
    ), grouped as (
      select grouping(category, unit_id, m) as set, kind, category, unit_id, to_char(m, 'YYYY-MM') as month,
             sum(count) as count, sum(bytes) as bytes, sum(recent_count) as recent_count, sum(recent_bytes) as recent_bytes, sum(expiring_bytes) as expiring_bytes
        from fine
       group by grouping sets ((kind, category), (kind, unit_id), (kind, m))
    )
    select g.*, u.name as unit_name from grouped g left join units u on u.id = g.unit_id
  `;
}

/**
 * Bytes and counts of every stored original and derivative, in one grouped query (grouping sets:
 * by category, by unit, by month; originals and derivatives apart), aggregated by PostgreSQL so
 * that it stays one scan at millions of recordings.
 */
export async function storageReport(db: Db, now: Date): Promise<StorageReport> {
  const since = new Date(now.getTime() - GROWTH_WINDOW_DAYS * DAY_MS);
  const horizonEnd = new Date(now.getTime() + PROJECTION_DAYS * DAY_MS);
  const rows = await db.transaction().execute(async (trx) => {
    await reportSettings(trx);
    return (await reportQuery(since, horizonEnd).execute(trx)).rows;
  });
  const categories = await db.selectFrom('retention_categories').select(['code', 'name', 'days']).orderBy(sql`days is null`).orderBy('days').orderBy('code').execute();

  // grouping() bit mask over (category, unit_id, month): 1 = month left out, etc.
  const byCategoryRows = rows.filter((r) => r.set === 0b011);
  const byUnitRows = rows.filter((r) => r.set === 0b101);
  const byMonthRows = rows.filter((r) => r.set === 0b110);
  const usage = (r: Row | undefined): Usage => ({ count: Number(r?.count ?? 0), bytes: Number(r?.bytes ?? 0) });
  const recent = (r: Row): Usage => ({ count: Number(r.recent_count), bytes: Number(r.recent_bytes) });
  const sum = (list: Usage[]): Usage => ({ count: list.reduce((n, u) => n + u.count, 0), bytes: list.reduce((n, u) => n + u.bytes, 0) });
  const split = <K>(list: Row[], keyOf: (r: Row) => K, of: (r: Row) => Usage = usage) => {
    const keys = [...new Set(list.map(keyOf))];
    return keys.map((key) => {
      const mine = list.filter((r) => keyOf(r) === key);
      return { key, originals: sum(mine.filter((r) => r.kind === 'original').map(of)), derivatives: sum(mine.filter((r) => r.kind === 'derivative').map(of)) };
    });
  };

  const byCategory = categories.map(({ code, name, days }) => {
    const [row] = split(byCategoryRows.filter((r) => r.category === code), () => code);
    return { code, category: name, days, originals: row?.originals ?? usage(undefined), derivatives: row?.derivatives ?? usage(undefined) };
  });
  // IMP-flagged recordings are kept permanently whatever their category: their bytes never count as expiring (above).
  const groupsOf = (kind: Row['kind']): RetentionGroup[] =>
    categories.map(({ code, days }) => {
      const r = byCategoryRows.find((x) => x.kind === kind && x.category === code);
      return { days, bytes: Number(r?.bytes ?? 0), recentBytes: Number(r?.recent_bytes ?? 0), expiringBytes: Number(r?.expiring_bytes ?? 0) };
    });
  const originalsBytes = projectStorage(groupsOf('original'), GROWTH_WINDOW_DAYS, PROJECTION_DAYS);
  const derivativesBytes = projectStorage(groupsOf('derivative'), GROWTH_WINDOW_DAYS, PROJECTION_DAYS);
  const [growth] = split(byCategoryRows, () => 'all', recent);

  return {
    asOf: now.toISOString(),
    totals: { originals: sum(byCategory.map((c) => c.originals)), derivatives: sum(byCategory.map((c) => c.derivatives)) },
    byCategory,
    byUnit: split(byUnitRows, (r) => r.unit_id)
      .map(({ key, ...rest }) => ({ unitId: key, unitName: byUnitRows.find((r) => r.unit_id === key)?.unit_name ?? null, ...rest }))
      .sort((a, b) => b.originals.bytes + b.derivatives.bytes - (a.originals.bytes + a.derivatives.bytes)),
    byMonth: split(byMonthRows, (r) => r.month!)
      .map(({ key, ...rest }) => ({ month: key, ...rest }))
      .sort((a, b) => a.month.localeCompare(b.month)),
    growth: { days: GROWTH_WINDOW_DAYS, originals: growth?.originals ?? usage(undefined), derivatives: growth?.derivatives ?? usage(undefined) },
    projection: { days: PROJECTION_DAYS, originalsBytes, derivativesBytes, bytes: originalsBytes + derivativesBytes },
  };
}
