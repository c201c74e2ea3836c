/**
 * The pure parts of `npm run bench:district` (tests/bench/district.bench.ts): what the simulated
 * recorders hold, whether every file arrived exactly once, and how the measured costs extrapolate
 * to a whole district. Table-tested in tests/unit/district-model.test.ts.
 */

/** One file put on a simulated recorder. */
export interface RecorderFile {
  serial: string;
  /** Relative to the volume root, '/'-separated: DCIM/normal/… or DCIM/important/…IMP.mp4. */
  path: string;
  size: number;
  sha256: string;
  sm3: string;
}

/** One evidence row as the platform holds it. */
export interface EvidenceRow {
  id: string;
  deviceSerial: string;
  originalPath: string;
  size: number;
  sha256: string;
  sm3: string;
}

export interface Delivery {
  /** Put on a recorder, no evidence row with its SHA-256. */
  lost: RecorderFile[];
  /** Put on a recorder once, more than one evidence row with its SHA-256. */
  duplicated: { file: RecorderFile; rows: number }[];
  /** One row with its SHA-256, but another SM3, size, recorder or path. */
  altered: { file: RecorderFile; row: EvidenceRow }[];
  /** Evidence rows of no file put on a recorder. */
  unexpected: EvidenceRow[];
}

/** Compares every file put on the recorders with the evidence rows (every file's content is unique). */
export function compareDelivery(files: readonly RecorderFile[], rows: readonly EvidenceRow[]): Delivery {
  const bySha = new Map<string, EvidenceRow[]>();
  for (const row of rows) bySha.set(row.sha256, [...(bySha.get(row.sha256) ?? []), row]);
  const expected = new Set(files.map((f) => f.sha256));
  const delivery: Delivery = { lost: [], duplicated: [], altered: [], unexpected: rows.filter((r) => !expected.has(r.sha256)) };
  for (const file of files) {
    const found = bySha.get(file.sha256) ?? [];
    if (found.length === 0) delivery.lost.push(file);
    else if (found.length > 1) delivery.duplicated.push({ file, rows: found.length });
    const row = found[0];
    if (row && (row.sm3 !== file.sm3 || row.size !== file.size || row.deviceSerial !== file.serial || row.originalPath !== file.path)) delivery.altered.push({ file, row });
  }
  return delivery;
}

export const deliveryFailed = (d: Delivery): boolean => d.lost.length + d.duplicated.length + d.altered.length + d.unexpected.length > 0;

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A recorder's identity: serial 7 characters, officer number (警号) 6 digits, as GA/T 947 devices report them. */
export function recorderIdentity(index: number): { serial: string; officerNo: string } {
  return { serial: `DSJ${String(index).padStart(4, '0')}`, officerNo: String(310000 + index).padStart(6, '0') };
}

/** Real sizes of a recorder's recordings (bytes), varied by recorder and file so no two runs of files look alike. */
const REAL_SIZES_GB = [1.6, 0.8, 2.4, 1.2, 2.0];

/**
 * The files of recorder `index` after one shift: `files` recordings named
 * {警号}_{设备编号}_{YYYYMMDDhhmmss}_{序号}[IMP].mp4, the last one marked important, one after the
 * other from `start` (recorder clock, UTC+8 in the name), real sizes 0.8–2.4 GB scaled by `scale`
 * but never below `minBytes` (the playable clip each file starts with).
 */
