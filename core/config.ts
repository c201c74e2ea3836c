import { resolve, join } from 'node:path';
import { trustedProxies } from './client-address';
import { DEFAULT_LOCK_HORIZON_DAYS } from './object-lock';
import { ConfigError } from './errors';
import { TRANSCODE_POLICIES, type TranscodePolicy } from '../transcode/policy';
import { readTimestampConfig, type TimestampConfig } from './timestamp/config';

/** Everything the services read from the environment, read once at start and frozen. */
export interface Config {
  home: string;
  host: string;
  port: number;
  adminToken: string | undefined;
  database: { kind: 'embedded'; dir: string; port: number } | { kind: 'external'; url: string };
  redis: { kind: 'private'; dir: string; port: number } | { kind: 'external'; url: string };
  store: { kind: 'filesystem'; root: string } | { kind: 's3'; s3: S3Settings };
  /** Partial uploads live here until verified; on the filesystem store it shares the volume so commit is a rename. */
  stagingDir: string;
  /** Largest single file the ingest accepts, in bytes. */
  maxFileBytes: number;
  ingest: Readonly<IngestPolicy>;
  logLevel: string;
  /** EVIDENCE_METRICS_TOKEN: the bearer token /metrics wants; unset, /metrics answers loopback peers only. */
  metricsToken: string | undefined;
  /** EVIDENCE_SHUTDOWN_GRACE_SECONDS: how long a stop waits for in-flight uploads and running jobs. */
  shutdownGraceMs: number;
  transcode: {
    /** Scratch space for transcoding (a copy of the original and the derivatives being made). */
    workDir: string;
    /** Recordings at least this long also get HLS. */
    hlsMinSeconds: number;
    concurrency: number;
    /** A job whose worker stops renewing its lock this long is handed to another worker. */
    lockSeconds: number;
    /** EVIDENCE_HWACCEL: the H.264 encoder's accelerator (probed at worker start; software when it fails). */
    hwaccel: Hwaccel;
    /** Recordings at least this long (that need encoding) are transcoded in chunks of about chunkSeconds by several workers. */
    chunks: { minSeconds: number; chunkSeconds: number };
    /** EVIDENCE_TRANSCODE_POLICY: when the H.264 rendition is made (transcode/policy.ts decideTranscodeEagerness). */
    policy: TranscodePolicy;
  };
  /** Redis key prefix of the job queues, so several platforms can share one Redis. */
  queuePrefix: string;
  timestamps: Readonly<TimestampConfig>;
  /** How often signed checkpoints of the audit and custody chains are written to the store. */
  checkpointIntervalMs: number;
  /** Peers (addresses, CIDRs) whose X-Forwarded-For is believed; empty: nobody's. */
  trustedProxies: readonly string[];
  /** Where browsers reach the platform (EVIDENCE_PUBLIC_URL), when set. */
  publicUrl: string | undefined;
  /** Session cookie with Secure: the public URL is https, or EVIDENCE_SECURE_COOKIES=1. */
  secureCookies: boolean;
  /** Strict-Transport-Security: only when the public URL is https. */
  hsts: boolean;
  /** The fixity scrub: read rate of a pass (bytes/s, 0 no limit) and how often each object is re-read (0: no scheduled passes). */
  fixity: { bytesPerSecond: number; intervalMs: number };
  /** Object lock: how far ahead a permanent original is retained (the scrub extends it when half has passed). */
  objectLockHorizonDays: number;
  /** Days between a disposal request's approval and its run (it can be cancelled until then); 0: at the next run of the task. */
  retentionGraceDays: number;
  /** EVIDENCE_WEBHOOK_ALLOW_PRIVATE=1: webhook receivers on loopback and private networks are allowed. */
  webhookAllowPrivate: boolean;
  /** EVIDENCE_ENCRYPTION (sm4 or aes) with its master key file; null: objects are stored in the clear. */
  encryption: EncryptionConfig | null;
  /** Supervision figures: EVIDENCE_ONTIME_HOURS (a recording received later after its end is late), EVIDENCE_UNLINKED_DAYS (footage without a case after this long). */
  supervision: SupervisionPolicy;
}

export interface SupervisionPolicy {
  onTimeHours: number;
  unlinkedDays: number;
}

