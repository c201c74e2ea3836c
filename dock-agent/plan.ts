import type { FileKey, JournalRow } from './journal';
import type { NameMetadata } from './names';
import type { VolumeFile } from './volume';

/**
 * What to do with each file of a docked recorder, decided from the volume listing, the journal and
 * what was seen before. Pure: the bay runs the plan, this decides it.
 */

/** How a file looked when first seen with its current size and time. */
export interface Observation {
  size: number;
  mtimeMs: number;
  since: number;
  /** It changed while docked: the recorder is still writing it. */
  grew: boolean;
}

export function observe(previous: Observation | undefined, file: { size: number; mtimeMs: number }, now: number): Observation {
  if (!previous) return { size: file.size, mtimeMs: file.mtimeMs, since: now, grew: false };
  if (previous.size === file.size && previous.mtimeMs === file.mtimeMs) return previous;
  return { size: file.size, mtimeMs: file.mtimeMs, since: now, grew: true };
}

export interface Candidate {
  file: VolumeFile;
  meta: NameMetadata;
  row: JournalRow | undefined;
  observation: Observation;
}

export interface Plan {
  /** To send (or spool), important files first. */
  send: Candidate[];
  /** Verified by the platform and still on the recorder, to delete under --purge after-verify. */
  purge: Candidate[];
  /** Not yet unchanged for long enough. */
  waiting: Candidate[];
  /** Already verified on the platform or safely spooled. */
  done: Candidate[];
  /** When to look again for the waiting files, in ms from now; null when none wait. */
  recheckInMs: number | null;
}

const DONE = new Set(['spooled', 'verified', 'purge-intent', 'purge-deleted', 'purged']);

export function planFiles(candidates: readonly Candidate[], now: number, stableMs: number, purge: 'never' | 'after-verify'): Plan {
  const plan: Plan = { send: [], purge: [], waiting: [], done: [], recheckInMs: null };
  for (const c of candidates) {
    if (c.row && DONE.has(c.row.state)) {
      plan.done.push(c);
      if (purge === 'after-verify' && c.row.uploadId && (c.row.state === 'verified' || c.row.state === 'purge-intent')) plan.purge.push(c);
    } else if (now - c.observation.since >= stableMs) {
      plan.send.push(c);
    } else {
      plan.waiting.push(c);
      const due = c.observation.since + stableMs - now;
      plan.recheckInMs = plan.recheckInMs === null ? due : Math.min(plan.recheckInMs, due);
    }
  }
  plan.send.sort((a, b) => Number(b.meta.important) - Number(a.meta.important) || Buffer.compare(a.file.relative, b.file.relative));
  return plan;
}

export const fileKey = (serial: string, file: VolumeFile): FileKey => ({ serial, path: file.relative, size: file.size, mtimeMs: Math.floor(file.mtimeMs) });
