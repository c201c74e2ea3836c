import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { appendCustody } from '../core/chain';
import type { JobPayloads, QueuedHandler } from '../core/jobs';
import type { ObjectStore } from '../core/store/port';
import type { Db } from '../schema/database';
import { posterJob } from './args';
import { runFfmpeg, type AbandonableWork } from './runner';
import { commitUnlessDisposed } from './commit';
import { sha256File } from './worker';
import { stillPrefix } from './keys';

export interface StillDeps extends AbandonableWork {
  db: Db;
  store: ObjectStore;
  /** Local scratch space for the original's copy and the frame. */
  workDir: string;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

const stillKey = (evidenceId: string, stillId: string) => `${stillPrefix(evidenceId)}${stillId}.png`;

/**
 * Takes the frame at the requested time from the ORIGINAL (only read, never altered) and saves it
 * as a derivative of kind 'still', with a custody event naming the original's hash. Idempotent:
 * a request already done is left alone, and a retried attempt writes the same key again.
 */
export async function captureStill(deps: StillDeps, stillId: string): Promise<void> {
  const { db, store, log } = deps;
  const still = await db
    .selectFrom('stills')
    .innerJoin('evidence', 'evidence.id', 'stills.evidence_id')
    .select(['stills.id', 'stills.state', 'stills.at_ms', 'stills.requested_by_name', 'evidence.id as evidenceId', 'evidence.storage_key', 'evidence.sha256', 'evidence.state as evidenceState'])
    .where('stills.id', '=', stillId)
    .executeTakeFirst();
  if (!still) {
    log.warn({ stillId }, 'still job for an unknown request; dropped');
    return;
  }
  if (still.state !== 'queued') return;
  if (still.evidenceState === 'disposed') return fail(db, stillId, 'the recording was disposed of');

  const work = await mkdtemp(join(deps.workDir, 'still-'));
  try {
    const input = join(work, 'original');
    await pipeline(await store.get(still.storage_key), createWriteStream(input));
    const output = join(work, 'still.png');
    const seconds = Number(still.at_ms) / 1000;
    await runFfmpeg(posterJob(input, output, seconds), { timeoutMs: 300_000, signal: deps.abandon });
    const size = await stat(output).then((s) => s.size, () => 0);
    // ffmpeg succeeds without a frame when the time lies past the last one: not worth retrying.
    if (size === 0) return await fail(db, stillId, 'no frame at this time (past the end of the recording)');
    const sha256 = await sha256File(output);
    const key = stillKey(still.evidenceId, stillId);
    await store.put(key, createReadStream(output), size, 'image/png');
    const name = `${stillId}.png`;
    const committed = await commitUnlessDisposed(deps, still.evidenceId, [key], async (trx) => {
      const derivative = await trx
        .insertInto('derivatives')
        .values({ evidence_id: still.evidenceId, kind: 'still', name, storage_key: key, size, sha256, mime_type: 'image/png', source_sha256: still.sha256 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('stills').set({ state: 'ready', derivative_id: derivative.id }).where('id', '=', stillId).execute();
      await appendCustody(trx, {
        evidenceId: still.evidenceId,
        action: 'still.captured',
        actor: still.requested_by_name,
        details: { stillId, atMs: Number(still.at_ms), sourceSha256: still.sha256, file: { kind: 'still', name, sha256, size } },
      });
    });
    if (committed) log.info({ stillId, evidenceId: still.evidenceId, atMs: Number(still.at_ms) }, 'still frame saved');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fail(db: Db, stillId: string, reason: string): Promise<void> {
  await db.updateTable('stills').set({ state: 'failed', reason }).where('id', '=', stillId).where('state', '=', 'queued').execute();
}

/** The still job: after the last failed attempt the request shows state `failed` with the reason. */
export function stillJob(deps: StillDeps, options: { concurrency: number; lockSeconds: number }): QueuedHandler<JobPayloads['still']> {
  return {
    ...options,
    run: (payload) => captureStill(deps, payload.stillId),
    failed: ({ stillId }, message) => fail(deps.db, stillId, message.slice(0, 2000)),
  };
}
