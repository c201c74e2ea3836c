import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Readable } from 'node:stream';
import type { Db } from '../schema/database';
import type { FixityState } from '../schema/db';
import { appendAudit, appendCustody } from './chain';
import { emitEvent } from './events';
import { DualHasher } from './hashing';
import type { ScheduledHandler } from './jobs';
import type { FailedObjects } from './metrics';
import { LOCKS, advisoryLockHeld, withAdvisoryLock } from './locks';
import { retentionOf } from './disposal';
import { DEFAULT_LOCK_HORIZON_DAYS, desiredLock, lockUpdate } from './object-lock';
import { ObjectNotFoundError, StoreUnavailableError, type ObjectLock, type ObjectStore } from './store/port';

/**
 * Fixity scrub: every stored original and derivative is re-read at a bounded rate and its
 * SHA-256 (and SM3 for originals) compared with what was recorded at ingest or transcode.
 */

// ---- Decisions (pure) ----

export interface Expected {
  size: number;
  sha256: string;
  /** Recorded for originals only. */
  sm3: string | null;
}
export type Observed = { kind: 'read'; bytes: number; sha256: string; sm3: string } | { kind: 'missing' };
export type Verdict = { state: 'ok' } | { state: 'altered' | 'missing'; detail: string };

/** What a re-read proves about an object, from the recorded and the observed values. */
export function fixityVerdict(expected: Expected, observed: Observed): Verdict {
  if (observed.kind === 'missing') return { state: 'missing', detail: 'the object is not in the store' };
  if (observed.bytes !== expected.size) return { state: 'altered', detail: `the stored object has ${observed.bytes} bytes, ${expected.size} were recorded` };
  if (observed.sha256 !== expected.sha256) return { state: 'altered', detail: `SHA-256 of the stored bytes is ${observed.sha256}, ${expected.sha256} was recorded` };
  if (expected.sm3 !== null && observed.sm3 !== expected.sm3) return { state: 'altered', detail: `SM3 of the stored bytes is ${observed.sm3}, ${expected.sm3} was recorded` };
  return { state: 'ok' };
}

/** How long to pause after `bytesRead` bytes in `elapsedMs` so the pass stays at `bytesPerSecond` (0: no limit). */
export function throttleDelayMs(bytesRead: number, bytesPerSecond: number, elapsedMs: number): number {
  if (bytesPerSecond <= 0) return 0;
  return Math.max(0, Math.ceil((bytesRead * 1000) / bytesPerSecond - elapsedMs));
}

export type Trigger = 'scheduled' | 'manual';

/**
 * Objects last checked before this instant are due in a pass started at `startedAt`: a scheduled
 * pass re-reads what was not checked within the interval; a manual one re-reads everything.
 */
export function dueCutoff(trigger: Trigger, startedAt: Date, intervalMs: number): Date {
  return trigger === 'manual' ? startedAt : new Date(startedAt.getTime() - intervalMs);
}

export interface ObjectCheck {
  kind: 'original' | 'derivative';
  /** Null: never checked (or only other bytes under this key were). */
  checked: { state: FixityState; checkedAt: Date; detail: string | null } | null;
}
export type EvidenceFixity = { state: 'unchecked' } | { state: FixityState; checkedAt: string; detail?: string };

/**
 * One evidence's fixity from its objects' checks: a failure of any object wins (the original's
 * first, then the newest); ok needs every object checked; otherwise it is unchecked.
 */
export function evidenceFixity(objects: ObjectCheck[]): EvidenceFixity {
  const failed = objects
    .filter((o) => o.checked && o.checked.state !== 'ok')
    .sort((x, y) => (x.kind === y.kind ? y.checked!.checkedAt.getTime() - x.checked!.checkedAt.getTime() : x.kind === 'original' ? -1 : 1));
  const first = failed[0]?.checked;
  if (first) {
    const others = failed.length > 1 ? ` (and ${failed.length - 1} more of its objects failed)` : '';
    return { state: first.state, checkedAt: first.checkedAt.toISOString(), detail: `${first.detail ?? ''}${others}` };
  }
  if (objects.length === 0 || objects.some((o) => !o.checked)) return { state: 'unchecked' };
  const oldest = Math.min(...objects.map((o) => o.checked!.checkedAt.getTime()));
  return { state: 'ok', checkedAt: new Date(oldest).toISOString() };
}

