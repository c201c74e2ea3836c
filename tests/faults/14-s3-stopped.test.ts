import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Store, parseS3Endpoint } from '../../core/store/s3';
import { offloadVolume } from '../../dock-agent/offload';
import { bearer, startTestPlatform, type TestPlatform } from '../support/platform';
import { OUTAGE_INSTANCE as instance, lockS3Instance, removeTestBucket, startS3, startS3Gateway, stopS3Gateway, uniqueBucket, type S3TestConfig } from '../support/s3';

const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sm3 = (bytes: Buffer) => createHash('sm3').update(bytes).digest('hex');

// radosgw of its own (shared with s3-outage.test.ts, taken in turns): stopping the shared one
// would break every other file of the run.
let unlock: () => void;
let s3: S3TestConfig;
let store: S3Store;
let p: TestPlatform;
let work: string;
const bucket = uniqueBucket('stopped');
/** When set, the next original streamed into S3 stops the gateway after this many bytes. */
let stopAfter: number | undefined;

beforeAll(async () => {
  unlock = await lockS3Instance(instance);
  s3 = await startS3(instance);
  store = new S3Store({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, bucket });
  await store.ensureReady();
  // The platform's store, with a fault: S3Store.putFile streams through put, which this wraps.
  const faulty = Object.create(store) as S3Store;
  faulty.put = (key, body, size, contentType) => {
    const limit = stopAfter;
    stopAfter = undefined;
    return store.put(key, limit === undefined ? body : Readable.from(stopGatewayAfter(body, limit)), size, contentType);
  };
  p = await startTestPlatform({ listen: true, store: faulty });
  work = await mkdtemp(join(tmpdir(), 'evidence-s3-stopped-'));
});
afterAll(async () => {
  await startS3Gateway(instance);
  await p?.close();
  await rm(work, { recursive: true, force: true });
  try {
    await removeTestBucket(s3, bucket);
  } finally {
    unlock();
  }
});

async function* stopGatewayAfter(body: Readable, limit: number): AsyncGenerator<Buffer> {
  let sent = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    yield chunk;
    sent += chunk.length;
    if (sent >= limit && sent - chunk.length < limit) await stopS3Gateway(instance);
  }
}

describe('S3 stopped while the platform streams an original into it', () => {
  it('the dock is told to retry, nothing is committed or lost, and once S3 is back the file verifies once with the right hashes', async () => {
    const bytes = randomBytes(40 * MiB); // three multipart parts: the gateway dies after the first
    const path = 'DCIM/normal/010203_DSJ1404_20261125093000_0001.mp4';
    const volume = join(work, 'card');
    await mkdir(join(volume, 'DCIM', 'normal'), { recursive: true });
    await writeFile(join(volume, path), bytes);
    const dock = (attempts: number) =>
      offloadVolume(volume, { server: p.url, token: p.stationToken, station: { code: 'ST-S3' }, bay: 1, recorder: { serial: 'DSJ1404' }, utcOffsetMinutes: 480, attempts });

    stopAfter = 20 * MiB;
    const first = await dock(1);
    expect(first.verified).toBe(0);
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0]!.error).toMatch(/^503 Store Unavailable/);
    expect(await p.ownerDb.selectFrom('evidence').select('id').where('device_serial', '=', 'DSJ1404').execute()).toEqual([]);
    const upload = await p.ownerDb.selectFrom('uploads').select(['id', 'state']).where('original_path', '=', path).executeTakeFirstOrThrow();
    expect(upload.state).toBe('receiving');
    // The staged bytes were kept: the server still holds the whole file.
    const status = await p.app.inject({ url: `/ingest/v1/uploads/${upload.id}`, headers: bearer(p.stationToken) });
    expect(status.json()).toMatchObject({ offset: bytes.length });

    await startS3Gateway(instance);
    const second = await dock(3);
    expect(second.failed).toEqual([]);
    expect(second.verified).toBe(1);
    const rows = await p.ownerDb.selectFrom('evidence').select(['id', 'sha256', 'sm3', 'upload_id', 'storage_key']).where('device_serial', '=', 'DSJ1404').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sha256: sha256(bytes), sm3: sm3(bytes), upload_id: upload.id });
    const original = await p.app.inject({ url: `/api/evidence/${rows[0]!.id}/original`, headers: bearer(p.adminToken) });
    expect(original.statusCode).toBe(200);
    expect(sha256(original.rawPayload)).toBe(sha256(bytes));
    const stored: string[] = [];
    for await (const key of store.list('originals/')) stored.push(key);
    expect(stored).toEqual([rows[0]!.storage_key]);
  }, 300_000);
});
