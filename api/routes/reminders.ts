import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { Problem, notFound } from '../../core/errors';
import type { PlatformEvent } from '../../core/events';
import type { HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import type { ReminderStepsTable } from '../../schema/db';
import { covers, unitIdsOf, unitScope } from '../access';
import { auditedChange } from '../audit';
import { AWAITING_UNIT, REMINDER_STATES, reminderState, reminderTransition, type ReminderStep } from '../reminder-rules';
import { loadCase, loadEvidence } from '../scoped';
import { Cursor, DateTime, IdParams, Limit, Nullable, StringEnum, Text, Uuid, errors, newestFirstPage } from '../schemas';

const Step = Type.Object({
  kind: StringEnum(['issued', 'responded', 'returned', 'closed'] as const), text: Type.String(), links: Type.Array(Type.String()),
  dueAt: Nullable(Type.String({ description: 'the due date set by this step (issuing, or returning with a new one)' })), by: Type.String(), role: Type.String(), at: Type.String(),
  byName: Nullable(Type.String({ description: 'the display name of who took the step, as people know them' })), byOfficerNo: Nullable(Type.String()),
});
const ReminderItem = Type.Object({
  id: Type.String(), unitId: Type.String(), unitName: Type.String(),
  caseId: Nullable(Type.String()), caseNumber: Nullable(Type.String()), evidenceId: Nullable(Type.String()), evidenceName: Nullable(Type.String()),
  text: Type.String(), dueAt: Type.String(),
  state: StringEnum(REMINDER_STATES),
  issuedBy: Type.String(), issuedByRole: Type.String(), issuedByName: Nullable(Type.String()), issuedByOfficerNo: Nullable(Type.String()), createdAt: Type.String(), updatedAt: Type.String(), closedAt: Nullable(Type.String()),
});
const Reminder = Type.Object({ ...ReminderItem.properties, steps: Type.Array(Step) });
const Body = Text(4000, { minLength: 1 });
const Link = Type.String({ maxLength: 2000, pattern: '^(https?://|/)\\S*$', description: 'a URL, or a path on this platform (e.g. /api/evidence/{id})' });

const STEP_KIND: Record<ReminderStep, 'responded' | 'returned' | 'closed'> = { respond: 'responded', return: 'returned', close: 'closed' };
const doc = (operationId: string, summary: string, description: string) => ({ operationId, summary, description, tags: ['reminders'] });
const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Supervision reminders (监督提醒, issue 16 item 4): a supervisor (overseer, auditor: the
 * legal-affairs office) reminds a unit about a case or a recording with a due date; the unit's head
 * answers; the issuer closes or returns it. Every step is audited and sent as a platform event.
 */
export function reminderRoutes(deps: { db: Db; now: () => Date }) {
  const { db, now } = deps;

  const reminders = () => db.selectFrom('supervision_reminders as r').innerJoin('units as u', 'u.id', 'r.unit_id')
    .leftJoin('cases as c', 'c.id', 'r.case_id').leftJoin('evidence as e', 'e.id', 'r.evidence_id').leftJoin('users as iu', 'iu.id', 'r.issued_by')
    .selectAll('r').select(['u.name as unit_name', 'c.number as case_number', 'e.original_name as evidence_name', 'iu.display_name as issued_by_display', 'iu.officer_no as issued_by_officer_no']);
  type Row = Awaited<ReturnType<ReturnType<typeof reminders>['executeTakeFirstOrThrow']>>;

  /** A reminder to a unit the caller heads or supervises; others read as absent. */
  async function reminderInScope(p: Principal, id: string): Promise<Row> {
    const row = await reminders().where('r.id', '=', id).executeTakeFirst();
    if (!row || !covers(unitScope(p), row.unit_id)) throw notFound(`reminder ${id}`);
    return row;
  }

  const itemOf = (r: Row): Static<typeof ReminderItem> => ({
    id: r.id, unitId: r.unit_id, unitName: r.unit_name, caseId: r.case_id, caseNumber: r.case_number, evidenceId: r.evidence_id, evidenceName: r.evidence_name,
    text: r.text, dueAt: r.due_at.toISOString(), state: reminderState(r, now()), issuedBy: r.issued_by_name, issuedByRole: r.issued_by_role, issuedByName: r.issued_by_display, issuedByOfficerNo: r.issued_by_officer_no,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), closedAt: iso(r.closed_at),
  });

  async function reminderView(p: Principal, id: string): Promise<Static<typeof Reminder>> {
    const row = await reminderInScope(p, id);
    const steps = await db.selectFrom('reminder_steps as s').leftJoin('users as u', 'u.id', 's.actor_id').selectAll('s').select(['u.display_name', 'u.officer_no'])
      .where('s.reminder_id', '=', id).orderBy('s.seq').execute();
    return {
      ...itemOf(row),
      steps: steps.map((s) => ({ kind: s.kind, text: s.text, links: s.links, dueAt: iso(s.due_at), by: s.actor_name, role: s.actor_role, at: s.at.toISOString(), byName: s.display_name, byOfficerNo: s.officer_no })),
    };
  }

  /** The event of a step: about the reminder's case, else its recording (who may see that hears of it). */
  const eventOf = (type: PlatformEvent['type'], r: { id: string; unit_id: string; case_id: string | null; evidence_id: string | null; due_at: Date }, status: string, data: Record<string, unknown>): PlatformEvent => ({
    type, unitId: r.unit_id, ...(r.case_id ? { caseId: r.case_id } : { evidenceId: r.evidence_id! }),
    data: { reminderId: r.id, unitId: r.unit_id, caseId: r.case_id, evidenceId: r.evidence_id, status, dueAt: r.due_at.toISOString(), ...data },
  });

  const stepRow = (p: Principal, reminderId: string, kind: ReminderStepsTable['kind'], text: string, at: Date, extra: { links?: string[]; dueAt?: Date } = {}) => ({
    reminder_id: reminderId, kind, text, links: extra.links ?? [], due_at: extra.dueAt ?? null, actor_id: p.userId, actor_name: p.name, actor_role: p.role, at,
  });

  function dueAfterNow(dueAt: string): Date {
    const due = new Date(dueAt);
    if (due.getTime() <= now().getTime()) throw new Problem(422, 'Unprocessable Content', `the due date ${dueAt} has passed`);
    return due;
  }

  /** Responding, returning or closing, decided on the locked row (api/reminder-rules.ts), audited, with its event. */
  async function takeStep(request: FastifyRequest, id: string, step: ReminderStep, status: number, input: { text: string; links?: string[]; dueAt?: string }) {
    const p = request.principal!;
    const current = await reminderInScope(p, id);
    request.auditObject = { unitId: current.unit_id, id };
    request.auditDetails = { reminderId: id, step, text: input.text, ...(input.links ? { links: input.links } : {}), ...(input.dueAt ? { dueAt: input.dueAt } : {}) };
    const newDue = input.dueAt === undefined ? undefined : dueAfterNow(input.dueAt);
    await auditedChange(db, request, status, async (trx) => {
      const row = await trx.selectFrom('supervision_reminders').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
      // The table lets only a unit head respond, in their own unit; returning and closing is the issuer's.
      const by = step === 'respond' ? 'unit' : p.userId !== null && row.issued_by === p.userId ? 'issuer' : 'other';
      const decision = reminderTransition(row.status, step, by);
      if (!decision.ok) throw new Problem(decision.status, decision.status === 403 ? 'Forbidden' : 'Conflict', decision.detail, { state: reminderState(row, now()) });
      const at = now();
      const updated = await trx.updateTable('supervision_reminders')
        .set({ status: decision.next, updated_at: at, ...(newDue ? { due_at: newDue } : {}), ...(step === 'close' ? { closed_at: at } : {}) })
        .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await trx.insertInto('reminder_steps').values(stepRow(p, id, STEP_KIND[step], input.text, at, { links: input.links, dueAt: newDue })).execute();
      request.auditDetails = { ...request.auditDetails, from: row.status, to: decision.next };
      return { value: undefined, events: [eventOf(`reminder.${STEP_KIND[step]}`, updated, decision.next, { text: input.text, ...(input.links ? { links: input.links } : {}), by: p.name })] };
    });
    return reminderView(p, id);
  }

  return async (app: HttpServer) => {
    app.post('/reminders', {
      config: { action: 'reminder.issue', audit: 'reminder.issue' },
      schema: {
        ...doc('createReminder', 'Issue a supervision reminder', 'Reminds the unit of a case (`caseId`) or a recording (`evidenceId`), exactly one, with a text and a due date; the unit is the case\'s or the recording\'s (`unitId`, if sent, must be it). Overseers remind the units they oversee, auditors (e.g. the legal-affairs office) any. The reminder starts 待回复 and reads 逾期 once the due date passes unanswered. Audited; event `reminder.issued`.'),
        body: Type.Object({ caseId: Type.Optional(Uuid), evidenceId: Type.Optional(Uuid), unitId: Type.Optional(Uuid), text: Body, dueAt: DateTime }, {
          examples: [{ caseId: '7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6', text: '该案告知阶段缺少执法记录仪视频，请说明原因并补充相关材料。', dueAt: '2026-12-10T18:00:00+08:00' }],
        }),
        response: { 201: Reminder, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const b = request.body;
      if ((b.caseId === undefined) === (b.evidenceId === undefined)) throw new Problem(422, 'Unprocessable Content', 'a reminder is about a case (caseId) or a recording (evidenceId): name exactly one');
      const object = b.caseId ? await loadCase(db, p, b.caseId) : await loadEvidence(db, p, b.evidenceId!);
      const unitId = object.unit_id;
      if (!unitId) throw new Problem(422, 'Unprocessable Content', `recording ${b.evidenceId} belongs to no unit yet; an admin assigns it first`);
      request.auditObject = { unitId };
      if (b.unitId !== undefined && b.unitId !== unitId) throw new Problem(422, 'Unprocessable Content', `the ${b.caseId ? 'case' : 'recording'} belongs to unit ${unitId}, not ${b.unitId}`);
      if (!covers(unitScope(p), unitId)) throw notFound(`unit ${unitId}`);
      const due = dueAfterNow(b.dueAt);
      const id = await auditedChange(db, request, 201, async (trx) => {
        const at = now();
        const row = await trx.insertInto('supervision_reminders').values({
          unit_id: unitId, case_id: b.caseId ?? null, evidence_id: b.evidenceId ?? null, text: b.text, due_at: due,
          issued_by: p.userId, issued_by_name: p.name, issued_by_role: p.role, created_at: at, updated_at: at,
        }).returningAll().executeTakeFirstOrThrow();
        await trx.insertInto('reminder_steps').values(stepRow(p, row.id, 'issued', b.text, at, { dueAt: due })).execute();
        request.auditObject = { unitId, id: row.id };
        request.auditDetails = { reminderId: row.id, caseId: row.case_id, evidenceId: row.evidence_id, text: b.text, dueAt: due.toISOString() };
        return { value: row.id, events: [eventOf('reminder.issued', row, row.status, { text: b.text, by: p.name })] };
      });
      reply.code(201);
      return reminderView(p, id);
    });

    app.get('/reminders', {
      config: { action: 'reminder.read' },
      schema: {
        ...doc('listReminders', 'List supervision reminders', 'Reminders to the units the caller heads or supervises (auditors, admins: all), newest first; narrowed by `unitId`, `caseId`, `evidenceId` and `state` (逾期: 待回复 or 已退回 past the due date; 待回复 and 已退回 then mean not yet due). Keyset-paged with `cursor`.'),
        querystring: Type.Object({
          unitId: Type.Optional(Uuid), caseId: Type.Optional(Uuid), evidenceId: Type.Optional(Uuid), state: Type.Optional(StringEnum(REMINDER_STATES)),
          limit: Limit(200, 50), cursor: Type.Optional(Cursor),
        }),
        response: { 200: Type.Object({ items: Type.Array(ReminderItem), nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      const at = now();
      const state = q.state;
      const query = reminders()
        .$if(q.unitId !== undefined, (qb) => qb.where('r.unit_id', '=', q.unitId!))
        .$if(q.caseId !== undefined, (qb) => qb.where('r.case_id', '=', q.caseId!))
        .$if(q.evidenceId !== undefined, (qb) => qb.where('r.evidence_id', '=', q.evidenceId!))
        .$if(state !== undefined, (qb) => {
          // The SQL of reminderState: 逾期 is awaiting the unit past the due date; 待回复 and 已退回 are those not yet due.
          if (state === '逾期') return qb.where('r.status', 'in', [...AWAITING_UNIT]).where('r.due_at', '<', at);
          const status = state!;
          return qb.where('r.status', '=', status).$if(AWAITING_UNIT.includes(status), (q2) => q2.where('r.due_at', '>=', at));
        });
      const { page, nextCursor } = await newestFirstPage(query, 'r', { units: unitIdsOf(unitScope(request.principal!)), limit: q.limit, cursor: q.cursor });
      return { items: page.map(itemOf), nextCursor };
    });

    app.get('/reminders/:id', {
      config: { action: 'reminder.read' },
      schema: {
        ...doc('getReminder', 'A supervision reminder', 'The reminder, its state (逾期 computed from the due date) and every step: issued, responded (text and links), returned, closed.'),
        params: IdParams, response: { 200: Reminder, ...errors },
      },
    }, async (request) => reminderView(request.principal!, request.params.id));

    app.post('/reminders/:id/responses', {
      config: { action: 'reminder.respond', audit: 'reminder.respond' },
      schema: {
        ...doc('respondToReminder', 'Answer a supervision reminder', 'The head of the reminded unit answers with a text and optional links (to recordings, cases or documents), also after the due date; the reminder becomes 已回复. Only a reminder that is 待回复, 已退回 or 逾期 takes an answer (409 otherwise). Audited; event `reminder.responded`.'),
        params: IdParams,
        body: Type.Object({ text: Body, links: Type.Optional(Type.Array(Link, { maxItems: 20 })) }, {
          examples: [{ text: '已补充告知阶段视频，并对办案民警进行了批评教育。', links: ['/api/evidence/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d'] }],
        }),
        response: { 201: Reminder, ...errors },
      },
    }, async (request, reply) => {
      const view = await takeStep(request, request.params.id, 'respond', 201, request.body);
      reply.code(201);
      return view;
    });

    app.post('/reminders/:id/return', {
      config: { action: 'reminder.decide', audit: 'reminder.return' },
      schema: {
        ...doc('returnReminder', 'Return an answered reminder', 'The supervisor who issued the reminder sends an answer back as insufficient, with a text and optionally a new due date; the reminder becomes 已退回 and waits for another answer. Only an answered (已回复) reminder can be returned (409 otherwise); another supervisor gets 403. Audited; event `reminder.returned`.'),
        params: IdParams,
        body: Type.Object({ text: Body, dueAt: Type.Optional(DateTime) }, { examples: [{ text: '说明不充分，请补充民警书面情况说明。', dueAt: '2026-12-17T18:00:00+08:00' }] }),
        response: { 200: Reminder, ...errors },
      },
    }, async (request) => takeStep(request, request.params.id, 'return', 200, request.body));

    app.post('/reminders/:id/close', {
      config: { action: 'reminder.decide', audit: 'reminder.close' },
      schema: {
        ...doc('closeReminder', 'Close an answered reminder', 'The supervisor who issued the reminder accepts the answer, with a text; the reminder becomes 已办结. Only an answered (已回复) reminder can be closed (409 otherwise); another supervisor gets 403. Audited; event `reminder.closed`.'),
        params: IdParams,
        body: Type.Object({ text: Body }, { examples: [{ text: '整改到位，予以办结。' }] }),
        response: { 200: Reminder, ...errors },
      },
    }, async (request) => takeStep(request, request.params.id, 'close', 200, request.body));
  };
}
