import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { appendCustody } from '../core/chain';
import type { Hwaccel } from '../core/config';
import { emitEvent } from '../core/events';
import type { JobPayloads, QueuedHandler } from '../core/jobs';
import type { ObjectStore } from '../core/store/port';
import type { Transaction } from 'kysely';
import type { Db } from '../schema/database';
import type { Database } from '../schema/db';
import { makeDerivatives, type Derivative } from './media';
import { derivativeFrameRate } from './policy';
import { placeTranscode } from './queue';
import { chunkedVideo, transcodeChunk } from './chunked';
import { commitUnlessDisposed } from './commit';
import { derivedPrefix } from './keys';
import type { AbandonableWork } from './runner';

export interface TranscodeDeps extends AbandonableWork {
  db: Db;
  store: ObjectStore;
  /** Local scratch space for the original's copy and the derivatives being made. */
  workDir: string;
  hlsMinSeconds: number;
  /** The accelerator probeHwaccel settled on at worker start; default none (software). */
  hwaccel?: Hwaccel;
  /** Long recordings are transcoded in chunks by several workers (transcode/chunked.ts); absent: never. */
  chunks?: { minSeconds: number; chunkSeconds: number };
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

/** Where a derivative file lives: per evidence and per attempt, so attempts never overwrite each other. */

/**
 * Makes and stores the browser derivatives of one original. Idempotent: a job delivered again
 * after success does nothing; an attempt killed midway leaves objects that the next attempt removes,
 * so exactly one set of derivatives remains. The original is only read.
 */
export async function transcodeEvidence(deps: TranscodeDeps, evidenceId: string, onProgress: (percent: number) => Promise<void>, job: Omit<JobPayloads['transcode'], 'evidenceId'> = {}): Promise<void> {
  const { db, store, log } = deps;
  const evidence = await db.selectFrom('evidence').select(['id', 'storage_key', 'sha256', 'size', 'playback_state', 'unit_id']).where('id', '=', evidenceId).executeTakeFirst();
  if (!evidence) {
    log.warn({ evidenceId }, 'transcode job for unknown evidence; dropped');
    return;
  }
  if (evidence.playback_state === 'unplayable') return;
  const chunking = deps.chunks && { db, store, log, hwaccel: deps.hwaccel ?? 'none', abandon: deps.abandon, ...deps.chunks };
  if (chunking && job.chunk !== undefined) {
    const work = await mkdtemp(join(deps.workDir, 'chunk-'));
    try {
      return await transcodeChunk(chunking, { evidenceId, ...job, chunk: job.chunk }, work);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const have = await kindsOf(db, evidenceId);
  // Made already, or being made for a viewer (transcode/rendition.ts): that one is kept.
  if (have.has('mp4') || have.has('hls') || (await renditionActive(db, evidenceId))) return;
  // With a passthrough the recording plays already: it stays 'ready' while this runs.
  const playable = evidence.playback_state === 'ready';
  if (!playable) await db.updateTable('evidence').set({ playback_state: 'processing', playback_progress: 0 }).where('id', '=', evidenceId).execute();
  await removeUncommitted(deps, evidenceId);

  const work = await mkdtemp(join(deps.workDir, 'transcode-'));
  try {
    const input = join(work, 'original');
    await pipeline(await store.get(evidence.storage_key), createWriteStream(input));
    const playback = { hlsMinSeconds: deps.hlsMinSeconds, maxLines: 720 };
    const chunked = chunking ? await chunkedVideo(chunking, { evidenceId, ...job }, input, work, playback) : null;
    if (chunked?.state === 'pending') return;
    let lastSaved = 0;
    const assembledMp4 = chunked?.state === 'assembled' ? chunked.path : undefined;
    const images = !have.has('poster');
    const result = await makeDerivatives(input, work, { ...playback, hwaccel: deps.hwaccel, assembledMp4, images, signal: deps.abandon }, (percent) => {
      onProgress(percent).catch(() => {}); // progress is best effort; the job result is what counts
      if (!playable && (percent - lastSaved >= 5 || percent === 100)) {
        lastSaved = percent;
        void db.updateTable('evidence').set({ playback_progress: percent }).where('id', '=', evidenceId).execute().catch(() => {});
      }
    });
    if (result.state === 'unplayable') {
      await markUnplayable(deps, evidenceId, result.reason);
      return;
    }
    const attempt = randomUUID();
    const stored = await storeDerivatives(deps, evidenceId, attempt, result.derivatives, evidence.sha256);
    const made = [...new Set(stored.map((s) => s.kind))];
    const committed = await commitUnlessDisposed(deps, evidenceId, stored.map((s) => s.storage_key), async (trx) => {
      // Only the kinds made here are replaced: stills and the passthrough stay.
      await trx.deleteFrom('derivatives').where('evidence_id', '=', evidenceId).where('kind', 'in', made).execute();
      await trx.insertInto('derivatives').values(stored).execute();
      await trx.updateTable('evidence').set({
        playback_state: 'ready', playback_reason: null, playback_progress: 100,
        duration_ms: result.info.durationSeconds === null ? null : Math.round(result.info.durationSeconds * 1000),
        media_frame_rate: derivativeFrameRate(result.info, result.decision),
      }).where('id', '=', evidenceId).execute();
      await appendCustody(trx, {
        evidenceId,
        action: 'playback.derived',
        actor: 'transcode-worker',
        details: { action: result.decision.action, reasons: result.decision.reasons, sourceSha256: evidence.sha256, files: stored.map((s) => ({ kind: s.kind, name: s.name, sha256: s.sha256, size: s.size })) },
      });
      if (!playable) await emitPlayable(trx, evidenceId, evidence.unit_id, stored);
    });
    if (!committed) return;
    await removeUncommitted(deps, evidenceId);
    if (chunked?.state === 'assembled') await chunked.clear();
    log.info({ evidenceId, action: result.decision.action, files: stored.length }, 'derivatives ready');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The recording became playable: the platform event, last in the transaction that made it so. */
export async function emitPlayable(trx: Transaction<Database>, evidenceId: string, unitId: string | null, stored: Array<{ kind: string; name: string }>): Promise<void> {
  await emitEvent(trx, {
    type: 'evidence.playable',
    evidenceId,
    unitId,
    data: { id: evidenceId, derivatives: stored.map((s) => ({ kind: s.kind, name: s.name })) },
  });
}

/** Bad media: recorded once, with a custody event; the original is kept as it is. */
export async function markUnplayable(deps: Pick<TranscodeDeps, 'db' | 'log'>, evidenceId: string, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('evidence').set({ playback_state: 'unplayable', playback_reason: reason }).where('id', '=', evidenceId).execute();
    await appendCustody(trx, { evidenceId, action: 'playback.unplayable', actor: 'transcode-worker', details: { reason } });
  });
  deps.log.info({ evidenceId, reason }, 'original is not playable; kept as is');
}

export async function kindsOf(db: Db, evidenceId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('derivatives').select('kind').distinct().where('evidence_id', '=', evidenceId).execute();
  return new Set(rows.map((r) => r.kind));
}

async function renditionActive(db: Db, evidenceId: string): Promise<boolean> {
  const row = await db.selectFrom('renditions').select('state').where('evidence_id', '=', evidenceId).where('state', 'in', ['queued', 'running']).executeTakeFirst();
  return row !== undefined;
}

export async function storeDerivatives(deps: Pick<TranscodeDeps, 'store'>, evidenceId: string, attempt: string, derivatives: Derivative[], sourceSha256: string) {
  const rows = [];
  for (const derivative of derivatives) {
    for (const file of derivative.files) {
      const { size } = await stat(file.path);
      const sha256 = await sha256File(file.path);
      const key = `${derivedPrefix(evidenceId)}${attempt}/${derivative.kind}/${file.name}`;
      await deps.store.put(key, createReadStream(file.path), size, file.mimeType);
      rows.push({ evidence_id: evidenceId, kind: derivative.kind, name: file.name, storage_key: key, size, sha256, mime_type: file.mimeType, source_sha256: sourceSha256 });
    }
  }
  return rows;
}

/** Deletes derivative objects of this evidence that no committed row points to (left by killed attempts); a rendition's segments count as committed. */
export async function removeUncommitted(deps: Pick<TranscodeDeps, 'db' | 'store'>, evidenceId: string): Promise<void> {
  const rows = await deps.db.selectFrom('derivatives').select('storage_key').where('evidence_id', '=', evidenceId)
    .union(deps.db.selectFrom('rendition_segments').select('storage_key').where('evidence_id', '=', evidenceId)).execute();
  const committed = new Set(rows.map((r) => r.storage_key));
  for await (const key of deps.store.list(derivedPrefix(evidenceId))) {
    if (!committed.has(key)) await deps.store.delete(key);
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The transcode job: after the last failed attempt the evidence shows playback state `failed`. */
export function transcodeJob(deps: TranscodeDeps, options: { concurrency: number; lockSeconds: number }): QueuedHandler<JobPayloads['transcode']> {
  return {
    ...options,
    place: placeTranscode(deps.db),
    run: ({ evidenceId, ...job }, report) => transcodeEvidence(deps, evidenceId, report.progress, job),
    failed: async ({ evidenceId }, message) => {
      // A recording that plays already (its passthrough) stays playable.
      await deps.db.updateTable('evidence').set({ playback_state: 'failed', playback_reason: message.slice(0, 2000) }).where('id', '=', evidenceId).where('playback_state', '!=', 'ready').execute();
    },
  };
}
