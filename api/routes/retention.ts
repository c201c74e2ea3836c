import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import {
  approveDisposal, cancelDisposal, disposalView, dueItems, dueTotals, expiringSelection, listDisposals, requestDisposal, retentionOf, type Actor, type DisposalView,
} from '../../core/disposal';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import { lockOriginals } from '../../core/object-lock';
import { mayApprove, shortens } from '../../core/retention';
import type { ObjectStore } from '../../core/store/port';
import type { Db } from '../../schema/database';
import { covers, evidenceScope, unitIdsOf, unitScope, type UnitScope } from '../access';
import { loadCase, loadEvidence } from '../scoped';
import { BoundedInt, Cursor, Defaulted, DateTime, IdParams, Limit, Nullable, StringEnum, Text, Uuid, cursorAfter, encodeCursor, errors } from '../schemas';

/** Days kept; null: permanently. */
const Days = Nullable(BoundedInt(0, 36_500));
const Category = Type.Object({ code: Type.String(), name: Type.String(), days: Nullable(Type.Integer()), description: Type.String() });
const CategoryChange = Type.Object({
  id: Type.String(), categoryCode: Type.String(), previousDays: Nullable(Type.Integer()), days: Nullable(Type.Integer()), reason: Type.String(),
  status: StringEnum(['pending', 'applied', 'cancelled'] as const), requestedBy: Type.String(), requestedAt: Type.String(), approvedBy: Nullable(Type.String()), approvedAt: Nullable(Type.String()),
});
const Totals = Type.Object({
  count: Type.Integer(), bytes: Type.Integer(),
  byCategory: Type.Array(Type.Object({ category: Type.String(), count: Type.Integer(), bytes: Type.Integer() })),
});
const DueItem = Type.Object({ id: Type.String(), category: Type.String(), recordedAt: Type.String(), size: Type.Integer() });
const Disposal = Type.Object({
  id: Type.String(), asOf: Type.String(), reason: Type.String(), status: StringEnum(['pending', 'approved', 'running', 'done', 'cancelled'] as const),
  requestedBy: Type.String(), requestedAt: Type.String(), approvedBy: Nullable(Type.String()), approvedAt: Nullable(Type.String()), runsAfter: Nullable(Type.String()),
  cancelledBy: Nullable(Type.String()), cancelledAt: Nullable(Type.String()), cancelReason: Nullable(Type.String()), finishedAt: Nullable(Type.String()),
  totals: Type.Object({ count: Type.Integer(), bytes: Type.Integer(), disposed: Type.Integer(), skipped: Type.Integer(), failed: Type.Integer() }),
  skipped: Type.Array(Type.Object({ evidenceId: Type.String(), status: StringEnum(['skipped', 'failed'] as const), detail: Type.String() })),
});
const Hold = Type.Object({
  id: Type.String(), evidenceId: Nullable(Type.String()), caseId: Nullable(Type.String()), unitId: Nullable(Type.String()), reason: Type.String(),
  createdBy: Type.String(), createdAt: Type.String(), releasedAt: Nullable(Type.String()), releasedBy: Nullable(Type.String()), releaseReason: Nullable(Type.String()),
});
/** What `GET /api/evidence/{id}` shows as `retention` (core/retention.ts effectiveRetention). */
export const RetentionView = Type.Object({ category: Type.String(), expiresAt: Nullable(Type.String()), heldBy: Type.Array(Type.String()), reason: Type.String() });
export const DisposalRecord = Type.Object({
  id: Nullable(Type.String()), disposedAt: Nullable(Type.String()), reason: Nullable(Type.String()), asOf: Nullable(Type.String()), requestedBy: Nullable(Type.String()), approvedBy: Nullable(Type.String()),
});
const Reason = Text(2000, { minLength: 1 });
const CodeParams = Type.Object({ code: Text(64, { minLength: 1 }) });

