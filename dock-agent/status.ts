import { humanBytes, megabytes } from '../core/bytes';

/**
 * The station's state as people and dashboards see it: one record per bay (the JSON status file
 * has exactly these fields) and pure renderings of it for a terminal and for log lines.
 */
export type BayState =
  | 'identifying' // driver: unlock, device info, waiting for the volume
  | 'queued' // the same recorder is being offloaded in another bay
  | 'offloading'
  | 'spooling' // the platform is unreachable: copying to the station spool
  | 'waiting-growing' // files still being written by the recorder
  | 'spool-full' // cannot copy more; waiting for the platform
  | 'done' // everything verified or safely spooled
  | 'attention' // some files could not be offloaded; the administrator must look
  | 'error' // the bay could not start (driver, volume)
  | 'ignored' // not an allowed recorder
  | 'undocked'
  | 'stopped'; // the agent shut down while the recorder was docked

export interface BayStatus {
  bay: number;
  state: BayState;
  /** What the officer or administrator should know, in a sentence. */
  message: string;
  /** True only when every file is verified on the platform or held as a verified copy in the spool. */
  mayUndock: boolean;
  recorder: { vidPid: string; serial: string | null; officerNo: string | null; unitNo: string | null; clockSkewMs: number | null };
  files: { total: number; verified: number; spooled: number; failed: number; growing: number; skipped: number };
  bytes: { total: number; done: number };
  bytesPerSecond: number;
  etaSeconds: number | null;
  current: { path: string; done: number; size: number } | null;
  skipped: { path: string; reason: string }[];
  dockedAt: string;
}

export interface StationStatus {
  station: string;
  updatedAt: string;
  platform: { reachable: boolean; error: string | null };
  spool: { dir: string; files: number; bytes: number; maxBytes: number };
  /** Files deleted from recorders whose custody event is not yet recorded on the platform. */
  purgesToRecord: number;
  bays: BayStatus[];
}

/** Exponentially weighted transfer rate, so one slow second does not swing the ETA. */
export function nextRate(previous: number, bytes: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return previous;
  const instant = (bytes / elapsedMs) * 1000;
  return previous === 0 ? instant : previous * 0.7 + instant * 0.3;
}

export function eta(remainingBytes: number, bytesPerSecond: number): number | null {
  if (remainingBytes <= 0) return 0;
  return bytesPerSecond > 0 ? Math.ceil(remainingBytes / bytesPerSecond) : null;
}

/** "1 file", "3 files". */
export const fileCount = (n: number): string => `${n} ${n === 1 ? 'file' : 'files'}`;


export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '–';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

const who = (b: BayStatus) => `bay ${b.bay} ${b.recorder.serial ?? b.recorder.vidPid}`;

/** One log line with the numbers: files, bytes, speed, ETA. */
export function progressLine(b: BayStatus): string {
  const done = b.files.verified + b.files.spooled;
  return (
    `${who(b)}: ${b.state}, ${done}/${b.files.total} files, ${megabytes(b.bytes.done)}/${megabytes(b.bytes.total)} MB, ` +
    `${megabytes(b.bytesPerSecond)} MB/s, ETA ${formatDuration(b.etaSeconds)}${b.current ? `, now ${b.current.path}` : ''}`
  );
}

/** The line logged when a bay changes state. */
export function stateLine(b: BayStatus): string {
  return `${who(b)}: ${b.message}`;
}

/** The live terminal view: a header and one row per bay, with its message underneath. */
export function renderTable(s: StationStatus, width = 120): string[] {
  const platform = s.platform.reachable ? 'platform reachable' : `PLATFORM UNREACHABLE (${s.platform.error ?? 'no answer'}): new files go to the spool`;
  const lines = [
    (`Station ${s.station} · ${platform} · spool ${s.spool.files} files, ${humanBytes(s.spool.bytes, 'MB')} of ${humanBytes(s.spool.maxBytes, 'MB')}` +
      (s.purgesToRecord > 0 ? ` · ${s.purgesToRecord} purges to record` : '')).slice(0, width),
    'BAY  RECORDER      STATE            FILES      MB                  MB/s   ETA      UNDOCK',
  ];
  for (const b of [...s.bays].sort((x, y) => x.bay - y.bay)) {
    const files = `${b.files.verified + b.files.spooled}/${b.files.total}`;
    const mb = `${megabytes(b.bytes.done)}/${megabytes(b.bytes.total)}`;
    lines.push(
      `${String(b.bay).padStart(3)}  ${(b.recorder.serial ?? b.recorder.vidPid).padEnd(12).slice(0, 12)}  ${b.state.padEnd(15)}  ${files.padEnd(9)}  ${mb.padEnd(18)}  ` +
        `${megabytes(b.bytesPerSecond).padStart(5)}  ${formatDuration(b.etaSeconds).padEnd(7)}  ${b.mayUndock ? 'YES' : 'no'}`,
    );
    lines.push(`     ${b.message}`.slice(0, width));
  }
  if (s.bays.length === 0) lines.push('     (no recorder docked)');
  return lines;
}