export type RunState = 'running' | 'finished' | 'failed' | 'interrupted';

/** A run row without an end is running only while some process holds the scrub's lock. */
export function runState(run: { finishedAt: Date | null; error: string | null }, lockHeld: boolean): RunState {
  if (run.finishedAt) return run.error ? 'failed' : 'finished';
  return lockHeld ? 'running' : 'interrupted';
}

// ---- Adapters ----

export interface StoredObject extends Expected {
  storageKey: string;
  evidenceId: string;
  kind: 'original' | 'derivative';
  /** kind/name of a derivative. */
  name: string | null;
}

/** Every stored object (originals and derivatives) with what was recorded for it. */
function storedObjects(db: Db) {
  return db
    .selectFrom('evidence')
    .select((eb) => [
      'storage_key as storageKey', 'id as evidenceId', eb.val('original').as('kind'), eb.cast<string | null>(eb.val(null), 'text').as('name'),
      'size', 'sha256', eb.cast<string | null>(eb.ref('sm3'), 'text').as('sm3'),
    ])
    // A disposed original (a tombstone, issue 14) is gone on purpose: nothing to re-read.
    .where('state', '<>', 'disposed')
    .unionAll(
      db.selectFrom('derivatives').select((eb) => [
        'storage_key as storageKey', 'evidence_id as evidenceId', eb.val('derivative').as('kind'), sql<string | null>`kind || '/' || name`.as('name'),
        'size', 'sha256', eb.cast<string | null>(eb.val(null), 'text').as('sm3'),
      ]),
    );
}

type ObjectRow = { storageKey: string; evidenceId: string; kind: string; name: string | null; size: string; sha256: string; sm3: string | null };
const toStored = (r: ObjectRow): StoredObject => ({ ...r, kind: r.kind as StoredObject['kind'], size: Number(r.size) });

/** The next objects due (not checked since `cutoff`) after key `after`, in key order (both key columns are indexed). */
async function dueObjects(db: Db, cutoff: Date, after: string, limit: number): Promise<StoredObject[]> {
  const rows = await db
    .selectFrom(storedObjects(db).as('o'))
    .leftJoin('fixity_objects as f', (j) => j.onRef('f.storage_key', '=', 'o.storageKey').onRef('f.sha256', '=', 'o.sha256'))
    .selectAll('o')
    .where('o.storageKey', '>', after)
    .where((eb) => eb.or([eb('f.checked_at', 'is', null), eb('f.checked_at', '<', cutoff)]))
    .orderBy('o.storageKey')
    .limit(limit)
    .execute();
  return rows.map(toStored);
}

/** Reads an object whole, hashing it; `onChunk` may pause the read (rate limit). */
export async function readDigests(store: ObjectStore, key: string, onChunk: (bytes: number) => Promise<void> = async () => {}): Promise<Observed> {
  let body: Readable;
  try {
    body = await store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return { kind: 'missing' };
    throw err;
  }
  const hasher = new DualHasher();
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hasher.update(chunk);
    await onChunk(chunk.length);
  }
  return { kind: 'read', bytes: hasher.bytes, ...hasher.digest() };
}

/**
 * Records a check. A failure that is new for this object (it was ok, unchecked, or failed another
 * way) also gets a `fixity.failed` custody and audit event, in the same transaction.
 */
