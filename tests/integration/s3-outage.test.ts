import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../core/store/port';
import { S3Store, parseS3Endpoint } from '../../core/store/s3';
import { OUTAGE_INSTANCE, lockS3Instance, pauseS3Gateway, removeTestBucket, startS3, startS3Gateway, stopS3Gateway, uniqueBucket } from '../support/s3';
import type { S3TestConfig } from '../support/s3';
import { bearer, startTestPlatform } from '../support/platform';

const MiB = 1024 * 1024;

async function keys(store: S3Store): Promise<string[]> {
  const found: string[] = [];
  for await (const key of store.list('')) found.push(key);
  return found;
}

// A server of its own, since killing the shared gateway would break test files running in
// parallel; locked, since other vitest runs on this machine may run this file at the same time.
const instance = OUTAGE_INSTANCE;

describe('S3Store when radosgw goes away', () => {
  let unlock: () => void;
  let s3: S3TestConfig;
  let store: S3Store;
  const bucket = uniqueBucket('outage');

  beforeAll(async () => {
    unlock = await lockS3Instance(instance);
    s3 = await startS3(instance);
    store = new S3Store({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, bucket });
    // Created before any kill: the first bucket creation after one waits ~10 s for the dead
    // radosgw's watches to expire.
    await store.ensureReady();
  });
  afterEach(async () => {
    await startS3Gateway(instance); // whatever a test broke, the gateway is back
  });
  afterAll(async () => {
    try {
      await removeTestBucket(s3, bucket);
    } finally {
      unlock();
    }
    // Both servers are left running, like the shared one: stopping radosgw so soon after a
    // kill waits out the dead one's watches (~10 s), and so would the next run's bucket.
  });

  it('rejects a put in flight with StoreUnavailableError, leaves no object, and works again after restart', async () => {
    async function* body() {
      yield randomBytes(20 * MiB); // the first 16 MiB part goes up...
      await stopS3Gateway(instance); // ...then the gateway dies mid-upload
      yield randomBytes(28 * MiB);
    }
    const failure = await store.put('originals/interrupted', Readable.from(body()), 48 * MiB).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toContain(`127.0.0.1:${instance.port}`);

    await startS3Gateway(instance);
    expect(await store.stat('originals/interrupted')).toBeNull();
    expect(await keys(store)).not.toContain('originals/interrupted');

    const bytes = randomBytes(20 * MiB);
    await store.put('originals/after-restart', Readable.from([bytes]), bytes.length);
    expect(await store.stat('originals/after-restart')).toEqual({ size: bytes.length });
  });

  it('fails every call with StoreUnavailableError naming the endpoint while the gateway is down', async () => {
    await stopS3Gateway(instance);
    const endpoint = `127.0.0.1:${instance.port}`;
    await expect(store.ensureReady()).rejects.toThrow(StoreUnavailableError);
    await expect(store.ensureReady()).rejects.toThrow(endpoint);
    await expect(store.put('originals/x', Readable.from([randomBytes(100)]), 100)).rejects.toThrow(StoreUnavailableError);
    await expect(store.stat('originals/x')).rejects.toThrow(StoreUnavailableError);
    await expect(store.get('originals/x')).rejects.toThrow(StoreUnavailableError);
    await expect(store.get('originals/x', { start: 0, end: 9 })).rejects.toThrow(StoreUnavailableError);
  });

  it('gives up on a gateway that accepts connections but never answers', async () => {
    const impatient = new S3Store({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, bucket, idleTimeoutMs: 1000 });
    const thaw = await pauseS3Gateway(instance);
    try {
      await expect(impatient.stat('originals/x')).rejects.toThrow(/unavailable: no traffic for 1000 ms/);
    } finally {
      thaw();
    }
  });

  it('fails a download cut off midway with StoreUnavailableError', async () => {
    // far more than the kernel buffers on loopback, so the cut lands mid-object
    const size = 64 * MiB;
    await store.put('originals/download', Readable.from([randomBytes(size)]), size);
    const download = (await store.get('originals/download'))[Symbol.asyncIterator]();
    await download.next();
    await stopS3Gateway(instance);
    const drain = async () => {
      while (!(await download.next()).done);
    };
    await expect(drain()).rejects.toThrow(StoreUnavailableError);
  });

  it('ingest: docking into S3 works, an S3 outage at commit is a clear 503 with nothing committed, and the same upload completes later', async () => {
    const platform = await startTestPlatform({ store });
    try {
      const h = bearer(platform.stationToken);
      const call = (method: 'POST' | 'PATCH', url: string, body: object | Buffer, extra: Record<string, string> = {}) =>
        platform.app.inject({ method, url, headers: { ...h, ...extra }, ...(Buffer.isBuffer(body) ? { body } : { payload: body }) });
      const bytes = randomBytes(3 * MiB);
      const digests = { sha256: createHash('sha256').update(bytes).digest('hex'), sm3: createHash('sm3').update(bytes).digest('hex') };
      const session = (await call('POST', '/ingest/v1/sessions', { station: { code: 'S3' }, bay: 1, recorder: { serial: 'R-S3' } })).json().sessionId;
      const upload = (await call('POST', `/ingest/v1/sessions/${session}/files`, { pathBase64: Buffer.from('DCIM/s3.mp4').toString('base64'), size: bytes.length })).json().uploadId;
      expect((await call('PATCH', `/ingest/v1/uploads/${upload}`, bytes, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' })).statusCode).toBe(200);

      await stopS3Gateway(instance);
      const refused = await call('POST', `/ingest/v1/uploads/${upload}/complete`, digests);
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ title: 'Store Unavailable', retryable: true });
      expect(refused.json().detail).toMatch(/nothing was committed/);
      expect(await platform.db.selectFrom('evidence').select('id').execute()).toEqual([]);

      await startS3Gateway(instance);
      const done = await call('POST', `/ingest/v1/uploads/${upload}/complete`, digests);
      expect(done.statusCode, done.body).toBe(200);
      const original = await platform.app.inject({ url: `/api/evidence/${done.json().evidenceId}/original`, headers: bearer(platform.adminToken) });
      expect(createHash('sha256').update(original.rawPayload).digest('hex')).toBe(digests.sha256);
    } finally {
      await platform.close();
    }
  });
});
