import { sql, type Kysely, type RawBuilder } from 'kysely';
import { CASE_STAGES, STATE_OF_STAGE } from '../db';

/* eslint-disable @typescript-eslint/no-explicit-any */

const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));
/** `state` as a function of `stage`, from the one mapping (STATE_OF_STAGE). */
const stateOfStage: RawBuilder<string> = sql`case stage ${sql.join(Object.entries(STATE_OF_STAGE).map(([stage, state]) => sql`when ${sql.lit(stage)} then ${sql.lit(state)}`), sql` `)} end`;

/**
 * Case stages (issue 13 items 2 and 3): a case's enforcement stage replaces its coarse state, which
 * becomes a column generated from the stage so every reader of `state` keeps working; the stage of
 * each link; and each unit's list of stages that must have footage.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('stage', 'text', (c) => c.notNull().defaultTo('立案').check(sql`stage in (${list(CASE_STAGES)})`))
    .addColumn('stages_reached', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{立案}'`))
    .addColumn('transfer_to', 'text')
    .execute();
  // 办理中 said only "under way": its cases were at least investigating.
  await sql`update cases set stage = case state when '办理中' then '调查取证' else state end`.execute(db);
  await sql`update cases set stages_reached = array['立案', stage] where stage <> '立案'`.execute(db);
  await db.schema.alterTable('cases').dropColumn('state').execute();
  await sql`alter table cases add column state text generated always as (${stateOfStage}) stored`.execute(db);

  await db.schema.alterTable('case_evidence').addColumn('stage', 'text', (c) => c.check(sql`stage in (${list(CASE_STAGES)})`)).execute();
  await sql`update case_evidence ce set stage = c.stage from cases c where c.id = ce.case_id`.execute(db);
  await db.schema.alterTable('case_evidence').alterColumn('stage', (c) => c.setNotNull()).execute();

  await db.schema
    .createTable('unit_recording_rules')
    .addColumn('unit_id', 'uuid', (c) => c.primaryKey().references('units.id'))
    .addColumn('required_stages', sql`text[]`, (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('unit_recording_rules').execute();
  await db.schema.alterTable('case_evidence').dropColumn('stage').execute();
  await sql`alter table cases rename column state to generated_state`.execute(db);
  await db.schema
    .alterTable('cases')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('立案').check(sql`state in ('立案', '办理中', '结案', '移送')`))
    .execute();
  await sql`update cases set state = generated_state`.execute(db);
  await db.schema.alterTable('cases').dropColumn('generated_state').dropColumn('stage').dropColumn('stages_reached').dropColumn('transfer_to').execute();
}
