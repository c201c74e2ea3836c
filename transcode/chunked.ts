import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Hwaccel } from '../core/config';
import { enqueue, type TranscodePriority } from '../core/jobs';
import type { ObjectStore } from '../core/store/port';
import type { Db } from '../schema/database';
import { mp4Job } from './args';
import { assemblyProblem, chunkOutputName, chunkSourceName, concatList, joinJob, planChunks, splitJob, type Chunk } from './chunks';
import { decodesOnDevice } from './hwaccel';
import { decidePlayback, derivativeFrameRate, type PlaybackOptions, type VideoPlan } from './policy';
import { probe } from './probe';
import { runFfmpeg, type AbandonableWork } from './runner';
import { chunkPrefix } from './keys';
import { commitUnlessDisposed } from './commit';

/**
 * Long recordings are transcoded in chunks that several workers encode at once:
 * 1. the transcode job cuts the original's video at keyframes (stream copy), stores the pieces
 *    and their plan under transcode-chunks/<evidence>/, and queues one chunk job per piece
 *    (same priority);
 * 2. each chunk job encodes its piece; the one that finds every piece encoded queues the
 *    transcode job again;
 * 3. that job joins the pieces without re-encoding, adds the audio, checks the result is whole,
 *    and makes the derivatives from it as from any MP4; the pieces are deleted once they are stored.
 */
export interface ChunkingDeps extends AbandonableWork {
  db: Db;
  store: ObjectStore;
  /** Recordings at least this long are chunked (when their video must be encoded). */
  minSeconds: number;
  /** Target length of a chunk; cuts fall on the next keyframe. */
  chunkSeconds: number;
  hwaccel: Hwaccel;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

interface Plan {
  chunks: Chunk[];
  video: VideoPlan;
  hwDecode: boolean;
}

export type ChunkStage = { state: 'whole' } | { state: 'pending' } | { state: 'assembled'; path: string; clear(): Promise<void> };

const PLAN = 'plan.json';

/** Step 1 or 3 for the transcode job, given the original's local copy; 'whole' when the recording is not chunked. */
export async function chunkedVideo(deps: ChunkingDeps, job: { evidenceId: string; priority?: TranscodePriority }, input: string, work: string, playback: PlaybackOptions): Promise<ChunkStage> {
  const probed = await probe(input);
  if (!probed.playable) return { state: 'whole' };
  const { info } = probed;
  const decision = decidePlayback(info, playback);
  const duration = info.durationSeconds ?? 0;
  if (decision.video.mode !== 'encode' || duration < deps.minSeconds) return { state: 'whole' };

  const plan = await readPlan(deps.store, job.evidenceId);
  if (!plan) {
    const chunks = planChunks(await keyframeTimes(input), duration, deps.chunkSeconds);
    if (chunks.length < 2) return { state: 'whole' };
    const stored = await split(deps, job.evidenceId, input, work, { chunks, video: decision.video, hwDecode: decodesOnDevice(deps.hwaccel, info.video) });
    if (!(await keptUnlessDisposed(deps, job.evidenceId, stored))) return { state: 'pending' };
    await queueChunks(deps.db, job, chunks.map((c) => c.index));
    deps.log.info({ evidenceId: job.evidenceId, chunks: chunks.length }, 'long recording split into chunks; chunk jobs queued');
    return { state: 'pending' };
  }
  const missing = await missingOutputs(deps.store, job.evidenceId, plan);
  if (missing.length > 0) {
    // Delivered again before the chunks were done (or their jobs were lost): queue what is missing.
    await queueChunks(deps.db, job, missing);
    return { state: 'pending' };
  }

  const dir = join(work, 'chunks');
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const chunk of plan.chunks) {
    const path = join(dir, chunkOutputName(chunk.index));
    await pipeline(await deps.store.get(chunkPrefix(job.evidenceId) + chunkOutputName(chunk.index)), createWriteStream(path));
    paths.push(path);
  }
  const list = join(dir, 'list.txt');
  await writeFile(list, concatList(paths));
  const joined = join(work, 'joined.mp4');
  await runFfmpeg(joinJob(list, input, joined, decision.audio), { timeoutMs: 600_000, signal: deps.abandon });
  const problem = assemblyProblem({
    sourceSeconds: duration,
    resultSeconds: await durationOf(joined),
    framePts: await videoPacketTimes(joined),
    frameSeconds: 1 / (derivativeFrameRate(info, decision) ?? 30),
  });
  if (problem !== null) throw new Error(`chunked transcode of ${job.evidenceId} failed its check: ${problem}`);
  return { state: 'assembled', path: joined, clear: () => clearChunks(deps.store, job.evidenceId) };
}

