/**
 * npm run bench:district — a district in a box. Simulated stations (--stations, default 40) with
 * --bays bays each (default 8) dock --recorders recorders per station (default: one per bay)
 * concurrently through the real offload protocol: the dock agent's own Station, Bay, journal, spool
 * and simulated USB, in this process, against a real `evidence up` (its own process: embedded
 * PostgreSQL, private Redis, the store, transcode workers running real ffmpeg). Each recorder holds
 * --files recordings named like GA/T 947 output, real sizes 0.8–2.4 GB scaled by --scale (0.002:
 * a 1 GB recording becomes 2 MB); each file is a real H.264 clip followed by a unique `free` box.
 *
 * Prints sustained ingest MB/s, p50/p99 from last byte to verified, outbox and queue lag, database
 * size per 100,000 recordings and an extrapolation to 1,500 recorders; exits 1 when any file put on
 * a recorder is lost, duplicated or altered (count, SHA-256 and SM3 against the evidence rows).
 *
 * Flags: --stations N --bays N --recorders N (per station) --files N --scale X --store fs|s3
 *        --calibrate-mb N (one big file first, to split CPU per GB from CPU per recording; 0: skip)
 *        --drain S (after the last file, wait at most S seconds for the transcode queue to empty)
 *        --worker-concurrency N --port P
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { DualHasher } from '../../core/hashing';
import { jobQueue, redisConnection } from '../../core/jobs';
import { IngestClient } from '../../dock-agent/client';
import { readDockAgentConfig } from '../../dock-agent/config';
import { massStorageDriver } from '../../dock-agent/drivers';
import { Journal } from '../../dock-agent/journal';
import { plugSimulated, SimulatedVolumeSource, SimulatedWatcher, unplugSimulated } from '../../dock-agent/simulated';
import { makeSimulatedRecorder } from '../../dock-agent/simulated-recorder';
import { Spool } from '../../dock-agent/spool';
import { Station } from '../../dock-agent/station';
import type { Readable } from 'node:stream';
import {
  compareDelivery, deliveryFailed, DISTRICT, machinesFor, percentile, plannedFiles, recorderIdentity, splitCpu, withOpenTranscodes,
  type CpuSample, type EvidenceRow, type RecorderFile,
} from './district-model';
import { startServer } from './server';

const run = promisify(execFile);
const { values: flags } = parseArgs({
  options: {
    stations: { type: 'string', default: '40' },
    bays: { type: 'string', default: '8' },
    recorders: { type: 'string' },
    files: { type: 'string', default: '2' },
    scale: { type: 'string', default: '0.002' },
    store: { type: 'string', default: 'fs' },
    'calibrate-mb': { type: 'string', default: '128' },
    drain: { type: 'string', default: '120' },
    'worker-concurrency': { type: 'string', default: '2' },
    port: { type: 'string', default: '18380' },
  },
});
const positive = (name: keyof typeof flags, min = 1): number => {
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number of at least ${min}, not "${flags[name]}"`);
  return n;
};
const STATIONS = positive('stations');
const BAYS = positive('bays');
const RECORDERS = flags.recorders === undefined ? BAYS : positive('recorders');
const FILES = positive('files');
const SCALE = positive('scale', 1e-6);
const CALIBRATE_MB = positive('calibrate-mb', 0);
const DRAIN_S = positive('drain', 0);
const PORT = positive('port', 1024);
if (flags.store !== 'fs' && flags.store !== 's3') throw new Error(`--store must be fs or s3, not "${flags.store}"`);
const VID_PID = '4255:1000';

/** Last byte acknowledged → complete answered (verified and committed), per upload, in ms. */
class TimedClient extends IngestClient {
  readonly verifyMs: number[] = [];
  readonly verified: { at: number; bytes: number }[] = [];
  private readonly lastByte = new Map<string, { at: number; size: number }>();

  override async sendBytes(uploadId: string, offset: number, body: Readable, length: number) {
    const status = await super.sendBytes(uploadId, offset, body, length);
    this.lastByte.set(uploadId, { at: performance.now(), size: status.size });
    return status;
  }

