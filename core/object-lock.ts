import type { Db } from '../schema/database';
import { retentionOf } from './disposal';
import type { LockState, ObjectStore } from './store/port';

/** EVIDENCE_OBJECT_LOCK_HORIZON_DAYS: how far ahead a permanent original is retained (ten years). */
export const DEFAULT_LOCK_HORIZON_DAYS = 3650;
const DAY_MS = 86_400_000;

/** What the lock needs of a recording's effective retention: its expiry (null: permanent) and its holds. */
export interface RetentionForLock {
  expiresAt: Date | null;
  heldBy: readonly unknown[];
}

/**
 * The lock an original should carry: retention until its expiry, or `horizonDays` ahead when it
 * is kept permanently (the scrub extends it, see lockUpdate); none once the expiry has passed
 * (the store cannot lock into the past, and nothing is ever shortened). Held: the legal hold.
 */
export function desiredLock(retention: RetentionForLock, now: Date, horizonDays: number): LockState {
  const until = retention.expiresAt ?? new Date(now.getTime() + horizonDays * DAY_MS);
  return { retainUntil: until > now ? until : null, legalHold: retention.heldBy.length > 0 };
}

/**
 * What the scrub changes on an original's lock, or null for nothing. Retention is raised to a
 * later desired expiry; a permanent one (desired = now + horizon) only once less than half the
 * horizon remains, so every object is not rewritten on every pass. The legal hold follows the holds.
 */
export function lockUpdate(current: LockState, desired: LockState, now: Date, horizonDays: number, permanent: boolean): LockState | null {
  const remainingMs = current.retainUntil ? current.retainUntil.getTime() - now.getTime() : -Infinity;
  const extend =
    desired.retainUntil !== null &&
    (current.retainUntil === null || desired.retainUntil > current.retainUntil) &&
    (!permanent || remainingMs < (horizonDays * DAY_MS) / 2);
  if (!extend && current.legalHold === desired.legalHold) return null;
  return { retainUntil: extend ? desired.retainUntil : null, legalHold: desired.legalHold };
}

export interface LockDeps {
  db: Db;
  store: ObjectStore;
  now?: () => Date;
  /** EVIDENCE_OBJECT_LOCK_HORIZON_DAYS (default 3650). */
  objectLockHorizonDays?: number;
  log: { warn(obj: object, msg: string): void };
}

/**
 * Brings the store's lock on these recordings' originals up to their effective retention now
 * (retention only extended; the legal hold follows their holds): after ingest, a hold or its
 * release, a link, a category change. Nothing where the store has no object lock (filesystem).
 * A failure is logged, not thrown: the change stands, and the fixity scrub applies the lock on its pass.
 */
export async function lockOriginals(deps: LockDeps, evidenceIds: readonly string[]): Promise<void> {
  const lock = deps.store.objectLock;
  if (!lock || evidenceIds.length === 0) return;
  for (const evidenceId of evidenceIds) {
    try {
      const e = await deps.db.selectFrom('evidence').select('storage_key').where('id', '=', evidenceId).where('state', '<>', 'disposed').executeTakeFirst();
      const retention = e && (await retentionOf(deps.db, evidenceId));
      if (e && retention) await lock.protect(e.storage_key, desiredLock(retention, deps.now?.() ?? new Date(), deps.objectLockHorizonDays ?? DEFAULT_LOCK_HORIZON_DAYS));
    } catch (error) {
      deps.log.warn({ evidenceId, err: String(error) }, 'object lock not brought up to the retention; the fixity scrub applies it later');
    }
  }
}
