import { sql, type Transaction } from 'kysely';
import type { Database } from '../schema/db';
import { LOCKS } from './locks';

/**
 * Events the enforcement platform hears about (webhooks and the pull feed, issue 13). They are
 * written in the transaction that makes the change, so an event exists exactly when its change
 * committed; delivery happens after commit and never blocks the writer.
 */
export const EVENT_TYPES = [
  'evidence.verified',
  'evidence.playable',
  'evidence.fixity_failed',
  'evidence.disposed',
  'case.created',
  'case.updated',
  'case.stage_changed',
  'case.evidence_linked',
  'case.evidence_unlinked',
  'export.ready',
  'reminder.issued',
  'reminder.responded',
  'reminder.returned',
  'reminder.closed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface PlatformEvent {
  type: EventType;
  /** Scoping and per-case order: a case event names its case; an evidence event its evidence and unit. */
  caseId?: string;
  evidenceId?: string;
  unitId?: string | null;
  /** The body's `data`: for evidence events `id` is the evidence id; for case events `caseId` and `number`; for reminder events `reminderId`. */
  data: Record<string, unknown>;
}

/**
 * Records an event in the caller's transaction. Call it last in the transaction: it takes a lock
 * held until commit, so events are numbered in commit order and a reader paging by `seq` never
 * skips one that commits late.
 */
export async function emitEvent(trx: Transaction<Database>, event: PlatformEvent): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOCKS.platformEvents})`.execute(trx);
  await trx
    .insertInto('platform_events')
    .values({
      type: event.type,
      case_id: event.caseId ?? null,
      evidence_id: event.evidenceId ?? null,
      unit_id: event.unitId ?? null,
      data: JSON.stringify(event.data),
    })
    .execute();
}