export interface EncryptionConfig {
  cipher: 'sm4' | 'aes';
  /** EVIDENCE_MASTER_KEY_FILE, else EVIDENCE_HOME/keys/master.key. */
  masterKeyFile: string;
  /** Only the default file is generated on first start; a named file must exist. */
  generateMasterKey: boolean;
}

/** How the ingest treats uploads nobody finishes, and its staging space. */
export interface IngestPolicy {
  /** A dock silent this long (or whose token was revoked) may lose its upload to another dock. */
  uploadLeaseMs: number;
  /** A partial nobody resumed for this long is deleted from staging. */
  abandonedUploadMs: number;
  /** Below this much free staging space, /api/health reports degraded. */
  stagingMinFreeBytes: number;
}

export interface S3Settings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  /** EVIDENCE_S3_OBJECT_LOCK=1: the bucket must have object lock (created with it when missing). */
  objectLock: boolean;
}

export { ConfigError };

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): Readonly<Config> {
  const home = resolve(env.EVIDENCE_HOME ?? '.evidence');
  const s3 = readS3(env);
  const publicUrl = readPublicUrl(env);
  const https = publicUrl?.startsWith('https:') ?? false;
  return Object.freeze({
    home,
    host: env.EVIDENCE_HOST ?? '127.0.0.1',
    port: integer(env, 'EVIDENCE_PORT', 8080),
    adminToken: env.EVIDENCE_ADMIN_TOKEN || undefined,
    database: env.DATABASE_URL
      ? { kind: 'external' as const, url: env.DATABASE_URL }
      : { kind: 'embedded' as const, dir: join(home, 'postgres'), port: integer(env, 'EVIDENCE_PG_PORT', 54329) },
    redis: env.REDIS_URL
      ? { kind: 'external' as const, url: env.REDIS_URL }
      : { kind: 'private' as const, dir: join(home, 'redis'), port: integer(env, 'EVIDENCE_REDIS_PORT', 63799) },
    store: s3 ? { kind: 's3' as const, s3 } : { kind: 'filesystem' as const, root: join(home, 'objects') },
    stagingDir: env.EVIDENCE_STAGING_DIR ? resolve(env.EVIDENCE_STAGING_DIR) : join(home, 'objects', '.staging'),
    maxFileBytes: integer(env, 'EVIDENCE_MAX_FILE_BYTES', 64 * 1024 ** 3),
    ingest: Object.freeze({
      uploadLeaseMs: integer(env, 'EVIDENCE_UPLOAD_LEASE_MINUTES', 30) * 60_000,
      abandonedUploadMs: integer(env, 'EVIDENCE_ABANDONED_UPLOAD_HOURS', 72) * 3_600_000,
      stagingMinFreeBytes: integer(env, 'EVIDENCE_STAGING_MIN_FREE_MB', 1024) * 1024 ** 2,
    }),
    logLevel: env.EVIDENCE_LOG_LEVEL ?? 'info',
    metricsToken: env.EVIDENCE_METRICS_TOKEN || undefined,
    shutdownGraceMs: integer(env, 'EVIDENCE_SHUTDOWN_GRACE_SECONDS', 30) * 1000,
    transcode: Object.freeze({
      workDir: env.EVIDENCE_WORK_DIR ? resolve(env.EVIDENCE_WORK_DIR) : join(home, 'work'),
      hlsMinSeconds: integer(env, 'EVIDENCE_HLS_MIN_SECONDS', 300),
      concurrency: integer(env, 'EVIDENCE_WORKER_CONCURRENCY', 1),
      lockSeconds: integer(env, 'EVIDENCE_JOB_LOCK_SECONDS', 30),
      hwaccel: readHwaccel(env),
      chunks: Object.freeze({ minSeconds: integer(env, 'EVIDENCE_TRANSCODE_CHUNK_MIN_SECONDS', 600), chunkSeconds: integer(env, 'EVIDENCE_TRANSCODE_CHUNK_SECONDS', 120) }),
      policy: readTranscodePolicy(env),
    }),
    queuePrefix: env.EVIDENCE_QUEUE_PREFIX ?? 'evidence',
    timestamps: readTimestampConfig(env, home),
    checkpointIntervalMs: integer(env, 'EVIDENCE_CHECKPOINT_SECONDS', 60) * 1000,
    trustedProxies: readTrustedProxies(env),
    publicUrl,
    secureCookies: https || flag(env, 'EVIDENCE_SECURE_COOKIES'),
    hsts: https,
    fixity: Object.freeze({
      bytesPerSecond: integer(env, 'EVIDENCE_FIXITY_MB_PER_S', 20) * 1_000_000,
      intervalMs: integer(env, 'EVIDENCE_FIXITY_INTERVAL_HOURS', 168) * 3_600_000,
    }),
    objectLockHorizonDays: readHorizonDays(env),
    retentionGraceDays: integer(env, 'EVIDENCE_RETENTION_GRACE_DAYS', 7),
    webhookAllowPrivate: flag(env, 'EVIDENCE_WEBHOOK_ALLOW_PRIVATE'),
    encryption: readEncryption(env, home),
    supervision: Object.freeze({ onTimeHours: integer(env, 'EVIDENCE_ONTIME_HOURS', 24), unlinkedDays: integer(env, 'EVIDENCE_UNLINKED_DAYS', 7) }),
  });
}

