import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The player (issue 15 item 7): bookmarks their author edits or deletes (a deleted one stays as a
 * row, out of lists; the audit trail keeps what it said), the media facts the player and the
 * still capture need, and still-frame requests (the still itself is a derivative, kind 'still').
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bookmarks').addColumn('updated_at', 'timestamptz').addColumn('deleted_at', 'timestamptz').execute();
  // From the probe when the derivatives were made; null for footage transcoded before this column.
  await db.schema.alterTable('evidence').addColumn('media_frame_rate', 'double precision').execute();
  await db.schema
    .createTable('stills')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('evidence.id'))
    .addColumn('at_ms', 'bigint', (c) => c.notNull().check(sql`at_ms >= 0`))
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('requested_by_name', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued').check(sql`state in ('queued', 'ready', 'failed')`))
    .addColumn('reason', 'text')
    // Set null when the derivative goes (a disposal deletes derivatives; the request stays).
    .addColumn('derivative_id', 'uuid', (c) => c.references('derivatives.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('stills_evidence').on('stills').columns(['evidence_id', 'requested_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stills').execute();
  await db.schema.alterTable('evidence').dropColumn('media_frame_rate').execute();
  await db.schema.alterTable('bookmarks').dropColumn('updated_at').dropColumn('deleted_at').execute();
}
