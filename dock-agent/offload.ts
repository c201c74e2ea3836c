import { IngestClient, ServerProblem } from './client';
import type { CompleteResult, FileRequest, SessionRequest } from '../ingest/protocol';
import { parseRecorderName } from './names';
import { fileSource, hashAndSend } from './transfer';
import { directoryVolume, listVolume, type MountedVolume, type SkippedEntry, type VolumeFile } from './volume';

export interface OffloadOptions {
  server: string;
  token: string;
  station: SessionRequest['station'];
  bay: number;
  recorder: SessionRequest['recorder'];
  /** The station's UTC offset, to read recorder-clock stamps in file names (China: +480). */
  utcOffsetMinutes: number;
  /** How often one file is retried after a network error or a server that is briefly unavailable. */
  attempts?: number;
  onEvent?: (event: OffloadEvent) => void;
}

export type OffloadEvent =
  | { kind: 'skipped'; path: string; reason: string }
  | { kind: 'verified'; path: string; size: number; result: CompleteResult }
  | { kind: 'failed'; path: string; error: string }
  | { kind: 'retry'; path: string; attempt: number; error: string };

export interface OffloadSummary {
  files: number;
  verified: number;
  duplicates: number;
  failed: { path: string; error: string }[];
  skipped: SkippedEntry[];
  bytes: number;
  seconds: number;
  results: { path: string; evidenceId: string; sha256: string; sm3: string; size: number }[];
}

/**
 * Offloads every regular file of a recorder volume, important files first. Each file is read
 * once: SHA-256 and SM3 are computed in the same pass that sends the bytes. The volume is only read.
 */
export async function offloadVolume(volume: string, options: OffloadOptions): Promise<OffloadSummary> {
  const started = process.hrtime.bigint();
  const client = new IngestClient(options.server, options.token);
  const emit = options.onEvent ?? (() => {});
  const { files, skipped } = await listVolume(volume);
  const mounted = directoryVolume(volume);
  for (const s of skipped) emit({ kind: 'skipped', path: s.display, reason: s.reason });

  const planned = files
    .map((file) => ({ file, meta: parseRecorderName(file.display, options.utcOffsetMinutes) }))
    .sort((a, b) => Number(b.meta.important) - Number(a.meta.important) || a.file.display.localeCompare(b.file.display));

  const { sessionId } = await client.openSession({
    station: options.station,
    bay: options.bay,
    recorder: options.recorder,
    stationClock: new Date().toISOString(),
  });

  const summary: OffloadSummary = { files: files.length, verified: 0, duplicates: 0, failed: [], skipped, bytes: 0, seconds: 0, results: [] };
  for (const { file, meta } of planned) {
    const metadata = { officerNo: meta.officerNo, deviceSerial: meta.deviceSerial, recordedAt: meta.recordedAt, important: meta.important };
    try {
      const result = await withRetries(options.attempts ?? 5, (attempt, error) => emit({ kind: 'retry', path: file.display, attempt, error }), () =>
        sendFile(client, sessionId, mounted, file, metadata),
      );
      summary.verified += 1;
      if (result.duplicate) summary.duplicates += 1;
      summary.bytes += file.size;
      summary.results.push({ path: file.display, evidenceId: result.evidenceId, sha256: result.sha256, sm3: result.sm3, size: file.size });
      emit({ kind: 'verified', path: file.display, size: file.size, result });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      summary.failed.push({ path: file.display, error: message });
      emit({ kind: 'failed', path: file.display, error: message });
    }
  }
  // The bay shows as free on the station page; a failure here loses nothing.
  await client.closeSession(sessionId).catch(() => {});
  summary.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summary;
}

async function sendFile(client: IngestClient, sessionId: string, mounted: MountedVolume, file: VolumeFile, metadata: FileRequest['metadata']): Promise<CompleteResult> {
  const upload = await client.createUpload(sessionId, {
    pathBase64: file.relative.toString('base64'),
    size: file.size,
    metadata: { ...metadata, stationTime: new Date().toISOString() },
  });
  const digests = await hashAndSend(client, upload.uploadId, fileSource(mounted, file), upload.offset);
  return client.complete(upload.uploadId, digests);
}

/** How long the platform asked a dock to wait (an upload held by a replica that may have died), at most 30 s. */
function serverWait(error: unknown): number {
  const seconds = error instanceof ServerProblem ? error.body.retryAfterSeconds : undefined;
  return typeof seconds === 'number' && seconds > 0 ? Math.min(seconds, 30) * 1000 : 0;
}

async function withRetries<T>(attempts: number, onRetry: (attempt: number, error: string) => void, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const retryable = !(error instanceof ServerProblem) || error.retryable || error.status === 409 || error.status === 422;
      if (!retryable || attempt >= attempts) throw error;
      onRetry(attempt, error instanceof Error ? error.message : String(error));
      await new Promise((r) => setTimeout(r, Math.max(Math.min(200 * 2 ** attempt, 5000), serverWait(error))));
    }
  }
}
