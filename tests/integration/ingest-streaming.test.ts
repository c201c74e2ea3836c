import { randomBytes, randomUUID } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readConfig } from '../../core/config';
import { openStore } from '../../core/store/factory';
import { S3Store, parseS3Endpoint } from '../../core/store/s3';
import { diskStaging } from '../../ingest/staging';
import { IngestService } from '../../ingest/service';
import { dockCalls, digests } from '../support/dock-calls';
import { bearer, usePlatform, type TestPlatform } from '../support/platform';
import { removeTestBucket, uniqueBucket } from '../support/s3';

/** Over one S3 part (16 MiB), not a multiple of the cipher block. */
const SIZE = 17 * 1024 * 1024 + 5;
const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * A store that copies every byte (S3, or any store behind encryption) receives an upload's bytes
 * while they arrive: the original is there when the last byte is, and complete only commits.
 */
function streamsWhileArriving(p: TestPlatform, station: string) {
  const dock = () => dockCalls(p.app, p.stationToken, station);
  const send = async (serial: string, bytes: Buffer) => {
    const announced = await dock().announce(serial, 'DCIM/normal/a.mp4', bytes.length);
    expect(announced.statusCode, announced.body).toBe(200);
    const uploadId = announced.json().uploadId as string;
    const sent = await dock().send(uploadId, 0, bytes);
    expect(sent.statusCode, sent.body).toBe(200);
    return uploadId;
  };
  const partial = (uploadId: string) => join(p.dir, 'staging', uploadId);

  it('holds the original in the store once the last byte has arrived; complete commits it and it reads back exactly', async () => {
    const bytes = randomBytes(SIZE);
    const uploadId = await send(`${station}-1`, bytes);
    expect(await p.store.stat(`originals/${uploadId}`)).toEqual({ size: SIZE });
    expect(await exists(partial(uploadId))).toBe(false); // no second copy waits in staging
    expect((await dock().status(uploadId)).json()).toMatchObject({ offset: SIZE, state: 'receiving' });
    expect((await dock().send(uploadId, SIZE, Buffer.alloc(0))).json()).toMatchObject({ offset: SIZE }); // a repeated last request changes nothing

    const done = await dock().complete(uploadId, bytes);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ duplicate: false, ...digests(bytes) });
    const original = await p.app.inject({ url: `/api/evidence/${done.json().evidenceId}/original`, headers: bearer(p.adminToken) });
    expect(original.rawPayload.equals(bytes)).toBe(true);
  });

  it('a wrong declared hash still refuses the file and removes what the store took', async () => {
    const bytes = randomBytes(100_003);
    const uploadId = await send(`${station}-2`, bytes);
    const refused = await dock().complete(uploadId, randomBytes(10));
    expect(refused.statusCode).toBe(422);
    expect(await p.store.stat(`originals/${uploadId}`)).toBeNull();
  });

  it('a dock that never completes: after the lease the sweep removes the stored original and the file starts over from 0', async () => {
    const bytes = randomBytes(200_001);
    const uploadId = await send(`${station}-3`, bytes);
    const sweeper = new IngestService({
      db: p.db, store: p.store, staging: diskStaging(join(p.dir, 'staging')), maxFileBytes: 1024 ** 3, log: { info() {}, warn() {} },
      policy: { uploadLeaseMs: 3600_000, abandonedUploadMs: 72 * 3600_000 }, now: () => new Date(Date.now() + 2 * 3600_000),
    });
    expect(await sweeper.sweepOriginals()).toMatchObject({ removed: 1 });
    expect(await p.store.stat(`originals/${uploadId}`)).toBeNull();
    expect((await dock().status(uploadId)).json()).toMatchObject({ offset: 0 });
    expect((await dock().complete(uploadId, bytes)).statusCode).toBe(409); // never a commit without the bytes

    expect((await dock().send(uploadId, 0, bytes)).statusCode).toBe(200);
    const done = await dock().complete(uploadId, bytes);
    expect(done.statusCode, done.body).toBe(200);
    const original = await p.app.inject({ url: `/api/evidence/${done.json().evidenceId}/original`, headers: bearer(p.adminToken) });
    expect(original.rawPayload.equals(bytes)).toBe(true);
  });
}

describe('ingest into S3', () => {
  const bucket = uniqueBucket('streaming');
  const s3 = () => inject('s3');
  afterAll(() => removeTestBucket(s3(), bucket));
  const p = usePlatform({ store: async () => new S3Store({ ...parseS3Endpoint(s3().endpoint), accessKey: s3().accessKey, secretKey: s3().secretKey, region: s3().region, bucket }) });
  streamsWhileArriving(p, 'S3S');
});

describe('ingest into the filesystem store encrypted with SM4-CTR', () => {
  const home = join(tmpdir(), `streaming-${randomUUID()}`);
  const p = usePlatform({
    store: async (db) => {
      await mkdir(home, { recursive: true });
      await writeFile(join(home, 'master.key'), randomBytes(32));
      return openStore(readConfig({ EVIDENCE_HOME: home, EVIDENCE_ENCRYPTION: 'sm4', EVIDENCE_MASTER_KEY_FILE: join(home, 'master.key') }), db);
    },
  });
  streamsWhileArriving(p, 'SM4S');
});
