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

const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sm3 = (bytes: Buffer) => createHash('sm3').update(bytes).digest('hex');

// The database (and its tokens) of a test platform; the server under test is `evidence up`, a real process.
let p: TestPlatform;
let work: string;
let env: Record<string, string>;
let url: string;
let server: EvidenceProcess | undefined;

beforeAll(async () => {
  p = await startTestPlatform();
  work = await mkdtemp(join(tmpdir(), 'evidence-kill-'));
  await chmod(work, 0o755);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = {
    EVIDENCE_HOME: join(work, 'home'),
    EVIDENCE_PORT: String(port),
    DATABASE_URL: p.databaseUrl,
    REDIS_URL: inject('redisUrl'),
    EVIDENCE_QUEUE_PREFIX: `kill-${port}`,
    EVIDENCE_ADMIN_TOKEN: p.adminToken,
    EVIDENCE_LOG_LEVEL: 'warn',
  };
});
afterAll(async () => {
  await server?.stop();
  await p.close();
  await rm(work, { recursive: true, force: true });
});

const up = () => startEvidence(['up'], env, 'listening on');

async function call(method: string, path: string, body?: object) {
  const res = await fetch(`${url}${path}`, { method, headers: { ...bearer(p.stationToken), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('kill -9 of the server mid-upload', () => {
  it('after a restart the dock resumes the same upload from the staged offset; the file ends verified exactly once with the right hashes', async () => {
    server = await up();
    const bytes = randomBytes(6 * MiB);
    const path = 'DCIM/normal/010203_DSJ1402_20261125093000_0001.mp4';
    const session = await call('POST', '/ingest/v1/sessions', { station: { code: 'ST-K' }, bay: 1, recorder: { serial: 'DSJ1402' } });
    expect(session.status).toBe(201);
    const announced = await call('POST', `/ingest/v1/sessions/${session.body.sessionId}/files`, { pathBase64: Buffer.from(path).toString('base64'), size: bytes.length });
    const uploadId = announced.body.uploadId as string;

    hangingPatch(url, p.stationToken, uploadId, bytes.subarray(0, 2 * MiB), bytes.length);
    for (let staged = 0; staged < 2 * MiB; ) staged = Number((await call('GET', `/ingest/v1/uploads/${uploadId}`)).body.offset);
    await server.kill();

    server = await up();
    const volume = join(work, 'card');
    await mkdir(join(volume, 'DCIM', 'normal'), { recursive: true });
    await writeFile(join(volume, path), bytes);
    const resumedAt = await call('POST', `/ingest/v1/sessions/${session.body.sessionId}/files`, { pathBase64: Buffer.from(path).toString('base64'), size: bytes.length });
    expect(resumedAt.body).toMatchObject({ uploadId, offset: 2 * MiB }); // nothing staged was lost
    const summary = await offloadVolume(volume, { server: url, token: p.stationToken, station: { code: 'ST-K' }, bay: 1, recorder: { serial: 'DSJ1402' }, utcOffsetMinutes: 480 });
    expect(summary.failed).toEqual([]);
    expect(summary.verified).toBe(1);

    const rows = await p.ownerDb.selectFrom('evidence').select(['id', 'sha256', 'sm3', 'upload_id']).where('device_serial', '=', 'DSJ1402').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sha256: sha256(bytes), sm3: sm3(bytes), upload_id: uploadId });
    const original = await fetch(`${url}/api/evidence/${rows[0]!.id}/original`, { headers: bearer(p.adminToken) });
    expect(original.status).toBe(200);
    expect(sha256(Buffer.from(await original.arrayBuffer()))).toBe(sha256(bytes));
  }, 120_000);
});
