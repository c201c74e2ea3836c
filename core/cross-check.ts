import type { Db } from '../schema/database';

/**
 * The custody and audit trails record some events twice, each in its own chain: a rewrite of one
 * chain that recomputes every hash still leaves the other disagreeing. Pairs, by what both carry:
 *   custody original.read  <->  audit evidence.view-original that served bytes (details.range)
 *   custody fixity.failed  <->  audit fixity.failed (same transaction)
 */
const PAIRS = [
  { custody: 'original.read', audit: 'evidence.view-original', tag: (d: Record<string, unknown>) => d.range },
  { custody: 'fixity.failed', audit: 'fixity.failed', tag: (d: Record<string, unknown>) => d.storageKey },
] as const;

export interface CustodyEntry {
  seq: number;
  action: string;
  evidenceId: string;
  actor: string;
  details: Record<string, unknown>;
}
export interface AuditEntry {
  seq: number;
  action: string;
  objectId: string | null;
  actorName: string;
  details: Record<string, unknown>;
}
export interface Unmatched {
  trail: 'custody' | 'audit';
  seq: number;
  action: string;
  evidenceId: string | null;
  actor: string;
}
export interface CrossCheck {
  ok: boolean;
  pairs: number;
  unmatched: Unmatched[];
}

/** Matches each paired custody event with one audit event of the same object, actor and detail; names what is left on either side. */
export function crossCheck(custody: CustodyEntry[], audit: AuditEntry[]): CrossCheck {
  const open = new Map<string, CustodyEntry[]>();
  const keyOf = (pair: number, id: string | null, actor: string, tag: unknown) => JSON.stringify([pair, id, actor, tag ?? null]);
  for (const c of custody) {
    const pair = PAIRS.findIndex((p) => p.custody === c.action);
    if (pair < 0) continue;
    const key = keyOf(pair, c.evidenceId, c.actor, PAIRS[pair]!.tag(c.details));
    open.set(key, [...(open.get(key) ?? []), c]);
  }
  const unmatched: Unmatched[] = [];
  let pairs = 0;
  for (const a of audit) {
    const pair = PAIRS.findIndex((p) => p.audit === a.action);
    const tag = pair < 0 ? undefined : PAIRS[pair]!.tag(a.details);
    if (pair < 0 || tag === undefined) continue; // not an event that has a custody twin
    const waiting = open.get(keyOf(pair, a.objectId, a.actorName, tag));
    if (waiting?.shift()) pairs += 1;
    else unmatched.push({ trail: 'audit', seq: a.seq, action: a.action, evidenceId: a.objectId, actor: a.actorName });
  }
  for (const left of open.values()) for (const c of left) unmatched.push({ trail: 'custody', seq: c.seq, action: c.action, evidenceId: c.evidenceId, actor: c.actor });
  unmatched.sort((x, y) => x.trail.localeCompare(y.trail) || x.seq - y.seq);
  return { ok: unmatched.length === 0, pairs, unmatched };
}

/** Reads the paired events of both trails and cross-checks them. */
export async function crossCheckTrails(db: Db): Promise<CrossCheck> {
  const custody = await db.selectFrom('custody_events').select(['seq', 'action', 'evidence_id', 'actor', 'details']).where('action', 'in', PAIRS.map((p) => p.custody)).orderBy('seq').execute();
  const audit = await db.selectFrom('audit_events').select(['seq', 'action', 'object_id', 'actor_name', 'details']).where('action', 'in', PAIRS.map((p) => p.audit)).orderBy('seq').execute();
  return crossCheck(
    custody.map((c) => ({ seq: Number(c.seq), action: c.action, evidenceId: c.evidence_id, actor: c.actor, details: c.details })),
    audit.map((a) => ({ seq: Number(a.seq), action: a.action, objectId: a.object_id, actorName: a.actor_name, details: a.details })),
  );
}

/** One line per unmatched event, as `evidence audit verify` prints it. */
export function describeUnmatched(u: Unmatched): string {
  const other = u.trail === 'custody' ? 'audit' : 'custody';
  return `${u.trail} row ${u.seq} (${u.action} of ${u.evidenceId ?? '-'} by ${u.actor}) has no ${other} event`;
}
