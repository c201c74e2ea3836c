import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

const id = (col: any) => col.primaryKey().defaultTo(sql`gen_random_uuid()`);
const now = (col: any) => col.notNull().defaultTo(sql`now()`);

/** Identity, cases, bookmarks and the hash-chained audit trail (issue 5). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .execute();
  // Sessions (and their uploads) belong to the credential that opened them.
  await db.schema.alterTable('offload_sessions').addColumn('opened_by', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('scopes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`)).execute();

  // Server-side login sessions; the cookie holds a random token, the table only its hash.
  await db.schema
    .createTable('user_sessions')
    .addColumn('id', 'uuid', id)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('client', 'text')
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', id)
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('unit_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('立案').check(sql`state in ('立案', '办理中', '结案', '移送')`))
    .addColumn('reporter_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('cases_unit').on('cases').columns(['unit_id', 'created_at']).execute();

  await db.schema
    .createTable('case_handlers')
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('case_handlers_pk', ['case_id', 'user_id'])
    .execute();
  await db.schema.createIndex('case_handlers_user').on('case_handlers').column('user_id').execute();

  // A linked file cannot be deleted while linked (ON DELETE RESTRICT): retained permanently.
  await db.schema
    .createTable('case_evidence')
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('evidence.id').onDelete('restrict'))
    .addColumn('linked_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('linked_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('case_evidence_pk', ['case_id', 'evidence_id'])
    .execute();
  await db.schema.createIndex('case_evidence_evidence').on('case_evidence').column('evidence_id').execute();

  await db.schema
    .createTable('bookmarks')
    .addColumn('id', 'uuid', id)
    .addColumn('evidence_id', 'uuid', (c) => c.notNull().references('evidence.id'))
    .addColumn('offset_ms', 'bigint', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('author_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('bookmarks_evidence').on('bookmarks').columns(['evidence_id', 'offset_ms']).execute();

  // Who watched what: one row per viewing session, so Range requests do not flood the audit trail.
  await db.schema
    .createTable('view_sessions')
    .addColumn('viewer', 'text', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('view_sessions_pk', ['viewer', 'object'])
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('unit_id', 'uuid')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'text')
    .addColumn('object_unit_id', 'uuid')
    .addColumn('client', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_object').on('audit_events').columns(['object_id', 'seq']).execute();
  await db.schema.createIndex('audit_actor').on('audit_events').columns(['actor_id', 'seq']).execute();
  await db.schema.createIndex('audit_at').on('audit_events').columns(['at']).execute();
  await sql`create trigger audit_events_append_only before update or delete on audit_events
            for each row execute function refuse_change()`.execute(db);

  // Search paths of the evidence list.
  for (const column of ['unit_id', 'officer_no', 'device_serial', 'recorded_at']) {
    await db.schema.createIndex(`evidence_${column}`).on('evidence').columns([column, 'received_at']).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['unit_id', 'officer_no', 'device_serial', 'recorded_at']) await db.schema.dropIndex(`evidence_${column}`).execute();
  for (const table of ['audit_events', 'view_sessions', 'bookmarks', 'case_evidence', 'case_handlers', 'cases', 'user_sessions']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('api_tokens').dropColumn('scopes').execute();
  await db.schema.alterTable('offload_sessions').dropColumn('opened_by').execute();
  await db.schema.alterTable('users').dropColumn('failed_logins').dropColumn('locked_until').execute();
}