/** Step 2: a chunk job. Idempotent: an encoded chunk is not encoded again. */
export async function transcodeChunk(deps: ChunkingDeps, job: { evidenceId: string; priority?: TranscodePriority; chunk: number }, work: string): Promise<void> {
  const plan = await readPlan(deps.store, job.evidenceId);
  if (!plan) return; // the recording was assembled (and its pieces deleted) already
  const key = chunkPrefix(job.evidenceId) + chunkOutputName(job.chunk);
  if (!(await exists(deps.store, key))) {
    const source = join(work, chunkSourceName(job.chunk));
    await pipeline(await deps.store.get(chunkPrefix(job.evidenceId) + chunkSourceName(job.chunk)), createWriteStream(source));
    const output = join(work, chunkOutputName(job.chunk));
    await runFfmpeg(mp4Job(source, output, { video: plan.video, audio: { mode: 'none' } }, { accel: deps.hwaccel, hwDecode: plan.hwDecode }), { timeoutMs: 600_000, signal: deps.abandon });
    await deps.store.put(key, createReadStream(output), (await stat(output)).size, 'video/mp4');
    if (!(await keptUnlessDisposed(deps, job.evidenceId, [key]))) return;
  }
  // Whoever stores the last piece sees them all (each looks after its own put): the transcode job runs at least once more.
  if ((await missingOutputs(deps.store, job.evidenceId, plan)).length === 0) {
    await deps.db.transaction().execute((trx) => enqueue(trx, 'transcode', { evidenceId: job.evidenceId, ...(job.priority ? { priority: job.priority } : {}) }));
  }
}

/**
 * Pieces are stored under the recording's own prefix, which its disposal sweeps: pieces stored after
 * that sweep (the job was still at work) are deleted here, not left behind. False when that happened.
 */
function keptUnlessDisposed(deps: ChunkingDeps, evidenceId: string, keys: string[]): Promise<boolean> {
  return commitUnlessDisposed(deps, evidenceId, keys, async () => {});
}

/** Cuts the original into its planned pieces and stores them, the plan last; the keys it stored. */
async function split(deps: ChunkingDeps, evidenceId: string, input: string, work: string, plan: Plan): Promise<string[]> {
  const dir = join(work, 'sources');
  await mkdir(dir, { recursive: true });
  await runFfmpeg(splitJob(input, dir, plan.chunks), { timeoutMs: 600_000, signal: deps.abandon });
  const names = (await readdir(dir)).sort();
  if (names.join() !== plan.chunks.map((c) => chunkSourceName(c.index)).join()) throw new Error(`splitting ${evidenceId} gave ${names.length} pieces, planned ${plan.chunks.length}`);
  const keys: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    keys.push(chunkPrefix(evidenceId) + name);
    await deps.store.put(keys.at(-1)!, createReadStream(path), (await stat(path)).size, 'video/x-nut');
  }
  // Last: a plan in the store means every piece is there.
  const body = Buffer.from(JSON.stringify(plan));
  keys.push(chunkPrefix(evidenceId) + PLAN);
  await deps.store.put(keys.at(-1)!, Readable.from([body]), body.length, 'application/json');
  return keys;
}

async function queueChunks(db: Db, job: { evidenceId: string; priority?: TranscodePriority }, indices: number[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const chunk of indices) await enqueue(trx, 'transcode', { evidenceId: job.evidenceId, ...(job.priority ? { priority: job.priority } : {}), chunk });
  });
}

async function readPlan(store: ObjectStore, evidenceId: string): Promise<Plan | null> {
  if (!(await exists(store, chunkPrefix(evidenceId) + PLAN))) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(chunkPrefix(evidenceId) + PLAN)) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Plan;
}

async function missingOutputs(store: ObjectStore, evidenceId: string, plan: Plan): Promise<number[]> {
  const present = new Set<string>();
  for await (const key of store.list(chunkPrefix(evidenceId))) present.add(key.slice(chunkPrefix(evidenceId).length));
  return plan.chunks.filter((c) => !present.has(chunkOutputName(c.index))).map((c) => c.index);
}

async function exists(store: ObjectStore, key: string): Promise<boolean> {
  for await (const found of store.list(key)) if (found === key) return true;
  return false;
}

async function clearChunks(store: ObjectStore, evidenceId: string): Promise<void> {
  const keys: string[] = [];
  for await (const key of store.list(chunkPrefix(evidenceId))) keys.push(key);
  // The plan goes first: a late chunk job then finds nothing to do.
  for (const key of keys.sort((a, b) => Number(b.endsWith(PLAN)) - Number(a.endsWith(PLAN)))) await store.delete(key);
}

/** Video keyframe times in seconds, from the packet index (nothing is decoded). */
async function keyframeTimes(path: string): Promise<number[]> {
  const rows = await ffprobeCsv(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', path]);
  return rows.filter(([, flags]) => flags?.startsWith('K')).map(([time]) => Number(time)).filter(Number.isFinite);
}

async function videoPacketTimes(path: string): Promise<number[]> {
  return (await ffprobeCsv(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time', path])).map(([time]) => Number(time)).filter(Number.isFinite);
}

async function durationOf(path: string): Promise<number> {
  return Number((await ffprobeCsv(['-show_entries', 'format=duration', path]))[0]?.[0]);
}

function ffprobeCsv(args: string[]): Promise<string[][]> {
  const url = `file:${resolve(args.pop()!)}`;
  return new Promise((done, fail) => {
    execFile('ffprobe', ['-v', 'error', '-protocol_whitelist', 'file', ...args, '-of', 'csv=p=0', url], { timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => {
      if (error) return fail(new Error(`ffprobe failed: ${error.message}`));
      done(stdout.split('\n').filter((line) => line.trim() !== '').map((line) => line.trim().split(',')));
    });
  });
}

