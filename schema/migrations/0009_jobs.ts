import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Exports became queued jobs (core/jobs.ts, issue 12): one still building from before has no job
 * to finish it, so it is marked failed, as every start used to do.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db
    .updateTable('case_exports')
    .set({ status: 'failed', error: 'the platform stopped while the package was being built; export again', finished_at: new Date() })
    .where('status', '=', 'building')
    .execute();
}

/** Nothing to undo: a failed export stays failed. */
export async function down(): Promise<void> {}
