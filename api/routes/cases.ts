import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import { CASE_STATES } from '../../schema/db';
import { caseScope, covers, decideHandlers, unitScope } from '../access';
import { loadCase, loadEvidence, visibleCases } from '../scoped';
import { Cursor, IdParams, Limit, Nullable, StringEnum, Text, Uuid, cursorAfter, errors, keysetPage } from '../schemas';
import { lockOriginals } from '../../core/object-lock';
import type { ObjectStore } from '../../core/store/port';

const Case = Type.Object({
  id: Type.String(),
  number: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  unitId: Type.String(),
  state: StringEnum(CASE_STATES),
  handlerIds: Type.Array(Type.String()),
  reporterId: Nullable(Type.String()),
  evidenceCount: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
/** What a complainant may know of a case they reported: how it is going, nothing more. */
const CaseStatus = Type.Object({ id: Type.String(), number: Type.String(), title: Type.String(), state: StringEnum(CASE_STATES), updatedAt: Type.String() });
const CaseView = Type.Union([Case, CaseStatus]);

export function caseRoutes(deps: { db: Db; store: ObjectStore; now: () => Date; objectLockHorizonDays?: number }) {
  const { db } = deps;

  async function describe(p: Principal, id: string): Promise<Static<typeof CaseView>> {
    const c = await loadCase(db, p, id);
    if (caseScope(p).kind === 'reported') return { id: c.id, number: c.number, title: c.title, state: c.state, updatedAt: c.updated_at.toISOString() };
    const handlers = await db.selectFrom('case_handlers').select('user_id').where('case_id', '=', id).execute();
    const count = await db.selectFrom('case_evidence').select((eb) => eb.fn.countAll<string>().as('n')).where('case_id', '=', id).executeTakeFirstOrThrow();
    return {
      id: c.id, number: c.number, title: c.title, description: c.description, unitId: c.unit_id, state: c.state,
      handlerIds: handlers.map((h) => h.user_id), reporterId: c.reporter_id, evidenceCount: Number(count.n),
      createdAt: c.created_at.toISOString(), updatedAt: c.updated_at.toISOString(),
    };
  }

  /** The handlers the case will have, or a 403/422 naming the offending ids (and audited with them). */
  async function handlersFor(request: FastifyRequest, caseUnitId: string, current: string[] | null, requested: string[] | undefined): Promise<string[]> {
    const p = request.principal!;
    const named = [...new Set([...(current ?? []), ...(requested ?? []), ...(p.userId ? [p.userId] : [])])];
    const users = named.length ? await db.selectFrom('users').select(['id', 'role', 'unit_id', 'disabled_at']).where('id', 'in', named).execute() : [];
    const decision = decideHandlers(p, caseUnitId, current, requested, users.map((u) => ({ id: u.id, role: u.role, unitId: u.unit_id, disabled: u.disabled_at !== null })));
    if (decision.ok) return decision.handlerIds;
    request.auditDetails = { ...request.auditDetails, refusedHandlerIds: decision.offending };
    throw new Problem(decision.status, decision.status === 403 ? 'Forbidden' : 'Unprocessable Content', decision.detail, { handlerIds: decision.offending });
  }

  return async (app: HttpServer) => {
    app.post('/cases', {
      config: { action: 'case.create', audit: 'case.create' },
      schema: {
        body: Type.Object({
          number: Text(64, { minLength: 1 }),
          title: Text(500, { minLength: 1 }),
          unitId: Uuid,
          description: Type.Optional(Text(10_000)),
          state: Type.Optional(StringEnum(CASE_STATES)),
          handlerIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
          reporterId: Type.Optional(Uuid),
        }),
        response: { 201: CaseView, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const b = request.body;
      // A case may only be opened in a unit the caller works in or supervises.
      if (!covers(unitScope(p), b.unitId)) throw notFound(`unit ${b.unitId}`);
      request.auditObject = { unitId: b.unitId };
      const handlerIds = await handlersFor(request, b.unitId, null, b.handlerIds);
      const id = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('cases')
          .values({ number: b.number, title: b.title, unit_id: b.unitId, description: b.description ?? null, state: b.state ?? '立案', reporter_id: b.reporterId ?? null, created_by: p.userId })
          .onConflict((oc) => oc.column('number').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!row) throw new Problem(409, 'Conflict', `case number ${b.number} already exists`);
        if (handlerIds.length > 0) await trx.insertInto('case_handlers').values(handlerIds.map((user_id) => ({ case_id: row.id, user_id }))).execute();
        return row.id;
      });
      request.auditDetails = { caseId: id, number: b.number, handlerIds };
      reply.code(201);
      return describe(p, id);
    });

    app.get('/cases', {
      config: { action: 'case.search', audit: 'case.search' },
      schema: {
        querystring: Type.Object({
          limit: Limit(500, 50),
          cursor: Type.Optional(Cursor),
          state: Type.Optional(StringEnum(CASE_STATES)),
          unitId: Type.Optional(Uuid),
          q: Type.Optional(Text(100)),
        }),
        response: { 200: Type.Object({ items: Type.Array(CaseView), nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      let query = visibleCases(db, request.principal!).select(['cases.id', 'cases.created_at']).orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(q.limit + 1);
      if (q.state) query = query.where('cases.state', '=', q.state);
      if (q.unitId) query = query.where('cases.unit_id', '=', q.unitId);
      if (q.q) query = query.where((eb) => eb.or([eb('cases.number', 'ilike', `%${q.q}%`), eb('cases.title', 'ilike', `%${q.q}%`)]));
      if (q.cursor) {
        const after = cursorAfter(q.cursor);
        query = query.where((eb) => eb.or([eb('cases.created_at', '<', after.at), eb.and([eb('cases.created_at', '=', after.at), eb('cases.id', '<', after.id)])]));
      }
      const { page, nextCursor } = keysetPage(await query.execute(), q.limit, (r) => r.created_at);
      return { items: await Promise.all(page.map((r) => describe(request.principal!, r.id))), nextCursor };
    });

    app.get('/cases/:id', {
      config: { action: 'case.read', audit: 'case.read' },
      schema: { params: IdParams, response: { 200: CaseView, ...errors } },
    }, async (request) => describe(request.principal!, request.params.id));

    app.patch('/cases/:id', {
      config: { action: 'case.update', audit: 'case.update' },
      schema: {
        params: IdParams,
        body: Type.Object({
          title: Type.Optional(Text(500, { minLength: 1 })),
          description: Type.Optional(Text(10_000)),
          state: Type.Optional(StringEnum(CASE_STATES)),
          handlerIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
        }),
        response: { 200: CaseView, ...errors },
      },
    }, async (request) => {
      const c = await loadCase(db, request.principal!, request.params.id);
      request.auditObject = { unitId: c.unit_id };
      const { handlerIds: requested, ...fields } = request.body;
      request.auditDetails = { changes: request.body };
      const current = (await db.selectFrom('case_handlers').select('user_id').where('case_id', '=', c.id).execute()).map((h) => h.user_id);
      const handlerIds = requested && (await handlersFor(request, c.unit_id, current, requested));
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('cases').set({ ...fields, updated_at: new Date() }).where('id', '=', c.id).execute();
        if (handlerIds) {
          await trx.deleteFrom('case_handlers').where('case_id', '=', c.id).execute();
          if (handlerIds.length > 0) await trx.insertInto('case_handlers').values(handlerIds.map((user_id) => ({ case_id: c.id, user_id }))).execute();
        }
      });
      return describe(request.principal!, c.id);
    });

    app.post('/cases/:id/evidence', {
      config: { action: 'case.link', audit: 'case.link' },
      schema: { params: IdParams, body: Type.Object({ evidenceId: Uuid }), response: { 200: Type.Object({ caseId: Type.String(), evidenceId: Type.String(), linked: Type.Boolean() }), ...errors } },
    }, async (request) => {
      const p = request.principal!;
      const c = await loadCase(db, p, request.params.id);
      request.auditObject = { unitId: c.unit_id };
      const e = await loadEvidence(db, p, request.body.evidenceId);
      request.auditDetails = { evidenceId: e.id };
      const inserted = await db.insertInto('case_evidence').values({ case_id: c.id, evidence_id: e.id, linked_by: p.userId }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      await lockOriginals({ ...deps, log: request.log }, [e.id]); // evidence in a case is kept longer: the store's lock follows
      return { caseId: c.id, evidenceId: e.id, linked: (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n };
    });

    app.delete('/cases/:id/evidence/:evidenceId', {
      config: { action: 'case.unlink', audit: 'case.unlink' },
      schema: { params: Type.Object({ id: Uuid, evidenceId: Uuid }), response: { 204: Type.Null(), ...errors } },
    }, async (request, reply) => {
      const p = request.principal!;
      const c = await loadCase(db, p, request.params.id);
      request.auditObject = { unitId: c.unit_id };
      request.auditDetails = { evidenceId: request.params.evidenceId };
      const result = await db.deleteFrom('case_evidence').where('case_id', '=', c.id).where('evidence_id', '=', request.params.evidenceId).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound(`link of evidence ${request.params.evidenceId} to case ${c.id}`);
      return reply.code(204).send(null);
    });
  };
}
