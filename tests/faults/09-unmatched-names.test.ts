import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { vendorDriver } from '../../dock-agent/drivers';
import type { MountedVolume } from '../../dock-agent/volume';
import { migrateDown, migrateToLatest } from '../../schema/database';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

/** Issue 11 item 9: files whose names carry no officer number take the recorder's officer and unit, or wait on the admin work queue. */
const p = usePlatform();
const w = useWorld(p);
let officerA: string;
let officerA2: string;
beforeAll(async () => {
  const officer = async (id: string) => (await p.db.selectFrom('users').select('officer_no').where('id', '=', id).executeTakeFirstOrThrow()).officer_no!;
  officerA = await officer(w.users.handlerA!);
  officerA2 = await officer(w.users.handlerA2!);
});

function bearerOf(token: string) {
  return bearer(token);
}

/** Docks one file the way a dock does when the name matches no pattern and the vendor reports a blank officer. */
async function dock(serial: string, officerNo: string, name = `DCIM/VID_${randomBytes(3).toString('hex')}.mp4`) {
  const h = bearer(p.stationToken);
  const s = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: h, payload: { station: { code: 'ST-9' }, bay: 1, recorder: { serial, officerNo } } });
  expect(s.statusCode, s.body).toBe(201);
  const bytes = randomBytes(512);
  const u = await p.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${s.json().sessionId}/files`, headers: h, payload: { pathBase64: Buffer.from(name).toString('base64'), size: bytes.length, metadata: { officerNo, deviceSerial: '' } } });
  expect(u.statusCode, u.body).toBe(200);
  await p.app.inject({ method: 'PATCH', url: `/ingest/v1/uploads/${u.json().uploadId}`, headers: { ...h, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: bytes });
  const c = await p.app.inject({ method: 'POST', url: `/ingest/v1/uploads/${u.json().uploadId}/complete`, headers: h, payload: { sha256: createHash('sha256').update(bytes).digest('hex'), sm3: createHash('sm3').update(bytes).digest('hex') } });
  expect(c.statusCode, c.body).toBe(200);
  return c.json().evidenceId as string;
}

const evidence = async (id: string, token = p.adminToken) => p.app.inject({ url: `/api/evidence/${id}`, headers: bearerOf(token) });

describe('a name without an officer number', () => {
  it('takes the officer the recorder is bound to, and that officer\'s unit', async () => {
    const bound = await p.app.inject({ method: 'POST', url: '/api/recorders', headers: bearerOf(p.adminToken), payload: { serial: 'DSJ-BOUND', officerNo: officerA } });
    expect(bound.statusCode, bound.body).toBe(200);
    for (const blank of ['', '   ']) {
      const id = await dock('DSJ-BOUND', blank);
      expect((await evidence(id)).json()).toMatchObject({ officerNo: officerA, unitId: w.units.a });
      expect((await evidence(id, w.tokens.handlerA)).statusCode).toBe(200);
    }
  });

  it('is stored as NULL, never "", when nobody is known; such footage waits on the admin work queue', async () => {
    const id = await dock('DSJ-LOOSE', '');
    expect((await evidence(id)).json()).toMatchObject({ officerNo: null, unitId: null });
    expect(await p.db.selectFrom('evidence').select('id').where('officer_no', '=', '').execute()).toEqual([]);
    expect(await p.db.selectFrom('offload_sessions').select('id').where('officer_no', '=', '').execute()).toEqual([]);

    const queue = await p.app.inject({ url: '/api/evidence/unassigned?limit=1', headers: bearerOf(p.adminToken) });
    expect(queue.statusCode, queue.body).toBe(200);
    const all: { id: string; unitId: string | null }[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: { items: typeof all; nextCursor: string | null } = (await p.app.inject({ url: `/api/evidence/unassigned?limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: bearerOf(p.adminToken) })).json();
      all.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(all.map((e: { id: string }) => e.id)).toContain(id);
    expect(all.every((e: { unitId: string | null }) => e.unitId === null)).toBe(true);
    expect((await p.app.inject({ url: '/api/evidence/unassigned', headers: bearerOf(w.tokens.unitHeadA) })).statusCode).toBe(403);
  });

  it('is given a unit by an admin, once, audited and on the custody trail', async () => {
    const id = await dock('DSJ-LOOSE-2', '');
    const assign = (token: string, body: object) => p.app.inject({ method: 'POST', url: `/api/evidence/${id}/unit`, headers: bearerOf(token), payload: body });
    expect((await assign(w.tokens.unitHeadA, { unitId: w.units.a, reason: '执勤记录' })).statusCode).toBe(403);
    expect((await assign(p.adminToken, { unitId: '00000000-0000-4000-8000-000000000000', reason: '执勤记录' })).statusCode).toBe(404);
    expect((await evidence(id, w.tokens.unitHeadA)).statusCode).toBe(404);
    const done = await assign(p.adminToken, { unitId: w.units.a, reason: '城关所执勤记录仪' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ id, unitId: w.units.a });
    expect((await evidence(id, w.tokens.unitHeadA)).statusCode).toBe(200);
    const again = await assign(p.adminToken, { unitId: w.units.b, reason: 'try to move it' });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    expect((await evidence(id)).json().unitId).toBe(w.units.a);

    const custody = (await p.app.inject({ url: `/api/evidence/${id}/custody`, headers: bearerOf(p.adminToken) })).json().items;
    expect(custody.find((e: { action: string }) => e.action === 'unit.assigned')).toMatchObject({ details: { unitId: w.units.a, reason: '城关所执勤记录仪' } });
    const audit = (await p.app.inject({ url: `/api/audit?objectId=${id}`, headers: bearerOf(w.tokens.auditor) })).json().items;
    expect(audit.filter((e: { action: string }) => e.action === 'evidence.assign-unit').map((e: { outcome: string }) => e.outcome).sort()).toEqual(['allowed', 'denied', 'denied', 'failed']);
    expect((await p.app.inject({ url: '/api/audit/verify?chain=custody', headers: bearerOf(w.tokens.auditor) })).json()).toMatchObject({ ok: true });
  });
});

