import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Events for the enforcement platform (issue 13): what happened to evidence, cases and exports,
 * in commit order (`seq`), for webhooks and the pull feed. The scoping columns say who may see one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('platform_events')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('id', 'uuid', (c) => c.notNull().unique().defaultTo(sql`gen_random_uuid()`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('case_id', 'uuid')
    .addColumn('evidence_id', 'uuid')
    .addColumn('unit_id', 'uuid')
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('platform_events').execute();
}
