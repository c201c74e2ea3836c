import { sql } from 'kysely';
import type { Db } from '../schema/database';

/** PostgreSQL advisory lock keys: one per kind of work that only one process may do at a time. */
export const LOCKS = { fixity: 0x45564601, checkpoints: 0x45564602 } as const;

/**
 * Runs `work` holding the session advisory lock `lock` on one pinned connection, or returns
 * undefined at once when another process holds it. The lock is released with the connection's
 * session even if this process dies.
 */
export async function withAdvisoryLock<T>(db: Db, lock: number, work: () => Promise<T>): Promise<{ value: T } | undefined> {
  return db.connection().execute(async (conn) => {
    const got = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${lock}) as locked`.execute(conn);
    if (!got.rows[0]?.locked) return undefined;
    try {
      return { value: await work() };
    } finally {
      await sql`select pg_advisory_unlock(${lock})`.execute(conn).catch(() => {});
    }
  });
}

/** Whether any session holds the advisory lock (a pass that is really running, not one a dead process left behind). */
export async function advisoryLockHeld(db: Db, lock: number): Promise<boolean> {
  const held = await sql<{ held: boolean }>`select exists (select 1 from pg_locks where locktype = 'advisory' and classid = 0 and objid = ${lock} and objsubid = 1 and granted) as held`.execute(db);
  return held.rows[0]?.held ?? false;
}
