import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from 'minio';
import { parseS3Endpoint } from '../../core/store/s3';

/** Connection settings of a running test S3 server (scripts/s3-server.sh). */
export interface S3TestConfig {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestConfig;
  }
}

/**
 * Which server: the defaults are the shared one that global setup starts. A test that
 * breaks its server on purpose runs its own, so other files running in parallel are unaffected.
 */
export interface S3Instance {
  dir?: string;
  port?: number;
  monPort?: number;
}

/**
 * The private server of the tests that stop or freeze radosgw on purpose (one instance, taken in
 * turns through lockS3Instance, since starting a Ceph cluster per file would cost minutes).
 */
export const OUTAGE_INSTANCE = { dir: join(tmpdir(), 'evidence-s3-outage'), port: 9010, monPort: 6791 };

const script = fileURLToPath(new URL('../../scripts/s3-server.sh', import.meta.url));

async function runScript(command: string, instance: S3Instance): Promise<string> {
  const env = { ...process.env };
  if (instance.dir) env.S3_DIR = instance.dir;
  if (instance.port) env.S3_PORT = String(instance.port);
  if (instance.monPort) env.S3_MON_PORT = String(instance.monPort);
  try {
    const { stdout } = await promisify(execFile)('bash', [script, command], { env });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`scripts/s3-server.sh ${command} failed: ${stderr.trim() || (err as Error).message}`, { cause: err });
  }
}

/** Starts the server if it is not running (installing Ceph when missing) and returns its settings. */
export async function startS3(instance: S3Instance = {}): Promise<S3TestConfig> {
  const out = await runScript('start', instance);
  const vars = new Map(out.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  const get = (name: string) => {
    const value = vars.get(name);
    if (!value) throw new Error(`scripts/s3-server.sh start printed no ${name}:\n${out}`);
    return value;
  };
  return { endpoint: get('S3_ENDPOINT'), accessKey: get('S3_ACCESS_KEY'), secretKey: get('S3_SECRET_KEY'), region: get('S3_REGION') };
}

/** Kills radosgw only (like a crash); the cluster behind it keeps its data. */
export async function stopS3Gateway(instance: S3Instance = {}): Promise<void> {
  await runScript('stop-gateway', instance);
}

/** Brings radosgw back after stopS3Gateway (start restarts just the gateway when that is all that is down). */
export async function startS3Gateway(instance: S3Instance = {}): Promise<void> {
  await startS3(instance);
}

/**
 * Exclusive use of an instance for tests that break it on purpose, so that vitest runs in
 * parallel on one machine take turns. A child `flock` holds the lock; it is released by the
 * returned function, or by the kernel when this process dies.
 */
export async function lockS3Instance(instance: S3Instance & { dir: string }): Promise<() => void> {
  const holder = spawn('flock', [`${instance.dir}.tests.lock`, 'sh', '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`flock on ${instance.dir}.tests.lock exited with ${code}`)));
  });
  return () => holder.stdin.end(); // cat ends, flock exits, the lock is free
}

/** Freezes radosgw (SIGSTOP): connections are accepted but never answered. Returns the thaw. */
export async function pauseS3Gateway(instance: S3Instance & { dir: string }): Promise<() => void> {
  const pid = Number(await readFile(join(instance.dir, 'run', 'client.rgw.pid'), 'utf8'));
  process.kill(pid, 'SIGSTOP');
  return () => process.kill(pid, 'SIGCONT');
}

/** A bucket name no other test or run uses. */
export function uniqueBucket(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Removes a test bucket with everything in it, unfinished multipart uploads included. */
export async function removeTestBucket(config: S3TestConfig, bucket: string): Promise<void> {
  const client = new Client({ ...parseS3Endpoint(config.endpoint), accessKey: config.accessKey, secretKey: config.secretKey, region: config.region });
  // Every version (a bucket with object lock is versioned); unversioned objects list as version "null".
  const versions: { name: string; versionId?: string }[] = [];
  for await (const item of client.listObjects(bucket, '', true, { IncludeVersion: true })) {
    if (item.name) versions.push(item.versionId ? { name: item.name, versionId: item.versionId } : { name: item.name });
  }
  if (versions.length > 0) await client.removeObjects(bucket, versions);
  const unfinished: string[] = [];
  for await (const upload of client.listIncompleteUploads(bucket, '', true)) unfinished.push(upload.key);
  for (const key of unfinished) await client.removeIncompleteUpload(bucket, key);
  await client.removeBucket(bucket);
}

/** Every object of a test bucket as it lies in the store (what a leaked bucket would give away). */
export async function* storedObjects(config: S3TestConfig, bucket: string): AsyncGenerator<{ key: string; bytes: Buffer }> {
  const client = new Client({ ...parseS3Endpoint(config.endpoint), accessKey: config.accessKey, secretKey: config.secretKey, region: config.region });
  for await (const item of client.listObjectsV2(bucket, '', true)) {
    if (!item.name) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of await client.getObject(bucket, item.name)) chunks.push(chunk as Buffer);
    yield { key: item.name, bytes: Buffer.concat(chunks) };
  }
}
