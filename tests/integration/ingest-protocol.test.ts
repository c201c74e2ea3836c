import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../core/chain';
import { offloadVolume } from '../../dock-agent/offload';
import { bearer, startTestPlatform, usePlatform } from '../support/platform';

const digests = (bytes: Buffer) => ({
  sha256: createHash('sha256').update(bytes).digest('hex'),
  sm3: createHash('sm3').update(bytes).digest('hex'),
});

const p = usePlatform({ listen: true });
let serial = 0;


async function call(method: 'GET' | 'POST' | 'PATCH', url: string, body?: object | Buffer, headers: Record<string, string> = {}) {
  const isBytes = Buffer.isBuffer(body);
  return p.app.inject({
    method,
    url,
    headers: { ...bearer(p.stationToken), ...(isBytes ? { 'content-type': 'application/offset+octet-stream' } : {}), ...headers },
    ...(body === undefined ? {} : isBytes ? { body } : { payload: body }),
  });
}

async function openSession(recorderSerial = `REC${++serial}`, bay = 1) {
  const res = await call('POST', '/ingest/v1/sessions', { station: { code: 'ST-1' }, bay, recorder: { serial: recorderSerial, clock: '2026-11-25T01:00:05Z' }, stationClock: '2026-11-25T01:00:00Z' });
  expect(res.statusCode).toBe(201);
  return res.json().sessionId as string;
}

async function createUpload(sessionId: string, path: string | Buffer, size: number, metadata = {}) {
  const raw = Buffer.isBuffer(path) ? path : Buffer.from(path);
  const res = await call('POST', `/ingest/v1/sessions/${sessionId}/files`, { pathBase64: raw.toString('base64'), size, metadata });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { uploadId: string; offset: number };
}

async function sendAll(sessionId: string, path: string | Buffer, bytes: Buffer, declared = digests(bytes)) {
  const { uploadId } = await createUpload(sessionId, path, bytes.length);
  if (bytes.length > 0) {
    const put = await call('PATCH', `/ingest/v1/uploads/${uploadId}`, bytes, { 'upload-offset': '0' });
    expect(put.statusCode, put.body).toBe(200);
  }
  return { uploadId, res: await call('POST', `/ingest/v1/uploads/${uploadId}/complete`, declared) };
}