  override async complete(uploadId: string, digests: { sha256: string; sm3: string }) {
    const result = await super.complete(uploadId, digests);
    const last = this.lastByte.get(uploadId);
    if (last) {
      const now = performance.now();
      this.verifyMs.push(now - last.at);
      this.verified.push({ at: now, bytes: last.size });
    }
    return result;
  }
}

/** Small real H.264 clips, made like a simulated recorder's footage (moov at the end, as recorders write it). */
async function makeClips(dir: string): Promise<Buffer[]> {
  const { files } = await makeSimulatedRecorder(dir, { clips: 3, seconds: 6 });
  return Promise.all(files.map((f) => readFile(f)));
}

/** A recording of exactly `size` bytes: the clip, then a `free` box (ignored by players) whose first bytes make it unique. */
function recording(clip: Buffer, size: number, unique: string, filler: Buffer): Buffer {
  const file = Buffer.alloc(size);
  clip.copy(file, 0);
  const box = size - clip.length;
  file.writeUInt32BE(box, clip.length);
  file.write('free', clip.length + 4, 'latin1');
  for (let at = clip.length + 8; at < size; at += filler.length) filler.copy(file, at, 0, Math.min(filler.length, size - at));
  file.write(unique, clip.length + 8, 'utf8');
  return file;
}

async function writeRecorder(volume: string, index: number, files: { path: string; size: number }[], clips: Buffer[], filler: Buffer): Promise<RecorderFile[]> {
  const { serial } = recorderIdentity(index);
  const out: RecorderFile[] = [];
  for (const [n, planned] of files.entries()) {
    const bytes = recording(clips[(index + n) % clips.length]!, planned.size, `${serial}/${planned.path}/${randomBytes(8).toString('hex')}`, filler);
    await mkdir(dirname(join(volume, planned.path)), { recursive: true });
    await writeFile(join(volume, planned.path), bytes);
    const hasher = new DualHasher();
    hasher.update(bytes);
    out.push({ serial, path: planned.path, size: planned.size, ...hasher.digest() });
  }
  return out;
}

/** CPU-seconds of `pid` and every process below it, including reaped children (ffmpeg runs). */
async function treeCpuSeconds(pid: number): Promise<{ seconds: number; processes: number }> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
    if (!text) continue;
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
  }
  const inTree = (p: number): boolean => p === pid || (p > 1 && stats.has(p) && inTree(stats.get(p)!.ppid));
  let ticks = 0;
  let processes = 0;
  for (const [p, s] of stats) {
    if (!inTree(p)) continue;
    ticks += s.ticks;
    processes++;
  }
  return { seconds: ticks / 100, processes }; // USER_HZ = 100
}

interface SimStation {
  station: Station;
  journal: Journal;
  control: string;
  client: TimedClient;
  log: string[];
}

