import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Stateless ingest replicas (issue 17 item 2): what one process used to keep in memory about an
 * upload lives on its row, so any replica serves any request of any upload.
 * `held_by` / `held_until`: the request working on the upload now (a random token) and until when
 * its hold lasts unless renewed; a replica that dies lets go when the hold runs out.
 * `staged_sha256` / `staged_sm3`: the server's hashes of the complete staged file, taken while its
 * last byte arrived, so complete never re-reads it (null while bytes may still change).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('uploads')
    .addColumn('held_by', 'text')
    .addColumn('held_until', 'timestamptz')
    .addColumn('staged_sha256', 'text')
    .addColumn('staged_sm3', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('held_by').dropColumn('held_until').dropColumn('staged_sha256').dropColumn('staged_sm3').execute();
}
