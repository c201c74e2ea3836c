import { sql, type SqlBool } from 'kysely';
import type { Db } from '../schema/database';
import { decideTranscodeEagerness, type Eagerness, type TranscodePolicy } from '../transcode/policy';
import { enqueue } from './jobs';

/**
 * Where footage becomes likely to be watched (verified important, linked to a case, viewed), the
 * eagerness policy decides whether its H.264 rendition is made now; ingest, the API and the
 * passthrough job share this. One request per recording: a rendition that exists, is being made
 * for a viewer, or was already queued is not queued again.
 */
export async function transcodeIfLikely(
  trx: Db,
  evidenceId: string,
  policy: TranscodePolicy,
  known: { viewed?: boolean; passthrough?: boolean | null } = {},
): Promise<Eagerness> {
  const row = await trx
    .selectFrom('evidence')
    .select((eb) => [
      'evidence.important',
      'evidence.case_links',
      eb.exists(eb.selectFrom('view_sessions').select(eb.lit(1).as('one')).where('view_sessions.object', '=', `view:${evidenceId}`)).as('viewed'),
      sql<SqlBool>`exists (select 1 from case_evidence ce join cases c on c.id = ce.case_id join unit_recording_rules r on r.unit_id = c.unit_id
        where ce.evidence_id = evidence.id and ce.stage = any(r.required_stages))`.as('required_stage'),
      eb.exists(eb.selectFrom('derivatives').select(eb.lit(1).as('one')).where('derivatives.evidence_id', '=', evidenceId).where('derivatives.kind', 'in', ['mp4', 'hls'])).as('has_h264'),
      eb.exists(eb.selectFrom('renditions').select(eb.lit(1).as('one')).where('renditions.evidence_id', '=', evidenceId).where('renditions.state', '!=', 'failed')).as('rendering'),
      eb.exists(eb.selectFrom('outbox').select(eb.lit(1).as('one')).where('outbox.kind', '=', 'transcode').where(sql<SqlBool>`outbox.payload->>'evidenceId' = ${evidenceId}`)).as('queued'),
    ])
    .where('evidence.id', '=', evidenceId)
    .executeTakeFirst();
  if (!row) return { transcode: 'on-demand' };
  const decision = decideTranscodeEagerness(policy, {
    important: row.important,
    linked: Number(row.case_links) > 0,
    requiredStage: Boolean(row.required_stage),
    viewed: known.viewed === true || Boolean(row.viewed),
    passthrough: known.passthrough ?? null,
  });
  if (decision.transcode === 'now' && !row.has_h264 && !row.rendering && !row.queued) {
    await enqueue(trx, 'transcode', { evidenceId, priority: decision.priority });
  }
  return decision;
}
