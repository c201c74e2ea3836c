import { sql, type Kysely, type Transaction } from 'kysely';
import { appendCustody } from '../../core/chain';
import type { Database } from '../db';

/* eslint-disable @typescript-eslint/no-explicit-any */

const ACTOR = 'migration 0006_unit_work_queue';
/** Blank: empty or only white space (PostgreSQL text cannot hold NUL). */
const blank = (column: string) => sql<boolean>`${sql.ref(column)} !~ '[^[:space:]]'`;

/**
 * Issue 11 item 9. A blank officer number was stored as "" instead of NULL, which hid the recorder's
 * bound officer and so the footage's unit. Blanks become NULL; evidence that had one takes the
 * officer and unit the ingest now gives it (the recorder's bound officer, else the one the recorder
 * reported at docking), each correction on the file's custody trail. Footage still without a unit
 * waits on the admin work queue, which the first index serves.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['users', 'recorders', 'offload_sessions']) {
    await db.updateTable(table).set({ officer_no: null }).where(blank('officer_no')).execute();
  }
  const rows = await db
    .selectFrom('evidence as e')
    .innerJoin('recorders as r', 'r.id', 'e.recorder_id')
    .innerJoin('offload_sessions as s', 's.id', 'e.session_id')
    .leftJoin('users as u', (join) => join.on(sql<boolean>`u.officer_no = coalesce(r.officer_no, s.officer_no)`))
    .select(['e.id', 'e.officer_no', 'e.unit_id', sql<string | null>`coalesce(r.officer_no, s.officer_no)`.as('officer'), 'u.unit_id as officer_unit'])
    .where(blank('e.officer_no'))
    .orderBy('e.received_at')
    .execute();
  // The chain's head, which appends expect (made here on a database this old; later by 0029).
  if (rows.length > 0) await sql`insert into chain_heads (chain, seq, hash) values ('custody', 0, ${'0'.repeat(64)}) on conflict do nothing`.execute(db);
  for (const row of rows) {
    const unitId = row.unit_id ?? row.officer_unit ?? null;
    await db.updateTable('evidence').set({ officer_no: row.officer, unit_id: unitId }).where('id', '=', row.id).execute();
    await appendCustody(db as unknown as Transaction<Database>, {
      evidenceId: row.id,
      action: 'metadata.corrected',
      actor: ACTOR,
      details: { reason: 'a blank officer number hid the recorder\'s bound officer', officerNo: { from: row.officer_no, to: row.officer }, unitId: { from: row.unit_id, to: unitId } },
    });
  }
  await sql`create index evidence_unassigned on evidence (received_at, id) where unit_id is null`.execute(db);
  // Which files a court package holds, to refuse it to a caller who may not see one of them (item 4).
  await sql`create index custody_export_packaged on custody_events ((details->>'exportId')) where action = 'export.packaged'`.execute(db);
}

/** The index goes; the corrected rows stay corrected (a blank officer number was never right). */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index custody_export_packaged`.execute(db);
  await sql`drop index evidence_unassigned`.execute(db);
}
