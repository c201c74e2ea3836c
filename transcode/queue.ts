import type { JobPayloads, Placement, TranscodePriority } from '../core/jobs';
import type { Db } from '../schema/database';

/** Who waits comes first: a viewer now, then footage likely to be watched, then the rest. */
const TIERS: Record<TranscodePriority, number> = { interactive: 0, linked: 1, background: 2 };

/**
 * A transcode job's place in the queue: its tier from the priority (absent: background), its
 * share the evidence's unit, so one unit's backlog cannot hold up another's recordings.
 */
export function transcodePlacement(priority: TranscodePriority | undefined, unitId: string | null): Placement {
  return { tier: TIERS[priority ?? 'background'], share: unitId ?? 'no-unit' };
}

/** Looks up the evidence's unit when the job is queued (the payload does not carry it). */
export function placeTranscode(db: Db): (payload: JobPayloads['transcode']) => Promise<Placement> {
  return async ({ evidenceId, priority }) => {
    const row = await db.selectFrom('evidence').select('unit_id').where('id', '=', evidenceId).executeTakeFirst();
    return transcodePlacement(priority, row?.unit_id ?? null);
  };
}