const evidenceCount = async () => Number((await p.db.selectFrom('evidence').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('offload protocol', () => {
  it('verifies a file, records evidence with custody, and says the dock may purge', async () => {
    const session = await openSession('DSJ7001');
    const bytes = randomBytes(300_000);
    const { res } = await sendAll(session, 'DCIM/normal/010203_DSJ7001_20261125093000_0001.mp4', bytes);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ duplicate: false, mayPurge: true, ...digests(bytes) });

    const item = (await p.app.inject({ url: `/api/evidence/${body.evidenceId}`, headers: bearer(p.adminToken) })).json();
    expect(item).toMatchObject({ size: bytes.length, originalPath: 'DCIM/normal/010203_DSJ7001_20261125093000_0001.mp4', originalName: '010203_DSJ7001_20261125093000_0001.mp4', deviceSerial: 'DSJ7001', clockSkewMs: 5000, state: 'verified' });
    const original = await p.app.inject({ url: `/api/evidence/${body.evidenceId}/original`, headers: bearer(p.adminToken) });
    expect(original.statusCode).toBe(200);
    expect(original.rawPayload.equals(bytes)).toBe(true);
    const custody = (await p.app.inject({ url: `/api/evidence/${body.evidenceId}/custody`, headers: bearer(p.adminToken) })).json();
    expect(custody.items.map((e: { action: string }) => e.action)).toEqual(['ingest.verified', 'original.read']);
    expect(await verifyChain(p.db, 'custody')).toMatchObject({ ok: true });
  });

  it('refuses a wrong declared hash, stores nothing, logs the rejection, and accepts the file sent again', async () => {
    const session = await openSession();
    const bytes = randomBytes(10_000);
    const before = await evidenceCount();
    const wrong = { ...digests(bytes), sha256: createHash('sha256').update('something else').digest('hex') };
    const { uploadId, res } = await sendAll(session, 'a.mp4', bytes, wrong);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ title: 'Hash Mismatch', computed: digests(bytes) });
    expect(await evidenceCount()).toBe(before);
    const upload = await p.db.selectFrom('uploads').select(['state', 'rejection']).where('id', '=', uploadId).executeTakeFirstOrThrow();
    expect(upload.state).toBe('rejected');
    expect(upload.rejection).toMatchObject({ reason: 'hash mismatch' });

    const again = await sendAll(session, 'a.mp4', bytes);
    expect(again.res.statusCode).toBe(200);
    expect(await evidenceCount()).toBe(before + 1);
  });

  it('refuses a chunk at the wrong offset and tells the dock where to continue', async () => {
    const session = await openSession();
    const bytes = randomBytes(2000);
    const { uploadId } = await createUpload(session, 'b.mp4', bytes.length);
    expect((await call('PATCH', `/ingest/v1/uploads/${uploadId}`, bytes.subarray(0, 500), { 'upload-offset': '0' })).statusCode).toBe(200);
    const wrong = await call('PATCH', `/ingest/v1/uploads/${uploadId}`, bytes.subarray(700), { 'upload-offset': '700' });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ title: 'Offset Mismatch', offset: 500 });
    expect((await call('PATCH', `/ingest/v1/uploads/${uploadId}`, bytes.subarray(500), { 'upload-offset': '500' })).statusCode).toBe(200);
    expect((await call('POST', `/ingest/v1/uploads/${uploadId}/complete`, digests(bytes))).statusCode).toBe(200);
  });

  it('refuses more bytes than declared and keeps what it had', async () => {
    const session = await openSession();
    const { uploadId } = await createUpload(session, 'c.mp4', 100);
    const res = await call('PATCH', `/ingest/v1/uploads/${uploadId}`, randomBytes(150), { 'upload-offset': '0' });
    expect(res.statusCode).toBe(413);
    expect((await call('GET', `/ingest/v1/uploads/${uploadId}`)).json().offset).toBe(0);
  });

  it('resumes an upload cut off midway, across a dock restart, without a duplicate', async () => {
    const session = await openSession('DSJ7002');
    const bytes = randomBytes(4 * 1024 * 1024);
    const { uploadId } = await createUpload(session, 'DCIM/long.mp4', bytes.length);
    await cutOffUpload(uploadId, bytes, 1_500_000);
    const held = await settledOffset(uploadId);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(1_500_000);

    // A restarted dock asks for the same file and is handed the same upload and offset.
    const again = await createUpload(session, 'DCIM/long.mp4', bytes.length);
    expect(again).toMatchObject({ uploadId, offset: held });
    expect((await call('PATCH', `/ingest/v1/uploads/${uploadId}`, bytes.subarray(held), { 'upload-offset': String(held) })).statusCode).toBe(200);
    const done = await call('POST', `/ingest/v1/uploads/${uploadId}/complete`, digests(bytes));
    expect(done.statusCode).toBe(200);
    const original = await p.app.inject({ url: `/api/evidence/${done.json().evidenceId}/original`, headers: bearer(p.adminToken) });
    expect(original.rawPayload.equals(bytes)).toBe(true);
  });

  it('makes one piece of evidence when the same file is sent twice at once', async () => {
    // The same recorder docked in two bays at once: two docks race over the same file.
    const volume = await mkdtemp(join(tmpdir(), 'twice-'));
    await mkdir(join(volume, 'DCIM'));
    await writeFile(join(volume, 'DCIM', 'x.mp4'), randomBytes(3_000_000));
    const before = await evidenceCount();
    const dock = (bay: number) =>
      offloadVolume(volume, { server: p.url, token: p.stationToken, station: { code: 'ST-1' }, bay, recorder: { serial: 'DSJ7003' }, utcOffsetMinutes: 480 });
    const [a, b] = await Promise.all([dock(1), dock(2)]);
    expect(a.failed).toEqual([]);
    expect(b.failed).toEqual([]);
    expect(a.results[0]!.evidenceId).toBe(b.results[0]!.evidenceId);
    expect(await evidenceCount()).toBe(before + 1);
    // And docking it again later returns the existing evidence.
    const later = await dock(3);
    expect(later).toMatchObject({ verified: 1, duplicates: 1 });
    expect(later.results[0]!.evidenceId).toBe(a.results[0]!.evidenceId);
    await rm(volume, { recursive: true, force: true });
  });

  it('keeps two files with identical bytes under different names as two pieces of evidence', async () => {
    const session = await openSession();
    const bytes = randomBytes(5000);
    const a = await sendAll(session, 'DCIM/normal/1.mp4', bytes);
    const b = await sendAll(session, 'DCIM/important/1IMP.mp4', bytes);
    expect(a.res.json().evidenceId).not.toBe(b.res.json().evidenceId);
  });

  it('accepts a zero-byte file as evidence', async () => {
    const session = await openSession();
    const { res } = await sendAll(session, 'empty.mp4', Buffer.alloc(0));
    expect(res.statusCode).toBe(200);
    expect(res.json().sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const original = await p.app.inject({ url: `/api/evidence/${res.json().evidenceId}/original`, headers: bearer(p.adminToken) });
    expect(original.statusCode).toBe(200);
    expect(original.rawPayload.length).toBe(0);
  });

  it('keeps hostile names as data; they never become paths or keys', async () => {
    const session = await openSession();
    const names = [
      Buffer.from('../../../../etc/passwd'),
      Buffer.from('DCIM/..%2F..%2Fescape.mp4'),
      Buffer.from('DCIM/ctl\u0001\u001b[31mred\n.mp4'),
      Buffer.concat([Buffer.from('DCIM/'), Buffer.from([0xd6, 0xd8, 0xd2, 0xaa]), Buffer.from('.mp4')]), // "重要" in GBK
      Buffer.from(`DCIM/${'长'.repeat(90)}.mp4`), // 270 bytes of UTF-8
    ];
    const shown: string[] = [];
    for (const [i, name] of names.entries()) {
      const bytes = randomBytes(100 + i);
      const { res } = await sendAll(session, name, bytes);
      expect(res.statusCode, res.body).toBe(200);
      const item = (await p.app.inject({ url: `/api/evidence/${res.json().evidenceId}`, headers: bearer(p.adminToken) })).json();
      shown.push(item.originalPath);
      const stored = await p.db.selectFrom('evidence').select(['original_path_bytes', 'storage_key']).where('id', '=', item.id).executeTakeFirstOrThrow();
      expect(stored.original_path_bytes.equals(name)).toBe(true);
      expect(stored.storage_key).toMatch(/^originals\/[0-9a-f-]{36}$/);
    }
    expect(shown[0]).toBe('../../../../etc/passwd');
    expect(shown[2]).toBe('DCIM/ctl\\x01\\x1b[31mred\\x0a.mp4');
    expect(shown[3]).toBe('DCIM/重要.mp4');
    // Nothing was written outside the store's own key space.
    expect(await readdir(join(p.dir, 'objects'))).toEqual(expect.arrayContaining(['originals']));
    expect((await readdir(join(p.dir, 'objects'))).filter((n) => !n.startsWith('.'))).toEqual(['originals']);
  });

  it('refuses an unknown or revoked token', async () => {
    const unknown = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: bearer('evd_not-a-token'), payload: {} });
    expect(unknown.statusCode).toBe(401);
    const made = await p.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(p.adminToken), payload: { name: 'bay PC', role: 'station' } });
    expect(made.statusCode).toBe(201);
    const { id, token } = made.json();
    const ok = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: bearer(token), payload: { station: { code: 'S' }, bay: 1, recorder: { serial: 'R' } } });
    expect(ok.statusCode).toBe(201);
    expect((await p.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: bearer(p.adminToken) })).statusCode).toBe(204);
    const revoked = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: bearer(token), payload: { station: { code: 'S' }, bay: 1, recorder: { serial: 'R' } } });
    expect(revoked.statusCode).toBe(401);
    expect((await p.app.inject({ url: '/api/evidence', headers: bearer(token) })).statusCode).toBe(401);
    expect((await p.app.inject({ url: '/api/evidence' })).statusCode).toBe(401);
  });

  it('refuses a file over the size limit before any byte is sent', async () => {
    const small = await startTestPlatform({ maxFileBytes: 1000 });
    try {
      const s = await small.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: bearer(small.stationToken), payload: { station: { code: 'S' }, bay: 1, recorder: { serial: 'R' } } });
      const res = await small.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${s.json().sessionId}/files`, headers: bearer(small.stationToken), payload: { pathBase64: 'YQ==', size: 1001 } });
      expect(res.statusCode).toBe(413);
    } finally {
      await small.close();
    }
  });
});

/** Sends `sendBytes` of a larger declared body over a real socket, then drops the connection. */
/** The offset once the server has finished writing what the cut-off request delivered (on a loaded machine that takes a while). */
async function settledOffset(uploadId: string): Promise<number> {
  const offset = async () => (await call('GET', `/ingest/v1/uploads/${uploadId}`)).json().offset as number;
  let last = await offset();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await offset();
    if (now === last) return now;
    last = now;
  }
}

function cutOffUpload(uploadId: string, bytes: Buffer, sendBytes: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${p.url}/ingest/v1/uploads/${uploadId}`, {
      method: 'PATCH',
      headers: { ...bearer(p.stationToken), 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'content-length': String(bytes.length) },
    });
    req.on('error', () => resolve());
    req.write(bytes.subarray(0, sendBytes), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
  });
}
