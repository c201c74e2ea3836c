import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * RFC 3161 time-stamps for originals, in batches: each batch is a Merkle tree (RFC 9162) over its
 * files' SHA-256 digests, and only the root is sent to the time-stamping authority.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('timestamp_batches')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('tree_size', 'integer', (c) => c.notNull().check(sql`tree_size > 0`))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending').check(sql`state in ('pending', 'stamped')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('stamped_at', 'timestamptz')
    // The whole DER TimeStampResp (.tsr), exactly as the authority sent it and as it was verified.
    .addColumn('token', 'bytea')
    .addColumn('gen_time', 'timestamptz')
    .addColumn('authority', 'text')
    .addColumn('policy', 'text')
    .addColumn('serial', 'text')
    // The signer's certificate path to the trust anchor it was verified with, for exports.
    .addColumn('chain_pem', 'text')
    .addCheckConstraint(
      'timestamp_batches_stamped_complete',
      sql`(state = 'stamped') = (token is not null and gen_time is not null and authority is not null and policy is not null and serial is not null and chain_pem is not null and stamped_at is not null)`,
    )
    .execute();
  await sql`create index timestamp_batches_due on timestamp_batches (next_attempt_at, id) where state = 'pending'`.execute(db);

  // One row per original. batch_id, leaf_index and audit_path stay null until the file is batched.
  await db.schema
    .createTable('timestamp_leaves')
    .addColumn('evidence_id', 'uuid', (c) => c.primaryKey().references('evidence.id'))
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('batch_id', 'bigint', (c) => c.references('timestamp_batches.id'))
    .addColumn('leaf_index', 'integer')
    .addColumn('audit_path', sql`text[]`)
    .addCheckConstraint('timestamp_leaves_batched_complete', sql`(batch_id is null) = (leaf_index is null) and (batch_id is null) = (audit_path is null)`)
    .addUniqueConstraint('timestamp_leaves_position', ['batch_id', 'leaf_index'])
    .execute();
  await sql`create index timestamp_leaves_queued on timestamp_leaves (queued_at) where batch_id is null`.execute(db);

  // Every original is queued by the same transaction that creates it, whichever code inserts it.
  await sql`
    create function queue_timestamp() returns trigger language plpgsql as $$
    begin
      insert into timestamp_leaves (evidence_id) values (new.id);
      return new;
    end $$`.execute(db);
  await sql`create trigger evidence_queue_timestamp after insert on evidence for each row execute function queue_timestamp()`.execute(db);
  await sql`insert into timestamp_leaves (evidence_id, queued_at) select id, received_at from evidence`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger evidence_queue_timestamp on evidence`.execute(db);
  await sql`drop function queue_timestamp()`.execute(db);
  await db.schema.dropTable('timestamp_leaves').execute();
  await db.schema.dropTable('timestamp_batches').execute();
}
