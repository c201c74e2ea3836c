import { sql } from 'kysely';
import { personLabel } from '../core/display';
import { emitEvent } from '../core/events';
import type { JobPayloads, QueuedHandler } from '../core/jobs';
import { rowLock, withAdvisoryLock } from '../core/locks';
import type { Db } from '../schema/database';
import { createCaseExport, type CaseExportDeps } from './case-export';

async function markFailed(db: Db, exportId: string, message: string): Promise<void> {
  await db.updateTable('case_exports').set({ status: 'failed', error: message, finished_at: new Date() }).where('id', '=', exportId).where('status', '=', 'building').execute();
}

/**
 * Builds a requested case export (its `case_exports` row, status building), one run at a time
 * (advisory lock on the export). Run again after its process died, it starts over: the package is
 * rewritten under the same key, and the custody events and the ready status are written in one
 * transaction, only while the row is still building.
 */
export async function buildExport(deps: CaseExportDeps, payload: JobPayloads['export']): Promise<void> {
  await withAdvisoryLock(deps.db, rowLock(payload.exportId), () => build(deps, payload));
}

async function build(deps: CaseExportDeps, { exportId, evidenceIds }: JobPayloads['export']): Promise<void> {
  const { db } = deps;
  const row = await db
    .selectFrom('case_exports')
    .leftJoin('users', (j) => j.on(sql<boolean>`users.id::text = case_exports.requested_by`))
    .select(['case_exports.status', 'case_exports.case_id', 'case_exports.exporter_name', 'case_exports.exporter_role', 'case_exports.reason', 'case_exports.receiver', 'users.display_name', 'users.officer_no'])
    .where('case_exports.id', '=', exportId)
    .executeTakeFirst();
  if (row?.status !== 'building') return; // done (or failed) already: a job delivered again
  const caseRow = await db.selectFrom('cases').select(['id', 'number', 'title', 'unit_id']).where('id', '=', row.case_id).executeTakeFirstOrThrow();
  const unit = await db.selectFrom('units').select(['code', 'name']).where('id', '=', caseRow.unit_id).executeTakeFirst();
  let lastSaved = 0;
  await createCaseExport(deps, {
    exportId,
    case: { id: caseRow.id, number: caseRow.number, title: caseRow.title, unit: unit ? `${unit.name} (${unit.code})` : caseRow.unit_id },
    // The signed manifest and the cover sheet name the exporter as people know them: display name and 警号.
    exporter: { name: personLabel({ name: row.exporter_name, displayName: row.display_name, officerNo: row.officer_no }), role: row.exporter_role },
    reason: row.reason,
    receiver: row.receiver,
    evidenceIds,
    onProgress: ({ bytesDone, bytesTotal }) => {
      if (Date.now() - lastSaved < 1000) return; // progress is for people: once a second is plenty
      lastSaved = Date.now();
      void db.updateTable('case_exports').set({ bytes_done: bytesDone, bytes_total: bytesTotal }).where('id', '=', exportId).execute().catch(() => {});
    },
    record: async (trx, result) => {
      const updated = await trx
        .updateTable('case_exports')
        .set({ status: 'ready', storage_key: result.key, size: result.size, sha256: result.sha256, manifest_sha256: result.manifestSha256, bytes_done: result.size, bytes_total: result.size, finished_at: new Date() })
        .where('id', '=', exportId)
        .where('status', '=', 'building')
        .executeTakeFirst();
      // Marked failed meanwhile: nothing of this run is kept.
      if (updated.numUpdatedRows === 0n) throw new Error(`export ${exportId} is no longer being built`);
      await emitEvent(trx, {
        type: 'export.ready',
        caseId: caseRow.id,
        unitId: caseRow.unit_id,
        data: { exportId, caseId: caseRow.id, number: caseRow.number, sha256: result.sha256, size: result.size, downloadUrl: `/api/exports/${exportId}/package.zip` },
      });
    },
  });
}

/** The export job. A build that fails is recorded on the export at once; if even that fails, after the job's last attempt. */
export function exportJob(deps: CaseExportDeps, options: { concurrency: number; lockSeconds: number }): QueuedHandler<JobPayloads['export']> {
  return {
    ...options,
    run: async (payload) => {
      try {
        await buildExport(deps, payload);
      } catch (error) {
        await markFailed(deps.db, payload.exportId, error instanceof Error ? error.message : String(error));
      }
    },
    failed: (payload, message) => markFailed(deps.db, payload.exportId, message),
  };
}
