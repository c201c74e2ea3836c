/**
 * npm run bench:range — a 256 MiB original docked through the protocol into a platform (`evidence up`,
 * its own process, filesystem store) in the clear, with SM4-CTR and with AES-256-CTR at rest, read
 * back over HTTP in 4 MiB Range requests; against reading the stored file from disk, in the same run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server';

const SIZE = 256 * 1024 * 1024;
const RANGE = 4 * 1024 * 1024;
const bytes = randomBytes(SIZE);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const mb = SIZE / 1e6;

const work = await mkdtemp(join(tmpdir(), 'bench-range-'));
await chmod(work, 0o755); // the embedded PostgreSQL runs as the postgres user

/** Docks the original, then times reading it back in Range requests (SHA-256 of the bytes included). */
async function rangeStreaming(label: string, port: number, env: Record<string, string>): Promise<{ mbps: number; home: string }> {
  const home = join(work, label);
  const server = await startServer(home, port, env);
  try {
    const call = async (method: string, path: string, body?: object) => {
      const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, string>>;
    };
    const session = await call('POST', '/ingest/v1/sessions', { station: { code: 'BENCH' }, bay: 1, recorder: { serial: 'DSJBIG' } });
    const upload = await call('POST', `/ingest/v1/sessions/${session.sessionId}/files`, { pathBase64: Buffer.from('big.mp4').toString('base64'), size: SIZE });
    await fetch(`${server.url}/ingest/v1/uploads/${upload.uploadId}`, { method: 'PATCH', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: bytes });
    const done = await call('POST', `/ingest/v1/uploads/${upload.uploadId}/complete`, { sha256, sm3: createHash('sm3').update(bytes).digest('hex') });

    const t0 = performance.now();
    const hash = createHash('sha256');
    for (let start = 0; start < SIZE; start += RANGE) {
      const res = await fetch(`${server.url}/api/evidence/${done.evidenceId}/original`, { headers: { authorization: `Bearer ${server.token}`, range: `bytes=${start}-${start + RANGE - 1}` } });
      hash.update(Buffer.from(await res.arrayBuffer()));
    }
    const seconds = (performance.now() - t0) / 1000;
    if (hash.digest('hex') !== sha256) throw new Error(`${label}: Range reads did not reassemble the original`);
    return { mbps: mb / seconds, home };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
}

try {
  const clear = await rangeStreaming('clear', 18900, {});
  const sm4 = await rangeStreaming('sm4', 18910, { EVIDENCE_ENCRYPTION: 'sm4' });
  const aes = await rangeStreaming('aes', 18920, { EVIDENCE_ENCRYPTION: 'aes' });

  const originals = join(clear.home, 'objects', 'originals');
  const [stored] = (await readdir(originals, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const t1 = performance.now();
  const diskHash = createHash('sha256');
  for await (const c of createReadStream(join(stored!.parentPath, stored!.name), { highWaterMark: 1 << 20 })) diskHash.update(c as Buffer);
  const diskMbps = mb / ((performance.now() - t1) / 1000);

  const line = (name: string, mbps: number, extra = '') => console.log(`${name.padEnd(40)} ${mbps.toFixed(0).padStart(5)} MB/s  ratio to disk ${(mbps / diskMbps).toFixed(2)}x${extra}`);
  console.log('\nRange streaming of a 256 MiB original, 4 MiB ranges over HTTP (all include SHA-256 of the bytes):');
  line('the stored file read from disk', diskMbps);
  line('in the clear', clear.mbps);
  line('SM4-CTR at rest', sm4.mbps, `  cost ${((1 - sm4.mbps / clear.mbps) * 100).toFixed(0)}% of the clear`);
  line('AES-256-CTR at rest', aes.mbps, `  cost ${((1 - aes.mbps / clear.mbps) * 100).toFixed(0)}% of the clear`);
} finally {
  await rm(work, { recursive: true, force: true });
}
