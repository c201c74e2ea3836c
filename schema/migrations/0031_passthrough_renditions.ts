import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Video at district scale (issue 18).
 * `evidence.playback_codecs`: the RFC 6381 codecs of the stream-copied passthrough (e.g.
 * 'hvc1.1.6.L120.B0,mp4a.40.2'), which the player asks the browser about; null: no passthrough.
 * `renditions`: the one H.264 rendition of a recording being made for viewers (one row per
 * recording, so two viewers share one transcode); `held_until` is the running attempt's lease,
 * renewed with every segment, so a worker that died lets another take over.
 * `rendition_segments`: its files as they are stored, from which any API replica serves the
 * growing playlist.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('evidence').addColumn('playback_codecs', 'text').execute();
  await db.schema
    .createTable('renditions')
    .addColumn('evidence_id', 'uuid', (c) => c.primaryKey().references('evidence.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued').check(sql`state in ('queued', 'running', 'ready', 'failed')`))
    .addColumn('attempt', 'uuid')
    .addColumn('held_until', 'timestamptz')
    .addColumn('target_seconds', 'integer', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('reason', 'text')
    .execute();
  await db.schema
    .createTable('rendition_segments')
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('renditions.evidence_id').onDelete('cascade'))
    .addColumn('attempt', 'uuid', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    /** null for the initialization segment. */
    .addColumn('duration_ms', 'integer')
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rendition_segments_pkey', ['evidence_id', 'attempt', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rendition_segments').execute();
  await db.schema.dropTable('renditions').execute();
  await db.schema.alterTable('evidence').dropColumn('playback_codecs').execute();
}
