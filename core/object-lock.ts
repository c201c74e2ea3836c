import type { LockState, ObjectStore } from './store/port';

/** EVIDENCE_OBJECT_LOCK_HORIZON_DAYS: how far ahead a permanent original is retained (ten years). */
export const DEFAULT_LOCK_HORIZON_DAYS = 3650;
/** Footage kept at least six months (the 一般 category). */
export const DEFAULT_RETENTION_DAYS = 180;
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
 * The retention of a recording just ingested, before any category, link or hold: important
 * (recorder IMP flag) is permanent, anything else kept 180 days from when it was recorded
 * (from ingest when the recorder time is unknown).
 * TODO(issue 14, integrator): replace with core/retention.ts effectiveRetention once merged.
 */
export function newRecordingRetention(recording: { important: boolean; recordedAt: Date | null; ingestedAt: Date }): RetentionForLock {
  if (recording.important) return { expiresAt: null, heldBy: [] };
  const from = recording.recordedAt ?? recording.ingestedAt;
  return { expiresAt: new Date(from.getTime() + DEFAULT_RETENTION_DAYS * DAY_MS), heldBy: [] };
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

export type LockOutcome = 'protected' | 'unsupported';

/** Applies a desired lock where the store enforces one; the filesystem store cannot. */
export async function applyObjectLock(store: ObjectStore, key: string, desired: LockState): Promise<LockOutcome> {
  if (!store.objectLock) return 'unsupported';
  await store.objectLock.protect(key, desired);
  return 'protected';
}
