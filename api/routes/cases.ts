import type { FastifyRequest } from 'fastify';
import { transcodeIfLikely } from '../../core/transcode-requests';
import type { TranscodePolicy } from '../../transcode/policy';
import type { Selectable } from 'kysely';
import { Type, type Static, type TSchema } from 'typebox';
import { Problem, notFound } from '../../core/errors';
import type { PlatformEvent } from '../../core/events';
import type { HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import { CASE_STATES, type CaseState, type CasesTable } from '../../schema/db';
import { caseScope, covers, decideHandlers, permits, unitScope } from '../access';
import { auditedChange } from '../audit';
import { CASE_STAGES, STATE_OF_STAGE, decideStageChange, missingStages, nextStages, stageForState, type CaseStage } from '../case-stages';
import { Person, peopleById } from '../people';
import { loadCaseByRef, loadEvidence, scopeRedactor, visibleCases, visibleEvidence, type CaseRef } from '../scoped';
import { Cursor, IdParams, Limit, Nullable, StringEnum, Text, Uuid, cursorAfter, errors, keysetPage, problemResponse } from '../schemas';
import { requiredStagesOf } from './recording-rules';
import { refuseDisposed } from '../../core/disposal';
import { lockOriginals } from '../../core/object-lock';
import type { ObjectStore } from '../../core/store/port';

type CaseRow = Selectable<CasesTable>;

const STATE_MAPPING = '`state` is the older, coarser field, kept working: 立案 = stage 立案; 办理中 = any stage from 调查取证 to 执行; 结案 = 结案; 移送 = 移送. Sent instead of `stage`, 办理中 keeps a case already in one of its stages there and moves any other to 调查取证 (docs/case-stages.md).';
const Stage = StringEnum(CASE_STAGES);
const State = StringEnum(CASE_STATES);

const Case = Type.Object({
  id: Type.String(),
  number: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  unitId: Type.String(),
  stage: Stage,
  state: State,
  /** Who a case in 移送 went to. */
  transferTo: Nullable(Type.String()),
  handlerIds: Type.Array(Type.String()),
  /** The handlers by name and 警号, in the order of `handlerIds`. */
  handlers: Type.Array(Person),
  reporterId: Nullable(Type.String()),
  /** Linked files the caller may see. */
  evidenceCount: Type.Integer(),
  /** Linked files outside the caller's scope (e.g. footage that has no unit yet): the case page says they exist. */
  hiddenEvidenceCount: Type.Integer(),
  /** The stages the caller may move the case to, each with what the move needs (`reason`, `transferTo`); empty for who may not change it. */
  nextStages: Type.Array(Type.Object({ stage: Stage, needs: Type.Array(StringEnum(['reason', 'transferTo'] as const)) })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
/** What a complainant may know of a case they reported: how it is going, nothing more. */
const CaseStatus = Type.Object({ id: Type.String(), number: Type.String(), title: Type.String(), stage: Stage, state: State, updatedAt: Type.String() });
const CaseView = Type.Union([Case, CaseStatus]);

/** The case number in a path, URL-encoded (`/` as %2F): the key of the platform's case system. */
const NumberParams = Type.Object({ number: Text(64, { minLength: 1 }) });

/** What a request may change about a case; fields left out keep their value. */
const changeFields = {
  description: Type.Optional(Text(10_000)),
  stage: Type.Optional(Stage),
  state: Type.Optional(State),
  /** Why: required going back a stage, for 移送 and to reopen a closed case; kept in the history. */
  reason: Type.Optional(Text(2000, { minLength: 1 })),
  /** With 移送 only: the police or authority the case goes to. */
  transferTo: Type.Optional(Text(500, { minLength: 1 })),
  handlerIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
};
type CaseInput = { title?: string; description?: string; reporterId?: string; handlerIds?: string[]; stage?: CaseStage; state?: CaseState; reason?: string; transferTo?: string };

/** The audited actions that change a case; its history is their allowed events. */
const CHANGES = ['case.create', 'case.upsert', 'case.update', 'case.link', 'case.unlink'];

const HistoryEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Type.String(),
  /** The actor by name and 警号, when the actor is a user. */
  actor: Nullable(Person),
  role: Nullable(Type.String()),
  /** The client address, as the audit trail records it. */
  client: Nullable(Type.String()),
  action: Type.String(),
  reason: Nullable(Type.String()),
  /** `changes` ({field: {from, to}}; `stage` for a stage change), `transferTo`, or the linked `evidenceId` and its `stage`. */
  details: Type.Record(Type.String(), Type.Unknown()),
  /** The audit event's hash in the chain (GET /api/audit, `evidence audit verify`). */
  hash: Type.String(),
  redacted: Type.Optional(Type.Boolean()),
  /** The linked or unlinked file's name, when the caller may see the file. */
  evidenceName: Type.Optional(Type.String()),
});

const Footage = Type.Object({
  caseId: Type.String(),
  stage: Stage,
  requiredStages: Type.Array(Stage),
  /** Required stages the case has been in with no footage linked at that stage. */
  missingStages: Type.Array(Stage),
  stages: Type.Array(Type.Object({
    stage: Stage,
    required: Type.Boolean(),
    hasFootage: Type.Boolean(),
    /** The linked files the caller may see. */
    evidence: Type.Array(Type.Object({ id: Type.String(), originalName: Type.String(), recordedAt: Nullable(Type.String()), linkedAt: Type.String(), linkedBy: Nullable(Type.String()) })),
  })),
});

const LinkResult = Type.Object({ caseId: Type.String(), evidenceId: Type.String(), linked: Type.Boolean(), stage: Stage });

/** The two ways a path names a case, served by the same routes. */
interface CaseAddress {
  path: string;
  params: TSchema;
  ref(params: Record<string, string>): CaseRef;
  /** Appended to operationIds and said in descriptions. */
  suffix: '' | 'ByNumber';
  named: string;
}
const ADDRESSES: CaseAddress[] = [
  { path: '/cases/:id', params: IdParams, ref: (p) => ({ id: p.id! }), suffix: '', named: 'by its id' },
  { path: '/cases/by-number/:number', params: NumberParams, ref: (p) => ({ number: p.number! }), suffix: 'ByNumber', named: 'by its number (URL-encoded, e.g. %E9%AB%98%E7%8E%AF%E7%BD%9A%E3%80%942026%E3%80%9517%E5%8F%B7 for 高环罚〔2026〕17号; `/` as %2F)' },
];

export function caseRoutes(deps: { db: Db; store: ObjectStore; now: () => Date; objectLockHorizonDays?: number; transcodePolicy?: TranscodePolicy }) {
  const { db } = deps;

  async function describe(p: Principal, c: CaseRow): Promise<Static<typeof CaseView>> {
    if (caseScope(p).kind === 'reported') return { id: c.id, number: c.number, title: c.title, stage: c.stage, state: c.state, updatedAt: c.updated_at.toISOString() };
    const handlers = await db.selectFrom('case_handlers').innerJoin('users', 'users.id', 'case_handlers.user_id')
      .select(['users.id', 'users.username', 'users.display_name', 'users.officer_no']).where('case_handlers.case_id', '=', c.id).orderBy('users.username').execute();
    // Counted as the caller sees them, so the case list and the case page agree; the rest is said to exist.
    const linked = db.selectFrom('case_evidence').select('evidence_id').where('case_id', '=', c.id);
    const [all, visible] = await Promise.all([
      linked.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      visibleEvidence(db, p).select((eb) => eb.fn.countAll<string>().as('n')).where('evidence.id', 'in', linked).executeTakeFirstOrThrow(),
    ]);
    const mayChange = permits(p, 'case.update');
    return {
      id: c.id, number: c.number, title: c.title, description: c.description, unitId: c.unit_id, stage: c.stage, state: c.state, transferTo: c.transfer_to,
      handlerIds: handlers.map((h) => h.id), handlers: handlers.map((h) => ({ id: h.id, username: h.username, displayName: h.display_name, officerNo: h.officer_no })),
      reporterId: c.reporter_id, evidenceCount: Number(visible.n), hiddenEvidenceCount: Number(all.n) - Number(visible.n),
      nextStages: mayChange ? nextStages(c.stage, mayReopen(p, c.unit_id)) : [],
      createdAt: c.created_at.toISOString(), updatedAt: c.updated_at.toISOString(),
    };
  }
  const mayReopen = (p: Principal, unitId: string) => permits(p, 'case.reopen') && covers(unitScope(p), unitId);
  const reload = async (p: Principal, id: string) => describe(p, await loadCaseByRef(db, p, { id }));

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

  /** The stage a request asks for (`stage`, or the older `state`), or a 422 when the two disagree. */
  function requestedStage(input: CaseInput, current: CaseStage): CaseStage {
    if (input.stage && input.state && STATE_OF_STAGE[input.stage] !== input.state) {
      throw new Problem(422, 'Unprocessable Content', `stage ${input.stage} is state ${STATE_OF_STAGE[input.stage]}, not ${input.state}: send only stage`);
    }
    return input.stage ?? (input.state ? stageForState(input.state, current) : current);
  }

  function allowStage(p: Principal, unitId: string, from: CaseStage, to: CaseStage, input: CaseInput) {
    const decision = decideStageChange({ from, to, reason: input.reason, transferTo: input.transferTo, mayReopen: mayReopen(p, unitId) });
    if (!decision.ok) throw new Problem(decision.status, decision.status === 403 ? 'Forbidden' : 'Unprocessable Content', decision.detail);
    return decision.kind;
  }

  /** A duplicate number: the existing case's id only to a caller who may see that case. */
  async function duplicate(p: Principal, number: string): Promise<Problem> {
    const visible = await visibleCases(db, p).select('cases.id').where('cases.number', '=', number).executeTakeFirst();
    return visible
      ? new Problem(409, 'Conflict', `case number ${number} already exists`, { existingId: visible.id })
      : new Problem(409, 'Conflict', `case number ${number} already exists, outside your scope`);
  }

  /** Opens a case (answered 201); its id. */
  async function open(request: FastifyRequest, number: string, unitId: string, input: CaseInput & { title: string }): Promise<string> {
    const p = request.principal!;
    // A case may only be opened in a unit the caller works in or supervises.
    if (!covers(unitScope(p), unitId)) throw notFound(`unit ${unitId}`);
    request.auditObject = { unitId };
    request.auditDetails = { number, requested: input };
    const stage = requestedStage(input, '立案');
    allowStage(p, unitId, '立案', stage, input);
    const handlerIds = await handlersFor(request, unitId, null, input.handlerIds);
    return auditedChange(db, request, 201, async (trx) => {
      const row = await trx
        .insertInto('cases')
        .values({
          number, title: input.title, unit_id: unitId, description: input.description ?? null, stage, stages_reached: [...new Set<CaseStage>(['立案', stage])],
          transfer_to: input.transferTo ?? null, reporter_id: input.reporterId ?? null, created_by: p.userId,
        })
        .onConflict((oc) => oc.column('number').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) throw await duplicate(p, number);
      if (handlerIds.length > 0) await trx.insertInto('case_handlers').values(handlerIds.map((user_id) => ({ case_id: row.id, user_id }))).execute();
      request.auditObject = { unitId, id: row.id };
      const initial = { title: input.title, description: input.description ?? null, stage, handlerIds, reporterId: input.reporterId ?? null };
      request.auditDetails = { caseId: row.id, number, changed: true, changes: initial, reason: input.reason ?? null, transferTo: input.transferTo ?? null };
      return { value: row.id, events: [{ type: 'case.created', caseId: row.id, unitId, data: { caseId: row.id, number, unitId, ...initial, transferTo: input.transferTo ?? null } }] };
    });
  }

  /** Changes a case's fields, handlers and stage (answered `status`), recorded in its history. */
  async function change(request: FastifyRequest, c: CaseRow, input: CaseInput, status: number): Promise<void> {
    const p = request.principal!;
    request.auditObject = { unitId: c.unit_id, id: c.id };
    request.auditDetails = { caseId: c.id, number: c.number, requested: input };
    const current = (await db.selectFrom('case_handlers').select('user_id').where('case_id', '=', c.id).execute()).map((h) => h.user_id);
    const handlerIds = input.handlerIds && (await handlersFor(request, c.unit_id, current, input.handlerIds));
    await auditedChange(db, request, status, async (trx) => {
      // Decided on the locked row: two stage changes at once cannot both start from the same stage.
      const row = await trx.selectFrom('cases').selectAll().where('id', '=', c.id).forUpdate().executeTakeFirstOrThrow();
      const stage = requestedStage(input, row.stage);
      allowStage(p, row.unit_id, row.stage, stage, input);
      const edits: Record<string, { from: unknown; to: unknown }> = {};
      const edit = (field: string, from: unknown, to: unknown) => {
        if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) edits[field] = { from, to };
      };
      edit('title', row.title, input.title);
      edit('description', row.description, input.description);
      edit('reporterId', row.reporter_id, input.reporterId);
      edit('handlerIds', [...current].sort(), handlerIds && [...handlerIds].sort());
      const moved = stage !== row.stage;
      const changed = moved || Object.keys(edits).length > 0;
      if (changed) {
        await trx.updateTable('cases').set({
          ...(input.title !== undefined ? { title: input.title } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.reporterId !== undefined ? { reporter_id: input.reporterId } : {}),
          ...(moved ? { stage, stages_reached: [...new Set([...row.stages_reached, stage])], transfer_to: stage === '移送' ? input.transferTo! : null } : {}),
          updated_at: new Date(),
        }).where('id', '=', c.id).execute();
      }
      if (edits.handlerIds && handlerIds) {
        await trx.deleteFrom('case_handlers').where('case_id', '=', c.id).execute();
        if (handlerIds.length > 0) await trx.insertInto('case_handlers').values(handlerIds.map((user_id) => ({ case_id: c.id, user_id }))).execute();
      }
      const reason = input.reason ?? null;
      const transferTo = moved ? (input.transferTo ?? null) : null;
      request.auditDetails = { caseId: c.id, number: c.number, changed, changes: { ...edits, ...(moved ? { stage: { from: row.stage, to: stage } } : {}) }, reason, transferTo };
      const scope = { caseId: c.id, unitId: c.unit_id };
      const events: PlatformEvent[] = [
        ...(Object.keys(edits).length > 0 ? [{ type: 'case.updated' as const, ...scope, data: { caseId: c.id, number: c.number, changes: edits } }] : []),
        ...(moved ? [{ type: 'case.stage_changed' as const, ...scope, data: { caseId: c.id, number: c.number, from: row.stage, to: stage, reason, transferTo } }] : []),
      ];
      return { value: undefined, events };
    });
  }

  /** The unit a PUT names by id or by code. */
  async function unitOf(b: { unitId?: string; unitCode?: string }): Promise<string> {
    if (!b.unitId && !b.unitCode) throw new Problem(400, 'Bad Request', 'give the unit: unitId or unitCode');
    let query = db.selectFrom('units').select('id');
    if (b.unitId) query = query.where('id', '=', b.unitId);
    if (b.unitCode) query = query.where('code', '=', b.unitCode);
    const unit = await query.executeTakeFirst();
    if (!unit) throw notFound(`unit ${b.unitCode ?? b.unitId}`);
    return unit.id;
  }

  return async (app: HttpServer) => {
    app.post('/cases', {
      config: { action: 'case.create', audit: 'case.create' },
      schema: {
        summary: 'Open a case',
        description: `Opens a case in a unit the caller works in or supervises; it starts in stage 立案 unless \`stage\` (or \`state\`) says otherwise. A number that exists answers 409; its problem body carries \`existingId\` when the caller may see that case. ${STATE_MAPPING} PUT /api/cases/by-number/{number} does the same idempotently.`,
        tags: ['cases'],
        operationId: 'createCase',
        body: Type.Object({
          number: Text(64, { minLength: 1 }),
          title: Text(500, { minLength: 1 }),
          unitId: Uuid,
          reporterId: Type.Optional(Uuid),
          ...changeFields,
        }, { examples: [{ number: '高环罚〔2026〕17号', title: '某公司超标排放案', unitId: '0f8fad5b-d9cb-469f-a165-70867728950e', description: '群众举报', stage: '立案' }] }),
        response: { 201: CaseView, ...errors },
      },
    }, async (request, reply) => {
      const id = await open(request, request.body.number, request.body.unitId, request.body);
      reply.code(201);
      return reload(request.principal!, id);
    });

    app.put('/cases/by-number/:number', {
      config: { action: 'case.create', audit: 'case.upsert' },
      schema: {
        summary: 'Create or update a case by its number',
        description: `Idempotent: opens the case if its number is new (201), else changes it (200); fields left out keep their value. The unit, by \`unitId\` or \`unitCode\`, must be the case's own (a case does not move between units). A stage change follows the rules of PATCH /api/cases/{id}. A number taken by a case outside the caller's scope answers 409. ${STATE_MAPPING}`,
        tags: ['cases'],
        operationId: 'putCaseByNumber',
        params: NumberParams,
        body: Type.Object({
          title: Text(500, { minLength: 1 }),
          unitId: Type.Optional(Uuid),
          unitCode: Type.Optional(Text(64, { minLength: 1 })),
          reporterId: Type.Optional(Uuid),
          ...changeFields,
        }, { examples: [{ title: '某公司超标排放案', unitCode: 'HBJ', description: '群众举报', stage: '调查取证' }] }),
        response: { 200: CaseView, 201: CaseView, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const { number } = request.params;
      const unitId = await unitOf(request.body);
      const exists = await db.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirst();
      if (!exists) {
        const id = await open(request, number, unitId, request.body);
        reply.code(201);
        return reload(p, id);
      }
      const c = await loadCaseByRef(db, p, { number }).catch(async () => {
        throw await duplicate(p, number);
      });
      if (c.unit_id !== unitId) throw new Problem(422, 'Unprocessable Content', `case ${number} belongs to unit ${c.unit_id}; a case does not move between units`);
      await change(request, c, request.body, 200);
      return reload(p, c.id);
    });

    app.get('/cases', {
      config: { action: 'case.search', audit: 'case.search' },
      schema: {
        summary: 'Search cases',
        description: `The cases the caller may see, newest first, by \`stage\`, \`state\`, unit, or text in number or title (\`q\`); a complainant gets the status of the cases they reported. ${STATE_MAPPING}`,
        tags: ['cases'],
        operationId: 'listCases',
        querystring: Type.Object({
          limit: Limit(500, 50),
          cursor: Type.Optional(Cursor),
          stage: Type.Optional(Stage),
          state: Type.Optional(State),
          unitId: Type.Optional(Uuid),
          q: Type.Optional(Text(100)),
        }),
        response: { 200: Type.Object({ items: Type.Array(CaseView), nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      let query = visibleCases(db, request.principal!).selectAll('cases').orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(q.limit + 1);
      if (q.stage) query = query.where('cases.stage', '=', q.stage);
      if (q.state) query = query.where('cases.state', '=', q.state);
      if (q.unitId) query = query.where('cases.unit_id', '=', q.unitId);
      if (q.q) query = query.where((eb) => eb.or([eb('cases.number', 'ilike', `%${q.q}%`), eb('cases.title', 'ilike', `%${q.q}%`)]));
      if (q.cursor) {
        const after = cursorAfter(q.cursor);
        query = query.where((eb) => eb.or([eb('cases.created_at', '<', after.at), eb.and([eb('cases.created_at', '=', after.at), eb('cases.id', '<', after.id)])]));
      }
      const { page, nextCursor } = keysetPage(await query.execute(), q.limit, (r) => r.created_at);
      return { items: await Promise.all(page.map((r) => describe(request.principal!, r))), nextCursor };
    });

    app.patch('/cases/:id', {
      config: { action: 'case.update', audit: 'case.update' },
      schema: {
        summary: "Change a case's stage, fields or handlers",
        description: `Stages: ${CASE_STAGES.join(' → ')}. Forward along the order freely (stages a case does not need may be skipped); back to an earlier stage with a \`reason\`; to 移送 from any open stage with \`transferTo\` and a \`reason\`; out of 结案 or 移送 only by the unit head or an admin, with a \`reason\` (a reopening). A refused change answers 403 (who) or 422 (what is missing). Every change is in GET /api/cases/{id}/history and the audit trail. ${STATE_MAPPING}`,
        tags: ['cases'],
        operationId: 'updateCase',
        params: IdParams,
        body: Type.Object({ title: Type.Optional(Text(500, { minLength: 1 })), ...changeFields }, {
          examples: [{ stage: '审查' }, { stage: '移送', transferTo: '区公安分局', reason: '涉嫌污染环境罪，依法移送' }, { stage: '调查取证', reason: '审查发现证据不足，退回补充调查' }],
        }),
        response: { 200: CaseView, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const c = await loadCaseByRef(db, p, { id: request.params.id });
      await change(request, c, request.body, 200);
      return reload(p, c.id);
    });

    app.get('/units/:id/members', {
      config: { action: 'case.assign', audit: 'unit.members' },
      schema: {
        summary: "A unit's active staff, to assign as case handlers",
        description: "The active users of a unit the caller assigns handlers in (its unit head, an overseer of it, an admin), by display name and 警号 with their role; a case's handlers are chosen among its unit's `handler`s (PATCH /api/cases/{id} `handlerIds`). Another unit reads as 404.",
        tags: ['cases'],
        operationId: 'listUnitMembers',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ ...Person.properties, role: Type.String() })) }), ...errors },
      },
    }, async (request) => {
      const { id } = request.params;
      if (!covers(unitScope(request.principal!), id)) throw notFound(`unit ${id}`);
      request.auditObject = { unitId: id };
      const rows = await db.selectFrom('users').select(['id', 'username', 'display_name', 'officer_no', 'role'])
        .where('unit_id', '=', id).where('disabled_at', 'is', null).orderBy('role').orderBy('username').execute();
      return { items: rows.map((u) => ({ id: u.id, username: u.username, displayName: u.display_name, officerNo: u.officer_no, role: u.role })) };
    });

    app.get('/cases/:id/history', {
      config: { action: 'case.history', audit: 'case.history' },
      schema: {
        summary: "A case's history",
        description: 'Every change to the case, oldest first: its opening, stage changes (from, to, reason, transferTo), edits of title, description, reporter and handlers, and footage linked and unlinked; who made it, when, and from which client address. Each entry is an event of the hash-chained audit trail and carries its hash. Ids of files outside the caller\'s scope are replaced (`redacted`). Not for a complainant, who sees the case\'s status only.',
        tags: ['cases'],
        operationId: 'getCaseHistory',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(HistoryEntry) }), ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const c = await loadCaseByRef(db, p, { id: request.params.id });
      request.auditObject = { unitId: c.unit_id };
      const rows = (await db.selectFrom('audit_events').selectAll().where('object_id', '=', c.id).where('action', 'in', CHANGES).where('outcome', '=', 'allowed').orderBy('seq').execute())
        .filter((r) => r.details.changed !== false);
      const redact = await scopeRedactor(db, p, rows.map((r) => r.details));
      const people = await peopleById(db, rows.map((r) => r.actor_id));
      const fileIds = [...new Set(rows.flatMap((r) => (typeof r.details.evidenceId === 'string' ? [r.details.evidenceId] : [])))];
      const files = new Map(fileIds.length === 0 ? [] : (await visibleEvidence(db, p).select(['evidence.id', 'evidence.original_name']).where('evidence.id', 'in', fileIds).execute()).map((f) => [f.id, f.original_name]));
      return {
        items: rows.map((r) => {
          const { method: _m, route: _r, status: _s, ...rest } = r.details;
          const details = redact(rest);
          return {
            seq: Number(r.seq), at: r.at.toISOString(), actorId: r.actor_id, actorName: r.actor_name, actor: (r.actor_id && people.get(r.actor_id)) || null, role: r.role, client: r.client, action: r.action,
            reason: typeof rest.reason === 'string' ? rest.reason : null, details: details.value, hash: r.hash, ...(details.redacted ? { redacted: true } : {}),
            ...(typeof rest.evidenceId === 'string' && files.has(rest.evidenceId) ? { evidenceName: files.get(rest.evidenceId)! } : {}),
          };
        }),
      };
    });

    app.get('/cases/:id/evidence', {
      config: { action: 'case.footage', audit: 'case.footage' },
      schema: {
        summary: "A case's footage by stage",
        description: "The files linked to the case grouped by the stage the case was in when each was linked, for every stage that has footage or that the unit's recording rule (GET /api/units/{id}/recording-rules) requires; `missingStages` are the required stages the case has been in without footage. Lists only files the caller may see.",
        tags: ['cases'],
        operationId: 'getCaseFootage',
        params: IdParams,
        response: { 200: Footage, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const c = await loadCaseByRef(db, p, { id: request.params.id });
      request.auditObject = { unitId: c.unit_id };
      const links = await db.selectFrom('case_evidence').select(['evidence_id', 'stage', 'linked_at', 'linked_by']).where('case_id', '=', c.id).orderBy('linked_at').execute();
      const files = links.length === 0 ? [] : await visibleEvidence(db, p).select(['evidence.id', 'evidence.original_name', 'evidence.recorded_at']).where('evidence.id', 'in', links.map((l) => l.evidence_id)).execute();
      const seen = new Map(files.map((f) => [f.id, f]));
      const required = await requiredStagesOf(db, c.unit_id);
      const withFootage = links.map((l) => l.stage);
      return {
        caseId: c.id,
        stage: c.stage,
        requiredStages: required,
        missingStages: missingStages(required, c.stages_reached, withFootage),
        stages: CASE_STAGES.filter((s) => required.includes(s) || withFootage.includes(s)).map((stage) => ({
          stage,
          required: required.includes(stage),
          hasFootage: withFootage.includes(stage),
          evidence: links.flatMap((l) => {
            const f = l.stage === stage ? seen.get(l.evidence_id) : undefined;
            return f ? [{ id: f.id, originalName: f.original_name, recordedAt: f.recorded_at?.toISOString() ?? null, linkedAt: l.linked_at.toISOString(), linkedBy: l.linked_by }] : [];
          }),
        })),
      };
    });

    // Read, link and unlink, by id and by number: one set of handlers, one resolver.
    for (const at of ADDRESSES) {
      const locate = (request: FastifyRequest) => loadCaseByRef(db, request.principal!, at.ref(request.params as Record<string, string>));

      app.get(at.path, {
        config: { action: 'case.read', audit: 'case.read' },
        schema: {
          summary: `Get a case ${at.suffix ? 'by its number' : ''}`.trim(),
          description: `The case named ${at.named}. A complainant gets the status of a case they reported (id, number, title, stage, state, updatedAt). ${STATE_MAPPING}`,
          tags: ['cases'],
          operationId: `getCase${at.suffix}`,
          params: at.params,
          response: { 200: CaseView, ...errors },
        },
      }, async (request) => {
        const c = await locate(request);
        request.auditObject = { unitId: c.unit_id, id: c.id };
        return describe(request.principal!, c);
      });

      app.post(`${at.path}/evidence`, {
        config: { action: 'case.link', audit: 'case.link' },
        schema: {
          summary: `Link footage to a case${at.suffix ? ' named by its number' : ''}`,
          description: `Links a file the caller may see (not one disposed of: 410) to the case named ${at.named}, recording the case's current stage as the stage the footage documents (GET /api/cases/{id}/evidence). Linking a linked file again changes nothing (\`linked: false\`).`,
          tags: ['cases'],
          operationId: `linkCaseEvidence${at.suffix}`,
          params: at.params,
          body: Type.Object({ evidenceId: Uuid }, { examples: [{ evidenceId: '9b2e4c1a-5f3d-4e8b-a7c6-1d2e3f4a5b6c' }] }),
          response: { 200: LinkResult, 410: problemResponse(410), ...errors },
        },
      }, async (request) => {
        const p = request.principal!;
        const c = await locate(request);
        request.auditObject = { unitId: c.unit_id, id: c.id };
        const e = await loadEvidence(db, p, (request.body as { evidenceId: string }).evidenceId);
        request.auditDetails = { evidenceId: e.id };
        await refuseDisposed(db, e);
        const result = await auditedChange(db, request, 200, async (trx) => {
          // The stage under a share lock: a stage change waits for the link, so the link records the stage it happened in.
          const { stage } = await trx.selectFrom('cases').select('stage').where('id', '=', c.id).forShare().executeTakeFirstOrThrow();
          const inserted = await trx.insertInto('case_evidence').values({ case_id: c.id, evidence_id: e.id, linked_by: p.userId, stage }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
          const linked = (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
          // Footage in a case is likely watched: the policy may want its H.264 rendition now.
          if (linked) await transcodeIfLikely(trx, e.id, deps.transcodePolicy ?? 'smart');
          const { stage: linkStage } = linked ? { stage } : await trx.selectFrom('case_evidence').select('stage').where('case_id', '=', c.id).where('evidence_id', '=', e.id).executeTakeFirstOrThrow();
          request.auditDetails = { caseId: c.id, number: c.number, evidenceId: e.id, stage: linkStage, changed: linked };
          const events: PlatformEvent[] = linked ? [{ type: 'case.evidence_linked', caseId: c.id, unitId: c.unit_id, data: { caseId: c.id, number: c.number, evidenceId: e.id, stage } }] : [];
          return { value: { caseId: c.id, evidenceId: e.id, linked, stage: linkStage }, events };
        });
        await lockOriginals({ ...deps, log: request.log }, [e.id]); // evidence in a case is kept longer: the store's lock follows
        return result;
      });

      app.delete(`${at.path}/evidence/:evidenceId`, {
        config: { action: 'case.unlink', audit: 'case.unlink' },
        schema: {
          summary: `Unlink footage from a case${at.suffix ? ' named by its number' : ''}`,
          description: `Removes the link of a file to the case named ${at.named}; 404 when it is not linked. Recorded in the case's history.`,
          tags: ['cases'],
          operationId: `unlinkCaseEvidence${at.suffix}`,
          params: Type.Object({ ...(at.params as typeof IdParams).properties, evidenceId: Uuid }),
          response: { 204: Type.Null(), ...errors },
        },
      }, async (request, reply) => {
        const c = await locate(request);
        const evidenceId = (request.params as { evidenceId: string }).evidenceId;
        request.auditObject = { unitId: c.unit_id, id: c.id };
        request.auditDetails = { evidenceId };
        await auditedChange(db, request, 204, async (trx) => {
          const gone = await trx.deleteFrom('case_evidence').where('case_id', '=', c.id).where('evidence_id', '=', evidenceId).returning('stage').executeTakeFirst();
          if (!gone) throw notFound(`link of evidence ${evidenceId} to case ${c.id}`);
          request.auditDetails = { caseId: c.id, number: c.number, evidenceId, stage: gone.stage, changed: true };
          return { value: undefined, events: [{ type: 'case.evidence_unlinked', caseId: c.id, unitId: c.unit_id, data: { caseId: c.id, number: c.number, evidenceId, stage: gone.stage } }] };
        });
        return reply.code(204).send(null);
      });
    }
  };
}
