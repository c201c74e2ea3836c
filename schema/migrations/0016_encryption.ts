import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Encryption at rest (issue 19 item 3). `master_keys`: every master key the platform knows, by
 * its fingerprint, with a check value sealed under it (a wrong key file fails at start).
 * `data_keys`: each object's data key wrapped by a master key; while a master key is rotated a
 * data key has two wrappings, so every process can read every object throughout.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('master_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('check_value', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('data_keys')
    .addColumn('key_id', 'uuid', (c) => c.notNull())
    .addColumn('master_key_id', 'text', (c) => c.notNull().references('master_keys.id'))
    .addColumn('wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('data_keys_pkey', ['key_id', 'master_key_id'])
    .execute();
  await db.schema.createIndex('data_keys_master').on('data_keys').column('master_key_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('data_keys').execute();
  await db.schema.dropTable('master_keys').execute();
}
