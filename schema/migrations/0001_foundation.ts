import { sql, type Kysely } from 'kysely';

// Migrations take Kysely<any>: they must keep working after the typed schema moves on.
/* eslint-disable @typescript-eslint/no-explicit-any */

const id = (col: any) => col.primaryKey().defaultTo(sql`gen_random_uuid()`);
const now = (col: any) => col.notNull().defaultTo(sql`now()`);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('units')
    .addColumn('id', 'uuid', id)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('agency').check(sql`kind in ('agency', 'supervisor')`))
    .addColumn('parent_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('created_at', 'timestamptz', now)
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', id)
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('handler', 'unit_head', 'overseer', 'auditor', 'complainant', 'admin', 'station')`),
    )
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('officer_no', 'text', (c) => c.unique())
    .addColumn('display_name', 'text')
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('disabled_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('user_oversees')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('unit_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addPrimaryKeyConstraint('user_oversees_pk', ['user_id', 'unit_id'])
    .execute();

  // Only a hash of each token is kept; the token itself is shown once when it is made.
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('station_id', 'uuid')
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('recorders')
    .addColumn('id', 'uuid', id)
    .addColumn('serial', 'text', (c) => c.notNull().unique())
    .addColumn('vid_pid', 'text')
    .addColumn('officer_no', 'text')
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('last_docked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('stations')
    .addColumn('id', 'uuid', id)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('last_seen_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('bays')
    .addColumn('id', 'uuid', id)
    .addColumn('station_id', 'uuid', (c) => c.notNull().references('stations.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addUniqueConstraint('bays_station_number', ['station_id', 'number'])
    .execute();

  await db.schema
    .createTable('offload_sessions')
    .addColumn('id', 'uuid', id)
    .addColumn('station_id', 'uuid', (c) => c.notNull().references('stations.id'))
    .addColumn('bay_id', 'uuid', (c) => c.notNull().references('bays.id'))
    .addColumn('recorder_id', 'uuid', (c) => c.notNull().references('recorders.id'))
    .addColumn('officer_no', 'text')
    .addColumn('recorder_clock', 'timestamptz')
    .addColumn('station_clock', 'timestamptz')
    .addColumn('clock_skew_ms', 'bigint')
    .addColumn('opened_at', 'timestamptz', now)
    .addColumn('closed_at', 'timestamptz')
    .execute();

  // One row per file being received. Names are data: raw bytes plus a readable rendering.
  await db.schema
    .createTable('uploads')
    .addColumn('id', 'uuid', id)
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('offload_sessions.id'))
    .addColumn('recorder_id', 'uuid', (c) => c.notNull().references('recorders.id'))
    .addColumn('original_path', 'text', (c) => c.notNull())
    .addColumn('original_path_bytes', 'bytea', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('metadata', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('receiving').check(sql`state in ('receiving', 'verified', 'rejected')`))
    .addColumn('rejection', 'jsonb')
    .addColumn('evidence_id', 'uuid')
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .execute();
  // A dock that restarts asks for the same file again and gets the same upload back, offset included.
  await sql`create unique index uploads_receiving_once on uploads (recorder_id, original_path_bytes, size) where state = 'receiving'`.execute(db);

  await db.schema
    .createTable('evidence')
    .addColumn('id', 'uuid', id)
    .addColumn('recorder_id', 'uuid', (c) => c.notNull().references('recorders.id'))
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('offload_sessions.id'))
    .addColumn('upload_id', 'uuid', (c) => c.notNull().references('uploads.id'))
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('sm3', 'text', (c) => c.notNull())
    .addColumn('original_path', 'text', (c) => c.notNull())
    .addColumn('original_path_bytes', 'bytea', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('officer_no', 'text')
    .addColumn('device_serial', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('recorded_at', 'timestamptz')
    .addColumn('station_time', 'timestamptz')
    .addColumn('received_at', 'timestamptz', now)
    .addColumn('clock_skew_ms', 'bigint')
    .addColumn('important', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('verified'))
    .execute();
  // The same file from the same recorder is one piece of evidence, however often or concurrently it is sent.
  await db.schema
    .createIndex('evidence_identity')
    .on('evidence')
    .columns(['device_serial', 'original_path_bytes', 'size', 'sha256'])
    .unique()
    .execute();
  await db.schema.createIndex('evidence_received').on('evidence').columns(['received_at', 'id']).execute();

  // Append-only, hash-chained: hash = sha256(prev_hash || canonical row). See core/chain.ts.
  await db.schema
    .createTable('custody_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('evidence.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('custody_by_evidence').on('custody_events').columns(['evidence_id', 'seq']).execute();

  // The latest row of each chain; locking it serializes appends so the chain never forks.
  await db.schema
    .createTable('chain_heads')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();

  await sql`
    create function refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name;
    end $$`.execute(db);
  await sql`create trigger custody_events_append_only before update or delete on custody_events
            for each row execute function refuse_change()`.execute(db);

  // Jobs to hand to the queue once the transaction that made them has committed.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('dispatched_at', 'timestamptz')
    .execute();
  await sql`create index outbox_pending on outbox (id) where dispatched_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'outbox', 'custody_events', 'chain_heads', 'evidence', 'uploads', 'offload_sessions', 'bays', 'stations',
    'recorders', 'api_tokens', 'user_oversees', 'users', 'units',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function refuse_change()`.execute(db);
}
