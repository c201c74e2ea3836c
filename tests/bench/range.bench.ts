/**
 * npm run bench:range — an original (256 MiB) and a derivative (64 MiB) docked into a platform
 * (`evidence up`, its own process) on the filesystem store and on S3 (Ceph RGW, started by
 * scripts/s3-server.sh), read back over HTTP in 4 MiB Range requests one after the other, the
 * bytes hashed as they arrive; against the same stored file read from disk (S3: the same object
 * read from the S3 server directly, in the same ranges) in the same run. Then the filesystem store
 * with SM4-CTR and AES-256-CTR at rest, for information. `--mib N` sets the original's size.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'minio';
import pg from 'pg';
import { parseS3Endpoint } from '../../core/store/s3';
import { removeTestBucket, startS3 } from '../support/s3';
import { RANGE, asDerivative, diskRead, dockOriginal, rangeLine, rangeRead, timed, type Bench, type Docked } from './range-read';
import { startServer } from './server';

const mibFlag = process.argv.indexOf('--mib');
const SIZE = (mibFlag > 0 ? Number(process.argv[mibFlag + 1]) : 256) * 1024 * 1024;
const DERIVATIVE = SIZE / 4;
const original = randomBytes(SIZE);
const derivative = randomBytes(DERIVATIVE);

const work = await mkdtemp(join(tmpdir(), 'bench-range-'));
await chmod(work, 0o755); // the embedded PostgreSQL runs as the postgres user

interface Measured {
  original: { http: number; baseline: number };
  derivative?: { http: number; baseline: number };
}

/** Docks the original and reads it over HTTP; with a `baseline`, the same for a derivative, and each read by `baseline` too. */
async function measure(label: string, port: number, env: Record<string, string>, baseline?: (home: string, file: Docked) => Promise<number>): Promise<Measured> {
  const home = join(work, label);
  const server = await startServer(home, port, env);
  const db = new pg.Client({ connectionString: `postgres://evidence:evidence-local@127.0.0.1:${port + 1}/postgres` });
  await db.connect();
  try {
    const bench: Bench = { url: server.url, token: server.token, db };
    const docked = await dockOriginal(bench, original, `DSJ${label}`);
    const http = await rangeRead(bench, `/api/evidence/${docked.evidenceId}/original`, docked);
    if (!baseline) return { original: { http, baseline: Number.NaN } };
    const measured: Measured = { original: { http, baseline: await baseline(home, docked) } };
    const bytes = await dockOriginal(bench, derivative, `DSJ${label}D`);
    const path = await asDerivative(bench, docked, bytes);
    return { ...measured, derivative: { http: await rangeRead(bench, path, bytes), baseline: await baseline(home, bytes) } };
  } finally {
    await db.end();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
}

const fromDisk = (home: string, file: Docked) => diskRead(join(home, 'objects', file.storageKey), file);

try {
  const s3config = await startS3();
  const bucket = `bench-range-${Date.now()}`;
  const s3 = new Client({ ...parseS3Endpoint(s3config.endpoint), accessKey: s3config.accessKey, secretKey: s3config.secretKey, region: s3config.region });
  /** The S3 counterpart of the disk: the same object read from the server with the minio client, in the same 4 MiB ranges. */
  const fromS3 = (_home: string, file: Docked) =>
    timed(`S3 ${file.storageKey}`, file.size, file.sha256, async (hash) => {
      for (let start = 0; start < file.size; start += RANGE) {
        for await (const chunk of await s3.getPartialObject(bucket, file.storageKey, start, Math.min(RANGE, file.size - start))) hash(chunk as Buffer);
      }
    });
  const s3env = { S3_ENDPOINT: s3config.endpoint, S3_ACCESS_KEY: s3config.accessKey, S3_SECRET_KEY: s3config.secretKey, S3_REGION: s3config.region, S3_BUCKET: bucket };

  const fs = await measure('fs', 19400, {}, fromDisk);
  const onS3 = await measure('s3', 19430, s3env, fromS3).finally(() => removeTestBucket(s3config, bucket).catch(() => {})); // no bucket when the server failed to start
  // Stored encrypted, the file on disk is ciphertext: these compare with the clear original's disk read.
  const sm4 = await measure('sm4', 19410, { EVIDENCE_ENCRYPTION: 'sm4' });
  const aes = await measure('aes', 19420, { EVIDENCE_ENCRYPTION: 'aes' });

  const mib = (n: number) => `${n / 1024 / 1024} MiB`;
  console.log(`\nRange streaming, ${mib(RANGE)} ranges one after the other over HTTP, the bytes hashed (SHA-256) as they arrive;`);
  console.log('ratio: to the same stored file read from disk (S3: the same object read from the S3 server directly), same run');
  console.log(rangeLine(`filesystem: original (${mib(SIZE)}) read from disk`, fs.original.baseline));
  console.log(rangeLine('filesystem: original over HTTP', fs.original.http, fs.original.baseline));
  console.log(rangeLine(`filesystem: derivative (${mib(DERIVATIVE)}) read from disk`, fs.derivative!.baseline));
  console.log(rangeLine('filesystem: derivative over HTTP', fs.derivative!.http, fs.derivative!.baseline));
  console.log(rangeLine('S3 (Ceph RGW): original read directly, 4 MiB ranges', onS3.original.baseline));
  console.log(rangeLine('S3: original over HTTP', onS3.original.http, onS3.original.baseline));
  console.log(rangeLine('S3: derivative read directly, 4 MiB ranges', onS3.derivative!.baseline));
  console.log(rangeLine('S3: derivative over HTTP', onS3.derivative!.http, onS3.derivative!.baseline));
  // Encryption at rest, for information: the cipher bounds it (SM4 is software-only in OpenSSL).
  const cost = (r: number) => `  cost ${((1 - r / fs.original.http) * 100).toFixed(0)}% of the clear`;
  console.log(rangeLine('filesystem, SM4-CTR at rest: original over HTTP', sm4.original.http, fs.original.baseline, cost(sm4.original.http)));
  console.log(rangeLine('filesystem, AES-256-CTR at rest: original over HTTP', aes.original.http, fs.original.baseline, cost(aes.original.http)));
  console.log('\ngoal: Range reads of originals and derivatives at least 0.8x the same file read from disk');
} finally {
  await rm(work, { recursive: true, force: true });
}
