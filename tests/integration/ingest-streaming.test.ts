import { randomBytes, randomUUID } from 'node:crypto';
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
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
 * A store that copies every byte (S3, encrypted or not) receives an upload's bytes
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
      db: p.db, store: p.store, staging: diskStaging(join(p.dir, 'staging'), p.store), maxFileBytes: 1024 ** 3, log: { info() {}, warn() {} },
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

describe('ingest into S3 encrypted with SM4-CTR', () => {
  const bucket = uniqueBucket('streaming-sm4');
  const home = join(tmpdir(), `streaming-${randomUUID()}`);
  const s3 = () => inject('s3');
  afterAll(() => removeTestBucket(s3(), bucket));
  const p = usePlatform({
    store: async (db) => {
      await mkdir(home, { recursive: true });
      await writeFile(join(home, 'master.key'), randomBytes(32));
      const env = { S3_ENDPOINT: s3().endpoint, S3_ACCESS_KEY: s3().accessKey, S3_SECRET_KEY: s3().secretKey, S3_REGION: s3().region, S3_BUCKET: bucket };
      return openStore(readConfig({ EVIDENCE_HOME: home, EVIDENCE_ENCRYPTION: 'sm4', EVIDENCE_MASTER_KEY_FILE: join(home, 'master.key'), ...env }), db);
    },
  });
  streamsWhileArriving(p, 'S3SM4');
});

/**
 * Encryption on the filesystem store: the upload is staged sealed (the header of the object it
 * will become, then ciphertext), so no plaintext lies on the staging disk and complete is a rename.
 */
describe('ingest into the filesystem store encrypted with SM4-CTR', () => {
  const home = join(tmpdir(), `streaming-${randomUUID()}`);
  const p = usePlatform({
    store: async (db) => {
      await mkdir(home, { recursive: true });
      await writeFile(join(home, 'master.key'), randomBytes(32));
      return openStore(readConfig({ EVIDENCE_HOME: home, EVIDENCE_ENCRYPTION: 'sm4', EVIDENCE_MASTER_KEY_FILE: join(home, 'master.key') }), db);
    },
  });
  const dock = () => dockCalls(p.app, p.stationToken, 'SM4S');
  const partial = (uploadId: string) => join(p.dir, 'staging', uploadId);
  const announce = async (serial: string, size: number) => {
    const announced = await dock().announce(serial, 'DCIM/normal/a.mp4', size);
    expect(announced.statusCode, announced.body).toBe(200);
    return announced.json().uploadId as string;
  };
  const dataKeys = async () => (await p.db.selectFrom('data_keys').select('key_id').execute()).length;

  it('stages ciphertext only, resumes at an odd offset, and complete moves the staged file into the store', async () => {
    const bytes = randomBytes(SIZE);
    const uploadId = await announce('SM4S-1', SIZE);
    const cut = 1_000_003;
    expect((await dock().send(uploadId, 0, bytes.subarray(0, cut))).json()).toMatchObject({ offset: cut });
    expect((await dock().status(uploadId)).json()).toMatchObject({ offset: cut });
    expect((await dock().send(uploadId, cut, bytes.subarray(cut))).json()).toMatchObject({ offset: SIZE });

    const staged = await readFile(partial(uploadId));
    expect(staged.length).toBe(SIZE + 64);
    expect(staged.includes(bytes.subarray(cut - 16, cut + 16))).toBe(false);
    expect(await p.store.stat(`originals/${uploadId}`)).toBeNull(); // not copied while arriving: complete moves it
    const { ino } = await stat(partial(uploadId));

    const done = await dock().complete(uploadId, bytes);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ duplicate: false, ...digests(bytes) });
    expect(await exists(partial(uploadId))).toBe(false);
    expect((await stat(join(home, 'objects', 'originals', uploadId))).ino).toBe(ino);
    const original = await p.app.inject({ url: `/api/evidence/${done.json().evidenceId}/original`, headers: bearer(p.adminToken) });
    expect(original.rawPayload.equals(bytes)).toBe(true);
  });

  it('a wrong declared hash refuses the file, deletes the staged file and forgets its data key', async () => {
    const bytes = randomBytes(100_003);
    const before = await dataKeys();
    const uploadId = await announce('SM4S-2', bytes.length);
    expect((await dock().send(uploadId, 0, bytes)).statusCode).toBe(200);
    expect(await dataKeys()).toBe(before + 1);
    expect((await dock().complete(uploadId, randomBytes(10))).statusCode).toBe(422);
    expect(await exists(partial(uploadId))).toBe(false);
    expect(await p.store.stat(`originals/${uploadId}`)).toBeNull();
    expect(await dataKeys()).toBe(before);
  });
});
