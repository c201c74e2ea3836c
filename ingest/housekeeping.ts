import type { ScheduledHandler } from '../core/jobs';
import type { IngestService } from './service';

/**
 * The ingest's decisions about uploads nobody is finishing (pure, table-tested), and the task
 * that applies them: no file is ever blocked forever, no staging space is held forever, and no
 * original sits in the store without an evidence row.
 */

import type { UploadState } from '../schema/db';

/** What the platform knows about an upload when deciding about it. */
export interface UploadFacts {
  state: UploadState;
  /** The original is already in the object store under the upload's key. */
  stored: boolean;
  /** The dock's declared hashes were recorded (at its complete). */
  declared: boolean;
  /** The latest sign of life: announced, a byte staged, taken over, stored. */
  lastActivity: Date;
}

/** Another dock asks for an upload of the same recorder file. */
export interface TakeoverFacts {
  /** The asking dock opened the upload's session (or is an admin). */
  ownDock: boolean;
  /** The owning dock's credential was revoked. */
  ownerRevoked: boolean;
  lastActivity: Date;
  /** A request for the upload is running right now in this process. */
  busy: boolean;
}

export type Takeover = { allowed: true; reason: 'own' | 'owner revoked' | 'lease expired' } | { allowed: false; retryAt: Date };

/**
 * May this dock continue this upload? Its own, always; another dock's once that dock's
 * credential is revoked or it has been silent for a whole lease, unless bytes are arriving now.
 */
export function mayTakeOver(facts: TakeoverFacts, now: Date, leaseMs: number): Takeover {
  if (facts.ownDock) return { allowed: true, reason: 'own' };
  const expires = new Date(facts.lastActivity.getTime() + leaseMs);
  if (facts.busy) return { allowed: false, retryAt: new Date(Math.max(expires.getTime(), now.getTime())) };
  if (facts.ownerRevoked) return { allowed: true, reason: 'owner revoked' };
  if (now >= expires) return { allowed: true, reason: 'lease expired' };
  return { allowed: false, retryAt: expires };
}

/**
 * What to do with an object under originals/ that no evidence row points to. `upload` is the
 * upload whose key it is (none for a stray). Within the lease a complete may still be under way.
 */
export function orphanAction(upload: UploadFacts | undefined, now: Date, leaseMs: number): 'adopt' | 'remove' | 'keep' {
  if (!upload || upload.state !== 'receiving') return 'remove'; // a stray, a rejected file, or a copy of other evidence
  if (now.getTime() - upload.lastActivity.getTime() < leaseMs) return 'keep';
  return upload.stored && upload.declared ? 'adopt' : 'remove';
}

/** May the staged partial of this upload be deleted? Only when no dock can resume it any more. */
export function isAbandonedPartial(upload: UploadFacts | undefined, now: Date, abandonedMs: number): boolean {
  if (!upload || upload.state !== 'receiving' || upload.stored) return true;
  return now.getTime() - upload.lastActivity.getTime() >= abandonedMs;
}

/** The scheduled housekeeping: reclaims abandoned partials from staging, then sweeps stored originals. */
export function housekeepingTask(ingest: Pick<IngestService, 'reclaimStaging' | 'sweepOriginals'>, intervalMs: number): ScheduledHandler {
  return { intervalMs, run: async () => [await ingest.reclaimStaging(), await ingest.sweepOriginals()] };
}
