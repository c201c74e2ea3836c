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
 *
 * `handler_evidence`: per handler, the recordings linked to cases they handle (with how many such
 * links), kept by triggers, so a handler's page of linked recordings is read in keyset order from
 * one index instead of gathering every linked recording first.
 */
const PATHS = ['unit_id', 'officer_no'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of PATHS) {
    await db.schema.createIndex(`evidence_${column}_keyset`).on('evidence').columns([column, 'received_at', 'id']).execute();
    await db.schema.dropIndex(`evidence_${column}`).execute();
  }
  // An officer's recordings are nearly all of one unit: without this the planner takes "unit and
  // officer" as 1/20 of the officer's and reads the unit's whole index to intersect with them.
  await sql`create statistics evidence_officer_unit (dependencies) on officer_no, unit_id from evidence`.execute(db);
  await sql`insert into chain_heads (chain, seq, hash) values ('audit', 0, ${'0'.repeat(64)}), ('custody', 0, ${'0'.repeat(64)}) on conflict do nothing`.execute(db);

  await db.schema
    .createTable('handler_evidence')
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('evidence_id', 'uuid', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('links', 'integer', (c) => c.notNull().check(sql`links >= 0`))
    .addPrimaryKeyConstraint('handler_evidence_pk', ['user_id', 'evidence_id'])
    .execute();
  await db.schema.createIndex('handler_evidence_keyset').on('handler_evidence').columns(['user_id', 'received_at', 'evidence_id']).execute();
  await sql`
    insert into handler_evidence (user_id, evidence_id, received_at, links)
    select ch.user_id, ce.evidence_id, e.received_at, count(*) from case_handlers ch join case_evidence ce on ce.case_id = ch.case_id join evidence e on e.id = ce.evidence_id
    group by ch.user_id, ce.evidence_id, e.received_at`.execute(db);
  // Each locks the case row first, so that a link and a handler added at once each see the other.
  await sql`
    create function handler_evidence_by_link() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        perform 1 from cases where id = old.case_id for update;
        update handler_evidence set links = links - 1
         where evidence_id = old.evidence_id and user_id in (select user_id from case_handlers where case_id = old.case_id);
        delete from handler_evidence where evidence_id = old.evidence_id and links = 0;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        perform 1 from cases where id = new.case_id for update;
        insert into handler_evidence as hv (user_id, evidence_id, received_at, links)
        select ch.user_id, e.id, e.received_at, 1 from case_handlers ch join evidence e on e.id = new.evidence_id where ch.case_id = new.case_id
        on conflict (user_id, evidence_id) do update set links = hv.links + 1;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create function handler_evidence_by_handler() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        perform 1 from cases where id = old.case_id for update;
        update handler_evidence set links = links - 1
         where user_id = old.user_id and evidence_id in (select evidence_id from case_evidence where case_id = old.case_id);
        delete from handler_evidence where user_id = old.user_id and links = 0;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        perform 1 from cases where id = new.case_id for update;
        insert into handler_evidence as hv (user_id, evidence_id, received_at, links)
        select new.user_id, e.id, e.received_at, 1 from case_evidence ce join evidence e on e.id = ce.evidence_id where ce.case_id = new.case_id
        on conflict (user_id, evidence_id) do update set links = hv.links + 1;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create function handler_evidence_received() returns trigger language plpgsql as $$
    begin
      update handler_evidence set received_at = new.received_at where evidence_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`create trigger case_evidence_handlers after insert or update of case_id, evidence_id or delete on case_evidence for each row execute function handler_evidence_by_link()`.execute(db);
  await sql`create trigger case_handlers_evidence after insert or update or delete on case_handlers for each row execute function handler_evidence_by_handler()`.execute(db);
  await sql`create trigger evidence_received_handlers after update of received_at on evidence for each row when (old.received_at is distinct from new.received_at) execute function handler_evidence_received()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger evidence_received_handlers on evidence`.execute(db);
  await sql`drop trigger case_handlers_evidence on case_handlers`.execute(db);
  await sql`drop trigger case_evidence_handlers on case_evidence`.execute(db);
  for (const fn of ['handler_evidence_received', 'handler_evidence_by_handler', 'handler_evidence_by_link']) await sql`drop function ${sql.id(fn)}()`.execute(db);
  await db.schema.dropTable('handler_evidence').execute();
  await sql`drop statistics evidence_officer_unit`.execute(db);
  for (const column of PATHS) {
    await db.schema.createIndex(`evidence_${column}`).on('evidence').columns([column, 'received_at']).execute();
    await db.schema.dropIndex(`evidence_${column}_keyset`).execute();
  }
}
