import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import type { RubricItem } from '../../schema/db';
import { covers, unitIdsOf, unitScope } from '../access';
import { auditedChange } from '../audit';
import { passRate, reviewRollup, type ReviewScores as Scores } from '../review-rollup';
import { drawSample, populationDigest } from '../review-sample';
import { BoundedInt, Cursor, DateTime, IdParams, Limit, Nullable, Text, Uuid, errors, newestFirstPage } from '../schemas';

const RubricItemSchema = Type.Object({
  key: Type.String({ pattern: '^[a-z0-9-]{1,40}$', description: 'stable within the rubric: scores name their item by it' }),
  label: Text(100, { minLength: 1 }),
  description: Type.Optional(Text(1000)),
});
const Rubric = Type.Object({
  id: Type.String(), name: Type.String(), version: Type.Integer(), isDefault: Type.Boolean(), items: Type.Array(RubricItemSchema),
  updatedBy: Type.String(), updatedAt: Type.String(),
});
const RubricBody = Type.Object(
  { name: Text(200, { minLength: 1 }), items: Type.Array(RubricItemSchema, { minItems: 1, maxItems: 50 }) },
  { examples: [{ name: '现场执法记录评查', items: [{ key: 'identity', label: '表明身份' }, { key: 'notice', label: '告知录音录像' }, { key: 'seizure', label: '扣押物品逐一拍摄', description: '扣押清单上的每件物品都有画面' }] }] },
);
const ScoresSchema = {
  reviews: Type.Integer(), sampled: Type.Integer(), reviewed: Type.Integer(), checks: Type.Integer(), passed: Type.Integer(),
  passRate: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
};
const OfficerScores = Type.Object({ unitId: Type.String(), officerNo: Nullable(Type.String()), officerName: Nullable(Type.String()), ...ScoresSchema });
const Score = Type.Object({
  key: Type.String(), label: Type.String(), pass: Type.Boolean(), note: Type.String(),
  bookmarkId: Nullable(Type.String()), bookmarkOffsetMs: Nullable(Type.Integer()), scoredBy: Type.String(), scoredAt: Type.String(),
  scoredByName: Nullable(Type.String({ description: 'the display name of who scored it, as people know them' })), scoredByOfficerNo: Nullable(Type.String()),
});
const Sample = Type.Object({
  evidenceId: Type.String(), position: Type.Integer(), officerNo: Nullable(Type.String()), recordedAt: Nullable(Type.String()), originalName: Type.String(),
  scores: Type.Array(Score),
});
const ReviewSummary = Type.Object({
  id: Type.String(), unitId: Type.String(), unitName: Type.String(), from: Type.String(), to: Type.String(), size: Type.Integer(),
  seed: Type.String({ description: 'repeats the draw: the same seed over the same recordings (same populationDigest) gives the same sample' }),
  population: Type.Integer({ description: 'recordings of the unit recorded in the period when the sample was drawn' }),
  populationDigest: Type.String({ description: 'SHA-256 over the ids of those recordings, sorted, one per line' }),
  rubric: Type.Object({ id: Type.String(), name: Type.String(), version: Type.Integer(), items: Type.Array(RubricItemSchema) }),
  createdBy: Type.String(), createdAt: Type.String(),
  createdByName: Nullable(Type.String({ description: 'the display name of who drew it, as people know them' })), createdByOfficerNo: Nullable(Type.String()),
});
const Review = Type.Object({
  ...ReviewSummary.properties,
  samples: Type.Array(Sample),
  results: Type.Object(ScoresSchema),
  officers: Type.Array(OfficerScores),
});
const SampleParams = Type.Object({ id: Uuid, evidenceId: Uuid });

type RubricRow = { id: string; name: string; version: number; is_default: boolean; items: RubricItem[]; updated_by_name: string; updated_at: Date };
const toRubric = (r: RubricRow): Static<typeof Rubric> => ({
  id: r.id, name: r.name, version: r.version, isDefault: r.is_default, items: r.items, updatedBy: r.updated_by_name, updatedAt: r.updated_at.toISOString(),
});

const doc = (operationId: string, summary: string, description: string) => ({ operationId, summary, description, tags: ['reviews'] });

/** Item keys sent more than once, or not items of the rubric. */
function badKeys(items: readonly { key: string }[], known: readonly RubricItem[] | null): string[] {
  const keys = items.map((i) => i.key);
  const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
  const unknown = known ? keys.filter((k) => !known.some((item) => item.key === k)) : [];
  return [...new Set([...repeated, ...unknown])];
}

