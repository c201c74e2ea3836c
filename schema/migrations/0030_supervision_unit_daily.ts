import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Supervision at district scale (issue 16 item 7): `supervision_unit_daily` holds the figures of
 * `supervision_daily` summed over officers, per unit and recorder day (UTC), so that the summary of
 * every unit over a quarter reads a few thousand rows, not one per officer and day. Statement
 * triggers on supervision_daily keep it in the same transaction, rebuilds included.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('supervision_unit_daily')
    .addColumn('unit_id', 'uuid', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('recordings', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'bigint', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('late', 'bigint', (c) => c.notNull())
    .addColumn('unlinked', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('supervision_unit_daily_pkey', ['unit_id', 'day'])
    .execute();

  const contribution = (rows: string, sign: number) => sql.raw(`select unit_id, day, ${sign} as sign, recordings, duration_ms, bytes, late, unlinked from ${rows}`);
  const apply = (changes: ReturnType<typeof contribution>) => sql`
    insert into supervision_unit_daily as d (unit_id, day, recordings, duration_ms, bytes, late, unlinked)
    select unit_id, day, sum(sign * recordings), sum(sign * duration_ms), sum(sign * bytes), sum(sign * late), sum(sign * unlinked)
    from (${changes}) c group by unit_id, day
    having sum(sign * recordings) <> 0 or sum(sign * duration_ms) <> 0 or sum(sign * bytes) <> 0 or sum(sign * late) <> 0 or sum(sign * unlinked) <> 0
    order by unit_id, day
    on conflict (unit_id, day) do update set recordings = d.recordings + excluded.recordings, duration_ms = d.duration_ms + excluded.duration_ms,
      bytes = d.bytes + excluded.bytes, late = d.late + excluded.late, unlinked = d.unlinked + excluded.unlinked`;
  await sql`
    create function supervision_unit_daily_changed() returns trigger language plpgsql as $$
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
  await sql`create trigger supervision_daily_units_insert after insert on supervision_daily referencing new table as new_rows for each statement execute function supervision_unit_daily_changed()`.execute(db);
  await sql`create trigger supervision_daily_units_update after update on supervision_daily referencing old table as old_rows new table as new_rows for each statement execute function supervision_unit_daily_changed()`.execute(db);
  await sql`create trigger supervision_daily_units_delete after delete on supervision_daily referencing old table as old_rows for each statement execute function supervision_unit_daily_changed()`.execute(db);
  await sql`lock table supervision_daily in exclusive mode`.execute(db);
  await sql`${apply(contribution('supervision_daily', 1))}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger supervision_daily_units_${event} on supervision_daily`).execute(db);
  await sql`drop function supervision_unit_daily_changed()`.execute(db);
  await db.schema.dropTable('supervision_unit_daily').execute();
}
