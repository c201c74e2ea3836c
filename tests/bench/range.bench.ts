/**
 * npm run bench:range — an original (256 MiB) and a derivative (64 MiB) docked into a platform
 * (`evidence up`, its own process) on the filesystem store and on S3 (Ceph RGW, started by
 * scripts/s3-server.sh), read back over HTTP in 4 MiB Range requests one after the other, the
 * bytes hashed as they arrive; against the same stored file served from disk by a bare node:http
 * server to the same client, and read from disk in-process (S3: the same object read from the S3
 * server directly, in the same ranges), the reads taking turns, best of 3. The same files stored
 * with SM4-CTR and AES-256-CTR at rest (two more platforms) are read in turns with the clear ones.
 * `--mib N` sets the original's size.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'minio';
import pg from 'pg';
import { parseS3Endpoint } from '../../core/store/s3';
import { removeTestBucket, startS3 } from '../support/s3';
import { startFileServer } from './file-server';
import { RANGE, asDerivative, bestOfRounds, diskRead, dockOriginal, rangeLine, rangeRead, rangeReadUrl, timed, transcodesSettled, type Bench, type Docked } from './range-read';
import { startServer } from './server';

const mibFlag = process.argv.indexOf('--mib');
const SIZE = (mibFlag > 0 ? Number(process.argv[mibFlag + 1]) : 256) * 1024 * 1024;
const DERIVATIVE = SIZE / 4;
const original = randomBytes(SIZE);
const derivative = randomBytes(DERIVATIVE);

const work = await mkdtemp(join(tmpdir(), 'bench-range-'));
await chmod(work, 0o755); // the embedded PostgreSQL runs as the postgres user

/** MB/s of each read of one file: over HTTP through the platform, and its baselines. */
type Reads = Record<string, number>;
interface Measured {
  original: Reads;
  derivative: Reads;
}

const ROUNDS = 3;

/** A platform (`evidence up`) with the original and the derivative docked, ready to be read over HTTP. */
interface Platform {
  home: string;
  files: Record<keyof Measured, Docked>;
  /** One read of a file over HTTP in Range requests: MB/s. */
  read: Record<keyof Measured, () => Promise<number>>;
  stop(): Promise<void>;
}

