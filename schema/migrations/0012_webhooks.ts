import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Webhooks (issue 13 item 4): receivers of the platform events, and one delivery row per event and
 * receiver. A webhook acts with its creator's sight: the token (or user) that made it is kept, and
 * an event is delivered only while that creator may see it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', sql`text[]`, (c) => c.notNull())
    // Kept as given: every delivery is signed with it (HMAC), so it cannot be stored as a one-way hash.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_by_token', 'uuid', (c) => c.references('api_tokens.id'))
    .addColumn('created_by_user', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Events up to this seq have been looked at for this webhook (it starts at the newest event when made).
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addCheckConstraint('webhooks_creator', sql`created_by_token is not null or created_by_user is not null`)
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('webhook_id', 'uuid', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_seq', 'bigint', (c) => c.notNull().references('platform_events.seq').onDelete('cascade'))
    // Deliveries of one key go out in event order: the case, else the evidence, else the event itself.
    .addColumn('order_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending').check(sql`state in ('pending', 'delivered', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('first_attempt_at', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'event_seq'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_pending').on('webhook_deliveries').columns(['webhook_id', 'order_key', 'event_seq']).where(sql<boolean>`state = 'pending'`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhooks').execute();
}