describe('the dock side', () => {
  it('reads a blank officer from a vendor recorder as unknown', async () => {
    const library = {
      login: async () => {},
      readDeviceInfo: async () => ({ serial: 'DSJ0001', officerNo: '      ', unitNo: '' }),
      readClock: async () => new Date(),
      setClock: async () => {},
      enterDiskMode: async () => {},
    };
    const volume = {} as MountedVolume;
    const driver = vendorDriver(library, { resolve: async () => volume }, { password: 'x', syncClock: false });
    const device = { key: 'k', vidPid: '4255:1000', serial: 'DSJ0001', portPath: null, bay: 1 };
    expect((await driver.attach(device, new AbortController().signal)).identity).toEqual({ serial: 'DSJ0001', officerNo: null, unitNo: null });
  });
});

describe('rows written with "" before the fix', () => {
  it('are migrated: officer_no NULL, then the bound officer and unit where known', async () => {
    const stale = await dock('DSJ-OLD', '');
    const unknown = await dock('DSJ-OLD-2', '');
    // Since then the recorder was bound to an officer.
    await p.app.inject({ method: 'POST', url: '/api/recorders', headers: bearerOf(p.adminToken), payload: { serial: 'DSJ-OLD', officerNo: officerA2 } });
    for (;;) {
      const undone = await migrateDown(p.ownerDb);
      if (!undone || undone === '0006_unit_work_queue') break;
    }
    await sql`update evidence set officer_no = '', unit_id = null where id in (${stale}, ${unknown})`.execute(p.ownerDb);
    await sql`update offload_sessions set officer_no = '' where id in (select session_id from evidence where id in (${stale}, ${unknown}))`.execute(p.ownerDb);
    await migrateToLatest(p.ownerDb);
    expect((await evidence(stale)).json()).toMatchObject({ officerNo: officerA2, unitId: w.units.a });
    expect((await evidence(unknown)).json()).toMatchObject({ officerNo: null, unitId: null });
    expect(await p.db.selectFrom('offload_sessions').select('id').where('officer_no', '=', '').execute()).toEqual([]);
    const custody = (await p.app.inject({ url: `/api/evidence/${stale}/custody`, headers: bearerOf(p.adminToken) })).json().items;
    expect(custody.find((e: { action: string }) => e.action === 'metadata.corrected')).toMatchObject({ details: { officerNo: { from: '', to: officerA2 }, unitId: { from: null, to: w.units.a } } });
    expect((await p.app.inject({ url: '/api/audit/verify?chain=custody', headers: bearerOf(w.tokens.auditor) })).json()).toMatchObject({ ok: true });
  });
});