/** EVIDENCE_HWACCEL: which accelerator encodes H.264 (none: libx264 on the CPU); transcode/hwaccel.ts builds its arguments. */
export const HWACCELS = ['none', 'vaapi', 'qsv', 'nvenc'] as const;
export type Hwaccel = (typeof HWACCELS)[number];

function readHwaccel(env: Env): Hwaccel {
  const value = env.EVIDENCE_HWACCEL || 'none';
  if (!(HWACCELS as readonly string[]).includes(value)) throw new ConfigError(`EVIDENCE_HWACCEL must be ${HWACCELS.join(', ')}, got "${value}"`);
  return value as Hwaccel;
}

function readEncryption(env: Env, home: string): EncryptionConfig | null {
  const cipher = env.EVIDENCE_ENCRYPTION ?? '';
  if (cipher === '' || cipher === 'none') return null;
  if (cipher !== 'sm4' && cipher !== 'aes') throw new ConfigError(`EVIDENCE_ENCRYPTION must be sm4, aes or none, got "${cipher}"`);
  const file = env.EVIDENCE_MASTER_KEY_FILE;
  return Object.freeze({ cipher, masterKeyFile: file ? resolve(file) : join(home, 'keys', 'master.key'), generateMasterKey: !file });
}

function readTrustedProxies(env: Env): readonly string[] {
  const list = Object.freeze((env.EVIDENCE_TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
  try {
    trustedProxies(list);
  } catch (error) {
    throw new ConfigError(`EVIDENCE_TRUSTED_PROXIES must list IP addresses or CIDRs, separated by commas: ${(error as Error).message}`);
  }
  return list;
}

function readPublicUrl(env: Env): string | undefined {
  const raw = env.EVIDENCE_PUBLIC_URL;
  if (!raw) return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new ConfigError(`EVIDENCE_PUBLIC_URL must be an http(s) URL, got "${raw}"`);
  return url.href;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}

function readS3(env: Env): S3Settings | undefined {
  if (!env.S3_ENDPOINT) return undefined;
  const missing = ['S3_ACCESS_KEY', 'S3_SECRET_KEY'].filter((name) => !env[name]);
  if (missing.length > 0) throw new ConfigError(`S3_ENDPOINT is set but ${missing.join(' and ')} is not`);
  return {
    endpoint: env.S3_ENDPOINT,
    accessKey: env.S3_ACCESS_KEY!,
    secretKey: env.S3_SECRET_KEY!,
    region: env.S3_REGION ?? 'us-east-1',
    bucket: env.S3_BUCKET ?? 'evidence',
    objectLock: flag(env, 'EVIDENCE_S3_OBJECT_LOCK'),
  };
}

function readHorizonDays(env: Env): number {
  const days = integer(env, 'EVIDENCE_OBJECT_LOCK_HORIZON_DAYS', DEFAULT_LOCK_HORIZON_DAYS);
  if (days === 0) throw new ConfigError('EVIDENCE_OBJECT_LOCK_HORIZON_DAYS must be at least 1');
  return days;
}

function readTranscodePolicy(env: Env): TranscodePolicy {
  const raw = env.EVIDENCE_TRANSCODE_POLICY || 'smart';
  if (!(TRANSCODE_POLICIES as readonly string[]).includes(raw)) throw new ConfigError(`EVIDENCE_TRANSCODE_POLICY must be one of ${TRANSCODE_POLICIES.join(', ')}, got "${raw}"`);
  return raw as TranscodePolicy;
}

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  return value;
}
