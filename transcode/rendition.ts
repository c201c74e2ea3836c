import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { appendCustody } from '../core/chain';
import type { JobPayloads, QueuedHandler } from '../core/jobs';
import type { Db } from '../schema/database';
import { HLS_INIT, HLS_PLAYLIST, RENDITION_SEGMENT_SECONDS, renditionJob } from './args';
import { finishedSegments, renditionPlaylist } from './playlist';
import { decidePlayback, derivativeFrameRate } from './policy';
import { probe } from './probe';
import { runFfmpeg } from './runner';
import { commitUnlessDisposed } from './commit';
import { emitPlayable, kindsOf, markUnplayable, sha256File, transcodeEvidence, transcodeJob, type TranscodeDeps } from './worker';
import { decodesOnDevice } from './hwaccel';
import { derivedPrefix } from './keys';

/** A running rendition holds its row this long past its last stored segment; then another worker may take over. */
const LEASE_SECONDS = 30;
/** How often the encoder's playlist is read for finished segments. */
const PUBLISH_MS = 150;


const renditionKey = (evidenceId: string, attempt: string, name: string) => `${derivedPrefix(evidenceId)}${attempt}/hls/${name}`;

/** Takes the rendition for a new attempt: queued, or running under a lease that ran out. */
async function claim(db: Db, evidenceId: string): Promise<string | null> {
  const attempt = randomUUID();
  const row = await db
    .updateTable('renditions')
    .set({ state: 'running', attempt, held_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})` })
    .where('evidence_id', '=', evidenceId)
    .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('held_until', '<', sql<Date>`now()`)])]))
    .returning('attempt')
    .executeTakeFirst();
  return row ? attempt : null;
}

/**
 * The H.264 rendition a viewer waits for (a transcode job of priority 'interactive'), made just in
 * time: encoded into short HLS segments, each stored and listed in `rendition_segments` as soon as
 * ffmpeg finishes it, so any API replica serves the growing playlist. One attempt runs per
 * recording (the `renditions` row); when complete it is the recording's `hls` derivative, kept
 * for the next viewer.
 */
export async function renderForViewer(deps: TranscodeDeps, evidenceId: string, onProgress: (percent: number) => Promise<void>): Promise<void> {
  const { db, store, log } = deps;
  const attempt = await claim(db, evidenceId);
  if (!attempt) return; // another worker runs it, or it is done
  const evidence = await db.selectFrom('evidence').select(['storage_key', 'sha256', 'unit_id', 'playback_state']).where('id', '=', evidenceId).executeTakeFirst();
  const have = await kindsOf(db, evidenceId);
  if (!evidence || have.has('hls') || have.has('mp4')) {
    await db.updateTable('renditions').set({ state: 'ready', finished_at: new Date() }).where('evidence_id', '=', evidenceId).execute();
    return;
  }
  const work = await mkdtemp(join(deps.workDir, 'rendition-'));
  try {
    const input = join(work, 'original');
    await pipeline(await store.get(evidence.storage_key), createWriteStream(input));
    const probed = await probe(input);
    if (!probed.playable) {
      await db.updateTable('renditions').set({ state: 'failed', reason: probed.reason }).where('evidence_id', '=', evidenceId).execute();
      return await markUnplayable(deps, evidenceId, probed.reason);
    }
    const { info } = probed;
    const decision = decidePlayback(info, { hlsMinSeconds: 0, maxLines: 720 });
    const accel = deps.hwaccel ?? 'none';
    const dir = join(work, 'hls');
    await mkdir(dir);
    const published = new Set<string>();
    const publish = async () => {
      const text = await readFile(join(dir, HLS_PLAYLIST), 'utf8').catch(() => '');
      const segments = finishedSegments(text).filter((s) => !published.has(s.name));
      if (segments.length === 0) return;
      if (!published.has(HLS_INIT)) await storeSegment(deps, evidenceId, attempt, dir, { name: HLS_INIT, seq: 0, durationMs: null }, published);
      for (const segment of segments) await storeSegment(deps, evidenceId, attempt, dir, { ...segment, seq: published.size }, published);
      const held = await db.updateTable('renditions').set({ held_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})` })
        .where('evidence_id', '=', evidenceId).where('attempt', '=', attempt).executeTakeFirst();
      if (held.numUpdatedRows === 0n) throw new Error('rendition taken over by another attempt');
    };
    let finished = false;
    const encoding = runFfmpeg(renditionJob(input, dir, decision, { accel, hwDecode: decodesOnDevice(accel, info.video) }), {
      durationSeconds: info.durationSeconds,
      onProgress: (percent) => void onProgress(percent).catch(() => {}),
      timeoutMs: 600_000 + 3_000 * (info.durationSeconds ?? 3600),
      signal: deps.abandon,
    }).finally(() => (finished = true));
    encoding.catch(() => {}); // awaited below; meanwhile a failure must not be unheard
    while (!finished) {
      await Promise.race([encoding.catch(() => {}), new Promise((r) => setTimeout(r, PUBLISH_MS))]);
      await publish();
    }
    await encoding;
    await publish();
    await complete(deps, evidenceId, attempt, { sha256: evidence.sha256, unitId: evidence.unit_id, wasReady: evidence.playback_state === 'ready' }, {
      durationMs: info.durationSeconds === null ? null : Math.round(info.durationSeconds * 1000),
      frameRate: derivativeFrameRate(info, decision),
      work,
    });
    log.info({ evidenceId, segments: published.size - 1 }, 'rendition for viewers ready');
  } catch (error) {
    await db.updateTable('renditions').set({ state: 'failed', reason: String(error).slice(0, 2000) }).where('evidence_id', '=', evidenceId).where('attempt', '=', attempt).execute();
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function storeSegment(deps: TranscodeDeps, evidenceId: string, attempt: string, dir: string, segment: { name: string; seq: number; durationMs: number | null }, published: Set<string>): Promise<void> {
  const path = join(dir, segment.name);
  const { size } = await stat(path);
  const sha256 = await sha256File(path);
  const key = renditionKey(evidenceId, attempt, segment.name);
  await deps.store.put(key, createReadStream(path), size, segment.name.endsWith('.mp4') ? 'video/mp4' : 'video/iso.segment');
  await deps.db.insertInto('rendition_segments').values({ evidence_id: evidenceId, attempt, seq: segment.seq, name: segment.name, duration_ms: segment.durationMs, storage_key: key, size, sha256 })
    .onConflict((oc) => oc.doNothing()).execute()
    .catch(async (error: unknown) => {
      await deps.store.delete(key); // unlisted, it would outlive the recording (a disposal removed the rendition's row meanwhile)
      throw error;
    });
  published.add(segment.name);
}

/** The complete rendition becomes the recording's `hls` derivative (its segments as stored, and a VOD playlist). */
async function complete(
  deps: TranscodeDeps,
  evidenceId: string,
  attempt: string,
  evidence: { sha256: string; unitId: string | null; wasReady: boolean },
  media: { durationMs: number | null; frameRate: number | null; work: string },
): Promise<void> {
  const { db, store } = deps;
  const segments = await db.selectFrom('rendition_segments').selectAll().where('evidence_id', '=', evidenceId).where('attempt', '=', attempt).orderBy('seq').execute();
  const text = renditionPlaylist({
    targetSeconds: RENDITION_SEGMENT_SECONDS, init: HLS_INIT, complete: true,
    segments: segments.filter((s) => s.duration_ms !== null).map((s) => ({ name: s.name, durationMs: s.duration_ms! })),
  });
  const playlistPath = join(media.work, 'vod.m3u8');
  await writeFile(playlistPath, text);
  const playlist = { name: HLS_PLAYLIST, storage_key: renditionKey(evidenceId, attempt, HLS_PLAYLIST), size: Buffer.byteLength(text), sha256: await sha256File(playlistPath), mime_type: 'application/vnd.apple.mpegurl' };
  await store.put(playlist.storage_key, createReadStream(playlistPath), playlist.size, playlist.mime_type);
  const rows = [playlist, ...segments.map((s) => ({ name: s.name, storage_key: s.storage_key, size: Number(s.size), sha256: s.sha256, mime_type: s.name.endsWith('.mp4') ? 'video/mp4' : 'video/iso.segment' }))]
    .map((f) => ({ ...f, evidence_id: evidenceId, kind: 'hls', source_sha256: evidence.sha256 }));
  await commitUnlessDisposed(deps, evidenceId, rows.map((r) => r.storage_key), async (trx) => {
    await trx.deleteFrom('derivatives').where('evidence_id', '=', evidenceId).where('kind', '=', 'hls').execute();
    await trx.insertInto('derivatives').values(rows).execute();
    await trx.updateTable('renditions').set({ state: 'ready', finished_at: new Date(), held_until: null }).where('evidence_id', '=', evidenceId).execute();
    await trx.updateTable('evidence').set({ playback_state: 'ready', playback_reason: null, playback_progress: 100, duration_ms: media.durationMs, media_frame_rate: media.frameRate }).where('id', '=', evidenceId).execute();
    await appendCustody(trx, {
      evidenceId,
      action: 'playback.derived',
      actor: 'transcode-worker',
      details: { action: 'rendition', sourceSha256: evidence.sha256, files: rows.map((r) => ({ kind: r.kind, name: r.name, sha256: r.sha256, size: r.size })) },
    });
    if (!evidence.wasReady) await emitPlayable(trx, evidenceId, evidence.unitId, rows);
  });
}

/** The transcode job: a viewer's request ('interactive') is made just in time, the rest as before. */
export function playbackJob(deps: TranscodeDeps, options: { concurrency: number; lockSeconds: number }): QueuedHandler<JobPayloads['transcode']> {
  return {
    ...transcodeJob(deps, options),
    // A viewer waits: segments as they come. Chunk jobs and eager transcodes: the whole rendition.
    run: ({ evidenceId, ...job }, report) =>
      job.priority === 'interactive' && job.chunk === undefined ? renderForViewer(deps, evidenceId, report.progress) : transcodeEvidence(deps, evidenceId, report.progress, job),
  };
}
