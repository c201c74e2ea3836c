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
export async function appendCustody(trx: Transaction<Database>, event: CustodyEvent): Promise<number> {
  return (await append(trx, 'custody', [{ ...event, at: event.at ?? new Date() }]))[0]!;
}

/** Appends one audit event: inside the caller's transaction, or (given the database) as a statement of its own. */
export async function appendAudit(trx: Kysely<Database>, event: AuditEvent): Promise<number> {
  return (await appendAudits(trx, [event]))[0]!;
}

/** Appends audit events in this order, all in one statement: their seqs. */
export function appendAudits(trx: Kysely<Database>, events: AuditEvent[]): Promise<number[]> {
  return append(trx, 'audit', events.map((event) => ({ ...event, at: event.at ?? new Date() })));
}

/** Batches of a group commit: their parameters stay far below PostgreSQL's 65,535. */
const GROUP_COMMIT_MAX = 200;

/**
 * Audit appends of many requests as few commits: an event waits while one batch is being written
 * and goes, with every other event that arrived meanwhile, in the next one (one statement, one
 * commit, one WAL flush). Each caller is answered once its own batch has committed, so the chain
 * stays one sequence and an acknowledged event is durable. Built per server, not shared.
 */
export function auditGroupCommit(db: Kysely<Database>): (event: AuditEvent) => Promise<number> {
  const waiting: { event: AuditEvent; resolve: (seq: number) => void; reject: (error: unknown) => void }[] = [];
  let writing = false;
  async function write(): Promise<void> {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, GROUP_COMMIT_MAX);
      try {
        const seqs = await appendAudits(db, batch.map((b) => b.event));
        batch.forEach((b, i) => b.resolve(seqs[i]!));
      } catch (error) {
        if (batch.length === 1 || !refusedRow(error)) {
          for (const b of batch) b.reject(error);
          continue;
        }
        // One event the database refuses must not fail the others: each on its own, in order.
        for (const b of batch) await appendAudit(db, b.event).then(b.resolve, b.reject);
      }
    }
    writing = false;
  }
  return (event) =>
    new Promise((resolve, reject) => {
      waiting.push({ event: { ...event, at: event.at ?? new Date() }, resolve, reject });
      if (!writing) void write();
    });
}

/**
 * Whether a failed batch may be the fault of one of its rows (SQLSTATE class 22, data exception, or
 * 23, integrity constraint): then each row is tried alone. Anything else (the database gone, a
 * timeout) would fail each row alike.
 */
export function refusedRow(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
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
 * One statement takes the head, hashes the rows in SQL in order (the same bytes chainHash hashes:
 * each row's hash is the next one's prev_hash) and inserts them: the head's row lock, which every
 * append of the chain waits for, is held for that statement and the commit, not for several round
 * trips (nor, for a statement of its own, for the application to send the commit).
 */
async function append<C extends ChainName>(trx: Kysely<Database>, chain: C, events: any[]): Promise<number[]> {
  const spec = CHAINS[chain];
  const rows = events.map((event) => {
    const { seq: _seq, ...content } = spec.content(0, event);
    return { ...canonicalAround(content, 'seq'), values: Object.entries(spec.row(event)) };
  });
  const columns = rows[0]!.values.map(([column]) => sql.ref(column));
  const chained = (i: number, column: 'seq' | 'prev_hash' | 'hash') => sql`(select ${sql.ref(column)} from chained where i = ${i}::int)`;
  // VALUES, not SELECT: its parameters take the columns' types. The head row must exist (migration
  // 0029 makes both; 0006, which appends before it, makes them itself). Nothing but seq and hash of
  // chain_heads is used, so migrations of any age can append.
  const { rows: appended } = await sql<{ seq: string }>`
    with recursive old as (select seq, hash from chain_heads where chain = ${chain} for update),
    input (i, prefix, suffix) as (values ${sql.join(rows.map((r, i) => sql`(${i + 1}::int, ${r.prefix}::text, ${r.suffix}::text)`))}),
    chained (i, seq, prev_hash, hash) as (
      select 0, seq, null::text, hash from old
      union all
      select input.i, chained.seq + 1, chained.hash,
             encode(sha256(decode(chained.hash, 'hex') || convert_to(input.prefix || (chained.seq + 1)::text || input.suffix, 'UTF8')), 'hex')
        from chained join input on input.i = chained.i + 1),
    head as (
      update chain_heads h set seq = last.seq, hash = last.hash
        from (select seq, hash from chained order by i desc limit 1) last
       where h.chain = ${chain})
    insert into ${sql.table(spec.table)} (seq, ${sql.join(columns)}, prev_hash, hash)
    values ${sql.join(rows.map((r, i) => sql`(${chained(i + 1, 'seq')}, ${sql.join(r.values.map(([, value]) => sql`${value}`))}, ${chained(i + 1, 'prev_hash')}, ${chained(i + 1, 'hash')})`))}
    returning seq`.execute(trx);
  return appended.map((r) => Number(r.seq)).sort((a, b) => a - b);
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
