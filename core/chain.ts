import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../schema/db';
import type { Db } from '../schema/database';

/**
 * Hash chains over append-only tables. Each row stores hash = sha256(prev_hash || canonical(row)),
 * where canonical is RFC 8785 JSON of the row's content (seq included), so editing, deleting or
 * reordering any row breaks every hash after it.
 */
export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(prevHash: string, content: Record<string, unknown>): string {
  const canonical = canonicalize(content);
  if (canonical === undefined) throw new Error('row content cannot be canonicalized');
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonical, 'utf8').digest('hex');
}

export interface CustodyEvent {
  evidenceId: string;
  action: string;
  actor: string;
  details: Record<string, unknown>;
  at?: Date;
}

function custodyContent(seq: number, e: Required<CustodyEvent>): Record<string, unknown> {
  return { seq, evidenceId: e.evidenceId, action: e.action, actor: e.actor, at: e.at.toISOString(), details: e.details };
}

/** Appends one custody event inside the caller's transaction (the head row lock serializes writers). */
export async function appendCustody(trx: Transaction<Database>, event: CustodyEvent): Promise<number> {
  const head = await lockHead(trx, 'custody');
  const full = { ...event, at: event.at ?? new Date() };
  const seq = Number(head.seq) + 1;
  const hash = chainHash(head.hash, custodyContent(seq, full));
  await trx
    .insertInto('custody_events')
    .values({
      seq,
      evidence_id: full.evidenceId,
      action: full.action,
      actor: full.actor,
      at: full.at,
      details: JSON.stringify(full.details),
      prev_hash: head.hash,
      hash,
    })
    .execute();
  await trx.updateTable('chain_heads').set({ seq, hash }).where('chain', '=', 'custody').execute();
  return seq;
}

async function lockHead(trx: Transaction<Database>, chain: string): Promise<{ seq: string; hash: string }> {
  await sql`insert into chain_heads (chain, seq, hash) values (${chain}, 0, ${GENESIS_HASH}) on conflict do nothing`.execute(trx);
  return trx.selectFrom('chain_heads').select(['seq', 'hash']).where('chain', '=', chain).forUpdate().executeTakeFirstOrThrow();
}

export type ChainVerdict = { ok: true; rows: number } | { ok: false; rows: number; brokenAt: number; reason: string };

/** Walks the whole custody chain in order and names the first row that does not hold. */
export async function verifyCustodyChain(db: Db): Promise<ChainVerdict> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  const pageSize = 5000;
  for (;;) {
    const rows = await db
      .selectFrom('custody_events')
      .selectAll()
      .where('seq', '>=', String(expectedSeq))
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return broken(expectedSeq, seq, `row ${expectedSeq} is missing`);
      const content = custodyContent(seq, { evidenceId: row.evidence_id, action: row.action, actor: row.actor, at: row.at, details: row.details });
      if (row.prev_hash !== prev) return broken(expectedSeq, seq, 'prev_hash does not match the row before');
      if (chainHash(prev, content) !== row.hash) return broken(expectedSeq, seq, 'row content does not match its hash');
      prev = row.hash;
      expectedSeq += 1;
    }
    if (rows.length < pageSize) break;
  }
  const head = await db.selectFrom('chain_heads').select(['seq', 'hash']).where('chain', '=', 'custody').executeTakeFirst();
  const count = expectedSeq - 1;
  if (head && (Number(head.seq) !== count || head.hash !== prev)) {
    return broken(count, count, `chain head says row ${head.seq}, the table ends at row ${count}`);
  }
  return { ok: true, rows: count };
}

function broken(count: number, seq: number, reason: string): ChainVerdict {
  return { ok: false, rows: count - 1, brokenAt: seq, reason };
}
