import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Uploads survive a lost database connection and an absent dock (issue 11, items 6 and 8).
 * `stored_at`: the original is already in the object store under the upload's own key, so a
 * retried complete (or the sweep) finds it after the staged bytes were moved there.
 * `declared_sha256` / `declared_sm3`: what the dock declared in complete, so the sweep can finish
 * a commit whose dock never came back. `taken_over_at`: when another dock took the upload over.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('uploads')
    .addColumn('declared_sha256', 'text')
    .addColumn('declared_sm3', 'text')
    .addColumn('stored_at', 'timestamptz')
    .addColumn('taken_over_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('declared_sha256').dropColumn('declared_sm3').dropColumn('stored_at').dropColumn('taken_over_at').execute();
}