const iso = (d: Date | null) => d?.toISOString() ?? null;
const toDisposal = (d: DisposalView): Static<typeof Disposal> => ({
  ...d, asOf: d.asOf.toISOString(), requestedAt: d.requestedAt.toISOString(), approvedAt: iso(d.approvedAt), runsAfter: iso(d.runsAfter),
  cancelledAt: iso(d.cancelledAt), finishedAt: iso(d.finishedAt),
});
const actorOf = (p: Principal): Actor => ({ id: p.userId ?? p.id, name: p.name });

export async function retentionView(db: Db, evidenceId: string): Promise<Static<typeof RetentionView>> {
  const r = (await retentionOf(db, evidenceId))!;
  return { ...r, expiresAt: iso(r.expiresAt) };
}

const doc = (operationId: string, summary: string, description: string, tags = ['retention']) => ({ operationId, summary, description, tags });

/** Legal retention: categories, holds, the dry run, two-person disposal requests, expiry warnings. */
export function retentionRoutes(deps: { db: Db; now: () => Date; retentionGraceDays: number; store: ObjectStore; objectLockHorizonDays?: number }) {
  const { db, now, retentionGraceDays } = deps;
  /** The store's object lock follows holds and categories at once (where the store has one). */
  const relock = async (request: FastifyRequest, hold: { evidence_id: string | null; case_id: string | null }) => {
    const ids = hold.evidence_id
      ? [hold.evidence_id]
      : (await db.selectFrom('case_evidence').select('evidence_id').where('case_id', '=', hold.case_id!).execute()).map((r) => r.evidence_id);
    await lockOriginals({ ...deps, log: request.log }, ids);
  };
  const categoryRow = async (code: string) => {
    const c = await db.selectFrom('retention_categories').select(['code', 'name', 'days', 'description']).where('code', '=', code).executeTakeFirst();
    if (!c) throw notFound(`retention category ${code}`);
    return c;
  };
  const changeView = async (id: string): Promise<Static<typeof CategoryChange>> => {
    const c = await db.selectFrom('retention_category_changes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return {
      id: c.id, categoryCode: c.category_code, previousDays: c.previous_days, days: c.days, reason: c.reason, status: c.status,
      requestedBy: c.requested_by_name, requestedAt: c.requested_at.toISOString(), approvedBy: c.approved_by_name, approvedAt: iso(c.approved_at),
    };
  };
  /** Holds the caller may see: those of recordings and cases in the units they supervise (all for admins and auditors). */
  const holdScope = (p: Principal): UnitScope => {
    const scope = evidenceScope(p);
    return scope.kind === 'handler' ? { kind: 'none' } : scope;
  };
  const holdView = (h: { id: string; evidence_id: string | null; case_id: string | null; unit_id: string | null; reason: string; created_by_name: string; created_at: Date; released_at: Date | null; released_by_name: string | null; release_reason: string | null }) => ({
    id: h.id, evidenceId: h.evidence_id, caseId: h.case_id, unitId: h.unit_id, reason: h.reason, createdBy: h.created_by_name, createdAt: h.created_at.toISOString(),
    releasedAt: iso(h.released_at), releasedBy: h.released_by_name, releaseReason: h.release_reason,
  });
  const auditOf = (request: FastifyRequest, details: Record<string, unknown>, unitId: string | null = null) => {
    request.auditDetails = { ...request.auditDetails, ...details };
    request.auditObject = { unitId };
  };

  return async (app: HttpServer) => {
    app.get('/retention/categories', {
      config: { action: 'retention.read' },
      schema: { ...doc('listRetentionCategories', 'Retention categories', 'Every legal retention category with its period (null: permanent).'), response: { 200: Type.Object({ items: Type.Array(Category) }), ...errors } },
    }, async () => ({ items: await db.selectFrom('retention_categories').select(['code', 'name', 'days', 'description']).orderBy('code').execute() }));

    app.post('/retention/categories', {
      config: { action: 'retention.configure', audit: 'retention.category-create' },
      schema: {
        ...doc('createRetentionCategory', 'Add a retention category', 'A new category; its period may later be lengthened freely, shortened only with a second person\'s approval.'),
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' }), name: Text(100, { minLength: 1 }), days: Days, description: Type.Optional(Text(2000)) }, {
          examples: [{ code: 'traffic', name: '交通事故', days: 730, description: '交通事故处理记录' }],
        }),
        response: { 201: Category, ...errors },
      },
    }, async (request, reply) => {
      const b = request.body;
      const row = await db.insertInto('retention_categories').values({ code: b.code, name: b.name, days: b.days, description: b.description ?? '' }).onConflict((oc) => oc.doNothing()).returning(['code', 'name', 'days', 'description']).executeTakeFirst();
      if (!row) throw new Problem(409, 'Conflict', `retention category ${b.code} already exists`);
      auditOf(request, { category: row });
      reply.code(201);
      return row;
    });

    app.patch('/retention/categories/:code', {
      config: { action: 'retention.configure', audit: 'retention.category-update' },
      schema: {
        ...doc('updateRetentionCategory', 'Change a retention category',
          'Name and description change at once, and so does a longer period. A shorter period (or permanent to a number of days) is not applied: it becomes a pending change (202) that a second admin or overseer approves; even then it disposes of nothing by itself, only later disposal requests see it.'),
        params: CodeParams,
        body: Type.Object({ name: Type.Optional(Text(100, { minLength: 1 })), days: Type.Optional(Days), description: Type.Optional(Text(2000)), reason: Type.Optional(Reason) }, {
          examples: [{ days: 365, reason: '市局规定延长一般记录保存期' }],
        }),
        response: { 200: Category, 202: CategoryChange, ...errors },
      },
    }, async (request, reply) => {
      const current = await categoryRow(request.params.code);
      const { reason, days, ...fields } = request.body;
      auditOf(request, { category: current.code, changes: request.body });
      if (days !== undefined && shortens(current.days, days)) {
        if (!reason) throw new Problem(400, 'Bad Request', 'shortening a category needs a reason (it waits for a second person\'s approval)');
        const p = request.principal!;
        const change = await db.transaction().execute(async (trx) => {
          if (Object.keys(fields).length > 0) await trx.updateTable('retention_categories').set({ ...fields, updated_at: now() }).where('code', '=', current.code).execute();
          return trx
            .insertInto('retention_category_changes')
            .values({ category_code: current.code, previous_days: current.days, days, reason, requested_by: actorOf(p).id, requested_by_name: p.name, requested_at: now() })
            .returning('id')
            .executeTakeFirstOrThrow();
        });
        request.auditDetails = { ...request.auditDetails, pendingChange: change.id };
        reply.code(202).header('location', `/api/retention/category-changes/${change.id}`);
        return changeView(change.id);
      }
      await db.updateTable('retention_categories').set({ ...fields, ...(days !== undefined ? { days } : {}), updated_at: now() }).where('code', '=', current.code).execute();
      return categoryRow(current.code);
    });

    app.get('/retention/category-changes', {
      config: { action: 'retention.read' },
      schema: { ...doc('listRetentionCategoryChanges', 'Category changes', 'Shortenings of category periods, pending a second person\'s approval or applied.'), response: { 200: Type.Object({ items: Type.Array(CategoryChange) }), ...errors } },
    }, async () => {
      const rows = await db.selectFrom('retention_category_changes').select('id').orderBy('requested_at', 'desc').limit(500).execute();
      return { items: await Promise.all(rows.map((r) => changeView(r.id))) };
    });

    app.post('/retention/category-changes/:id/approve', {
      config: { action: 'retention.approve', audit: 'retention.category-approve' },
      schema: {
        ...doc('approveRetentionCategoryChange', 'Approve a shortening', 'A second admin or overseer (not the requester) applies a pending shortening of a category period.'),
        params: IdParams, response: { 200: CategoryChange, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      auditOf(request, {});
      await db.transaction().execute(async (trx) => {
        const c = await trx.selectFrom('retention_category_changes').selectAll().where('id', '=', request.params.id).forUpdate().executeTakeFirst();
        if (!c) throw notFound(`category change ${request.params.id}`);
        if (c.status !== 'pending') throw new Problem(409, 'Conflict', `category change ${c.id} is ${c.status}`);
        if (!mayApprove(c.requested_by, actorOf(p).id)) throw new Problem(403, 'Forbidden', 'a shortening is approved by a second person, not by the one who asked for it');
        request.auditDetails = { category: c.category_code, previousDays: c.previous_days, days: c.days };
        await trx.updateTable('retention_category_changes').set({ status: 'applied', approved_by: actorOf(p).id, approved_by_name: p.name, approved_at: now() }).where('id', '=', c.id).execute();
        await trx.updateTable('retention_categories').set({ days: c.days, updated_at: now() }).where('code', '=', c.category_code).execute();
      });
      return changeView(request.params.id);
    });

    app.patch('/retention/units/:id', {
      config: { action: 'retention.configure', audit: 'retention.unit-update' },
      schema: {
        ...doc('updateUnitCaseRetention', 'A unit\'s case retention', 'How long evidence of the unit\'s closed (结案/移送) cases is kept after closing, in days; null: permanently (the default).'),
        params: IdParams,
        body: Type.Object({ caseRetentionDays: Days, reason: Reason }, { examples: [{ caseRetentionDays: 3650, reason: '结案后保存十年' }] }),
        response: { 200: Type.Object({ id: Type.String(), caseRetentionDays: Nullable(Type.Integer()) }), ...errors },
      },
    }, async (request) => {
      const before = await db.selectFrom('units').select('case_retention_days').where('id', '=', request.params.id).executeTakeFirst();
      if (!before) throw notFound(`unit ${request.params.id}`);
      auditOf(request, { previousDays: before.case_retention_days, days: request.body.caseRetentionDays, reason: request.body.reason }, request.params.id);
      await db.updateTable('units').set({ case_retention_days: request.body.caseRetentionDays }).where('id', '=', request.params.id).execute();
      return { id: request.params.id, caseRetentionDays: request.body.caseRetentionDays };
    });

    app.patch('/evidence/:id/retention', {
      config: { action: 'retention.classify', audit: 'retention.classify' },
      schema: {
        ...doc('setEvidenceCategory', 'Set a recording\'s category', 'Puts a recording one can see in another category of equal or longer period (e.g. 执法异常: obstruction, mass incident); a shorter one is refused.', ['retention', 'evidence']),
        params: IdParams,
        body: Type.Object({ category: Text(64, { minLength: 1 }), reason: Reason }, { examples: [{ category: 'enforcement-anomaly', reason: '当事人暴力抗法' }] }),
        response: { 200: RetentionView, ...errors },
      },
    }, async (request) => {
      const e = await loadEvidence(db, request.principal!, request.params.id);
      auditOf(request, { from: e.category, to: request.body.category, reason: request.body.reason }, e.unit_id);
      if (e.state === 'disposed') throw new Problem(409, 'Conflict', `evidence ${e.id} was disposed of`);
      const [from, to] = [await categoryRow(e.category), await categoryRow(request.body.category)];
      if (shortens(from.days, to.days)) {
        throw new Problem(409, 'Conflict', `${to.name} keeps recordings for less time than ${from.name}: a recording's retention is never shortened this way`);
      }
      await db.updateTable('evidence').set({ category: to.code }).where('id', '=', e.id).execute();
      await relock(request, { evidence_id: e.id, case_id: null });
      return retentionView(db, e.id);
    });

    app.post('/holds', {
      config: { action: 'retention.hold', audit: 'retention.hold' },
      schema: {
        ...doc('createHold', 'Put a hold', 'A held recording (or every recording linked to a held case) is never disposed of, whatever its category, until the hold is released.'),
        body: Type.Object({ evidenceId: Type.Optional(Uuid), caseId: Type.Optional(Uuid), reason: Reason }, { examples: [{ evidenceId: '0b6d4f7e-2c1a-4e8a-9d55-3f0e8a1c2b7d', reason: '信访复查' }] }),
        response: { 201: Hold, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const { evidenceId, caseId, reason } = request.body;
      if ((evidenceId === undefined) === (caseId === undefined)) throw new Problem(400, 'Bad Request', 'give exactly one of evidenceId and caseId');
      const unitId = evidenceId ? (await loadEvidence(db, p, evidenceId)).unit_id : (await loadCase(db, p, caseId!)).unit_id;
      const hold = await db
        .insertInto('retention_holds')
        .values({ evidence_id: evidenceId ?? null, case_id: caseId ?? null, unit_id: unitId, reason, created_by: actorOf(p).id, created_by_name: p.name, created_at: now() })
        .returningAll()
        .executeTakeFirstOrThrow();
      auditOf(request, { holdId: hold.id, evidenceId: hold.evidence_id, caseId: hold.case_id, reason }, unitId);
      await relock(request, hold);
      reply.code(201);
      return holdView(hold);
    });

    app.get('/holds', {
      config: { action: 'retention.hold', audit: 'retention.holds' },
      schema: {
        ...doc('listHolds', 'Holds', 'Active holds (and released ones with released=true) on recordings and cases in the caller\'s units.'),
        querystring: Type.Object({ released: Type.Optional(Type.Boolean()), limit: Limit(1000, 200) }),
        response: { 200: Type.Object({ items: Type.Array(Hold) }), ...errors },
      },
    }, async (request) => {
      const units = unitIdsOf(holdScope(request.principal!));
      const rows = await db
        .selectFrom('retention_holds')
        .selectAll()
        .$if(!request.query.released, (q) => q.where('released_at', 'is', null))
        .$if(units !== null, (q) => q.where((eb) => (units!.length > 0 ? eb('unit_id', 'in', units!) : eb.lit(false))))
        .orderBy('created_at', 'desc')
        .limit(request.query.limit)
        .execute();
      return { items: rows.map(holdView) };
    });

    app.delete('/holds/:id', {
      config: { action: 'retention.hold', audit: 'retention.release' },
      schema: {
        ...doc('releaseHold', 'Release a hold', 'Ends a hold, with the reason; the recording\'s retention then applies again.'),
        params: IdParams, body: Type.Object({ reason: Reason }, { examples: [{ reason: '复查结束' }] }),
        response: { 200: Hold, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const hold = await db.selectFrom('retention_holds').selectAll().where('id', '=', request.params.id).executeTakeFirst();
      const scope = holdScope(p);
      if (!hold || !(scope.kind === 'all' || (hold.unit_id !== null && covers(scope, hold.unit_id)))) throw notFound(`hold ${request.params.id}`);
      auditOf(request, { holdId: hold.id, evidenceId: hold.evidence_id, caseId: hold.case_id, reason: request.body.reason }, hold.unit_id);
      const released = await db
        .updateTable('retention_holds')
        .set({ released_at: now(), released_by_name: p.name, release_reason: request.body.reason })
        .where('id', '=', hold.id)
        .where('released_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!released) throw new Problem(409, 'Conflict', `hold ${hold.id} was already released`);
      await relock(request, released);
      return holdView(released);
    });

    app.get('/retention/due', {
      config: { action: 'retention.read', audit: 'retention.due' },
      schema: {
        ...doc('listDueRecordings', 'Dry run: what would be disposed of', 'Exactly the recordings a disposal request made now for `asOf` would list (never anything held, linked to a case still keeping it, IMP-flagged or permanent), oldest first and paged; `totals` cover them all.'),
        querystring: Type.Object({ asOf: Type.Optional(DateTime), limit: Limit(1000, 100), cursor: Type.Optional(Cursor) }),
        response: { 200: Type.Object({ asOf: Type.String(), items: Type.Array(DueItem), totals: Totals, nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      const asOf = q.asOf ? new Date(q.asOf) : now();
      const rows = await dueItems(db, { asOf }, q.limit + 1, q.cursor ? cursorAfter(q.cursor) : undefined);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const totals = await dueTotals(db, { asOf });
      request.auditDetails = { asOf: asOf.toISOString(), count: totals.count, bytes: totals.bytes };
      return {
        asOf: asOf.toISOString(),
        items: page.map((i) => ({ ...i, recordedAt: i.recordedAt.toISOString() })),
        totals,
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.recordedAt, last.id) : null,
      };
    });

    app.get('/retention/expiring', {
      config: { action: 'retention.expiring' },
      schema: {
        ...doc('getExpiringRecordings', 'What expires soon', 'Recordings of the caller\'s units (all for admins and auditors) that are not due yet but will be within `days`: put them on hold or link them to keep them.'),
        querystring: Type.Object({ days: Defaulted(BoundedInt(1, 3650, { default: 30 })), limit: Limit(1000, 100) }),
        response: { 200: Type.Object({ until: Type.String(), items: Type.Array(DueItem), totals: Totals }), ...errors },
      },
    }, async (request) => {
      const { days, limit } = request.query;
      const selection = expiringSelection(now(), days, unitIdsOf(unitScope(request.principal!)));
      const items = await dueItems(db, selection, limit);
      return { until: selection.asOf.toISOString(), items: items.map((i) => ({ ...i, recordedAt: i.recordedAt.toISOString() })), totals: await dueTotals(db, selection) };
    });

    app.post('/retention/disposals', {
      config: { action: 'retention.request', audit: 'retention.request' },
      schema: {
        ...doc('createDisposalRequest', 'Request a disposal', 'Freezes the due list for `asOf` as a request; nothing is deleted until a second person approves it and the grace period (EVIDENCE_RETENTION_GRACE_DAYS) has passed.'),
        body: Type.Object({ asOf: DateTime, reason: Reason }, { examples: [{ asOf: '2026-11-01T00:00:00+08:00', reason: '2026 年第四季度到期一般记录处置' }] }),
        response: { 201: Disposal, ...errors },
      },
    }, async (request, reply) => {
      const view = await requestDisposal(db, { asOf: new Date(request.body.asOf), reason: request.body.reason, actor: actorOf(request.principal!), now: now() });
      auditOf(request, { disposalId: view.id, asOf: request.body.asOf, reason: request.body.reason, count: view.totals.count, bytes: view.totals.bytes });
      reply.code(201).header('location', `/api/retention/disposals/${view.id}`);
      return toDisposal(view);
    });

    app.get('/retention/disposals', {
      config: { action: 'retention.read' },
      schema: {
        ...doc('listDisposalRequests', 'Disposal requests', 'The newest disposal requests with their status and totals.'),
        querystring: Type.Object({ limit: Limit(500, 50) }),
        response: { 200: Type.Object({ items: Type.Array(Disposal) }), ...errors },
      },
    }, async (request) => ({ items: (await listDisposals(db, request.query.limit)).map(toDisposal) }));

    app.get('/retention/disposals/:id', {
      config: { action: 'retention.read' },
      schema: { ...doc('getDisposalRequest', 'A disposal request', 'Its status, totals, and the items skipped (held or linked meanwhile, no longer due) or failed when it ran.'), params: IdParams, response: { 200: Disposal, ...errors } },
    }, async (request) => {
      const view = await disposalView(db, request.params.id);
      if (!view) throw notFound(`disposal request ${request.params.id}`);
      return toDisposal(view);
    });

    app.post('/retention/disposals/:id/approve', {
      config: { action: 'retention.approve', audit: 'retention.approve' },
      schema: {
        ...doc('approveDisposalRequest', 'Approve a disposal', 'The second person (an admin or overseer other than the requester) approves; it runs once the grace period is over and can be cancelled until then.'),
        params: IdParams, response: { 200: Disposal, ...errors },
      },
    }, async (request) => {
      auditOf(request, { disposalId: request.params.id });
      return toDisposal(await approveDisposal(db, request.params.id, actorOf(request.principal!), now(), retentionGraceDays));
    });

    app.post('/retention/disposals/:id/cancel', {
      config: { action: 'retention.approve', audit: 'retention.cancel' },
      schema: {
        ...doc('cancelDisposalRequest', 'Cancel a disposal', 'Cancels a pending or approved request before it runs.'),
        params: IdParams, body: Type.Object({ reason: Reason }, { examples: [{ reason: '部分记录需复查' }] }), response: { 200: Disposal, ...errors },
      },
    }, async (request) => {
      auditOf(request, { disposalId: request.params.id, reason: request.body.reason });
      return toDisposal(await cancelDisposal(db, request.params.id, actorOf(request.principal!), request.body.reason, now()));
    });
  };
}
