import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Search at a million recordings (issue 17 item 3): the unit and officer search paths end in the
 * whole keyset (received_at, id), so a page is read in order from the index and stops at its limit,
 * with no sort of every row sharing the unit or officer. They replace the (…, received_at) ones.
 *
 * Every search appends an audit event, and appends queue on their chain's head row: the head keeps
 * the hash before its latest, so one statement can advance it and insert the row (core/chain.ts),
 * and each chain's head exists from here on (that statement cannot create it).
 */
const PATHS = ['unit_id', 'officer_no'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of PATHS) {
    await db.schema.createIndex(`evidence_${column}_keyset`).on('evidence').columns([column, 'received_at', 'id']).execute();
    await db.schema.dropIndex(`evidence_${column}`).execute();
  }
  await db.schema.alterTable('chain_heads').addColumn('prev_hash', 'text').execute();
  await sql`insert into chain_heads (chain, seq, hash) values ('audit', 0, ${'0'.repeat(64)}), ('custody', 0, ${'0'.repeat(64)}) on conflict do nothing`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chain_heads').dropColumn('prev_hash').execute();
  for (const column of PATHS) {
    await db.schema.createIndex(`evidence_${column}`).on('evidence').columns([column, 'received_at']).execute();
    await db.schema.dropIndex(`evidence_${column}_keyset`).execute();
  }
}
