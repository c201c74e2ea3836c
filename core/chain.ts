/* eslint-disable @typescript-eslint/no-explicit-any -- the two chains share one append/verify over differently shaped tables */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema/db';
import type { Db } from '../schema/database';

/**
 * Hash chains over the append-only tables (custody events, audit events). Each row stores
 * hash = sha256(prev_hash || canonical(row)), where canonical is RFC 8785 JSON of the row's
 * content with its seq, so editing, deleting or reordering any row breaks every hash after it.
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

export interface AuditEvent {
  actorId: string | null;
  actorName: string;
  role: string | null;
  unitId: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  objectUnitId: string | null;
  client: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  details: Record<string, unknown>;
  at?: Date;
}

/** How each chained table maps between rows and the content that is hashed. */
const CHAINS = {
  custody: {
    table: 'custody_events',
    content: (seq: number, e: Required<CustodyEvent>) => ({ seq, evidenceId: e.evidenceId, action: e.action, actor: e.actor, at: e.at.toISOString(), details: e.details }),
    row: (e: Required<CustodyEvent>) => ({ evidence_id: e.evidenceId, action: e.action, actor: e.actor, at: e.at, details: JSON.stringify(e.details) }),
    fromRow: (r: any): Required<CustodyEvent> => ({ evidenceId: r.evidence_id, action: r.action, actor: r.actor, at: r.at, details: r.details }),
  },
  audit: {
    table: 'audit_events',
    content: (seq: number, e: Required<AuditEvent>) => ({ seq, ...e, at: e.at.toISOString() }),
    row: (e: Required<AuditEvent>) => ({
      at: e.at, actor_id: e.actorId, actor_name: e.actorName, role: e.role, unit_id: e.unitId, action: e.action, object_type: e.objectType,
      object_id: e.objectId, object_unit_id: e.objectUnitId, client: e.client, outcome: e.outcome, details: JSON.stringify(e.details),
    }),
    fromRow: (r: any): Required<AuditEvent> => ({
      actorId: r.actor_id, actorName: r.actor_name, role: r.role, unitId: r.unit_id, action: r.action, objectType: r.object_type,
      objectId: r.object_id, objectUnitId: r.object_unit_id, client: r.client, outcome: r.outcome, details: r.details, at: r.at,
    }),
  },
} as const;
export type ChainName = keyof typeof CHAINS;

/** Appends one custody event inside the caller's transaction (the head row lock serializes writers). */
export function appendCustody(trx: Transaction<Database>, event: CustodyEvent): Promise<number> {
  return append(trx, 'custody', { ...event, at: event.at ?? new Date() });
}

/** Appends one audit event: inside the caller's transaction, or (given the database) as a statement of its own. */
export function appendAudit(trx: Kysely<Database>, event: AuditEvent): Promise<number> {
  return append(trx, 'audit', { ...event, at: event.at ?? new Date() });
}

/**
 * The canonical JSON of `content` with `key` added, split where the key's value goes: prefix + value
 * + suffix is canonicalize({ ...content, [key]: value }) for a whole-number value. The database then
 * hashes a row whose seq it only learns while it holds the chain's head.
 */
export function canonicalAround(content: Record<string, unknown>, key: string): { prefix: string; suffix: string } {
  const members = Object.entries({ ...content, [key]: 0 })
    .map(([k, v]) => ({ k, text: canonicalize(v) }))
    .filter((m) => m.text !== undefined)
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)); // RFC 8785: by UTF-16 code units
  const at = members.findIndex((m) => m.k === key);
  const member = (m: { k: string; text?: string }) => `${canonicalize(m.k)}:${m.text}`;
  return {
    prefix: `{${members.slice(0, at).map((m) => `${member(m)},`).join('')}${canonicalize(key)}:`,
    suffix: `${members.slice(at + 1).map((m) => `,${member(m)}`).join('')}}`,
  };
}

