import { join, resolve } from 'node:path';
import { ConfigError } from '../errors';

/** Time-stamping settings, read once at start (to be merged into core/config.ts). */
export interface TimestampConfig {
  /**
   * The platform's own authority (key and certificates under `dir`, made on first start with
   * `platformName` in their names), or an external one over HTTP(S).
   */
  authority: { kind: 'built-in'; dir: string; platformName: string } | { kind: 'external'; url: string; trustAnchorsFile: string };
  /** TSA policy OID to request and insist on; unset accepts the authority's default policy. */
  policy: string | undefined;
  /** How often the files received since the last batch are time-stamped together. */
  intervalMs: number;
  /** A batch never holds more files than this; this many waiting files start a batch early. */
  batchMax: number;
  /** How long one request to the authority may take. */
  requestTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

export function readTimestampConfig(env: Env, home: string): Readonly<TimestampConfig> {
  const url = env.EVIDENCE_TSA_URL || undefined;
  const anchors = env.EVIDENCE_TSA_TRUST_ANCHORS || undefined;
  if (url && !/^https?:\/\//i.test(url)) throw new ConfigError(`EVIDENCE_TSA_URL must be an http(s) URL, got "${url}"`);
  if (url && !anchors) {
    throw new ConfigError('EVIDENCE_TSA_URL is set but EVIDENCE_TSA_TRUST_ANCHORS (a PEM file with the authority\'s root certificate) is not');
  }
  if (!url && anchors) throw new ConfigError('EVIDENCE_TSA_TRUST_ANCHORS is set but EVIDENCE_TSA_URL is not');
  const policy = env.EVIDENCE_TSA_POLICY || undefined;
  if (policy && !/^[0-2](\.(0|[1-9][0-9]*))+$/.test(policy)) throw new ConfigError(`EVIDENCE_TSA_POLICY must be an OID such as 1.2.3.4, got "${policy}"`);
  if (policy && !url) throw new ConfigError('EVIDENCE_TSA_POLICY is for an external authority (EVIDENCE_TSA_URL); the built-in one has a fixed policy');
  return Object.freeze({
    authority: url ? { kind: 'external' as const, url, trustAnchorsFile: resolve(anchors!) } : { kind: 'built-in' as const, dir: join(home, 'tsa'), platformName: env.EVIDENCE_PLATFORM_NAME || 'Evidence platform' },
    policy,
    intervalMs: positive(env, 'EVIDENCE_TIMESTAMP_INTERVAL_SECONDS', 60) * 1000,
    batchMax: positive(env, 'EVIDENCE_TIMESTAMP_BATCH_MAX', 10_000),
    requestTimeoutMs: positive(env, 'EVIDENCE_TSA_TIMEOUT_SECONDS', 30) * 1000,
  });
}

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`${name} must be a whole number above 0, got "${raw}"`);
  return value;
}
