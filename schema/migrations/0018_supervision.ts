import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Supervision figures (issue 16 items 1 and 7). Each recording's length (`duration_ms`, from the
 * transcoder's probe) and how many cases it is linked to (`case_links`), each case's stages with
 * footage (`footage_stages`), both kept by a trigger on case_evidence; and `supervision_daily`: per unit, recorder day (UTC) and officer, the
 * recordings, their length and bytes, how many arrived late and how many are linked to no case.
 * Triggers on evidence keep it in the transaction that changes a recording, whichever code does;
 * `late` is counted against `supervision_settings.on_time_hours`, which every start sets from
 * EVIDENCE_ONTIME_HOURS, rebuilding the table when it changed (`syncOnTimeHours`, cli/runtime.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table evidence add column duration_ms bigint, add column case_links integer not null default 0`.execute(db);
  await sql`update evidence e set case_links = l.n from (select evidence_id, count(*) n from case_evidence group by evidence_id) l where l.evidence_id = e.id`.execute(db);
  await db.schema.createIndex('evidence_unit_recorded').on('evidence').columns(['unit_id', 'recorded_at', 'id']).execute();

  // The stages each case has footage of, for the missing-footage rule (api/case-stages.ts missingStages).
  await sql`alter table cases add column footage_stages text[] not null default '{}'`.execute(db);
  await sql`update cases c set footage_stages = array(select distinct ce.stage from case_evidence ce where ce.case_id = c.id order by 1)`.execute(db);
  // The case row is locked first, so that concurrent links of one case each see the other's stage.
  await sql`
    create function refresh_case_footage(one uuid) returns void language plpgsql as $$
    begin
      perform 1 from cases where id = one for update;
      update cases set footage_stages = array(select distinct stage from case_evidence where case_id = one order by 1) where id = one;
    end $$`.execute(db);
  await sql`
    create function count_case_links() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        update evidence set case_links = case_links - 1 where id = old.evidence_id;
        perform refresh_case_footage(old.case_id);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        update evidence set case_links = case_links + 1 where id = new.evidence_id;
        perform refresh_case_footage(new.case_id);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger case_evidence_count after insert or update or delete on case_evidence for each row execute function count_case_links()`.execute(db);

  await db.schema
    .createTable('supervision_settings')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('on_time_hours', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into supervision_settings (on_time_hours) values (24)`.execute(db);

  await db.schema
    .createTable('supervision_daily')
    .addColumn('unit_id', 'uuid', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('officer_no', 'text', (c) => c.notNull())
    .addColumn('recordings', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'bigint', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('late', 'bigint', (c) => c.notNull())
    .addColumn('unlinked', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('supervision_daily_pkey', ['unit_id', 'day', 'officer_no'])
    .execute();

  // Received more than `hours` after the recording's end, the end on the server's clock (the recorder's clock minus its skew).
  await sql`
    create function supervision_late(received timestamptz, recorded timestamptz, duration_ms bigint, skew_ms bigint, hours integer) returns boolean
    language sql immutable as $$
      select received - recorded - make_interval(secs => (coalesce(duration_ms, 0) - coalesce(skew_ms, 0)) / 1000.0) > make_interval(hours => hours)
    $$`.execute(db);

  // The contribution of some evidence rows (sign +1 or -1) to the daily figures.
  const contribution = (rows: string, sign: number) => sql.raw(`
    select unit_id, (recorded_at at time zone 'UTC')::date as day, coalesce(officer_no, '') as officer_no, ${sign} as sign,
           coalesce(duration_ms, 0) as duration_ms, size, supervision_late(received_at, recorded_at, duration_ms, clock_skew_ms, hours)::int as late, (case_links = 0)::int as unlinked
    from ${rows} where unit_id is not null and recorded_at is not null`);
  const apply = (changes: ReturnType<typeof contribution>) => sql`
    insert into supervision_daily as d (unit_id, day, officer_no, recordings, duration_ms, bytes, late, unlinked)
    select unit_id, day, officer_no, sum(sign), sum(sign * duration_ms), sum(sign * size), sum(sign * late), sum(sign * unlinked)
    from (${changes}) c group by unit_id, day, officer_no
    having sum(sign) <> 0 or sum(sign * duration_ms) <> 0 or sum(sign * size) <> 0 or sum(sign * late) <> 0 or sum(sign * unlinked) <> 0
    order by unit_id, day, officer_no
    on conflict (unit_id, day, officer_no) do update set recordings = d.recordings + excluded.recordings, duration_ms = d.duration_ms + excluded.duration_ms,
      bytes = d.bytes + excluded.bytes, late = d.late + excluded.late, unlinked = d.unlinked + excluded.unlinked`;
  // The settings row is read FOR SHARE: a threshold change (which updates it, then rebuilds) waits for these, and these for it.
  await sql`
    create function supervision_evidence_changed() returns trigger language plpgsql as $$
    declare hours integer := (select on_time_hours from supervision_settings for share);
    begin
      if tg_op = 'INSERT' then
        ${apply(contribution('new_rows', 1))};
      elsif tg_op = 'DELETE' then
        ${apply(contribution('old_rows', -1))};
      else
        ${apply(sql`${contribution('new_rows', 1)} union all ${contribution('old_rows', -1)}`)};
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger evidence_supervision_insert after insert on evidence referencing new table as new_rows for each statement execute function supervision_evidence_changed()`.execute(db);
  await sql`create trigger evidence_supervision_update after update on evidence referencing old table as old_rows new table as new_rows for each statement execute function supervision_evidence_changed()`.execute(db);
  await sql`create trigger evidence_supervision_delete after delete on evidence referencing old table as old_rows for each statement execute function supervision_evidence_changed()`.execute(db);

  // Every figure recomputed from the recordings (after a threshold change; the migration's backfill).
  await sql`
    create function supervision_rebuild() returns void language plpgsql as $$
    declare hours integer := (select on_time_hours from supervision_settings);
    begin
      lock table supervision_daily in exclusive mode;
      delete from supervision_daily;
      ${apply(contribution('evidence', 1))};
    end $$`.execute(db);
  await sql`select supervision_rebuild()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger evidence_supervision_${event} on evidence`).execute(db);
  await sql`drop function supervision_rebuild()`.execute(db);
  await sql`drop function supervision_evidence_changed()`.execute(db);
  await sql`drop function supervision_late(timestamptz, timestamptz, bigint, bigint, integer)`.execute(db);
  await db.schema.dropTable('supervision_daily').execute();
  await db.schema.dropTable('supervision_settings').execute();
  await sql`drop trigger case_evidence_count on case_evidence`.execute(db);
  await sql`drop function count_case_links()`.execute(db);
  await sql`drop function refresh_case_footage(uuid)`.execute(db);
  await sql`alter table cases drop column footage_stages`.execute(db);
  await db.schema.dropIndex('evidence_unit_recorded').execute();
  await sql`alter table evidence drop column duration_ms, drop column case_links`.execute(db);
}
