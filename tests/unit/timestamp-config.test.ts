import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../core/timestamp/batcher';
import { readTimestampConfig } from '../../core/timestamp/config';

describe('time-stamping configuration', () => {
  it('defaults to the built-in authority under EVIDENCE_HOME, a batch a minute', () => {
    expect(readTimestampConfig({}, '/srv/evidence')).toEqual({
      authority: { kind: 'built-in', dir: '/srv/evidence/tsa', platformName: 'Evidence platform' },
      policy: undefined,
      intervalMs: 60_000,
      batchMax: 10_000,
      requestTimeoutMs: 30_000,
    });
  });

  it('points at an accredited authority with its trust anchors, policy and timings', () => {
    const config = readTimestampConfig(
      {
        EVIDENCE_TSA_URL: 'https://tsa.example.cn/tsa',
        EVIDENCE_TSA_TRUST_ANCHORS: '/etc/evidence/tsa-roots.pem',
        EVIDENCE_TSA_POLICY: '1.2.156.112559.1.1.3',
        EVIDENCE_TIMESTAMP_INTERVAL_SECONDS: '300',
        EVIDENCE_TIMESTAMP_BATCH_MAX: '500',
        EVIDENCE_TSA_TIMEOUT_SECONDS: '10',
      },
      '/srv/evidence',
    );
    expect(config).toEqual({
      authority: { kind: 'external', url: 'https://tsa.example.cn/tsa', trustAnchorsFile: '/etc/evidence/tsa-roots.pem' },
      policy: '1.2.156.112559.1.1.3',
      intervalMs: 300_000,
      batchMax: 500,
      requestTimeoutMs: 10_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ EVIDENCE_TSA_URL: 'https://tsa.example.cn' }, /EVIDENCE_TSA_TRUST_ANCHORS/],
    [{ EVIDENCE_TSA_TRUST_ANCHORS: '/x.pem' }, /EVIDENCE_TSA_URL is not/],
    [{ EVIDENCE_TSA_URL: 'ftp://tsa', EVIDENCE_TSA_TRUST_ANCHORS: '/x.pem' }, /http\(s\) URL/],
    [{ EVIDENCE_TSA_POLICY: 'gold' }, /OID/],
    [{ EVIDENCE_TSA_POLICY: '1.2.3' }, /for an external authority/],
    [{ EVIDENCE_TIMESTAMP_INTERVAL_SECONDS: '0' }, /above 0/],
    [{ EVIDENCE_TIMESTAMP_BATCH_MAX: '2.5' }, /whole number/],
  ])('refuses %j', (env, message) => {
    expect(() => readTimestampConfig(env, '/srv/evidence')).toThrow(message);
  });
});

describe('retry backoff', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [6, 320_000],
    [7, 600_000],
    [50, 600_000],
  ])('after %i failed attempts waits %i ms', (attempts, ms) => {
    expect(retryDelayMs(attempts)).toBe(ms);
  });
});