export async function recordFixity(db: Db, object: StoredObject, verdict: Verdict, at: Date, how: { actor: string; source: 'scrub' | 'read' }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('fixity_objects').select(['state', 'sha256']).where('storage_key', '=', object.storageKey).forUpdate().executeTakeFirst();
    const detail = verdict.state === 'ok' ? null : how.source === 'read' ? `found on a full read: ${verdict.detail}` : verdict.detail;
    const values = { evidence_id: object.evidenceId, kind: object.kind, sha256: object.sha256, state: verdict.state, checked_at: at, detail };
    await trx.insertInto('fixity_objects').values({ storage_key: object.storageKey, ...values }).onConflict((oc) => oc.column('storage_key').doUpdateSet(values)).execute();
    if (verdict.state === 'ok' || (before?.sha256 === object.sha256 && before.state === verdict.state)) return;
    const details = { object: object.kind, ...(object.name ? { name: object.name } : {}), storageKey: object.storageKey, state: verdict.state, detail, source: how.source };
    await appendCustody(trx, { evidenceId: object.evidenceId, action: 'fixity.failed', actor: how.actor, details, at });
    const unit = await trx.selectFrom('evidence').select('unit_id').where('id', '=', object.evidenceId).executeTakeFirst();
    await appendAudit(trx, {
      actorId: null, actorName: how.actor, role: null, unitId: null, action: 'fixity.failed', objectType: 'evidence', objectId: object.evidenceId,
      objectUnitId: unit?.unit_id ?? null, client: null, outcome: 'failed', details, at,
    });
    await emitEvent(trx, {
      type: 'evidence.fixity_failed',
      evidenceId: object.evidenceId,
      unitId: unit?.unit_id ?? null,
      data: { id: object.evidenceId, object: object.kind, ...(object.name ? { name: object.name } : {}), state: verdict.state, detail, checkedAt: at.toISOString() },
    });
  });
}

/** True when the object's bytes under `key` were last re-read and matched `sha256`: only then may its hash be asserted (ETag). */
export async function verifiedOk(db: Db, key: string, sha256: string): Promise<boolean> {
  const row = await db.selectFrom('fixity_objects').select('state').where('storage_key', '=', key).where('sha256', '=', sha256).executeTakeFirst();
  return row?.state === 'ok';
}

/** A derivative with whether its bytes are verified (as verifiedOk), in one query: a player sends many Range requests a second. */
export async function derivativeWithFixity(db: Db, evidenceId: string, kind: string, name: string) {
  const row = await db
    .selectFrom('derivatives as d')
    .leftJoin('fixity_objects as f', (j) => j.onRef('f.storage_key', '=', 'd.storage_key').onRef('f.sha256', '=', 'd.sha256'))
    .selectAll('d')
    .select('f.state as fixityState')
    .where('d.evidence_id', '=', evidenceId)
    .where('d.kind', '=', kind)
    .where('d.name', '=', name)
    .executeTakeFirst();
  return row && { ...row, verified: row.fixityState === 'ok' };
}

export async function fixityOfEvidence(db: Db, evidenceId: string): Promise<EvidenceFixity> {
  const rows = await db
    .selectFrom(storedObjects(db).as('o'))
    .leftJoin('fixity_objects as f', (j) => j.onRef('f.storage_key', '=', 'o.storageKey').onRef('f.sha256', '=', 'o.sha256'))
    .select(['o.kind', 'f.state', 'f.checked_at', 'f.detail'])
    .where('o.evidenceId', '=', evidenceId)
    .execute();
  return evidenceFixity(rows.map((r) => ({ kind: r.kind as ObjectCheck['kind'], checked: r.state && r.checked_at ? { state: r.state, checkedAt: r.checked_at, detail: r.detail } : null })));
}

export interface FixityDeps {
  db: Db;
  store: ObjectStore;
  now: () => Date;
  /** Read rate of a pass in bytes per second; 0 for no limit. */
  bytesPerSecond: number;
  /** How often each object is re-read by the scheduled passes. */
  intervalMs?: number;
  /** EVIDENCE_OBJECT_LOCK_HORIZON_DAYS (default 3650). */
  objectLockHorizonDays?: number;
  log?: { warn(o: object, m: string): void };
  /** Told of each object found altered or missing (the metrics). */
  onFailure?: (state: 'altered' | 'missing') => void;
}