export function plannedFiles(index: number, files: number, scale: number, minBytes: number, start: Date): { path: string; size: number }[] {
  const { serial, officerNo } = recorderIdentity(index);
  const out: { path: string; size: number }[] = [];
  let at = start.getTime();
  for (let n = 1; n <= files; n++) {
    const gb = REAL_SIZES_GB[(index + n) % REAL_SIZES_GB.length]!;
    const important = n === files && files > 1;
    const stamp = new Date(at + 8 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
    out.push({
      path: `DCIM/${important ? 'important' : 'normal'}/${officerNo}_${serial}_${stamp}_${String(n).padStart(4, '0')}${important ? 'IMP' : ''}.mp4`,
      size: Math.max(minBytes, Math.round(gb * 1e9 * scale)),
    });
    at += (gb / 2) * 3_600_000; // ~2 GB per recorded hour (DESIGN §3: 1.4–5 GB/h)
  }
  return out;
}

/**
 * Server CPU-seconds per GB and per recording from two runs: a calibration (few recordings, many
 * bytes each) and the district run (many small recordings). Solves c = perGB·gb + perRecording·n
 * for both; a negative share (noise on a shared machine) is clamped to 0.
 */
export function splitCpu(calibration: CpuSample, run: CpuSample): { perGB: number; perRecording: number } {
  const det = calibration.gb * run.recordings - run.gb * calibration.recordings;
  if (det === 0) return { perGB: Number.NaN, perRecording: Number.NaN };
  const perGB = (calibration.cpuSeconds * run.recordings - run.cpuSeconds * calibration.recordings) / det;
  const perRecording = (calibration.gb * run.cpuSeconds - run.gb * calibration.cpuSeconds) / det;
  if (perGB < 0) return { perGB: 0, perRecording: run.cpuSeconds / run.recordings };
  if (perRecording < 0) return { perGB: run.cpuSeconds / run.gb, perRecording: 0 };
  return { perGB, perRecording };
}

/**
 * The run's CPU as if every transcode had finished: the drain after the last file is (nearly) only
 * transcoding, so its CPU per finished job prices the jobs still open when the bench stopped waiting.
 */
export function withOpenTranscodes(runCpu: number, drain: { cpuSeconds: number; finished: number }, open: number): { cpuSeconds: number; perTranscode: number } {
  if (open === 0) return { cpuSeconds: runCpu, perTranscode: drain.finished > 0 ? drain.cpuSeconds / drain.finished : Number.NaN };
  if (drain.finished === 0) return { cpuSeconds: runCpu, perTranscode: Number.NaN };
  const perTranscode = drain.cpuSeconds / drain.finished;
  return { cpuSeconds: runCpu + open * perTranscode, perTranscode };
}

export interface CpuSample {
  cpuSeconds: number;
  gb: number;
  recordings: number;
}

/** A district's daily load (DESIGN §8). */
export interface DistrictLoad {
  recorders: number;
  gbPerDay: number;
  recordingsPerDay: number;
  recordedHoursPerDay: number;
  /** Shifts a day; each one's footage docks in the window after it ends. */
  shiftsPerDay: number;
  dockWindowHours: number;
}

/**
 * 1,500 recorders, 3,000 recorded hours a day at ~1.5 GB/h (the low end of 1.4–5 GB/h: "several
 * terabytes a day"), a million recordings a year, three shifts, each docked in the hour after it ends.
 */
export const DISTRICT: DistrictLoad = { recorders: 1500, gbPerDay: 4500, recordingsPerDay: Math.round(1_000_000 / 365), recordedHoursPerDay: 3000, shiftsPerDay: 3, dockWindowHours: 1 };

export interface MeasuredCosts {
  /** Server CPU-seconds (API, ingest, PostgreSQL, Redis, workers and ffmpeg) per GB ingested. */
  cpuPerGB: number;
  /** Server CPU-seconds per recording beyond its bytes (rows, custody, outbox, the transcode job). */
  cpuPerRecording: number;
  /** Sustained ingest of one machine of this kind, MB/s (bounds a machine even with CPU to spare). */
  ingestMBps: number;
}

export interface Machines {
  peakGBPerHour: number;
  peakRecordingsPerHour: number;
  /** Server CPU-seconds needed per hour of the docking peak. */
  peakCpuPerHour: number;
  byCpu: number;
  byThroughput: number;
  /** Extra machines transcoding (spread over the day), when footage must be transcoded. */
  transcode: number;
  total: number;
}

/**
 * Machines for the district: the docking peak (a shift's footage in its window) must fit both the
 * CPU (cores × utilization) and the measured sustained ingest rate; transcoding `transcodeCpuPerHour`
 * CPU-seconds per recorded hour runs over the whole day on machines of its own.
 */
export function machinesFor(load: DistrictLoad, costs: MeasuredCosts, machine: { cores: number; utilization: number }, transcodeCpuPerHour = 0): Machines {
  const peakGBPerHour = load.gbPerDay / load.shiftsPerDay / load.dockWindowHours;
  const peakRecordingsPerHour = load.recordingsPerDay / load.shiftsPerDay / load.dockWindowHours;
  const peakCpuPerHour = peakGBPerHour * costs.cpuPerGB + peakRecordingsPerHour * costs.cpuPerRecording;
  const byCpu = Math.max(1, Math.ceil(peakCpuPerHour / (3600 * machine.cores * machine.utilization)));
  const byThroughput = Math.max(1, Math.ceil((peakGBPerHour * 1000) / 3600 / costs.ingestMBps));
  const transcode = Math.ceil((load.recordedHoursPerDay * transcodeCpuPerHour) / (86_400 * machine.cores * machine.utilization));
  return { peakGBPerHour, peakRecordingsPerHour, peakCpuPerHour, byCpu, byThroughput, transcode, total: Math.max(byCpu, byThroughput) + transcode };
}
