import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { hashFile } from '../core/hashing';

/** What the platform says about one export (docs/export-format.md §HTTP). */
export interface ExportStatus {
  exportId: string;
  status: 'building' | 'ready' | 'failed';
  bytesDone: number;
  bytesTotal: number;
  sha256: string | null;
  size: number | null;
  /** Where the zip is served with Range, relative to the server. */
  href: string;
  error?: string;
}

export interface ClientOptions {
  server: string;
  token: string;
  /** Progress and retry notes for people; the command prints them to stderr. */
  say?: (line: string) => void;
  pollMs?: number;
}

async function call<T = ExportStatus>(o: ClientOptions, method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const res = await fetch(new URL(path, o.server), {
    method,
    headers: { authorization: `Bearer ${o.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) {
    const problem = (() => {
      try {
        return JSON.parse(text) as { title?: string; detail?: string };
      } catch {
        return { title: text.slice(0, 200) };
      }
    })();
    throw new Error(`${method} ${path}: ${res.status} ${problem.title ?? ''}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
  return JSON.parse(text) as T;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id of a case given by id or by its number (anything not shaped like a UUID is a number). */
export async function caseIdOf(o: ClientOptions, caseRef: string): Promise<string> {
  if (UUID.test(caseRef)) return caseRef;
  return (await call<{ id: string }>(o, 'GET', `/api/cases/by-number/${encodeURIComponent(caseRef)}`)).id;
}

/** Asks the platform to package a case and waits until the package is ready. */
export async function requestExport(o: ClientOptions, request: { caseId: string; reason: string; receiver?: string }): Promise<ExportStatus> {
  const body = { reason: request.reason, ...(request.receiver ? { receiver: request.receiver } : {}) };
  let status = await call(o, 'POST', `/api/cases/${encodeURIComponent(request.caseId)}/exports`, body);
  while (status.status === 'building') {
    o.say?.(`packaging: ${percent(status.bytesDone, status.bytesTotal)} of ${status.bytesTotal} bytes`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
    status = await call(o, 'GET', `/api/exports/${encodeURIComponent(status.exportId)}`);
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
      const res = await fetch(new URL(status.href, o.server), {
        headers: { authorization: `Bearer ${o.token}`, ...(have > 0 && have < size ? { range: `bytes=${have}-` } : {}) },
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
