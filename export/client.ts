import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ApiProblem, answer, apiClient, type Answer } from '../api/client';
import { hashFile } from '../core/hashing';
import { isUuid } from '../core/ids';

/** What the platform says about one export (docs/export-format.md §HTTP), as the API document types it. */
export type ExportStatus = Answer<'getExport'>;

export interface ClientOptions {
  server: string;
  token: string;
  /** Progress and retry notes for people; the command prints them to stderr. */
  say?: (line: string) => void;
  pollMs?: number;
}

/** The answer of a call; a refusal names the call ("POST /api/cases/…/exports: 403 Forbidden: …"). */
async function named<T>(what: string, call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  return answer(call).catch((error: unknown) => {
    throw error instanceof ApiProblem ? new Error(`${what}: ${error.message}`) : error;
  });
}

/** The id of a case given by id or by its number (anything not shaped like a UUID is a number). */
export async function caseIdOf(o: ClientOptions, caseRef: string): Promise<string> {
  if (isUuid(caseRef.toLowerCase())) return caseRef;
  const client = apiClient({ baseUrl: o.server, token: o.token });
  return (await named(`GET /api/cases/by-number/${caseRef}`, client.GET('/api/cases/by-number/{number}', { params: { path: { number: caseRef } } }))).id;
}

/** Asks the platform to package a case and waits until the package is ready. */
export async function requestExport(o: ClientOptions, request: { caseId: string; reason: string; receiver?: string }): Promise<ExportStatus> {
  const body = { reason: request.reason, ...(request.receiver ? { receiver: request.receiver } : {}) };
  const client = apiClient({ baseUrl: o.server, token: o.token });
  let status = await named(`POST /api/cases/${request.caseId}/exports`, client.POST('/api/cases/{id}/exports', { params: { path: { id: request.caseId } }, body }));
  while (status.status === 'building') {
    o.say?.(`packaging: ${percent(status.bytesDone, status.bytesTotal)} of ${status.bytesTotal} bytes`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
    status = await named(`GET /api/exports/${status.exportId}`, client.GET('/api/exports/{id}', { params: { path: { id: status.exportId } } }));
  }
  if (status.status !== 'ready' || !status.sha256 || status.size === null) throw new Error(`the export failed on the platform: ${status.error ?? status.status}`);
  return status;
}

const percent = (done: number, total: number) => `${total > 0 ? Math.floor((done / total) * 100) : 100}%`;

/**
 * Downloads the zip to `file`, resuming with Range after a dropped connection, and checks its size
 * and SHA-256 against the transfer record. A mismatching file is deleted.
 */
export async function downloadPackage(o: ClientOptions, status: ExportStatus, file: string, attempts = 5): Promise<void> {
  const size = status.size!;
  for (let attempt = 1; ; attempt += 1) {
    const have = (await stat(file).catch(() => null))?.size ?? 0;
    if (have === size) break;
    try {
      const { response: res } = await apiClient({ baseUrl: o.server, token: o.token }).GET('/api/exports/{id}/package.zip', {
        params: { path: { id: status.exportId } },
        parseAs: 'stream',
        ...(have > 0 && have < size ? { headers: { range: `bytes=${have}-` } } : {}),
      });
      if (res.status !== 200 && res.status !== 206) throw new Error(`GET ${status.href}: ${res.status}`);
      if (!res.body) throw new Error(`GET ${status.href}: no body`);
      let done = res.status === 206 ? have : 0;
      let last = 0;
      const progress = async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          done += chunk.length;
          if (Date.now() - last > 1000) {
            last = Date.now();
            o.say?.(`downloading: ${percent(done, size)} of ${size} bytes`);
          }
          yield chunk;
        }
      };
      await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), progress, createWriteStream(file, { flags: res.status === 206 ? 'a' : 'w' }));
    } catch (error) {
      if (attempt >= attempts) throw error;
      o.say?.(`download interrupted (${(error as Error).message}); resuming (attempt ${attempt + 1} of ${attempts})`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  const got = await hashFile(file);
  if (got.bytes !== size || got.sha256 !== status.sha256) {
    await rm(file, { force: true });
    throw new Error(`the downloaded package is not the one the platform recorded (SHA-256 ${got.sha256}, expected ${status.sha256})`);
  }
}