async function startStation(work: string, code: string, server: string, token: string, bays: number): Promise<SimStation> {
  const home = join(work, 'stations', code);
  const control = join(home, 'usb');
  const config = readDockAgentConfig({ server, token, station: code, home, simulate: control, usb: false, allow: [`${VID_PID}/*`], stableSeconds: '0', retrySeconds: '2', concurrency: String(bays) });
  const journal = Journal.open(config.journalPath);
  const spool = new Spool(config.spool.dir, config.spool.maxBytes, journal);
  await spool.init();
  const client = new TimedClient(config.server, config.token);
  const driver = massStorageDriver(new SimulatedVolumeSource(config.mountTimeoutMs));
  const log: string[] = [];
  const station = new Station({ config, client, journal, spool, driverFor: () => driver, log: (line) => log.push(line) });
  const failed = await station.start([new SimulatedWatcher(control)]);
  if (failed.length > 0) throw new Error(`station ${code}: ${failed[0]!.error}`);
  return { station, journal, control, client, log };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Docks the recorders one after the other into bay `bay`: plug, wait until every file is verified, unplug. */
async function dockInBay(sim: SimStation, bay: number, recorders: { serial: string; volume: string }[], problems: string[]): Promise<void> {
  for (const recorder of recorders) {
    const name = `bay${bay}-${recorder.serial}`;
    await plugSimulated(sim.control, name, { vidPid: VID_PID, serial: recorder.serial, bay, volume: recorder.volume });
    for (;;) {
      await sleep(250);
      const shown = sim.station.status().bays.find((b) => b.bay === bay && b.recorder.serial === recorder.serial);
      if (shown?.state === 'done') break;
      if (shown?.state === 'attention' || shown?.state === 'error') {
        problems.push(`bay ${bay} ${recorder.serial}: ${shown.message}`);
        break;
      }
    }
    await unplugSimulated(sim.control, name);
    while (sim.station.status().bays.find((b) => b.bay === bay)?.state !== 'undocked') await sleep(100);
  }
}

const work = await mkdtemp(join(tmpdir(), 'bench-district-'));
await chmod(work, 0o755); // as root, the embedded PostgreSQL runs as "postgres" and must reach its folder
const stations: SimStation[] = [];
let server: { child: ChildProcess; url: string; token: string } | undefined;
let exitCode = 0;
try {
  const total = STATIONS * RECORDERS;
  console.log(`district: ${STATIONS} stations × ${BAYS} bays, ${RECORDERS} recorders per station (${total}), ${FILES} recordings each, scale ${SCALE} (1 GB → ${(SCALE * 1000).toFixed(1)} MB), store ${flags.store}`);
  const clips = await makeClips(join(work, 'clips'));
  const filler = randomBytes(1 << 20);
  const minBytes = Math.max(...clips.map((c) => c.length)) + 64;
  const shiftStart = new Date(Date.UTC(2026, 10, 25, 0, 0, 0));
  const files: RecorderFile[] = [];
  const byStation: { serial: string; volume: string }[][] = [];
  const generating = performance.now();
  for (let s = 0; s < STATIONS; s++) {
    const recorders: { serial: string; volume: string }[] = [];
    for (let r = 0; r < RECORDERS; r++) {
      const index = s * RECORDERS + r + 1;
      const volume = join(work, 'recorders', recorderIdentity(index).serial);
      files.push(...(await writeRecorder(volume, index, plannedFiles(index, FILES, SCALE, minBytes, shiftStart), clips, filler)));
      recorders.push({ serial: recorderIdentity(index).serial, volume });
    }
    byStation.push(recorders);
  }
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  console.log(`${files.length} files, ${(totalBytes / 1e6).toFixed(0)} MB generated in ${((performance.now() - generating) / 1000).toFixed(1)} s`);

  const env: Record<string, string> = { EVIDENCE_WORKER_CONCURRENCY: flags['worker-concurrency']! };
  if (flags.store === 's3') {
    const lines = (await run('bash', ['scripts/s3-server.sh', 'start'])).stdout.split('\n').filter((l) => l.includes('='));
    Object.assign(env, Object.fromEntries(lines.map((l) => l.split('=') as [string, string])), { S3_BUCKET: `district-${Date.now()}` });
  }
  server = await startServer(join(work, 'platform'), PORT, env);
  const serverPid = server.child.pid!;
  const db = new pg.Pool({ connectionString: `postgres://evidence:evidence-local@127.0.0.1:${PORT + 1}/postgres`, max: 2 });
  const redis = redisConnection(`redis://127.0.0.1:${PORT + 2}`);
  const queue = jobQueue(redis, 'evidence', 'transcode');
  const one = async <T>(text: string): Promise<T> => (await db.query(text)).rows[0] as T;
  const tableSizes = async () => new Map((await db.query<{ name: string; bytes: string }>(`select relname as name, pg_total_relation_size(oid) as bytes from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`)).rows.map((r) => [r.name, Number(r.bytes)]));
  const databaseSize = async () => Number((await one<{ b: string }>('select pg_database_size(current_database()) as b')).b);
  const transcodesOpen = async () => Number((await one<{ n: string }>(`select count(*) as n from evidence where playback_state in ('queued', 'processing')`)).n);
  const waitForTranscodes = async (deadline: number) => {
    while ((await transcodesOpen()) > 0 && Date.now() < deadline) await sleep(500);
  };

  // Calibration: one recorder, one big recording, docked and transcoded alone.
  let calibration: CpuSample | undefined;
  if (CALIBRATE_MB > 0) {
    const cal = await startStation(work, 'PS-CAL', server.url, server.token, 1);
    stations.push(cal);
    const volume = join(work, 'recorders', 'calibration');
    const calFiles = await writeRecorder(volume, 9999, [{ path: plannedFiles(9999, 1, 1, 0, shiftStart)[0]!.path, size: CALIBRATE_MB * 1_000_000 }], clips, filler);
    files.push(...calFiles);
    const before = await treeCpuSeconds(serverPid);
    await dockInBay(cal, 1, [{ serial: recorderIdentity(9999).serial, volume }], []);
    await waitForTranscodes(Date.now() + 120_000);
    calibration = { cpuSeconds: (await treeCpuSeconds(serverPid)).seconds - before.seconds, gb: CALIBRATE_MB / 1000, recordings: 1 };
  }

  const dbBefore = await databaseSize();
  const tablesBefore = await tableSizes();
  const rowsBefore = Number((await one<{ n: string }>('select count(*) as n from evidence')).n);
  for (let s = 0; s < STATIONS; s++) stations.push(await startStation(work, `PS-${String(s + 1).padStart(3, '0')}`, server.url, server.token, BAYS));
  const district = stations.slice(CALIBRATE_MB > 0 ? 1 : 0);

  // Sampled once a second while docking and draining: the outbox backlog, and the oldest job dispatched but not started.
  const samples: { outboxPending: number; outboxOldestS: number; queueWaiting: number; queueOldestS: number }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const row = await one<{ pending: string; oldest: number | null; waiting: string; queued_oldest: number | null }>(`
        select (select count(*) from outbox where dispatched_at is null) as pending,
               (select extract(epoch from now() - min(created_at))::float8 from outbox where dispatched_at is null) as oldest,
               (select count(*) from outbox o join evidence e on e.id::text = o.payload->>'evidenceId'
                  where o.kind = 'transcode' and o.dispatched_at is not null and e.playback_state = 'queued') as waiting,
               (select extract(epoch from now() - min(o.dispatched_at))::float8 from outbox o join evidence e on e.id::text = o.payload->>'evidenceId'
                  where o.kind = 'transcode' and o.dispatched_at is not null and e.playback_state = 'queued') as queued_oldest`).catch(() => null);
      if (row) samples.push({ outboxPending: Number(row.pending), outboxOldestS: row.oldest ?? 0, queueWaiting: Number(row.waiting), queueOldestS: row.queued_oldest ?? 0 });
      await sleep(1000);
    }
  })();

  const cpuBefore = await treeCpuSeconds(serverPid);
  const loadBefore = (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];
  const problems: string[] = [];
  const started = performance.now();
  await Promise.all(district.flatMap((sim, s) =>
    Array.from({ length: BAYS }, (_, b) => dockInBay(sim, b + 1, byStation[s]!.filter((_, r) => r % BAYS === b), problems))));
  const docked = performance.now();
  const ingestSeconds = (docked - started) / 1000;
  const transcodesAtDocked = await transcodesOpen();
  const cpuAtDocked = await treeCpuSeconds(serverPid);
  await waitForTranscodes(Date.now() + DRAIN_S * 1000);
  const drained = performance.now();
  const transcodesLeft = await transcodesOpen();
  const cpuAfter = await treeCpuSeconds(serverPid);
  sampling = false;
  await sampler;

  // Lost or duplicated: every file put on a recorder against every evidence row.
  const rows: EvidenceRow[] = (await db.query<{ id: string; device_serial: string; original_path: string; size: string; sha256: string; sm3: string }>('select id, device_serial, original_path, size, sha256, sm3 from evidence')).rows
    .map((r) => ({ id: r.id, deviceSerial: r.device_serial, originalPath: r.original_path, size: Number(r.size), sha256: r.sha256, sm3: r.sm3 }));
  const delivery = compareDelivery(files, rows);

  const outboxLag = (await db.query<{ s: number }>(`select extract(epoch from dispatched_at - created_at)::float8 as s from outbox where dispatched_at is not null and created_at >= now() - interval '1 day'`)).rows.map((r) => r.s);
  const jobs = await queue.getJobs(['completed', 'failed'], 0, -1);
  const queueLag = jobs.filter((j) => j.processedOn).map((j) => (j.processedOn! - j.timestamp) / 1000);
  const playback = (await db.query<{ state: string; n: string }>('select playback_state as state, count(*) as n from evidence group by 1 order by 1')).rows.map((r) => `${r.state} ${r.n}`).join(', ');

  const made = rows.length - rowsBefore;
  const dbAfter = await databaseSize();
  const tablesAfter = await tableSizes();
  await queue.close();
  redis.disconnect();
  await db.end();

  const districtBytes = files.slice(0, STATIONS * RECORDERS * FILES).reduce((sum, f) => sum + f.size, 0);
  const mbps = districtBytes / 1e6 / ingestSeconds;
  const verifyMs = district.flatMap((s) => s.client.verifyMs);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const sec = (v: number) => `${v.toFixed(1)} s`;
  const per100k = (bytes: number) => `${((bytes / Math.max(made, 1)) * 100_000 / 1e9).toFixed(2)} GB`;
  const max = (k: keyof (typeof samples)[number]) => Math.max(0, ...samples.map((x) => x[k]));

  console.log(`\n${district.length} stations × ${BAYS} bays, ${STATIONS * RECORDERS} recorders, ${made} recordings, ${(districtBytes / 1e6).toFixed(0)} MB (real equivalent ${(districtBytes / SCALE / 1e12).toFixed(2)} TB)`);
  console.log(`sustained ingest             ${mbps.toFixed(1)} MB/s (${sec(ingestSeconds)} from first plug to last file verified; ${(made / ingestSeconds).toFixed(1)} recordings/s)`);
  console.log(`last byte → verified         p50 ${ms(percentile(verifyMs, 50))} p99 ${ms(percentile(verifyMs, 99))} max ${ms(Math.max(...verifyMs))} (${verifyMs.length} uploads)`);
  console.log(`outbox lag                   p50 ${sec(percentile(outboxLag, 50))} p99 ${sec(percentile(outboxLag, 99))} max ${sec(Math.max(0, ...outboxLag))}; sampled: most pending ${max('outboxPending')}, oldest ${sec(max('outboxOldestS'))}`);
  console.log(`queue lag (transcode)        p50 ${sec(percentile(queueLag, 50))} p99 ${sec(percentile(queueLag, 99))} max ${sec(Math.max(0, ...queueLag))} (${queueLag.length} jobs started); sampled: most waiting ${max('queueWaiting')}, oldest ${sec(max('queueOldestS'))}`);
  console.log(`transcode                    ${transcodesAtDocked} open when the last file was verified, ${transcodesLeft} after ${sec((drained - docked) / 1000)} more; playback: ${playback}`);
  console.log(`database                     ${(dbAfter / 1e6).toFixed(1)} MB (+${((dbAfter - dbBefore) / 1e6).toFixed(1)} MB for ${made} recordings) → ${per100k(dbAfter - dbBefore)} per 100,000 recordings`);
  const growth = [...tablesAfter].map(([name, bytes]) => ({ name, bytes: bytes - (tablesBefore.get(name) ?? 0) })).filter((t) => t.bytes > 0).sort((a, b) => b.bytes - a.bytes).slice(0, 8);
  for (const t of growth) console.log(`  ${t.name.padEnd(26)} ${per100k(t.bytes)} per 100,000 recordings`);

  const measuredCpu = cpuAfter.seconds - cpuBefore.seconds;
  const drain = { cpuSeconds: cpuAfter.seconds - cpuAtDocked.seconds, finished: transcodesAtDocked - transcodesLeft };
  const { cpuSeconds, perTranscode } = withOpenTranscodes(measuredCpu, drain, transcodesLeft);
  const runSample: CpuSample = { cpuSeconds, gb: districtBytes / 1e9, recordings: made };
  const split = calibration ? splitCpu(calibration, runSample) : { perGB: cpuSeconds / runSample.gb, perRecording: 0 };
  console.log(`server CPU                   ${sec(measuredCpu)} over ${cpuAfter.processes} processes (API, ingest, PostgreSQL, Redis, workers, ffmpeg${flags.store === 's3' ? '; not the S3 server' : ''}); ${availableParallelism()} cores, load average before ${loadBefore}`);
  if (calibration) console.log(`  calibration: one ${CALIBRATE_MB} MB recording took ${sec(calibration.cpuSeconds)} → ${split.perGB.toFixed(1)} CPU-s per GB, ${split.perRecording.toFixed(2)} CPU-s per recording`);
  else console.log(`  no calibration (--calibrate-mb 0): all ${split.perGB.toFixed(1)} CPU-s per GB counted as per-GB cost`);
  console.log(`  transcode ${perTranscode.toFixed(2)} CPU-s per job (the drain: ${sec(drain.cpuSeconds)} for ${drain.finished} jobs)${transcodesLeft > 0 ? `; the ${transcodesLeft} jobs still open after --drain ${DRAIN_S} s are priced at that: ${sec(cpuSeconds)} in all` : ''}`);

  const machine = { cores: availableParallelism(), utilization: 0.7 };
  const costs = { cpuPerGB: split.perGB, cpuPerRecording: split.perRecording, ingestMBps: mbps };
  const asMeasured = machinesFor(DISTRICT, costs, machine);
  const transcoded = machinesFor(DISTRICT, costs, machine, 3300);
  console.log(`\n1,500 recorders: model: ${DISTRICT.gbPerDay} GB and ${DISTRICT.recordingsPerDay} recordings a day (${DISTRICT.recordedHoursPerDay} recorded hours), ${DISTRICT.shiftsPerDay} shifts each docked within ${DISTRICT.dockWindowHours} h`);
  console.log(`  peak ${asMeasured.peakGBPerHour.toFixed(0)} GB/h (${(asMeasured.peakGBPerHour / 3.6).toFixed(0)} MB/s), ${asMeasured.peakRecordingsPerHour.toFixed(0)} recordings/h → ${asMeasured.peakCpuPerHour.toFixed(0)} server CPU-s per peak hour (per GB ${costs.cpuPerGB.toFixed(1)} s, per recording ${costs.cpuPerRecording.toFixed(2)} s)`);
  console.log(`  machines like this one (${machine.cores} cores at ${machine.utilization * 100}%): by CPU ${asMeasured.byCpu}, by measured ingest rate ${asMeasured.byThroughput} → ${asMeasured.total} machines for H.264 footage (remux, as measured)`);
  console.log(`  with every recording transcoded from H.265 (3,300 CPU-s per recorded hour, DESIGN §5, over 24 h): +${transcoded.transcode} → ${transcoded.total} machines`);
  console.log(`  (this box also runs the ${district.length} simulated stations' hashing, so the measured ingest rate understates one server machine; numbers are noisy on a shared machine)`);

  const show = <T>(label: string, list: T[], text: (t: T) => string) => list.length > 0 && console.error(`${label}: ${list.length}\n  ${list.slice(0, 10).map(text).join('\n  ')}`);
  console.log(`\nfiles put on recorders ${files.length}, evidence rows ${rows.length}: lost ${delivery.lost.length}, duplicated ${delivery.duplicated.length}, altered ${delivery.altered.length}, unexpected ${delivery.unexpected.length}`);
  show('LOST', delivery.lost, (f) => `${f.serial} ${f.path}`);
  show('DUPLICATED', delivery.duplicated, (d) => `${d.file.serial} ${d.file.path} (${d.rows} rows)`);
  show('ALTERED', delivery.altered, (a) => `${a.file.serial} ${a.file.path} → row ${a.row.id} ${a.row.deviceSerial} ${a.row.originalPath}`);
  show('UNEXPECTED', delivery.unexpected, (r) => `${r.id} ${r.deviceSerial} ${r.originalPath}`);
  show('bay problems', problems, (p) => p);
  const errors = stations.flatMap((s) => s.log.filter((l) => /FAILED|DAMAGED|internal error/.test(l)));
  show('station errors', errors, (l) => l);
  if (deliveryFailed(delivery)) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  for (const sim of stations) {
    await sim.station.stop();
    sim.journal.close();
  }
  if (server) {
    server.child.kill('SIGTERM');
    await new Promise((r) => server!.child.once('exit', r));
  }
  await rm(work, { recursive: true, force: true });
}
process.exit(exitCode);
