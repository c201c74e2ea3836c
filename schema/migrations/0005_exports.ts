import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Court exports: the transfer record of each package stays on its case (issue 7). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_exports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('exporter_name', 'text', (c) => c.notNull())
    .addColumn('exporter_role', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('receiver', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('building').check(sql`status in ('building', 'ready', 'failed')`))
    .addColumn('bytes_done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_key', 'text')
    .addColumn('size', 'bigint')
    .addColumn('sha256', 'text')
    .addColumn('manifest_sha256', 'text')
    .addColumn('key_fingerprint', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('case_exports_case').on('case_exports').columns(['case_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_exports').execute();
}