/**
 * Sample reviews (抽查, issue 16 item 3): a reproducible random draw of a unit's recordings of a
 * period, scored item by item against a rubric; scores roll up per officer and unit.
 */
export function reviewRoutes(deps: { db: Db; now: () => Date }) {
  const { db, now } = deps;

  const reviews = () => db.selectFrom('reviews').innerJoin('units', 'units.id', 'reviews.unit_id').leftJoin('users as cu', 'cu.id', 'reviews.created_by')
    .selectAll('reviews').select(['units.name as unit_name', 'cu.display_name as created_by_display', 'cu.officer_no as created_by_officer_no']);

  /** A review of a unit the caller works in or supervises; others read as absent. */
  async function reviewInScope(p: Principal, id: string) {
    const row = await reviews().where('reviews.id', '=', id).executeTakeFirst();
    if (!row || !covers(unitScope(p), row.unit_id)) throw notFound(`review ${id}`);
    return row;
  }
  type ReviewRow = Awaited<ReturnType<typeof reviewInScope>>;

  const summaryOf = (r: ReviewRow): Static<typeof ReviewSummary> => ({
    id: r.id, unitId: r.unit_id, unitName: r.unit_name, from: r.period_from.toISOString(), to: r.period_to.toISOString(), size: r.size, seed: r.seed,
    population: r.population, populationDigest: r.population_digest,
    rubric: { id: r.rubric_id, name: r.rubric_name, version: r.rubric_version, items: r.rubric_items },
    createdBy: r.created_by_name, createdAt: r.created_at.toISOString(), createdByName: r.created_by_display, createdByOfficerNo: r.created_by_officer_no,
  });

  async function samplesOf(r: ReviewRow, evidenceId?: string): Promise<Static<typeof Sample>[]> {
    const samples = await db.selectFrom('review_samples as s').innerJoin('evidence as e', 'e.id', 's.evidence_id')
      .select(['s.evidence_id', 's.position', 's.officer_no', 'e.recorded_at', 'e.original_name'])
      .where('s.review_id', '=', r.id).$if(evidenceId !== undefined, (q) => q.where('s.evidence_id', '=', evidenceId!)).orderBy('s.position').execute();
    const scores = await db.selectFrom('review_scores as sc').leftJoin('bookmarks as b', 'b.id', 'sc.bookmark_id').leftJoin('users as su', 'su.id', 'sc.scored_by')
      .select(['sc.evidence_id', 'sc.item_key', 'sc.pass', 'sc.note', 'sc.bookmark_id', 'b.offset_ms', 'sc.scored_by_name', 'sc.scored_at', 'su.display_name', 'su.officer_no'])
      .where('sc.review_id', '=', r.id).$if(evidenceId !== undefined, (q) => q.where('sc.evidence_id', '=', evidenceId!)).execute();
    const order = r.rubric_items.map((i) => i.key);
    return samples.map((s) => ({
      evidenceId: s.evidence_id, position: s.position, officerNo: s.officer_no, recordedAt: s.recorded_at?.toISOString() ?? null, originalName: s.original_name,
      scores: scores.filter((sc) => sc.evidence_id === s.evidence_id).sort((a, b) => order.indexOf(a.item_key) - order.indexOf(b.item_key)).map((sc) => ({
        key: sc.item_key, label: r.rubric_items.find((i) => i.key === sc.item_key)?.label ?? sc.item_key, pass: sc.pass, note: sc.note,
        bookmarkId: sc.bookmark_id, bookmarkOffsetMs: sc.offset_ms === null ? null : Number(sc.offset_ms), scoredBy: sc.scored_by_name, scoredAt: sc.scored_at.toISOString(),
        scoredByName: sc.display_name, scoredByOfficerNo: sc.officer_no,
      })),
    }));
  }

  /** Display names of officers by number, for the roll-ups. */
  async function officerNames(officerNos: (string | null)[]): Promise<Map<string, string | null>> {
    const nos = [...new Set(officerNos.filter((n): n is string => n !== null))];
    if (nos.length === 0) return new Map();
    const users = await db.selectFrom('users').select(['officer_no', 'display_name', 'username']).where('officer_no', 'in', nos).execute();
    return new Map(users.map((u) => [u.officer_no!, u.display_name ?? u.username]));
  }

  async function reviewView(r: ReviewRow): Promise<Static<typeof Review>> {
    const samples = await samplesOf(r);
    const tally = (of: typeof samples): Scores => {
      const checks = of.reduce((n, s) => n + s.scores.length, 0);
      const passed = of.reduce((n, s) => n + s.scores.filter((sc) => sc.pass).length, 0);
      return { reviews: 1, sampled: of.length, reviewed: of.filter((s) => s.scores.length > 0).length, checks, passed, passRate: passRate(passed, checks) };
    };
    const officerNos = [...new Set(samples.map((s) => s.officerNo))];
    const names = await officerNames(officerNos);
    return {
      ...summaryOf(r), samples, results: tally(samples),
      officers: officerNos.map((officerNo) => ({ unitId: r.unit_id, officerNo, officerName: officerNo ? (names.get(officerNo) ?? null) : null, ...tally(samples.filter((s) => s.officerNo === officerNo)) })),
    };
  }

  const rubricRow = (id: string) => db.selectFrom('review_rubrics').select(['id', 'name', 'version', 'is_default', 'items', 'updated_by_name', 'updated_at']).where('id', '=', id).executeTakeFirst();

  function checkRubric(request: FastifyRequest, items: readonly { key: string }[]): void {
    const bad = badKeys(items, null);
    if (bad.length > 0) throw new Problem(422, 'Unprocessable Content', `item keys must be unique within a rubric: ${bad.join(', ')}`);
    request.auditDetails = { ...request.auditDetails, items: items.map((i) => i.key) };
  }

  return async (app: HttpServer) => {
    app.get('/reviews/rubrics', {
      config: { action: 'review.rubrics.read' },
      schema: {
        ...doc('listReviewRubrics', 'Review rubrics', 'Every rubric in its current version; `isDefault` marks the one a review uses when it names none (seeded: 表明身份, 告知录音录像, 全程不间断, 用语规范, 证据完整).'),
        response: { 200: Type.Object({ items: Type.Array(Rubric) }), ...errors },
      },
    }, async () => ({ items: (await db.selectFrom('review_rubrics').select(['id', 'name', 'version', 'is_default', 'items', 'updated_by_name', 'updated_at']).orderBy('is_default', 'desc').orderBy('name').execute()).map(toRubric) }));

    app.post('/reviews/rubrics', {
      config: { action: 'review.rubrics.write', audit: 'review.rubric-create' },
      schema: {
        ...doc('createReviewRubric', 'Add a review rubric', 'A new rubric: items, each scored pass or fail on every sampled recording. Audited.'),
        body: RubricBody, response: { 201: Rubric, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      checkRubric(request, request.body.items);
      const row = await db.insertInto('review_rubrics')
        .values({ name: request.body.name, items: JSON.stringify(request.body.items), created_by_name: p.name, updated_by_name: p.name, created_at: now(), updated_at: now() })
        .returning(['id', 'name', 'version', 'is_default', 'items', 'updated_by_name', 'updated_at']).executeTakeFirstOrThrow();
      request.auditObject = { unitId: null, id: row.id };
      reply.code(201);
      return toRubric(row);
    });

    app.put('/reviews/rubrics/:id', {
      config: { action: 'review.rubrics.write', audit: 'review.rubric-update' },
      schema: {
        ...doc('updateReviewRubric', 'Change a review rubric', 'Replaces the rubric\'s name and items as a new version. Reviews already drawn keep the items they were drawn with, and their scores stay as given. Audited.'),
        params: IdParams, body: RubricBody, response: { 200: Rubric, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      checkRubric(request, request.body.items);
      const row = await db.updateTable('review_rubrics')
        .set((eb) => ({ name: request.body.name, items: JSON.stringify(request.body.items), version: eb('version', '+', 1), updated_by_name: p.name, updated_at: now() }))
        .where('id', '=', request.params.id)
        .returning(['id', 'name', 'version', 'is_default', 'items', 'updated_by_name', 'updated_at']).executeTakeFirst();
      if (!row) throw notFound(`review rubric ${request.params.id}`);
      request.auditDetails = { ...request.auditDetails, version: row.version };
      return toRubric(row);
    });

    app.post('/reviews', {
      config: { action: 'review.create', audit: 'review.create' },
      schema: {
        ...doc('createReview', 'Draw a sample review', 'Draws `size` recordings at random from the unit\'s recordings recorded (recorder time) in [`from`, `to`), to be scored against the rubric (`rubricId`, else the default). The draw is reproducible: the answer carries the `seed` (random unless one is given, e.g. to repeat an earlier draw) and a digest of the population; the same seed over the same recordings gives the same sample. Overseers draw in the units they oversee, auditors in any. Audited with the seed and the sample.'),
        body: Type.Object({
          unitId: Uuid, from: DateTime, to: DateTime, size: BoundedInt(1, 500), rubricId: Type.Optional(Uuid),
          seed: Type.Optional(Text(128, { minLength: 1 })),
        }, { examples: [{ unitId: '3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234', from: '2026-07-01T00:00:00+08:00', to: '2026-10-01T00:00:00+08:00', size: 20, rubricId: '9b2e4c1a-0d3f-4e5a-8b7c-6d5e4f3a2b10' }] }),
        response: { 201: Review, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const b = request.body;
      const [from, to] = [new Date(b.from), new Date(b.to)];
      const unit = covers(unitScope(p), b.unitId) ? await db.selectFrom('units').select('id').where('id', '=', b.unitId).executeTakeFirst() : undefined;
      if (!unit) throw notFound(`unit ${b.unitId}`);
      request.auditObject = { unitId: unit.id };
      if (from >= to) throw new Problem(422, 'Unprocessable Content', '`from` must be before `to`');
      const rubric = b.rubricId ? await rubricRow(b.rubricId) : await db.selectFrom('review_rubrics').select(['id', 'name', 'version', 'is_default', 'items', 'updated_by_name', 'updated_at']).where('is_default', '=', true).executeTakeFirst();
      if (!rubric) throw new Problem(422, 'Unprocessable Content', b.rubricId ? `review rubric ${b.rubricId} does not exist` : 'there is no default review rubric: name one with rubricId');
      const seed = b.seed ?? randomBytes(16).toString('hex');
      const id = await auditedChange(db, request, 201, async (trx) => {
        // Recordings disposed of under retention are no longer there to review.
        const population = await trx.selectFrom('evidence').select(['id', 'officer_no']).where('unit_id', '=', unit.id)
          .where('recorded_at', '>=', from).where('recorded_at', '<', to).where('disposed_at', 'is', null).execute();
        const ids = population.map((e) => e.id);
        const sample = drawSample(ids, b.size, seed);
        const digest = populationDigest(ids);
        const review = await trx.insertInto('reviews').values({
          unit_id: unit.id, period_from: from, period_to: to, size: b.size, seed, population: ids.length, population_digest: digest,
          rubric_id: rubric.id, rubric_version: rubric.version, rubric_name: rubric.name, rubric_items: JSON.stringify(rubric.items),
          created_by: p.userId, created_by_name: p.name, created_at: now(),
        }).returning('id').executeTakeFirstOrThrow();
        const officer = new Map(population.map((e) => [e.id, e.officer_no]));
        if (sample.length > 0) {
          await trx.insertInto('review_samples').values(sample.map((evidenceId, position) => ({ review_id: review.id, evidence_id: evidenceId, position, officer_no: officer.get(evidenceId) ?? null }))).execute();
        }
        request.auditObject = { unitId: unit.id, id: review.id };
        request.auditDetails = { reviewId: review.id, from: from.toISOString(), to: to.toISOString(), size: b.size, seed, population: ids.length, populationDigest: digest, rubricId: rubric.id, rubricVersion: rubric.version, sample };
        return { value: review.id, events: [] };
      });
      reply.code(201);
      return reviewView(await reviewInScope(p, id));
    });

    app.get('/reviews', {
      config: { action: 'review.read' },
      schema: {
        ...doc('listReviews', 'List sample reviews', 'Sample reviews of the units the caller works in or supervises (auditors: all), newest first; `unitId` narrows to one unit. Keyset-paged with `cursor`.'),
        querystring: Type.Object({ unitId: Type.Optional(Uuid), limit: Limit(200, 50), cursor: Type.Optional(Cursor) }),
        response: { 200: Type.Object({ items: Type.Array(ReviewSummary), nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      const query = reviews()
        .$if(q.unitId !== undefined, (qb) => qb.where('reviews.unit_id', '=', q.unitId!));
      const { page, nextCursor } = await newestFirstPage(query, 'reviews', { units: unitIdsOf(unitScope(request.principal!)), limit: q.limit, cursor: q.cursor });
      return { items: page.map(summaryOf), nextCursor };
    });

    app.get('/reviews/results', {
      config: { action: 'review.read' },
      schema: {
        ...doc('getReviewResults', 'Sample review results per unit and officer', 'How the sampled recordings recorded (recorder time) in [`from`, `to`) scored, per unit and per officer, in the units the caller works in or supervises (auditors: all); `unitId` narrows to one unit. `passRate` is the fraction of scored items that passed (null before any is scored).'),
        querystring: Type.Object({ unitId: Type.Optional(Uuid), from: DateTime, to: DateTime }),
        response: {
          200: Type.Object({ units: Type.Array(Type.Object({ unitId: Type.String(), unitName: Type.String(), ...ScoresSchema })), officers: Type.Array(OfficerScores) }),
          ...errors,
        },
      },
    }, async (request) => {
      const q = request.query;
      const scope = unitScope(request.principal!);
      if (q.unitId && !covers(scope, q.unitId)) throw notFound(`unit ${q.unitId}`);
      const rollup = await reviewRollup(db, { unitIds: q.unitId ? [q.unitId] : unitIdsOf(scope), from: new Date(q.from), to: new Date(q.to) });
      const unitNames = new Map(rollup.units.length === 0 ? [] : (await db.selectFrom('units').select(['id', 'name']).where('id', 'in', rollup.units.map((u) => u.unitId)).execute()).map((u) => [u.id, u.name]));
      const names = await officerNames(rollup.officers.map((o) => o.officerNo));
      return {
        units: rollup.units.map((u) => ({ ...u, unitName: unitNames.get(u.unitId) ?? '' })),
        officers: rollup.officers.map((o) => ({ ...o, officerName: o.officerNo ? (names.get(o.officerNo) ?? null) : null })),
      };
    });

    app.get('/reviews/:id', {
      config: { action: 'review.read' },
      schema: {
        ...doc('getReview', 'A sample review', 'The draw (seed, population, rubric as it was when drawn), every sampled recording with its scores, and the results overall and per officer.'),
        params: IdParams, response: { 200: Review, ...errors },
      },
    }, async (request) => reviewView(await reviewInScope(request.principal!, request.params.id)));

    app.put('/reviews/:id/samples/:evidenceId', {
      config: { action: 'review.score', audit: 'review.score' },
      schema: {
        ...doc('scoreReviewSample', 'Score a sampled recording', 'Scores rubric items of one sampled recording: each passes or fails, with a note; `bookmarkOffsetMs` also sets a bookmark at that moment of the recording (GET /api/evidence/{id}/bookmarks). Items not sent keep their scores; an item sent again is scored anew. Audited.'),
        params: SampleParams,
        body: Type.Object({
          items: Type.Array(Type.Object({
            key: Type.String({ maxLength: 40 }), pass: Type.Boolean(), note: Type.Optional(Text(2000)),
            bookmarkOffsetMs: Type.Optional(BoundedInt(0, Number.MAX_SAFE_INTEGER)),
          }), { minItems: 1, maxItems: 50 }),
        }, { examples: [{ items: [{ key: 'identity', pass: true }, { key: 'notice', pass: false, note: '未告知当事人正在录音录像', bookmarkOffsetMs: 12500 }] }] }),
        response: { 200: Sample, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const review = await reviewInScope(p, request.params.id);
      const { evidenceId } = request.params;
      request.auditObject = { unitId: review.unit_id, id: review.id };
      const sampled = await db.selectFrom('review_samples').select('evidence_id').where('review_id', '=', review.id).where('evidence_id', '=', evidenceId).executeTakeFirst();
      if (!sampled) throw notFound(`recording ${evidenceId} in review ${review.id}`);
      const items = request.body.items;
      const bad = badKeys(items, review.rubric_items);
      if (bad.length > 0) throw new Problem(422, 'Unprocessable Content', `not items of the review's rubric, or sent twice: ${bad.join(', ')}`, { keys: bad });
      await auditedChange(db, request, 200, async (trx) => {
        const at = now();
        for (const item of items) {
          const label = review.rubric_items.find((i) => i.key === item.key)!.label;
          const note = item.note ?? '';
          const bookmark = item.bookmarkOffsetMs === undefined ? null : await trx.insertInto('bookmarks')
            .values({ evidence_id: evidenceId, offset_ms: item.bookmarkOffsetMs, label: `抽查 ${label}${item.pass ? '' : ' 不合格'}${note ? `：${note}` : ''}`, author_id: p.userId, author_name: p.name, created_at: at })
            .returning('id').executeTakeFirstOrThrow();
          const score = { pass: item.pass, note, bookmark_id: bookmark?.id ?? null, scored_by: p.userId, scored_by_name: p.name, scored_at: at };
          await trx.insertInto('review_scores').values({ review_id: review.id, evidence_id: evidenceId, item_key: item.key, ...score })
            .onConflict((oc) => oc.columns(['review_id', 'evidence_id', 'item_key']).doUpdateSet(score)).execute();
        }
        request.auditDetails = { reviewId: review.id, evidenceId, scores: items.map((i) => ({ key: i.key, pass: i.pass })) };
        return { value: undefined, events: [] };
      });
      return (await samplesOf(review, evidenceId))[0]!;
    });
  };
}
