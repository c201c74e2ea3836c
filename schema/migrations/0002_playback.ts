import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Browser-playable derivatives of each original, and the state of making them. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('evidence')
    .addColumn('playback_state', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`playback_state in ('queued', 'processing', 'ready', 'unplayable', 'failed')`),
    )
    .addColumn('playback_reason', 'text')
    .addColumn('playback_progress', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('derivatives')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('evidence.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('source_sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('derivatives_file', ['evidence_id', 'kind', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('derivatives').execute();
  await db.schema.alterTable('evidence').dropColumn('playback_state').dropColumn('playback_reason').dropColumn('playback_progress').execute();
}
