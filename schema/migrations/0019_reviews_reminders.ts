import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
const now = (c: any) => c.notNull().defaultTo(sql`now()`);

/** The rubric every sample review uses unless another is chosen (issue 16 item 3). */
const DEFAULT_RUBRIC_ITEMS = [
  { key: 'identity', label: '表明身份' },
  { key: 'notice', label: '告知录音录像' },
  { key: 'uninterrupted', label: '全程不间断' },
  { key: 'language', label: '用语规范' },
  { key: 'complete', label: '证据完整' },
];

/**
 * Supervision (issue 16 items 3 and 4): sample reviews (抽查) against versioned rubrics, each review
 * keeping a snapshot of its rubric's items so a later edit leaves scores given as they were; and
 * supervision reminders (监督提醒) with their responses, returns and closing. 逾期 is not stored:
 * it follows from the due date (api/reminder-rules.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('review_rubrics')
    .addColumn('id', 'uuid', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_by_name', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', now)
    .execute();
  await sql`create unique index review_rubrics_one_default on review_rubrics (is_default) where is_default`.execute(db);
  await db
    .insertInto('review_rubrics')
    .values({ name: '执法记录仪使用规范', items: JSON.stringify(DEFAULT_RUBRIC_ITEMS), is_default: true, created_by_name: 'system', updated_by_name: 'system' })
    .execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'uuid', id)
    .addColumn('unit_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('period_from', 'timestamptz', (c) => c.notNull())
    .addColumn('period_to', 'timestamptz', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .addColumn('population_digest', 'text', (c) => c.notNull())
    .addColumn('rubric_id', 'uuid', (c) => c.notNull().references('review_rubrics.id'))
    .addColumn('rubric_version', 'integer', (c) => c.notNull())
    .addColumn('rubric_name', 'text', (c) => c.notNull())
    .addColumn('rubric_items', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('reviews_by_unit').on('reviews').columns(['unit_id', 'created_at']).execute();

  await db.schema
    .createTable('review_samples')
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('evidence.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('officer_no', 'text')
    .addPrimaryKeyConstraint('review_samples_pk', ['review_id', 'evidence_id'])
    .execute();
  await db.schema.createIndex('review_samples_evidence').on('review_samples').column('evidence_id').execute();

  await db.schema
    .createTable('review_scores')
    .addColumn('review_id', 'uuid', (c) => c.notNull())
    .addColumn('evidence_id', 'uuid', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('pass', 'boolean', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('bookmark_id', 'uuid', (c) => c.references('bookmarks.id'))
    .addColumn('scored_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('scored_by_name', 'text', (c) => c.notNull())
    .addColumn('scored_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('review_scores_pk', ['review_id', 'evidence_id', 'item_key'])
    .addForeignKeyConstraint('review_scores_sample', ['review_id', 'evidence_id'], 'review_samples', ['review_id', 'evidence_id'], (c) => c.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('supervision_reminders')
    .addColumn('id', 'uuid', id)
    .addColumn('unit_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('case_id', 'uuid', (c) => c.references('cases.id'))
    .addColumn('evidence_id', 'uuid', (c) => c.references('evidence.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('待回复').check(sql`status in ('待回复', '已回复', '已办结', '已退回')`))
    .addColumn('issued_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('issued_by_name', 'text', (c) => c.notNull())
    .addColumn('issued_by_role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addCheckConstraint('supervision_reminders_one_object', sql`(case_id is null) <> (evidence_id is null)`)
    .execute();
  await db.schema.createIndex('supervision_reminders_by_unit').on('supervision_reminders').columns(['unit_id', 'created_at']).execute();

  await db.schema
    .createTable('reminder_steps')
    // The order steps were taken in, also when the clock says they were taken at the same moment.
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('reminder_id', 'uuid', (c) => c.notNull().references('supervision_reminders.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('issued', 'responded', 'returned', 'closed')`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('links', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('due_at', 'timestamptz')
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reminder_steps_by_reminder').on('reminder_steps').columns(['reminder_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['reminder_steps', 'supervision_reminders', 'review_scores', 'review_samples', 'reviews', 'review_rubrics']) {
    await db.schema.dropTable(table).execute();
  }
}
