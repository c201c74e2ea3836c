import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runFixityPass } from '../../core/fixity';
import type { ObjectStore } from '../../core/store/port';
import { runEvidence } from '../support/evidence-process';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform({ listen: true });
const w = useWorld(p);

const fixityCli = (token: string) => runEvidence(['fixity', '--server', p.url, '--token', token]);
const fileOf = async (id: string) => join(p.dir, 'objects', (await p.db.selectFrom('evidence').select('storage_key').where('id', '=', id).executeTakeFirstOrThrow()).storage_key);
const fixityOf = async (id: string) => (await p.app.inject({ url: `/api/evidence/${id}`, headers: bearer(w.tokens.auditor) })).json().fixity;
const actions = async (url: string) => ((await p.app.inject({ url, headers: bearer(w.tokens.auditor) })).json().items as { action: string }[]).map((e) => e.action);
const original = (id: string, headers: Record<string, string> = {}) => p.app.inject({ url: `/api/evidence/${id}/original`, headers: { ...bearer(p.adminToken), ...headers } });
async function flipFirstByte(id: string) {
  const path = await fileOf(id);
  const bytes = await readFile(path);
  bytes[0] = bytes[0]! ^ 0xff;
  await writeFile(path, bytes);
}

describe('fixity scrub', () => {
  it('reports unchecked evidence and asserts no ETag for an original nobody has re-read', async () => {
    expect(await fixityOf(w.evidence.a)).toEqual({ state: 'unchecked' });
    const res = await original(w.evidence.a, { range: 'bytes=0-9' });
    expect(res.statusCode).toBe(206);
    expect(res.headers.etag).toBeUndefined();
  });

  it('`evidence fixity` runs a pass; all intact: exit 0, evidence ok, the original gets its ETag', async () => {
    const result = await fixityCli(w.tokens.auditor);
    expect(result, result.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/3 objects, 6144 bytes checked, 0 failed/) });
    expect(await fixityOf(w.evidence.a)).toMatchObject({ state: 'ok', checkedAt: expect.any(String) });
    const status = (await p.app.inject({ url: '/api/fixity', headers: bearer(w.tokens.auditor) })).json();
    expect(status).toMatchObject({ alarm: false, failures: [], lastRun: { state: 'finished', objectsChecked: 3, bytesChecked: 6144, failures: 0 } });
    const sha256 = (await p.db.selectFrom('evidence').select('sha256').where('id', '=', w.evidence.a).executeTakeFirstOrThrow()).sha256;
    expect((await original(w.evidence.a, { range: 'bytes=0-9' })).headers.etag).toBe(`"${sha256}"`);
  });

  it('finds rot: an altered and a missing original are alarmed, recorded in custody and audit, and the command exits 1', async () => {
    await flipFirstByte(w.evidence.a);
    await rm(await fileOf(w.evidence.b));
    const result = await fixityCli(p.adminToken);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(w.evidence.a);
    expect(result.stdout).toContain(w.evidence.b);

    expect(await fixityOf(w.evidence.a)).toMatchObject({ state: 'altered', checkedAt: expect.any(String), detail: expect.stringMatching(/SHA-256/) });
    expect(await fixityOf(w.evidence.b)).toMatchObject({ state: 'missing', detail: expect.any(String) });
    expect(await fixityOf(w.evidence.a2)).toMatchObject({ state: 'ok' });
    expect(await actions(`/api/evidence/${w.evidence.a}/custody`)).toContain('fixity.failed');
    expect(await actions(`/api/evidence/${w.evidence.b}/custody`)).toContain('fixity.failed');
    expect(await actions(`/api/audit?objectId=${w.evidence.a}`)).toContain('fixity.failed');

    const status = (await p.app.inject({ url: '/api/fixity', headers: bearer(w.tokens.auditor) })).json();
    expect(status.alarm).toBe(true);
    expect(status.lastRun).toMatchObject({ objectsChecked: 3, failures: 2 });
    expect(status.failures.map((f: { evidenceId: string; state: string }) => `${f.evidenceId}:${f.state}`).sort()).toEqual([`${w.evidence.a}:altered`, `${w.evidence.b}:missing`].sort());
    // The bytes are known not to match: the database's hash is not asserted as their ETag.
    expect((await original(w.evidence.a, { range: 'bytes=0-9' })).headers.etag).toBeUndefined();
    // Nothing can be served of a missing original, and so no read is recorded in its custody.
    const gone = await original(w.evidence.b);
    expect(gone.statusCode).toBe(500);
    expect(gone.json().detail).toMatch(/missing/);
    expect(await actions(`/api/evidence/${w.evidence.b}/custody`)).not.toContain('original.read');
    // A second pass finding the same rot does not repeat the events.
    expect((await fixityCli(p.adminToken)).code).toBe(1);
    expect((await actions(`/api/evidence/${w.evidence.a}/custody`)).filter((a) => a === 'fixity.failed')).toHaveLength(1);
  });

  it('only admins and auditors see the alarm or start a pass', async () => {
    for (const token of [w.tokens.handlerA, w.tokens.unitHeadA, w.tokens.station]) {
      expect((await p.app.inject({ url: '/api/fixity', headers: bearer(token) })).statusCode).toBe(403);
      expect((await p.app.inject({ method: 'POST', url: '/api/fixity/runs', headers: bearer(token) })).statusCode).toBe(403);
    }
  });

  it('a full read of an original hashes what it served and records rot the scrub has not seen yet', async () => {
    await flipFirstByte(w.evidence.a2);
    const res = await original(w.evidence.a2);
    expect(res.statusCode).toBe(200);
    expect(await fixityOf(w.evidence.a2)).toMatchObject({ state: 'altered', detail: expect.stringMatching(/read/) });
    expect(await actions(`/api/evidence/${w.evidence.a2}/custody`)).toContain('fixity.failed');
  });

  it('runs one pass at a time (advisory lock)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const slow: ObjectStore = Object.create(p.store, {
      get: { value: async (key: string) => { entered(); await gate; return p.store.get(key); } },
    });
    const deps = { db: p.db, store: slow, now: () => new Date(), bytesPerSecond: 0 };
    const first = runFixityPass(deps, { trigger: 'manual', requestedBy: 'test' });
    await inside;
    expect(await runFixityPass({ ...deps, store: p.store }, { trigger: 'manual', requestedBy: 'test' })).toEqual({ started: false });
    expect((await p.app.inject({ method: 'POST', url: '/api/fixity/runs', headers: bearer(w.tokens.auditor) })).statusCode).toBe(409);
    release();
    const started = await first;
    expect(started.started).toBe(true);
    if (started.started) await started.done;
  });

  it('exits 2 when the pass cannot run', async () => {
    expect((await fixityCli('not-a-token')).code).toBe(2);
  });

  it('re-reads derivatives too; a scheduled pass re-reads only what was not checked within the interval', async () => {
    const bytes = randomBytes(1000);
    const key = `derivatives/${w.evidence.a}/test/poster.webp`;
    await p.store.put(key, Readable.from([bytes]), bytes.length);
    const source = (await p.db.selectFrom('evidence').select('sha256').where('id', '=', w.evidence.a).executeTakeFirstOrThrow()).sha256;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await p.db.insertInto('derivatives').values({ evidence_id: w.evidence.a, kind: 'poster', name: 'poster.webp', storage_key: key, size: bytes.length, sha256, mime_type: 'image/webp', source_sha256: source }).execute();
    const week = 7 * 24 * 3_600_000;
    const scheduled = async (now: Date) => {
      const start = await runFixityPass({ db: p.db, store: p.store, now: () => now, bytesPerSecond: 0, intervalMs: week }, { trigger: 'scheduled', requestedBy: 'test' });
      if (!start.started) throw new Error('no pass');
      return start.done;
    };
    expect(await scheduled(new Date())).toMatchObject({ objectsChecked: 1, failures: 0 }); // only the new derivative was due
    const derivative = () => p.app.inject({ url: `/api/evidence/${w.evidence.a}/derivatives/poster/poster.webp`, headers: bearer(p.adminToken) });
    expect((await derivative()).headers.etag).toBe(`"${sha256}"`);

    await writeFile(join(p.dir, 'objects', key), Buffer.alloc(bytes.length));
    expect(await scheduled(new Date())).toMatchObject({ objectsChecked: 0 }); // nothing is due yet
    expect(await scheduled(new Date(Date.now() + week + 60_000))).toMatchObject({ objectsChecked: 4, failures: 4 });
    const status = (await p.app.inject({ url: '/api/fixity', headers: bearer(w.tokens.auditor) })).json();
    expect(status.failures).toContainEqual(expect.objectContaining({ evidenceId: w.evidence.a, object: 'derivative', name: 'poster/poster.webp', state: 'altered' }));
    expect((await derivative()).headers.etag).toBeUndefined();
  });
});
