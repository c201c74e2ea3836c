import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { appendCustody } from '../core/chain';
import type { JobPayloads, QueuedHandler } from '../core/jobs';
import { transcodeIfLikely } from '../core/transcode-requests';
import { makePassthrough } from './media';
import { derivativeFrameRate, type TranscodePolicy } from './policy';
import { commitUnlessDisposed } from './commit';
import { emitPlayable, kindsOf, markUnplayable, removeUncommitted, storeDerivatives, type TranscodeDeps } from './worker';

export interface PassthroughDeps extends Omit<TranscodeDeps, 'hlsMinSeconds'> {
  policy: TranscodePolicy;
}

/**
 * Right after verification: the passthrough (stream copy), poster and thumbnails, which make the
 * recording playable wherever the browser decodes its codec; then the eagerness policy, now that
 * the codec is known, decides whether the H.264 rendition is made in the background too.
 * Idempotent: what exists is not made again.
 */
export async function passthroughEvidence(deps: PassthroughDeps, evidenceId: string): Promise<void> {
  const { db, store, log } = deps;
  const evidence = await db.selectFrom('evidence').select(['id', 'storage_key', 'sha256', 'playback_state', 'unit_id']).where('id', '=', evidenceId).executeTakeFirst();
  if (!evidence) {
    log.warn({ evidenceId }, 'passthrough job for unknown evidence; dropped');
    return;
  }
  if (evidence.playback_state === 'unplayable') return;
  const have = await kindsOf(db, evidenceId);
  await removeUncommitted(deps, evidenceId);
  const work = await mkdtemp(join(deps.workDir, 'passthrough-'));
  try {
    const input = join(work, 'original');
    await pipeline(await store.get(evidence.storage_key), createWriteStream(input));
    const result = await makePassthrough(input, work, { images: !have.has('poster'), passthrough: !have.has('passthrough'), signal: deps.abandon });
    if (result.state === 'unplayable') return await markUnplayable(deps, evidenceId, result.reason);
    const stored = await storeDerivatives(deps, evidenceId, randomUUID(), result.derivatives, evidence.sha256);
    // Without a passthrough (no browser decodes the codec as recorded) only the H.264 rendition makes it playable.
    const playsAsRecorded = result.codecs !== null;
    const becomesPlayable = playsAsRecorded && evidence.playback_state !== 'ready';
    const committed = await commitUnlessDisposed(deps, evidenceId, stored.map((s) => s.storage_key), async (trx) => {
      if (stored.length > 0) await trx.insertInto('derivatives').values(stored).execute();
      const { durationSeconds } = result.info;
      await trx.updateTable('evidence').set({
        playback_codecs: result.codecs,
        duration_ms: durationSeconds === null ? null : Math.round(durationSeconds * 1000),
        ...(playsAsRecorded
          ? { playback_state: 'ready', playback_reason: null, playback_progress: 100, media_frame_rate: derivativeFrameRate(result.info, { video: { mode: 'copy' } }) }
          : {}),
      }).where('id', '=', evidenceId).execute();
      if (stored.length > 0) {
        await appendCustody(trx, {
          evidenceId,
          action: 'playback.derived',
          actor: 'transcode-worker',
          details: { action: 'passthrough', codecs: result.codecs, sourceSha256: evidence.sha256, files: stored.map((s) => ({ kind: s.kind, name: s.name, sha256: s.sha256, size: s.size })) },
        });
      }
      await transcodeIfLikely(trx, evidenceId, deps.policy, { passthrough: result.codecs !== null });
      if (becomesPlayable) await emitPlayable(trx, evidenceId, evidence.unit_id, stored);
    });
    if (committed) log.info({ evidenceId, codecs: result.codecs, files: stored.length }, 'passthrough ready');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The passthrough job: after the last failed attempt the evidence shows playback state `failed`. */
export function passthroughJob(deps: PassthroughDeps, options: { concurrency: number; lockSeconds: number }): QueuedHandler<JobPayloads['passthrough']> {
  return {
    ...options,
    run: (payload) => passthroughEvidence(deps, payload.evidenceId),
    failed: async ({ evidenceId }, message) => {
      await deps.db.updateTable('evidence').set({ playback_state: 'failed', playback_reason: message.slice(0, 2000) }).where('id', '=', evidenceId).where('playback_state', '!=', 'ready').execute();
    },
  };
}