export interface RunSummary {
  runId: string;
  objectsChecked: number;
  bytesChecked: number;
  failures: number;
  error: string | null;
}
export type PassStart = { started: false } | { started: true; runId: string; done: Promise<RunSummary> };

/**
 * Starts a pass unless one is running anywhere (advisory lock). Resolves once it has started;
 * `done` resolves (never rejects) when it ends, its error recorded on the run.
 */
export function runFixityPass(deps: FixityDeps, opts: { trigger: Trigger; requestedBy: string; signal?: AbortSignal }): Promise<PassStart> {
  return new Promise<PassStart>((resolve, reject) => {
    const held = withAdvisoryLock(deps.db, LOCKS.fixity, async () => {
      const startedAt = deps.now();
      // Holding the lock, no other pass runs: an unfinished run row is one a dead process left.
      await deps.db.updateTable('fixity_runs').set({ finished_at: startedAt, error: 'interrupted: its process stopped' }).where('finished_at', 'is', null).execute();
      const run = await deps.db.insertInto('fixity_runs').values({ trigger: opts.trigger, requested_by: opts.requestedBy, started_at: startedAt }).returning('id').executeTakeFirstOrThrow();
      const done = scan(deps, run.id, dueCutoff(opts.trigger, startedAt, deps.intervalMs ?? 0), opts.signal);
      // `done` settles once the lock is released, so the next pass may start right after it.
      resolve({ started: true, runId: run.id, done: held.then((h) => h?.value ?? done, () => done) });
      return done;
    });
    held.then((h) => h ?? resolve({ started: false }), reject);
  });
}

async function scan(deps: FixityDeps, runId: string, cutoff: Date, signal?: AbortSignal): Promise<RunSummary> {
  const { db, store } = deps;
  const summary: RunSummary = { runId, objectsChecked: 0, bytesChecked: 0, failures: 0, error: null };
  const counts = () => ({ objects_checked: summary.objectsChecked, bytes_checked: summary.bytesChecked, failures: summary.failures });
  const began = performance.now();
  let after = '';
  const throttle = async (bytes: number) => {
    summary.bytesChecked += bytes;
    const wait = throttleDelayMs(summary.bytesChecked, deps.bytesPerSecond, performance.now() - began);
    if (wait > 0) await sleep(wait, undefined, { signal });
  };
  try {
    for (;;) {
      signal?.throwIfAborted();
      const batch = await dueObjects(db, cutoff, after, 500);
      if (batch.length === 0) break;
      for (const object of batch) {
        signal?.throwIfAborted();
        after = object.storageKey;
        const verdict = fixityVerdict(object, await readDigests(store, object.storageKey, throttle));
        await recordFixity(db, object, verdict, deps.now(), { actor: 'fixity-scrub', source: 'scrub' });
        if (store.objectLock && object.kind === 'original' && verdict.state !== 'missing') await renewLock(deps, store.objectLock, object);
        summary.objectsChecked += 1;
        if (verdict.state !== 'ok') {
          summary.failures += 1;
          deps.onFailure?.(verdict.state);
        }
        await db.updateTable('fixity_runs').set(counts()).where('id', '=', runId).execute();
      }
    }
  } catch (err) {
    summary.error = signal?.aborted ? 'stopped before the end: the process is shutting down' : err instanceof StoreUnavailableError ? err.message : 'the pass failed; the error is in the server log';
    if (!signal?.aborted) deps.log?.warn({ err: String(err), runId }, 'fixity pass failed');
  }
  await db
    .updateTable('fixity_runs')
    .set({ ...counts(), finished_at: deps.now(), error: summary.error })
    .where('id', '=', runId)
    .execute()
    .catch((err: unknown) => deps.log?.warn({ err: String(err), runId }, 'fixity run not recorded as finished'));
  return summary;
}

