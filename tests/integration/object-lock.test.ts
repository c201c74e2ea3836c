import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runFixityPass } from '../../core/fixity';
import { ObjectRetainedError } from '../../core/store/port';
import { S3Store, parseS3Endpoint } from '../../core/store/s3';
import { digests } from '../support/dock-calls';
import { bearer, usePlatform } from '../support/platform';
import { removeTestBucket, uniqueBucket } from '../support/s3';

// Ingest on an S3 bucket with object lock: the store itself refuses to delete evidence early.
// A horizon of seconds (not ten years) so that the test bucket can be emptied afterwards.
const HORIZON_S = 6;
const horizonDays = HORIZON_S / 86_400;
const bucket = uniqueBucket('ingest-lock');
const s3 = inject('s3');
const store = new S3Store({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, bucket, objectLock: true });
const p = usePlatform({ store, server: { objectLockHorizonDays: horizonDays } });
/** The latest retention set by the test, to wait for before emptying the bucket. */
let lastRetainUntil = new Date();

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastRetainUntil.getTime() - Date.now()) + 1500));
  await removeTestBucket(s3, bucket);
});

let serial = 0;
async function ingest(metadata: { important?: boolean; recordedAt?: string }) {
  const call = (method: 'POST' | 'PATCH', url: string, body: object | Buffer, headers: Record<string, string> = {}) =>
    p.app.inject({ method, url, headers: { ...bearer(p.stationToken), ...headers }, ...(Buffer.isBuffer(body) ? { body } : { payload: body }) });
  const bytes = randomBytes(2000);
  const session = (await call('POST', '/ingest/v1/sessions', { station: { code: 'ST-LOCK' }, bay: 1, recorder: { serial: `LOCK${++serial}` } })).json().sessionId;
  const upload = await call('POST', `/ingest/v1/sessions/${session}/files`, { pathBase64: Buffer.from(`DCIM/${serial}.mp4`).toString('base64'), size: bytes.length, metadata });
  const { uploadId } = upload.json();
  expect((await call('PATCH', `/ingest/v1/uploads/${uploadId}`, bytes, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' })).statusCode).toBe(200);
  const done = await call('POST', `/ingest/v1/uploads/${uploadId}/complete`, digests(bytes));
  expect(done.statusCode, done.body).toBe(200);
  const row = await p.db.selectFrom('evidence').select(['id', 'storage_key']).where('id', '=', done.json().evidenceId).executeTakeFirstOrThrow();
  return { evidenceId: row.id, key: row.storage_key };
}

describe('object lock on ingest', () => {
  it('an important recording is retained a horizon ahead: the store refuses to delete it', async () => {
    const before = Date.now();
    const { key } = await ingest({ important: true });
    const { retainUntil, legalHold } = await store.objectLock!.state(key);
    expect(legalHold).toBe(false);
    expect(retainUntil!.getTime()).toBeGreaterThanOrEqual(before + HORIZON_S * 1000);
    expect(retainUntil!.getTime()).toBeLessThanOrEqual(Date.now() + HORIZON_S * 1000);
    lastRetainUntil = retainUntil!;
    await expect(store.delete(key)).rejects.toThrow(ObjectRetainedError);
    expect(await store.stat(key)).toEqual({ size: 2000 });
  });

  it('an ordinary recording is retained 180 days from its recorder time', async () => {
    const recordedAt = new Date(Date.now() - 180 * 86_400_000 + 5000);
    recordedAt.setMilliseconds(0);
    const { key } = await ingest({ recordedAt: recordedAt.toISOString() });
    const { retainUntil } = await store.objectLock!.state(key);
    expect(retainUntil).toEqual(new Date(recordedAt.getTime() + 180 * 86_400_000));
    if (retainUntil! > lastRetainUntil) lastRetainUntil = retainUntil!;
    await expect(store.delete(key)).rejects.toThrow(ObjectRetainedError);
  });

  it('a recording already past six months is not locked (the store cannot lock into the past)', async () => {
    const { key } = await ingest({ recordedAt: new Date(Date.now() - 2 * 365 * 86_400_000).toISOString() });
    expect(await store.objectLock!.state(key)).toEqual({ retainUntil: null, legalHold: false });
  });

  it('a hold sets the legal hold on the original, its release clears it', async () => {
    const { evidenceId, key } = await ingest({ recordedAt: new Date(Date.now() - 2 * 365 * 86_400_000).toISOString() });
    const admin = (method: 'POST' | 'DELETE', url: string, payload: object) => p.app.inject({ method, url, headers: bearer(p.adminToken), payload });
    const hold = await admin('POST', '/api/holds', { evidenceId, reason: '信访复查' });
    expect(hold.statusCode, hold.body).toBe(201);
    expect(await store.objectLock!.state(key)).toEqual({ retainUntil: null, legalHold: true });
    await expect(store.delete(key)).rejects.toThrow(ObjectRetainedError);
    expect((await admin('DELETE', `/api/holds/${hold.json().id}`, { reason: '复查结束' })).statusCode).toBe(200);
    expect(await store.objectLock!.state(key)).toEqual({ retainUntil: null, legalHold: false });
  });

  it('linking a recording to an open case extends its lock a horizon ahead', async () => {
    const recordedAt = new Date(Date.now() - 180 * 86_400_000 + 2000);
    const { evidenceId, key } = await ingest({ recordedAt: recordedAt.toISOString() });
    const before = (await store.objectLock!.state(key)).retainUntil!;
    const admin = (url: string, payload: object) => p.app.inject({ method: 'POST', url, headers: bearer(p.adminToken), payload });
    const unit = (await admin('/api/units', { code: `LOCK-${Date.now()}`, name: '锁定测试所' })).json().id;
    const kase = await admin('/api/cases', { number: `AJ-LOCK-${Date.now()}`, title: '锁定测试', unitId: unit });
    expect(kase.statusCode, kase.body).toBe(201);
    expect((await admin(`/api/cases/${kase.json().id}/evidence`, { evidenceId })).statusCode).toBe(200);
    const after = (await store.objectLock!.state(key)).retainUntil!;
    expect(after.getTime()).toBeGreaterThan(before.getTime() + (HORIZON_S - 3) * 1000);
    if (after > lastRetainUntil) lastRetainUntil = after;
  });

  it('the fixity scrub pushes a permanent lock a horizon ahead once less than half of it is left', async () => {
    const { key } = await ingest({ important: true });
    const first = (await store.objectLock!.state(key)).retainUntil!;
    // the same horizon: more than half left, nothing changes
    const sameHorizon = await runFixityPass({ db: p.db, store, now: () => new Date(), bytesPerSecond: 0, objectLockHorizonDays: horizonDays }, { trigger: 'manual', requestedBy: 'test' });
    expect(sameHorizon.started && (await sameHorizon.done).error).toBeNull();
    expect((await store.objectLock!.state(key)).retainUntil).toEqual(first);
    // a horizon three times as long: less than half of it left, so extended to a full one
    const longer = horizonDays * 3;
    const before = Date.now();
    const pass = await runFixityPass({ db: p.db, store, now: () => new Date(), bytesPerSecond: 0, objectLockHorizonDays: longer }, { trigger: 'manual', requestedBy: 'test' });
    expect(pass.started && (await pass.done)).toMatchObject({ error: null, failures: 0 });
    const extended = (await store.objectLock!.state(key)).retainUntil!;
    expect(extended.getTime()).toBeGreaterThanOrEqual(before + 3 * HORIZON_S * 1000);
    lastRetainUntil = extended;
  });
});
