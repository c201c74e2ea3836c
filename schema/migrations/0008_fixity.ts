import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Fixity scrub (issue 11 item 10): the last re-read of every stored object and each pass; and the
 * checkpoint writer's last verdict on each trail (item 11), so a refusal to sign stays visible.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('fixity_objects')
    .addColumn('storage_key', 'text', (c) => c.primaryKey())
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('evidence.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('original', 'derivative')`))
    // The recorded SHA-256 this check was against: a row about other bytes (a replaced derivative) does not count.
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('ok', 'altered', 'missing')`))
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('fixity_objects_evidence').on('fixity_objects').column('evidence_id').execute();
  await db.schema.createIndex('fixity_objects_failed').on('fixity_objects').column('state').where(sql<boolean>`state <> 'ok'`).execute();

  await db.schema
    .createTable('fixity_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('scheduled', 'manual')`))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('objects_checked', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_checked', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('fixity_runs_started').on('fixity_runs').column('started_at').execute();

  await db.schema
    .createTable('trail_status')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ok', 'boolean', (c) => c.notNull())
    .addColumn('broken_at', 'bigint')
    .addColumn('reason', 'text')
    // The newest set the writer made, so it need not list every set each minute (it still verifies the set's signature).
    .addColumn('checkpoint_key', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('trail_status').execute();
  await db.schema.dropTable('fixity_runs').execute();
  await db.schema.dropTable('fixity_objects').execute();
}
