import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { APP_ROLE, connect, migrateDown, type Db } from '../../schema/database';

export const TEMPLATE_DB = 'evidence_template';

/** A fresh, migrated database for one test file (cloned from the template the global setup made). */
export async function createTestDatabase(): Promise<{ db: Db; ownerDb: Db; url: string; drop(): Promise<void> }> {
  const adminUrl = inject('pgUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${name} template ${TEMPLATE_DB}`));
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  // `db` works as the application role, like the platform; `ownerDb` is the superuser a test may need.
  const db = connect(url, { role: APP_ROLE });
  const ownerDb = connect(url, { max: 2 });
  return {
    db,
    ownerDb,
    url,
    drop: async () => {
      await db.destroy();
      await ownerDb.destroy();
      await withAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Undoes migrations, newest first, until `name` is undone (a test of one migration's upgrade stays
 * right when later ones are added); returns the names undone, in the order migrating up redoes them.
 */
export async function migrateDownThrough(db: Db, name: string): Promise<string[]> {
  const undone: string[] = [];
  for (;;) {
    const last = await migrateDown(db);
    if (last === undefined) throw new Error(`migration ${name} was not applied`);
    undone.unshift(last);
    if (last === name) return undone;
  }
}
