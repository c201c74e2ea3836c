import { sql } from 'kysely';
import type { Db } from '../schema/database';

/** PostgreSQL advisory lock keys: one per kind of work that only one process may do at a time. */
export const LOCKS = {
  fixity: 0x45564601,
  checkpoints: 0x45564602,
  /** Held from an event's insert to its transaction's commit, so event order is commit order. */
  platformEvents: 0x45564603,
  /** One per scheduled task (core/jobs.ts): one process runs a task at a time. */
  tasks: { timestamps: 0x45564611, checkpoints: 0x45564612, fixity: 0x45564613, housekeeping: 0x45564614, retention: 0x45564615 },
} as const;

/**
 * Runs `work` holding the session advisory lock `lock` on one pinned connection, or returns
 * undefined at once when another process holds it. The lock is released with the connection's
 * session even if this process dies.
 */
export async function withAdvisoryLock<T>(db: Db, lock: number | bigint, work: () => Promise<T>): Promise<{ value: T } | undefined> {
  return db.connection().execute(async (conn) => {
    const got = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${String(lock)}::bigint) as locked`.execute(conn);
    if (!got.rows[0]?.locked) return undefined;
    try {
      return { value: await work() };
    } finally {
      await sql`select pg_advisory_unlock(${String(lock)}::bigint)`.execute(conn).catch(() => {});
    }
  });
}

/** The lock of one row's work, from its uuid (a key space of its own, above every key in LOCKS). */
export function rowLock(id: string): bigint {
  return (1n << 62n) | BigInt(`0x${id.replace(/-/g, '').slice(0, 15)}`);
}

/** Whether any session holds the advisory lock (a pass that is really running, not one a dead process left behind). */
export async function advisoryLockHeld(db: Db, lock: number): Promise<boolean> {
  const held = await sql<{ held: boolean }>`select exists (select 1 from pg_locks where locktype = 'advisory' and classid = 0 and objid = ${lock} and objsubid = 1 and granted) as held`.execute(db);
  return held.rows[0]?.held ?? false;
}
