import type { Transaction } from 'kysely';
import type { ObjectStore } from '../core/store/port';
import type { Db } from '../schema/database';
import type { Database } from '../schema/db';

/**
 * Commits what a job made, unless the recording was disposed of meanwhile: its row is locked first
 * (a disposal holds it while it deletes), and a tombstone gets nothing: the objects the job stored
 * are deleted instead. False when that happened.
 */
export async function commitUnlessDisposed(
  deps: { db: Db; store: ObjectStore; log: { warn(o: object, m: string): void } },
  evidenceId: string,
  storedKeys: string[],
  commit: (trx: Transaction<Database>) => Promise<void>,
): Promise<boolean> {
  const committed = await deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('evidence').select('state').where('id', '=', evidenceId).forUpdate().executeTakeFirst();
    if (!row || row.state === 'disposed') return false;
    await commit(trx);
    return true;
  });
  if (!committed) {
    for (const key of storedKeys) await deps.store.delete(key);
    deps.log.warn({ evidenceId, objects: storedKeys.length }, 'the recording was disposed of while its derivatives were made; they were deleted');
  }
  return committed;
}
