import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { offloadVolume } from '../../dock-agent/offload';
import { bearer, startTestPlatform, type TestPlatform } from '../support/platform';
import { startEvidence, type EvidenceProcess } from '../support/evidence-process';
import { freePort } from '../support/free-port';
import { hangingPatch } from '../support/dock-calls';
import { removeTestBucket, uniqueBucket } from '../support/s3';

/**
 * Two `evidence up` replicas on one database, one Redis, one S3 bucket and one shared staging
 * volume (compose.yaml): either serves any request of any upload, one at a time.
 */

const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sm3 = (bytes: Buffer) => createHash('sm3').update(bytes).digest('hex');

let p: TestPlatform;
let work: string;
const bucket = uniqueBucket('replicas');
const replicas: { url: string; env: Record<string, string>; process?: EvidenceProcess }[] = [];

beforeAll(async () => {
  p = await startTestPlatform();
  work = await mkdtemp(join(tmpdir(), 'evidence-replicas-'));
  await chmod(work, 0o755);
  const s3 = inject('s3');
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    replicas.push({
      url: `http://127.0.0.1:${port}`,
      env: {
        // One volume for both, as compose mounts it: the staging folder and the platform's keys.
        EVIDENCE_HOME: join(work, 'shared'),
        EVIDENCE_PORT: String(port),
        DATABASE_URL: p.databaseUrl,
        REDIS_URL: inject('redisUrl'),
        EVIDENCE_QUEUE_PREFIX: `replicas-${process.pid}`,
        EVIDENCE_ADMIN_TOKEN: p.adminToken,
        EVIDENCE_LOG_LEVEL: 'warn',
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY: s3.accessKey,
        S3_SECRET_KEY: s3.secretKey,
        S3_REGION: s3.region,
        S3_BUCKET: bucket,
      },
    });
  }
  // One after the other: the first start creates the shared keys the second then reads.
  for (const replica of replicas) replica.process = await startEvidence(['up'], replica.env, 'listening on');
}, 120_000);
afterAll(async () => {
  for (const replica of replicas) await replica.process?.stop();
  await removeTestBucket(inject('s3'), bucket).catch(() => {});
  await p.close();
  await rm(work, { recursive: true, force: true });
});

async function call(url: string, method: string, path: string, body?: object) {
  const res = await fetch(`${url}${path}`, { method, headers: { ...bearer(p.stationToken), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('two API replicas, one killed mid-upload', () => {
  it('the other refuses a second writer while the first holds the upload, then finishes the dock\'s upload: verified once, right hashes', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const bytes = randomBytes(6 * MiB);
    const path = 'DCIM/normal/010203_DSJ1701_20261125093000_0001.mp4';
    const station = { code: 'ST-R' };
    const session = await call(a.url, 'POST', '/ingest/v1/sessions', { station, bay: 1, recorder: { serial: 'DSJ1701' } });
    expect(session.status).toBe(201);
    const announced = await call(a.url, 'POST', `/ingest/v1/sessions/${session.body.sessionId}/files`, { pathBase64: Buffer.from(path).toString('base64'), size: bytes.length });
    const uploadId = announced.body.uploadId as string;

    hangingPatch(a.url, p.stationToken, uploadId, bytes.subarray(0, 2 * MiB), bytes.length);
    // Replica b sees what replica a staged...
    for (let staged = 0; staged < 2 * MiB; ) staged = Number((await call(b.url, 'GET', `/ingest/v1/uploads/${uploadId}`)).body.offset);
    // ...and will not let a second writer in while a's request runs.
    const second = await fetch(`${b.url}/ingest/v1/uploads/${uploadId}`, {
      method: 'PATCH',
      headers: { ...bearer(p.stationToken), 'content-type': 'application/offset+octet-stream', 'upload-offset': String(2 * MiB) },
      body: bytes.subarray(2 * MiB),
    });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ title: 'Upload Busy', retryable: true });

    await a.process!.kill();

    // The dock comes back through replica b: it resumes from what a staged, waiting out a's hold.
    const volume = join(work, 'card');
    await mkdir(join(volume, 'DCIM', 'normal'), { recursive: true });
    await writeFile(join(volume, path), bytes);
    const resumed = await call(b.url, 'POST', `/ingest/v1/sessions/${session.body.sessionId}/files`, { pathBase64: Buffer.from(path).toString('base64'), size: bytes.length });
    expect(resumed.body).toMatchObject({ uploadId, offset: 2 * MiB });
    const summary = await offloadVolume(volume, { server: b.url, token: p.stationToken, station, bay: 1, recorder: { serial: 'DSJ1701' }, utcOffsetMinutes: 480, attempts: 10 });
    expect(summary.failed).toEqual([]);
    expect(summary.verified).toBe(1);

    const rows = await p.ownerDb.selectFrom('evidence').select(['id', 'sha256', 'sm3', 'upload_id']).where('device_serial', '=', 'DSJ1701').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sha256: sha256(bytes), sm3: sm3(bytes), upload_id: uploadId });
    const verified = await p.ownerDb.selectFrom('custody_events').select('seq').where('evidence_id', '=', rows[0]!.id).where('action', '=', 'ingest.verified').execute();
    expect(verified).toHaveLength(1);
    const original = await fetch(`${b.url}/api/evidence/${rows[0]!.id}/original`, { headers: bearer(p.adminToken) });
    expect(original.status).toBe(200);
    expect(sha256(Buffer.from(await original.arrayBuffer()))).toBe(sha256(bytes));
  }, 180_000);
});
