import { Kysely, Migrator, PostgresDialect, type Migration } from 'kysely';
import pg from 'pg';
import type { Database } from './db';
import * as foundation from './migrations/0001_foundation';
import * as playback from './migrations/0002_playback';

export type Db = Kysely<Database>;

/** Migrations in order. Listed here rather than read from disk so they work from any working directory. */
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_playback': playback,
};

export function connect(url: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // A dropped connection in the pool must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw new Error(`database migration failed: ${(error as Error).message}`, { cause: error });
  return (results ?? []).map((r) => r.migrationName);
}

/** Undoes the newest migration (used by tests that prove every migration has a working down). */
export async function migrateDown(db: Kysely<any>): Promise<string | undefined> {
  const { error, results } = await migrator(db).migrateDown();
  if (error) throw new Error(`database migration down failed: ${(error as Error).message}`, { cause: error });
  return results?.[0]?.migrationName;
}