async function platform(label: string, port: number, env: Record<string, string>): Promise<Platform> {
  const home = join(work, label);
  const server = await startServer(home, port, env);
  const db = new pg.Client({ connectionString: `postgres://evidence:evidence-local@127.0.0.1:${port + 1}/postgres` });
  await db.connect();
  const stop = async () => {
    await db.end();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  };
  try {
    const bench: Bench = { url: server.url, token: server.token, db };
    const docked = await dockOriginal(bench, original, `DSJ${label}`);
    const bytes = await dockOriginal(bench, derivative, `DSJ${label}D`);
    const path = await asDerivative(bench, docked, bytes);
    await transcodesSettled(bench, [docked, bytes]);
    return {
      home,
      files: { original: docked, derivative: bytes },
      read: { original: () => rangeRead(bench, `/api/evidence/${docked.evidenceId}/original`, docked), derivative: () => rangeRead(bench, path, bytes) },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Each file read over HTTP from `main`, taking turns with `baselines` (reads of the same stored file
 * without the platform) and with the same file read from the `others` platforms, best of ROUNDS
 * rounds (range-read.ts): every figure of a line comes from the same minutes.
 */
async function measure(
  main: Platform,
  baselines: (home: string, file: Docked) => Record<string, () => Promise<number>>,
  others: Record<string, Platform> = {},
): Promise<Measured> {
  const reads = (kind: keyof Measured) => ({
    http: main.read[kind],
    ...baselines(main.home, main.files[kind]),
    ...Object.fromEntries(Object.entries(others).map(([name, other]) => [name, other.read[kind]])),
  });
  return { original: await bestOfRounds(ROUNDS, reads('original')), derivative: await bestOfRounds(ROUNDS, reads('derivative')) };
}

try {
  const s3config = await startS3();
  const bucket = `bench-range-${Date.now()}`;
  const s3 = new Client({ ...parseS3Endpoint(s3config.endpoint), accessKey: s3config.accessKey, secretKey: s3config.secretKey, region: s3config.region });
  /** The S3 counterpart of the disk: the same object read from the server with the minio client, in the same 4 MiB ranges. */
  const fromS3 = (file: Docked) =>
    timed(`S3 ${file.storageKey}`, file.size, file.sha256, async (hash) => {
      for (let start = 0; start < file.size; start += RANGE) {
        for await (const chunk of await s3.getPartialObject(bucket, file.storageKey, start, Math.min(RANGE, file.size - start))) hash(chunk as Buffer);
      }
    });
  const s3env = { S3_ENDPOINT: s3config.endpoint, S3_ACCESS_KEY: s3config.accessKey, S3_SECRET_KEY: s3config.secretKey, S3_REGION: s3config.region, S3_BUCKET: bucket };

  // The filesystem's baselines: the stored file served by a bare node:http server to the same client
  // (the ratio's: the client's cost of receiving over a socket is on both sides), and read in-process.
  let bare: Awaited<ReturnType<typeof startFileServer>> | undefined;
  const fromDisk = (home: string, file: Docked) => ({
    bare: async () => rangeReadUrl(`${(bare ??= await startFileServer(join(home, 'objects'))).url}/${file.storageKey}`, {}, file),
    disk: () => diskRead(join(home, 'objects', file.storageKey), file),
  });
  // Stored encrypted, the file on disk is ciphertext: those reads compare with the clear reads over HTTP, in turns with them.
  const started: Platform[] = [];
  const start = async (...args: Parameters<typeof platform>) => {
    const running = await platform(...args);
    started.push(running);
    return running;
  };
  const stopAll = async () => {
    for (const running of started.splice(0)) await running.stop();
  };
  let fs: Measured;
  try {
    const [clear, sm4, aes] = [await start('fs', 19400, {}), await start('sm4', 19410, { EVIDENCE_ENCRYPTION: 'sm4' }), await start('aes', 19420, { EVIDENCE_ENCRYPTION: 'aes' })];
    fs = await measure(clear, fromDisk, { sm4, aes });
  } finally {
    await bare?.stop();
    await stopAll();
  }
  let onS3: Measured;
  try {
    onS3 = await measure(await start('s3', 19430, s3env), (_home, file) => ({ direct: () => fromS3(file) }));
  } finally {
    await stopAll();
    await removeTestBucket(s3config, bucket).catch(() => {}); // no bucket when the server failed to start
  }

  const mib = (n: number) => `${n / 1024 / 1024} MiB`;
  console.log(`\nRange streaming, ${mib(RANGE)} ranges one after the other over HTTP, the bytes hashed (SHA-256) as they arrive, best of ${ROUNDS} rounds taking turns;`);
  console.log('ratio: to the same stored file served from disk by a bare node:http server to the same client (S3: the same object read from the S3 server directly), same run');
  for (const kind of ['original', 'derivative'] as const) {
    const size = kind === 'original' ? SIZE : DERIVATIVE;
    const r = fs[kind];
    console.log(rangeLine(`filesystem: ${kind} (${mib(size)}) read from disk in-process`, r.disk!));
    console.log(rangeLine(`filesystem: ${kind} served by a bare node:http server`, r.bare!, r.disk!));
    console.log(rangeLine(`filesystem: ${kind} over HTTP`, r.http!, r.bare!, `  ${(r.http! / r.disk!).toFixed(2)}x of the disk read`));
  }
  for (const kind of ['original', 'derivative'] as const) {
    console.log(rangeLine(`S3 (Ceph RGW): ${kind} read directly, 4 MiB ranges`, onS3[kind].direct!));
    console.log(rangeLine(`S3: ${kind} over HTTP`, onS3[kind].http!, onS3[kind].direct!));
  }
  // Encryption at rest (issue 19 item 4): the cipher bounds it (SM4 is software-only in OpenSSL).
  for (const [label, name] of [['SM4-CTR', 'sm4'], ['AES-256-CTR', 'aes']] as const) {
    for (const kind of ['original', 'derivative'] as const) {
      const { http: clear, bare: baseline, [name]: encrypted } = fs[kind];
      console.log(rangeLine(`filesystem, ${label} at rest: ${kind} over HTTP`, encrypted!, baseline!, `  cost ${((1 - encrypted! / clear!) * 100).toFixed(0)}% of the clear`));
    }
  }
  console.log('\ngoal: Range reads of originals and derivatives at least 0.8x the same file served from disk');
} finally {
  await rm(work, { recursive: true, force: true });
}