/**
 * One statement takes the head, hashes the row in SQL (the same bytes chainHash hashes) and inserts
 * it: the head's row lock, which every append of the chain waits for, is held for that statement and
 * the commit, not for several round trips (nor, for a statement of its own, for the application to
 * send the commit).
 */
async function append<C extends ChainName>(trx: Kysely<Database>, chain: C, event: any): Promise<number> {
  const spec = CHAINS[chain];
  const { seq: _seq, ...content } = spec.content(0, event);
  const { prefix, suffix } = canonicalAround(content, 'seq');
  const row = Object.entries(spec.row(event));
  // VALUES, not SELECT: its parameters take the columns' types. The head row must exist (migration
  // 0029 makes both; 0006, which appends before it, makes them itself). Nothing but seq and hash of
  // chain_heads is used, so migrations of any age can append.
  const { rows } = await sql<{ seq: string }>`
    with old as (select seq, hash from chain_heads where chain = ${chain} for update),
    head as (
      update chain_heads h
         set seq = old.seq + 1,
             hash = encode(sha256(decode(old.hash, 'hex') || convert_to(${prefix} || (old.seq + 1)::text || ${suffix}, 'UTF8')), 'hex')
        from old
       where h.chain = ${chain}
       returning h.seq, old.hash as prev_hash, h.hash)
    insert into ${sql.table(spec.table)} (seq, ${sql.join(row.map(([column]) => sql.ref(column)))}, prev_hash, hash)
    values ((select seq from head), ${sql.join(row.map(([, value]) => sql`${value}`))}, (select prev_hash from head), (select hash from head))
    returning seq`.execute(trx);
  return Number(rows[0]!.seq);
}

export type ChainVerdict =
  | { ok: true; rows: number; head: string }
  | { ok: false; rows: number; brokenAt: number; reason: string };

/**
 * Walks a chain in order and names the first row that does not hold: the whole chain, or the
 * segment after a checkpoint (`since`: a row whose hash was signed), whose row must still match.
 * Rows appended during the walk are followed, so a busy chain is not reported broken.
 */
export async function verifyChain(db: Db, chain: ChainName, since?: { seq: number; hash: string }): Promise<ChainVerdict> {
  const spec = CHAINS[chain];
  let prev = GENESIS_HASH;
  let expected = 1;
  if (since && since.seq > 0) {
    const row = await (db as Kysely<any>).selectFrom(spec.table).select('hash').where('seq', '=', String(since.seq)).executeTakeFirst();
    if (row?.hash !== since.hash) return broken(since.seq, `row ${since.seq} no longer has the hash its signed checkpoint recorded: the chain was rewritten at or before it`);
    prev = since.hash;
    expected = since.seq + 1;
  }
  const pageSize = 5000;
  for (;;) {
    const rows = await (db as Kysely<any>).selectFrom(spec.table).selectAll().where('seq', '>=', String(expected)).orderBy('seq').limit(pageSize).execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected) return broken(expected, `row ${expected} is missing`);
      if (row.prev_hash !== prev) return broken(seq, 'prev_hash does not match the row before');
      if (chainHash(prev, spec.content(seq, spec.fromRow(row) as any)) !== row.hash) return broken(seq, 'row content does not match its hash');
      prev = row.hash;
      expected += 1;
    }
    if (rows.length === pageSize) continue;
    const head = await db.selectFrom('chain_heads').select(['seq', 'hash']).where('chain', '=', chain).executeTakeFirst();
    const count = expected - 1;
    if (head && Number(head.seq) > count && rows.length > 0) continue; // appended while we walked
    if (head && (Number(head.seq) !== count || head.hash !== prev)) {
      return broken(Math.min(Number(head.seq), count + 1), `the chain head says row ${head.seq}, the table ends at row ${count}`);
    }
    return { ok: true, rows: count, head: prev };
  }
}

function broken(seq: number, reason: string): ChainVerdict {
  return { ok: false, rows: seq - 1, brokenAt: seq, reason };
}
