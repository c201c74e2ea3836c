import { sql, type Expression, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../schema/database';
import type { Database, DisposalStatus } from '../schema/db';
import { appendAudit, appendCustody } from './chain';
import { Problem, notFound } from './errors';
import { emitEvent } from './events';
import type { ScheduledHandler } from './jobs';
import { CATEGORY, CLOSED_CASE_STAGES, effectiveRetention, isDue, mayApprove, type Retention } from './retention';
import type { ObjectStore } from './store/port';
import { chunkPrefix, derivedPrefix, stillPrefix } from '../transcode/keys';

/**
 * Retention in the database: the facts of one recording for `effectiveRetention`, the SQL
 * selection of due recordings (the same rule, for a million rows), disposal requests with their
 * frozen lists, and the scheduled task that carries out approved requests after the grace period.
 */

type Reader = Pick<Db, 'selectFrom'>;
const DAY_MS = 86_400_000;

/**
 * When a closed case was closed. Cases carry no closing time yet: the last update of a closed case
 * stands in (a later update only lengthens retention).
 */
const CASE_STAGE = sql.ref('k.stage');
const CASE_CLOSED_AT = sql.ref('k.updated_at');

/** The recording's retention now, or null when it does not exist. */
export async function retentionOf(db: Reader, evidenceId: string): Promise<Retention | null> {
  const row = await db
    .selectFrom('evidence as e')
    .innerJoin('retention_categories as c', 'c.code', 'e.category')
    .select(['e.id', 'e.important', 'e.recorded_at', 'e.received_at', 'c.code', 'c.name', 'c.days'])
    .where('e.id', '=', evidenceId)
    .executeTakeFirst();
  if (!row) return null;
  const caseEvidence = await db.selectFrom('retention_categories').select(['code', 'name', 'days']).where('code', '=', CATEGORY.caseEvidence).executeTakeFirstOrThrow();
  const cases = await db
    .selectFrom('case_evidence as ce')
    .innerJoin('cases as k', 'k.id', 'ce.case_id')
    .innerJoin('units as u', 'u.id', 'k.unit_id')
    .select(['k.id', sql<string>`${CASE_STAGE}`.as('stage'), sql<Date>`${CASE_CLOSED_AT}`.as('closedAt'), 'u.case_retention_days'])
    .where('ce.evidence_id', '=', evidenceId)
    .orderBy('k.id')
    .execute();
  const holds = await db
    .selectFrom('retention_holds')
    .select('id')
    .where('released_at', 'is', null)
    .where((eb) => eb.or([eb('evidence_id', '=', evidenceId), ...(cases.length > 0 ? [eb('case_id', 'in', cases.map((c) => c.id))] : [])]))
    .orderBy('created_at')
    .execute();
  return effectiveRetention({
    category: { code: row.code, name: row.name, days: row.days },
    caseEvidence,
    important: row.important,
    recordedAt: row.recorded_at,
    receivedAt: row.received_at,
    cases: cases.map((c) => ({ stage: c.stage, closedAt: c.closedAt, retentionDays: c.case_retention_days })),
    holds,
  });
}

// ---- The due selection: effectiveRetention + isDue, in SQL ----

const heldDirectly = sql<boolean>`exists (select 1 from retention_holds h where h.evidence_id = e.id and h.released_at is null)`;

/**
 * Recordings due as of `asOf`: live, not IMP-flagged, in a category with a period that ran out
 * (from the recording time, else receipt), not held, and every linked case closed with a finite
 * unit retention that ran out and no hold on it. Seconds, not calendar days: no DST drift from JS.
 */
function dueWhere(asOf: Date): Expression<SqlBool> {
  return sql<SqlBool>`(e.state <> 'disposed' and not e.important and c.days is not null
    and coalesce(e.recorded_at, e.received_at) <= ${asOf}::timestamptz - make_interval(secs => c.days * 86400)
    and not ${heldDirectly}
    and not exists (
      select 1 from case_evidence ce join cases k on k.id = ce.case_id join units u on u.id = k.unit_id
      where ce.evidence_id = e.id and (
        ${CASE_STAGE} <> all(${sql.val([...CLOSED_CASE_STAGES])}::text[])
        or u.case_retention_days is null
        or ${CASE_CLOSED_AT} + make_interval(secs => u.case_retention_days * 86400) > ${asOf}::timestamptz
        or exists (select 1 from retention_holds h where h.case_id = k.id and h.released_at is null))))`;
}

/** Which recordings: due as of `asOf`; with `notDueAt`, only those not due yet then; with `unitIds`, only those units'. */
export interface Selection {
  asOf: Date;
  notDueAt?: Date;
  /** null or absent: every unit. */
  unitIds?: string[] | null;
}

function dueRows(db: Reader, s: Selection) {
  const { notDueAt, unitIds } = s;
  return db
    .selectFrom('evidence as e')
    .innerJoin('retention_categories as c', 'c.code', 'e.category')
    .where(dueWhere(s.asOf))
    .$if(notDueAt !== undefined, (q) => q.where((eb) => eb.not(dueWhere(notDueAt!))))
    .$if(unitIds !== undefined && unitIds !== null, (q) => q.where((eb) => (unitIds!.length > 0 ? eb('e.unit_id', 'in', unitIds!) : eb.lit(false))));
}

export interface DueItem {
  id: string;
  category: string;
  recordedAt: Date;
  size: number;
}
export interface DueTotals {
  count: number;
  bytes: number;
  byCategory: { category: string; count: number; bytes: number }[];
}

const recordedTime = sql<Date>`coalesce(e.recorded_at, e.received_at)`;

/** One page of the selection, oldest first, after (recordedAt, id) of the previous page. */
export async function dueItems(db: Reader, s: Selection, limit: number, after?: { at: Date; id: string }): Promise<DueItem[]> {
  let query = dueRows(db, s).select(['e.id', 'e.category', recordedTime.as('recordedAt'), 'e.size']).orderBy(recordedTime).orderBy('e.id').limit(limit);
  if (after) query = query.where(sql<SqlBool>`(coalesce(e.recorded_at, e.received_at), e.id) > (${after.at}::timestamptz, ${after.id}::uuid)`);
  return (await query.execute()).map((r) => ({ id: r.id, category: r.category, recordedAt: r.recordedAt, size: Number(r.size) }));
}

/** Count and bytes of the whole selection, and by category. */
export async function dueTotals(db: Reader, s: Selection): Promise<DueTotals> {
  const rows = await dueRows(db, s)
    .select(['e.category', (eb) => eb.fn.countAll<string>().as('count'), sql<string>`coalesce(sum(e.size), 0)`.as('bytes')])
    .groupBy('e.category')
    .orderBy('e.category')
    .execute();
  const byCategory = rows.map((r) => ({ category: r.category, count: Number(r.count), bytes: Number(r.bytes) }));
  return { count: byCategory.reduce((n, r) => n + r.count, 0), bytes: byCategory.reduce((n, r) => n + r.bytes, 0), byCategory };
}

/** What is not due now but will be within `days` (not held, not kept by a case): the expiry warning. */
export const expiringSelection = (now: Date, days: number, unitIds: string[] | null): Selection => ({ asOf: new Date(now.getTime() + days * DAY_MS), notDueAt: now, unitIds });

// ---- Disposal requests ----

export interface Actor {
  /** The person: user id, or token id for a token that acts for no user. */
  id: string;
  name: string;
}

export interface DisposalView {
  id: string;
  asOf: Date;
  reason: string;
  status: DisposalStatus;
  requestedBy: string;
  requestedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  runsAfter: Date | null;
  cancelledBy: string | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  finishedAt: Date | null;
  totals: { count: number; bytes: number; disposed: number; skipped: number; failed: number };
  /** Items that were skipped or failed when the request ran, with why. */
  skipped: { evidenceId: string; status: 'skipped' | 'failed'; detail: string }[];
}

/** Freezes today's due list as a request (pending a second person's approval). */
export async function requestDisposal(db: Db, input: { asOf: Date; reason: string; actor: Actor; now: Date }): Promise<DisposalView> {
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('retention_disposals')
      .values({ as_of: input.asOf, reason: input.reason, requested_by: input.actor.id, requested_by_name: input.actor.name, requested_at: input.now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('retention_disposal_items')
      .columns(['disposal_id', 'evidence_id', 'category', 'recorded_at', 'size'])
      .expression(dueRows(trx, { asOf: input.asOf }).select([sql<string>`${row.id}::uuid`.as('disposal_id'), 'e.id', 'e.category', recordedTime.as('recorded_at'), 'e.size']))
      .execute();
    return row.id;
  });
  return (await disposalView(db, id))!;
}

export async function disposalView(db: Reader, id: string): Promise<DisposalView | null> {
  const d = await db.selectFrom('retention_disposals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!d) return null;
  const counts = await db
    .selectFrom('retention_disposal_items')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n'), sql<string>`coalesce(sum(size), 0)`.as('bytes')])
    .where('disposal_id', '=', id)
    .groupBy('status')
    .execute();
  const of = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  const skipped = await db
    .selectFrom('retention_disposal_items')
    .select(['evidence_id', 'status', 'detail'])
    .where('disposal_id', '=', id)
    .where('status', 'in', ['skipped', 'failed'])
    .orderBy('recorded_at')
    .limit(1000)
    .execute();
  return {
    id: d.id, asOf: d.as_of, reason: d.reason, status: d.status, requestedBy: d.requested_by_name, requestedAt: d.requested_at,
    approvedBy: d.approved_by_name, approvedAt: d.approved_at, runsAfter: d.runs_after,
    cancelledBy: d.cancelled_by_name, cancelledAt: d.cancelled_at, cancelReason: d.cancel_reason, finishedAt: d.finished_at,
    totals: {
      count: counts.reduce((n, c) => n + Number(c.n), 0), bytes: counts.reduce((n, c) => n + Number(c.bytes), 0),
      disposed: of('disposed'), skipped: of('skipped'), failed: of('failed'),
    },
    skipped: skipped.map((s) => ({ evidenceId: s.evidence_id, status: s.status as 'skipped' | 'failed', detail: s.detail ?? '' })),
  };
}

export async function listDisposals(db: Reader, limit: number): Promise<DisposalView[]> {
  const rows = await db.selectFrom('retention_disposals').select('id').orderBy('requested_at', 'desc').orderBy('id').limit(limit).execute();
  return Promise.all(rows.map(async (r) => (await disposalView(db, r.id))!));
}

/** A pending request, locked; 404 when there is none, 409 when it is past the given states. */
async function lockedDisposal(trx: Transaction<Database>, id: string, states: DisposalStatus[], doing: string) {
  const d = await trx.selectFrom('retention_disposals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!d) throw notFound(`disposal request ${id}`);
  if (!states.includes(d.status)) throw new Problem(409, 'Conflict', `disposal request ${id} is ${d.status}: it can no longer be ${doing}`);
  return d;
}

/** The second person's approval: the request runs once `graceDays` have passed. */
export async function approveDisposal(db: Db, id: string, actor: Actor, now: Date, graceDays: number): Promise<DisposalView> {
  await db.transaction().execute(async (trx) => {
    const d = await lockedDisposal(trx, id, ['pending'], 'approved');
    if (!mayApprove(d.requested_by, actor.id)) throw new Problem(403, 'Forbidden', 'a disposal request is approved by a second person, not by the one who made it');
    await trx
      .updateTable('retention_disposals')
      .set({ status: 'approved', approved_by: actor.id, approved_by_name: actor.name, approved_at: now, runs_after: new Date(now.getTime() + graceDays * DAY_MS) })
      .where('id', '=', id)
      .execute();
  });
  return (await disposalView(db, id))!;
}

export async function cancelDisposal(db: Db, id: string, actor: Actor, reason: string, now: Date): Promise<DisposalView> {
  await db.transaction().execute(async (trx) => {
    await lockedDisposal(trx, id, ['pending', 'approved'], 'cancelled');
    await trx.updateTable('retention_disposals').set({ status: 'cancelled', cancelled_by_name: actor.name, cancelled_at: now, cancel_reason: reason }).where('id', '=', id).execute();
  });
  return (await disposalView(db, id))!;
}

// ---- Carrying out approved requests ----

export interface DisposalDeps {
  db: Db;
  store: ObjectStore;
  now: () => Date;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

const ACTOR = 'retention';

/** Runs every approved request whose grace period is over; returns how many it ran. */
export async function runDueDisposals(deps: DisposalDeps): Promise<number> {
  const { db, now } = deps;
  const runnable = await db
    .selectFrom('retention_disposals')
    .select('id')
    .where('status', 'in', ['approved', 'running'])
    .where('runs_after', '<=', now())
    .orderBy('runs_after')
    .execute();
  for (const { id } of runnable) await runDisposal(deps, id);
  return runnable.length;
}

/** Carries out one request, item by item; each item is re-checked with the same rule first. Safe to resume. */
async function runDisposal(deps: DisposalDeps, id: string): Promise<void> {
  const { db, now } = deps;
  // Guarded: a request cancelled since it was listed stays cancelled.
  const d = await db.updateTable('retention_disposals').set({ status: 'running' }).where('id', '=', id).where('status', 'in', ['approved', 'running']).returningAll().executeTakeFirst();
  if (!d) return;
  for (;;) {
    const items = await db.selectFrom('retention_disposal_items').select('evidence_id').where('disposal_id', '=', id).where('status', '=', 'pending').orderBy('evidence_id').limit(100).execute();
    if (items.length === 0) break;
    for (const item of items) {
      const outcome = await disposeOne(deps, d, item.evidence_id).catch((error: unknown) => ({ status: 'failed' as const, detail: `not disposed of: ${error instanceof Error ? error.message : String(error)}` }));
      if (outcome.status !== 'disposed') {
        await db.updateTable('retention_disposal_items').set({ status: outcome.status, detail: outcome.detail }).where('disposal_id', '=', id).where('evidence_id', '=', item.evidence_id).execute();
        deps.log.warn({ disposalId: id, evidenceId: item.evidence_id, ...outcome }, 'retention: recording not disposed of');
      }
    }
  }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('retention_disposals').set({ status: 'done', finished_at: now() }).where('id', '=', id).execute();
    const view = (await disposalView(trx, id))!;
    await appendAudit(trx, {
      actorId: null, actorName: ACTOR, role: null, unitId: null, action: 'retention.disposed', objectType: 'retention', objectId: id, objectUnitId: null,
      client: null, outcome: 'allowed', at: now(),
      details: { reason: d.reason, asOf: d.as_of.toISOString(), requestedBy: d.requested_by_name, approvedBy: d.approved_by_name, ...view.totals },
    });
  });
  deps.log.info({ disposalId: id }, 'retention: disposal request carried out');
}

type Outcome = { status: 'disposed' } | { status: 'skipped' | 'failed'; detail: string };

/**
 * One recording: locked (a link or a hold waits for us), re-checked, its objects deleted (the
 * original first: a store that refuses, e.g. under object lock, leaves everything as it was), then
 * the tombstone, the custody event and the platform event, in one transaction.
 */
async function disposeOne(deps: DisposalDeps, d: { id: string; as_of: Date; reason: string; requested_by_name: string; approved_by_name: string | null }, evidenceId: string): Promise<Outcome> {
  const { db, store, now } = deps;
  return db.transaction().execute(async (trx) => {
    const e = await trx.selectFrom('evidence').select(['id', 'state', 'storage_key', 'sha256', 'sm3', 'size', 'unit_id', 'original_name']).where('id', '=', evidenceId).forUpdate().executeTakeFirst();
    if (!e || e.state === 'disposed') return { status: 'skipped', detail: 'already disposed of' };
    const at = now();
    const asOf = d.as_of < at ? d.as_of : at;
    const retention = (await retentionOf(trx, evidenceId))!;
    if (!isDue(retention, asOf)) return { status: 'skipped', detail: `no longer due: ${retention.reason}` };
    const derivatives = await trx.selectFrom('derivatives').select(['kind', 'name', 'storage_key', 'size', 'sha256']).where('evidence_id', '=', evidenceId).orderBy('kind').orderBy('name').execute();
    for (const key of [e.storage_key, ...derivatives.map((f) => f.storage_key)]) await store.delete(key);
    // Footage no derivative row lists goes too: a rendition still being made, killed attempts' files and stills, transcode chunks.
    const workObjects = await deleteAll(store, [derivedPrefix(evidenceId), stillPrefix(evidenceId), chunkPrefix(evidenceId)]);
    const objects = { original: e.storage_key, derivatives: derivatives.map((f) => ({ kind: f.kind, name: f.name, storageKey: f.storage_key, size: Number(f.size), sha256: f.sha256 })), workObjects };
    await trx.deleteFrom('fixity_objects').where('evidence_id', '=', evidenceId).execute();
    await trx.deleteFrom('derivatives').where('evidence_id', '=', evidenceId).execute();
    await trx.deleteFrom('renditions').where('evidence_id', '=', evidenceId).execute(); // its segments' rows with it
    await trx.updateTable('evidence').set({ state: 'disposed', disposal_id: d.id, disposed_at: at }).where('id', '=', evidenceId).execute();
    await trx.updateTable('retention_disposal_items').set({ status: 'disposed', objects: JSON.stringify(objects) }).where('disposal_id', '=', d.id).where('evidence_id', '=', evidenceId).execute();
    await appendCustody(trx, {
      evidenceId, action: 'retention.disposed', actor: ACTOR, at,
      details: { disposalId: d.id, reason: d.reason, requestedBy: d.requested_by_name, approvedBy: d.approved_by_name, category: retention.category, sha256: e.sha256, sm3: e.sm3, size: Number(e.size), ...objects },
    });
    await emitEvent(trx, { type: 'evidence.disposed', evidenceId, unitId: e.unit_id, data: { id: evidenceId, disposalId: d.id, category: retention.category } });
    return { status: 'disposed' };
  });
}

/** Deletes every object under the prefixes; the keys it deleted, sorted. */
async function deleteAll(store: ObjectStore, prefixes: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of prefixes) for await (const key of store.list(prefix)) keys.push(key);
  for (const key of keys) await store.delete(key);
  return keys.sort();
}

/** The `retention` scheduled task: approved requests are carried out once their grace period is over. */
export function retentionTask(deps: DisposalDeps, intervalMs: number): ScheduledHandler {
  return { intervalMs, run: () => runDueDisposals(deps) };
}

type Tombstone = { id: string; disposal_id: string | null; disposed_at: Date | null };

/** The disposal of a tombstone: which request, when, why, and the two people. */
export async function disposalRecord(db: Reader, e: Tombstone) {
  const d = e.disposal_id ? await db.selectFrom('retention_disposals').selectAll().where('id', '=', e.disposal_id).executeTakeFirst() : undefined;
  return {
    id: e.disposal_id, disposedAt: e.disposed_at?.toISOString() ?? null, reason: d?.reason ?? null, asOf: d?.as_of.toISOString() ?? null,
    requestedBy: d?.requested_by_name ?? null, approvedBy: d?.approved_by_name ?? null,
  };
}

/** What a read or a link of a disposed recording answers: 410 Gone with the disposal record. */
async function goneProblem(db: Reader, e: Tombstone): Promise<Problem> {
  return new Problem(410, 'Gone', `evidence ${e.id} was disposed of under an approved retention request; its record (hashes, sizes, names, times, custody) is kept`, {
    disposal: await disposalRecord(db, e),
  });
}

/** Refuses to serve or link a tombstone (410 Gone, with its disposal record). */
export async function refuseDisposed(db: Reader, e: Tombstone & { state: string }): Promise<void> {
  if (e.state === 'disposed') throw await goneProblem(db, e);
}
