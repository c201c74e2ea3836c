import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Retention (issue 14): legal categories, each recording's category, holds, per-unit case
 * retention after closing, category changes awaiting a second approver, and disposal requests
 * with their frozen item lists. A disposed recording keeps its evidence row as a tombstone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('retention_categories')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // null: kept permanently.
    .addColumn('days', 'integer', (c) => c.check(sql`days is null or days >= 0`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db
    .insertInto('retention_categories')
    .values([
      { code: 'general', name: '一般', days: 180, description: '未关联案件的一般执法记录，至少保存六个月' },
      { code: 'important', name: '重要', days: null, description: '记录仪标记为重要 (IMP) 的文件' },
      { code: 'case-evidence', name: '案件证据', days: null, description: '作为案件证据的记录' },
      { code: 'enforcement-anomaly', name: '执法异常', days: null, description: '妨碍执法、群体性事件、复杂案件' },
    ])
    .execute();

  await db.schema
    .alterTable('evidence')
    .addColumn('category', 'text', (c) => c.notNull().defaultTo('general').references('retention_categories.code'))
    .addColumn('disposal_id', 'uuid')
    .addColumn('disposed_at', 'timestamptz')
    .execute();
  await sql`update evidence set category = 'important' where important`.execute(db);
  // The due selection walks live, unflagged recordings in recording-time order.
  await sql`create index evidence_retention_due on evidence ((coalesce(recorded_at, received_at)), id) where state <> 'disposed' and not important`.execute(db);

  await db.schema.alterTable('units').addColumn('case_retention_days', 'integer', (c) => c.check(sql`case_retention_days is null or case_retention_days >= 0`)).execute();

  await db.schema
    .createTable('retention_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('evidence_id', 'uuid', (c) => c.references('evidence.id'))
    .addColumn('case_id', 'uuid', (c) => c.references('cases.id'))
    .addColumn('unit_id', 'uuid')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('released_at', 'timestamptz')
    .addColumn('released_by_name', 'text')
    .addColumn('release_reason', 'text')
    .addCheckConstraint('retention_holds_one_object', sql`(evidence_id is null) <> (case_id is null)`)
    .execute();
  await db.schema.createIndex('retention_holds_evidence').on('retention_holds').column('evidence_id').where(sql<boolean>`released_at is null`).execute();
  await db.schema.createIndex('retention_holds_case').on('retention_holds').column('case_id').where(sql<boolean>`released_at is null`).execute();

  await db.schema
    .createTable('retention_category_changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('category_code', 'text', (c) => c.notNull().references('retention_categories.code'))
    .addColumn('previous_days', 'integer')
    .addColumn('days', 'integer')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'applied', 'cancelled')`))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_name', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('approved_by', 'text')
    .addColumn('approved_by_name', 'text')
    .addColumn('approved_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('retention_disposals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'approved', 'running', 'done', 'cancelled')`))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_name', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_by_name', 'text')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('runs_after', 'timestamptz')
    .addColumn('cancelled_by_name', 'text')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('retention_disposals_runnable').on('retention_disposals').column('runs_after').where(sql<boolean>`status in ('approved', 'running')`).execute();

  await db.schema
    .createTable('retention_disposal_items')
    .addColumn('disposal_id', 'uuid', (c) => c.notNull().references('retention_disposals.id'))
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('evidence.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'disposed', 'skipped', 'failed')`))
    .addColumn('detail', 'text')
    // What was deleted: the original's key and every derivative (kind, name, key, size, sha256).
    .addColumn('objects', 'jsonb')
    .addPrimaryKeyConstraint('retention_disposal_items_pk', ['disposal_id', 'evidence_id'])
    .execute();
  await db.schema.createIndex('retention_disposal_items_evidence').on('retention_disposal_items').column('evidence_id').execute();
  await sql`alter table evidence add constraint evidence_disposal_fk foreign key (disposal_id) references retention_disposals (id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table evidence drop constraint evidence_disposal_fk`.execute(db);
  await db.schema.dropTable('retention_disposal_items').execute();
  await db.schema.dropTable('retention_disposals').execute();
  await db.schema.dropTable('retention_category_changes').execute();
  await db.schema.dropTable('retention_holds').execute();
  await db.schema.alterTable('units').dropColumn('case_retention_days').execute();
  await sql`drop index evidence_retention_due`.execute(db);
  await db.schema.alterTable('evidence').dropColumn('category').dropColumn('disposal_id').dropColumn('disposed_at').execute();
  await db.schema.dropTable('retention_categories').execute();
}