/**
 * Keeps an original's object lock in step with its effective retention: a permanent one is pushed a
 * horizon ahead once half of it has passed, a lengthened one is extended, the legal hold follows the
 * holds, and a lock the ingest (or a hold) could not apply is applied here.
 */
async function renewLock(deps: FixityDeps, lock: ObjectLock, object: StoredObject): Promise<void> {
  const retention = await retentionOf(deps.db, object.evidenceId);
  if (!retention) return;
  const now = deps.now();
  const horizonDays = deps.objectLockHorizonDays ?? DEFAULT_LOCK_HORIZON_DAYS;
  const update = lockUpdate(await lock.state(object.storageKey), desiredLock(retention, now, horizonDays), now, horizonDays, retention.expiresAt === null);
  if (update) await lock.protect(object.storageKey, update);
}

export interface RunView {
  id: string;
  trigger: Trigger;
  requestedBy: string;
  state: RunState;
  startedAt: string;
  finishedAt: string | null;
  objectsChecked: number;
  bytesChecked: number;
  failures: number;
  error: string | null;
}

export async function fixityRun(db: Db, id?: string): Promise<RunView | null> {
  let query = db.selectFrom('fixity_runs').selectAll().orderBy('started_at', 'desc').limit(1);
  if (id) query = query.where('id', '=', id);
  const run = await query.executeTakeFirst();
  if (!run) return null;
  const held = run.finished_at ? false : await advisoryLockHeld(db, LOCKS.fixity);
  return {
    id: run.id, trigger: run.trigger, requestedBy: run.requested_by, state: runState({ finishedAt: run.finished_at, error: run.error }, held),
    startedAt: run.started_at.toISOString(), finishedAt: run.finished_at?.toISOString() ?? null,
    objectsChecked: Number(run.objects_checked), bytesChecked: Number(run.bytes_checked), failures: run.failures, error: run.error,
  };
}

/** Objects whose last check failed (still stored under the same recorded hash), newest first. */
/** How many stored objects the database holds as altered or missing (their last check's verdict), for /metrics. */
export async function failedObjectCounts(db: Db): Promise<FailedObjects> {
  const rows = await db.selectFrom('fixity_objects').select(['state', db.fn.countAll<string>().as('n')]).where('state', '<>', 'ok').groupBy('state').execute();
  const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
  return { altered: count('altered'), missing: count('missing') };
}

export async function fixityFailures(db: Db, limit: number) {
  const rows = await db
    .selectFrom(storedObjects(db).as('o'))
    .innerJoin('fixity_objects as f', (j) => j.onRef('f.storage_key', '=', 'o.storageKey').onRef('f.sha256', '=', 'o.sha256'))
    .select(['o.evidenceId', 'o.kind', 'o.name', 'f.state', 'f.checked_at', 'f.detail'])
    .where('f.state', '<>', 'ok')
    .orderBy('f.checked_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ evidenceId: r.evidenceId, object: r.kind, name: r.name, state: r.state, checkedAt: r.checked_at.toISOString(), detail: r.detail ?? '' }));
}

/** The background scrub: a scheduled pass every tick, re-reading what is due (off when the interval is 0). */
export function fixityTask(deps: FixityDeps & { intervalMs: number }): ScheduledHandler {
  return {
    intervalMs: deps.intervalMs > 0 ? scrubTickMs(deps.intervalMs) : 0,
    run: async (signal) => {
      const start = await runFixityPass(deps, { trigger: 'scheduled', requestedBy: 'fixity-scrub', signal });
      return start.started ? start.done : undefined;
    },
  };
}

/** A scheduled pass looks for due objects this often: hourly, or every interval when that is shorter. */
export function scrubTickMs(intervalMs: number): number {
  return Math.min(intervalMs, 3_600_000);
}
