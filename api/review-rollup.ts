import { sql } from 'kysely';
import type { Db } from '../schema/database';

/** How the sample reviews of some recordings came out: checks are rubric items scored, pass or fail. */
export interface ReviewScores {
  /** Sample reviews that drew these recordings. */
  reviews: number;
  /** Recordings drawn. */
  sampled: number;
  /** Recordings drawn with at least one item scored. */
  reviewed: number;
  checks: number;
  passed: number;
  /** passed / checks, 0 to 1; null before any item is scored. */
  passRate: number | null;
}

export interface ReviewRollup {
  units: (ReviewScores & { unitId: string })[];
  /** Per officer (the recording's officer number when drawn; null when it had none). */
  officers: (ReviewScores & { unitId: string; officerNo: string | null })[];
}

export const passRate = (passed: number, checks: number): number | null => (checks > 0 ? passed / checks : null);

/**
 * The sample review scores per unit and per officer, of recordings recorded (recorder time) in
 * [from, to), in the given units (null: every unit). The supervision summary shows these per unit;
 * the caller has already cut `unitIds` to its scope.
 */
export async function reviewRollup(db: Db, q: { unitIds: readonly string[] | null; from: Date; to: Date }): Promise<ReviewRollup> {
  if (q.unitIds && q.unitIds.length === 0) return { units: [], officers: [] };
  const rows = await db
    .selectFrom('review_samples as s')
    .innerJoin('reviews as r', 'r.id', 's.review_id')
    .innerJoin('evidence as e', 'e.id', 's.evidence_id')
    .leftJoin('review_scores as sc', (j) => j.onRef('sc.review_id', '=', 's.review_id').onRef('sc.evidence_id', '=', 's.evidence_id'))
    .where('e.recorded_at', '>=', q.from)
    .where('e.recorded_at', '<', q.to)
    .$if(q.unitIds !== null, (qb) => qb.where('r.unit_id', 'in', [...q.unitIds!]))
    .select([
      'r.unit_id as unitId',
      's.officer_no as officerNo',
      sql<string[]>`array_agg(distinct s.review_id)`.as('reviewIds'),
      sql<number>`count(distinct (s.review_id, s.evidence_id))::int`.as('sampled'),
      sql<number>`count(distinct (s.review_id, s.evidence_id)) filter (where sc.item_key is not null)::int`.as('reviewed'),
      sql<number>`count(sc.item_key)::int`.as('checks'),
      sql<number>`count(*) filter (where sc.pass)::int`.as('passed'),
    ])
    .groupBy(['r.unit_id', 's.officer_no'])
    .orderBy('r.unit_id')
    .orderBy('s.officer_no')
    .execute();

  const scores = (reviewIds: Set<string>, sampled: number, reviewed: number, checks: number, passed: number): ReviewScores => ({
    reviews: reviewIds.size, sampled, reviewed, checks, passed, passRate: passRate(passed, checks),
  });
  const units = new Map<string, { reviewIds: Set<string>; sampled: number; reviewed: number; checks: number; passed: number }>();
  const officers = rows.map((row) => {
    const reviewIds = new Set(row.reviewIds);
    const unit = units.get(row.unitId) ?? { reviewIds: new Set<string>(), sampled: 0, reviewed: 0, checks: 0, passed: 0 };
    for (const id of reviewIds) unit.reviewIds.add(id);
    unit.sampled += row.sampled;
    unit.reviewed += row.reviewed;
    unit.checks += row.checks;
    unit.passed += row.passed;
    units.set(row.unitId, unit);
    return { unitId: row.unitId, officerNo: row.officerNo, ...scores(reviewIds, row.sampled, row.reviewed, row.checks, row.passed) };
  });
  return {
    units: [...units].map(([unitId, u]) => ({ unitId, ...scores(u.reviewIds, u.sampled, u.reviewed, u.checks, u.passed) })),
    officers,
  };
}
