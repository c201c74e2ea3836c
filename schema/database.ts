import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import type { Database } from './db';
import * as foundation from './migrations/0001_foundation';
import * as playback from './migrations/0002_playback';
import * as access from './migrations/0003_access';
import * as timestamps from './migrations/0004_timestamps';
import * as exportsMigration from './migrations/0005_exports';
import * as unitWorkQueue from './migrations/0006_unit_work_queue';
import * as uploadLeases from './migrations/0007_upload_leases';
import * as fixity from './migrations/0008_fixity';
import * as jobs from './migrations/0009_jobs';
import * as platformEvents from './migrations/0010_platform_events';
import * as caseStages from './migrations/0011_case_stages';
import * as retention from './migrations/0013_retention';
import * as webhooks from './migrations/0012_webhooks';
import * as encryption from './migrations/0016_encryption';
import * as supervision from './migrations/0018_supervision';
import * as reviewsReminders from './migrations/0019_reviews_reminders';
import * as player from './migrations/0024_player';
import * as uploadHolds from './migrations/0025_upload_holds';
import * as searchAtScale from './migrations/0029_search_at_scale';
import * as supervisionUnitDaily from './migrations/0030_supervision_unit_daily';
import * as passthroughRenditions from './migrations/0031_passthrough_renditions';
import * as importantSearch from './migrations/0035_important_search';

export type Db = Kysely<Database>;

/** Migrations in order. Listed here rather than read from disk so they work from any working directory. */
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_playback': playback,
  '0003_access': access,
  '0004_timestamps': timestamps,
  '0005_exports': exportsMigration,
  '0006_unit_work_queue': unitWorkQueue,
  '0007_upload_leases': uploadLeases,
  '0008_fixity': fixity,
  '0009_jobs': jobs,
  '0010_platform_events': platformEvents,
  '0011_case_stages': caseStages,
  '0013_retention': retention,
  '0012_webhooks': webhooks,
  '0016_encryption': encryption,
  '0018_supervision': supervision,
  '0019_reviews_reminders': reviewsReminders,
  '0024_player': player,
  '0025_upload_holds': uploadHolds,
  '0029_search_at_scale': searchAtScale,
  '0030_supervision_unit_daily': supervisionUnitDaily,
  '0031_passthrough_renditions': passthroughRenditions,
  '0035_important_search': importantSearch,
};

/**
 * The role the running application uses: it may read and append the custody and audit trails
 * but never update or delete them. Migrations run as the connecting (owner) user.
 */
export const APP_ROLE = 'evidence_app';

export function connect(url: string, options: { max?: number; role?: string } = {}): Db {
  // The role is a startup parameter of every connection, not a SET after it: a connection on which
  // it could not be set never exists, so nothing can run as the owner by accident.
  const startup = options.role ? { options: `-c role=${options.role}` } : {};
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, ...startup });
  // A dropped connection must not crash the process: pg emits 'error' on the pool for an idle
  // client and on the client itself while it is checked out (between the queries of a
  // transaction), where an unheard 'error' event throws. The query in flight fails on its own,
  // and the pool discards the broken client, so the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw new Error(`database migration failed: ${(error as Error).message}`, { cause: error });
  await grantAppRole(db);
  return (results ?? []).map((r) => r.migrationName);
}

/** (Re)creates the application role's privileges over every table, after each migration run. */
async function grantAppRole(db: Kysely<any>): Promise<void> {
  await sql`do $$ begin
    if not exists (select from pg_roles where rolname = ${sql.lit(APP_ROLE)}) then
      create role ${sql.id(APP_ROLE)} nologin;
    end if;
  end $$`.execute(db);
  await sql`grant usage on schema public to ${sql.id(APP_ROLE)}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to ${sql.id(APP_ROLE)}`.execute(db);
  await sql`grant usage, select on all sequences in schema public to ${sql.id(APP_ROLE)}`.execute(db);
  await sql`revoke update, delete, truncate on custody_events, audit_events from ${sql.id(APP_ROLE)}`.execute(db);
  // The connecting user must be able to become the role (true for superusers and members).
  await sql`grant ${sql.id(APP_ROLE)} to current_user`.execute(db).catch(() => {});
}

/** Undoes the newest migration (used by tests that prove every migration has a working down). */
export async function migrateDown(db: Kysely<any>): Promise<string | undefined> {
  const { error, results } = await migrator(db).migrateDown();
  if (error) throw new Error(`database migration down failed: ${(error as Error).message}`, { cause: error });
  return results?.[0]?.migrationName;
}
