import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { startFileServer } from './file-server';

/** Range requests of 4 MiB, one after the other, as a player reads a file. */
export const RANGE = 4 * 1024 * 1024;

export interface Bench {
  url: string;
  token: string;
  /** The server's database (evidence rows, storage keys). */
  db: { query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };
}

export interface Docked {
  evidenceId: string;
  storageKey: string;
  size: number;
  sha256: string;
}

/** Docks `bytes` through the offload protocol as one original. */
export async function dockOriginal(bench: Bench, bytes: Buffer<ArrayBuffer>, serial: string): Promise<Docked> {
  const call = async (method: string, path: string, body: object) => {
    const res = await fetch(bench.url + path, { method, headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, string>>;
  };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const session = await call('POST', '/ingest/v1/sessions', { station: { code: 'BENCH' }, bay: 1, recorder: { serial } });
  const upload = await call('POST', `/ingest/v1/sessions/${session.sessionId}/files`, { pathBase64: Buffer.from(`${serial}.mp4`).toString('base64'), size: bytes.length });
  const patched = await fetch(`${bench.url}/ingest/v1/uploads/${upload.uploadId}`, { method: 'PATCH', headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: bytes });
  if (!patched.ok) throw new Error(`PATCH upload: ${patched.status} ${await patched.text()}`);
  const done = await call('POST', `/ingest/v1/uploads/${upload.uploadId}/complete`, { sha256, sm3: createHash('sm3').update(bytes).digest('hex') });
  const { rows } = await bench.db.query('select storage_key from evidence where id = $1', [done.evidenceId]);
  return { evidenceId: done.evidenceId!, storageKey: rows[0]!.storage_key as string, size: bytes.length, sha256 };
}

/**
 * Waits (up to a minute) until the transcode each dock queued has given up on the bench's random
 * bytes: reads that start at once would share the server with that job, and so measure it too.
 */
export async function transcodesSettled(bench: Bench, files: Docked[]): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const { rows } = await bench.db.query(`select count(*)::int as busy from evidence where id = any($1) and playback_state in ('queued', 'processing')`, [files.map((f) => f.evidenceId)]);
    if (rows[0]!.busy === 0) return;
  }
}

/** Makes the stored object of `bytes` the MP4 derivative of `of` (as a transcode would have): its path for getDerivative. */
export async function asDerivative(bench: Bench, of: Docked, bytes: Docked): Promise<string> {
  await bench.db.query(
    `insert into derivatives (evidence_id, kind, name, storage_key, size, sha256, mime_type, source_sha256) values ($1, 'mp4', 'video.mp4', $2, $3, $4, 'video/mp4', $5)`,
    [of.evidenceId, bytes.storageKey, bytes.size, bytes.sha256, of.sha256],
  );
  return `/api/evidence/${of.evidenceId}/derivatives/mp4/video.mp4`;
}

/** MB/s of `read`, which hashes the bytes as they arrive; throws unless they are the bytes of `sha256`. */
export async function timed(label: string, size: number, sha256: string, read: (hash: (chunk: Uint8Array) => void) => Promise<void>): Promise<number> {
  const hash = createHash('sha256');
  const t0 = performance.now();
  await read((chunk) => hash.update(chunk));
  const seconds = (performance.now() - t0) / 1000;
  if (hash.digest('hex') !== sha256) throw new Error(`${label}: the bytes read are not the file`);
  return size / 1e6 / seconds;
}

/**
 * Reads `path` over HTTP in 4 MiB Range requests one after the other on one kept-alive connection,
 * the bytes hashed as they arrive (like the disk read below). node:http, not fetch: fetch's web
 * streams cost the client more CPU than the server spends, and the server is what is measured.
 */
export function rangeRead(bench: Bench, path: string, file: { size: number; sha256: string }): Promise<number> {
  return rangeReadUrl(bench.url + path, { authorization: `Bearer ${bench.token}` }, file);
}

/** rangeRead of any URL (the bare file server of file-server.ts: the same client, the same cost to it). */
export function rangeReadUrl(url: string, headers: Record<string, string>, file: { size: number; sha256: string }): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return timed(url, file.size, file.sha256, async (hash) => {
    for (let start = 0; start < file.size; start += RANGE) {
      const range = `bytes=${start}-${Math.min(start + RANGE, file.size) - 1}`;
      await new Promise<void>((resolve, reject) => {
        http.get(url, { agent, headers: { ...headers, range } }, (res) => {
          if (res.statusCode !== 206) reject(new Error(`${url} ${range}: ${res.statusCode}`));
          res.on('data', hash).on('end', resolve).on('error', reject);
        }).on('error', reject);
      });
    }
  }).finally(() => agent.destroy());
}

/**
 * The best MB/s of each read over `rounds` rounds, the reads taking turns within a round: on a
 * shared machine a burst of other work then slows one round of every read, not every round of one.
 */
export async function bestOfRounds<K extends string>(rounds: number, reads: Record<K, () => Promise<number>>): Promise<Record<K, number>> {
  const best = Object.fromEntries(Object.keys(reads).map((k) => [k, 0])) as Record<K, number>;
  for (let round = 0; round < rounds; round++) {
    for (const [k, read] of Object.entries(reads) as [K, () => Promise<number>][]) best[k] = Math.max(best[k], await read());
  }
  return best;
}

/** Reads a file from disk (1 MiB reads), hashed the same way. */
export function diskRead(path: string, file: { size: number; sha256: string }): Promise<number> {
  return timed(path, file.size, file.sha256, async (hash) => {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash(chunk as Buffer);
  });
}

/** `label  X MB/s  [extra]  ratio Yx` (the ratio to `baseline` MB/s measured in the same run). */
export function rangeLine(label: string, mbps: number, baseline?: number, extra = ''): string {
  const ratio = baseline === undefined ? '' : `${extra}  ratio ${(mbps / baseline).toFixed(2)}x`;
  return `${label.padEnd(56)} ${mbps.toFixed(0).padStart(5)} MB/s${ratio}`;
}

/**
 * bench:api's Range line: a 256 MiB original docked into the filesystem store under `objects`, read
 * back in 4 MiB Range requests through the platform, against the same stored file served from disk
 * by a bare node:http server (file-server.ts) to the same client, and read from disk in-process;
 * best of 3 rounds taking turns. The ratio is to the bare server: the client's cost of receiving
 * over a socket (on the same cores) is then on both sides, and what is left is the platform's.
 */
export async function rangeAgainstDisk(bench: Bench, objects: string, mib = 256): Promise<string> {
  const original = await dockOriginal(bench, randomBytes(mib * 1024 * 1024), 'DSJRANGE');
  await transcodesSettled(bench, [original]);
  const bare = await startFileServer(objects);
  try {
    const best = await bestOfRounds(3, {
      http: () => rangeRead(bench, `/api/evidence/${original.evidenceId}/original`, original),
      bare: () => rangeReadUrl(`${bare.url}/${original.storageKey}`, {}, original),
      disk: () => diskRead(join(objects, original.storageKey), original),
    });
    return `Range streaming of a ${mib} MiB original, 4 MiB ranges over HTTP: ${best.http.toFixed(0)} MB/s; the same file served from disk by a bare node:http server to the same client: ${best.bare.toFixed(0)} MB/s; read from disk in-process: ${best.disk.toFixed(0)} MB/s (ratio ${(best.http / best.disk).toFixed(2)}x); all hash the bytes (SHA-256), best of 3; ratio ${(best.http / best.bare).toFixed(2)}x`;
  } finally {
    await bare.stop();
  }
}
