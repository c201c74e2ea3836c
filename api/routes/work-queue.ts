import { sql, type Transaction } from 'kysely';
import { Type } from 'typebox';
import { appendCustody } from '../../core/chain';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import type { Db } from '../../schema/database';
import type { Database } from '../../schema/db';
import { Cursor, IdParams, Limit, Nullable, Text, Uuid, cursorAfter, errors, keysetPage } from '../schemas';
import { EvidenceItem, toEvidenceItem } from './evidence';

/**
 * Footage no unit can see: its officer is unknown (the name carried none and the recorder is not
 * bound) or belongs to no unit. Admins list it, oldest first, and give each file its unit, once.
 */
/**
 * Gives a recording that has none its unit, recorded in the custody trail: the one way footage gets a
 * unit after ingest (the work queue, and an officer's account getting a unit). A unit decides who sees
 * the file: it is given once, never moved here (409).
 */
export async function assignUnit(trx: Transaction<Database>, id: string, unitId: string, by: { actor: string; reason: string; role: string; client: string }) {
  const current = await trx.selectFrom('evidence').select(['id', 'unit_id']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw notFound(`evidence ${id}`);
  if (current.unit_id) throw new Problem(409, 'Conflict', `evidence ${id} already belongs to unit ${current.unit_id}`, { unitId: current.unit_id });
  const updated = await trx.updateTable('evidence').set({ unit_id: unitId }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  await appendCustody(trx, { evidenceId: id, action: 'unit.assigned', actor: by.actor, details: { unitId, reason: by.reason, role: by.role, client: by.client } });
  return updated;
}

export function workQueueRoutes(deps: { db: Db }) {
  const { db } = deps;
  // Keyset on the millisecond a cursor can carry, so a page never repeats or skips a row.
  const receivedMs = sql<Date>`date_trunc('milliseconds', evidence.received_at)`;

  return async (app: HttpServer) => {
    app.get('/evidence/unassigned', {
      config: { action: 'evidence.unassigned', audit: 'evidence.unassigned' },
      schema: {
        summary: 'List evidence without a unit', operationId: 'listUnassignedEvidence', tags: ['evidence'],
        description: 'Footage no unit can see (its officer is unknown or belongs to no unit), oldest first, for administrators to assign. Keyset-paged with `cursor`.',
        querystring: Type.Object({ limit: Limit(500, 50), cursor: Type.Optional(Cursor) }),
        response: { 200: Type.Object({ items: Type.Array(EvidenceItem), nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      let query = db.selectFrom('evidence').selectAll('evidence').select(receivedMs.as('received_ms')).where('evidence.unit_id', 'is', null).orderBy(receivedMs).orderBy('evidence.id').limit(q.limit + 1);
      if (q.cursor) {
        const after = cursorAfter(q.cursor);
        query = query.where((eb) => eb.or([eb(receivedMs, '>', after.at), eb.and([eb(receivedMs, '=', after.at), eb('evidence.id', '>', after.id)])]));
      }
      const { page, nextCursor } = keysetPage(await query.execute(), q.limit, (r) => r.received_ms);
      return { items: page.map(toEvidenceItem), nextCursor };
    });

    app.post('/evidence/:id/unit', {
      config: { action: 'evidence.assign-unit', audit: 'evidence.assign-unit' },
      schema: {
        summary: 'Give unassigned evidence its unit', operationId: 'assignEvidenceUnit', tags: ['evidence'],
        description: 'Assigns a unit to a recording that has none, once, with a reason; recorded in the custody trail. A recording that already has a unit answers 409.',
        params: IdParams,
        body: Type.Object({ unitId: Uuid, reason: Text(2000, { minLength: 2 }) }, { examples: [{ unitId: '3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234', reason: '记录仪已借给环保执法大队 recorder was lent to the environmental brigade' }] }),
        response: { 200: EvidenceItem, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const { id } = request.params;
      const { unitId, reason } = request.body;
      request.auditDetails = { unitId, reason };
      if (!(await db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst())) throw notFound(`unit ${unitId}`);
      const row = await db.transaction()
        .execute((trx) => assignUnit(trx, id, unitId, { actor: p.name, reason, role: p.role, client: request.ip }))
        .catch((error: unknown) => {
          // A refused move is an event about the unit the file belongs to: its head sees it.
          if (error instanceof Problem && error.status === 409) request.auditObject = { unitId: error.extra.unitId as string };
          throw error;
        });
      request.auditObject = { unitId };
      return toEvidenceItem(row);
    });
  };
}
