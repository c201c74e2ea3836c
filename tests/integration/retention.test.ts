import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { dueItems, retentionOf, runDueDisposals } from '../../core/disposal';
import { isDue } from '../../core/retention';
import type { ObjectStore } from '../../core/store/port';
import { S3Store, parseS3Endpoint } from '../../core/store/s3';
import { parseRecorderName } from '../../dock-agent/names';
import { chunkedVideo, transcodeChunk } from '../../transcode/chunked';
import { commitUnlessDisposed } from '../../transcode/commit';
import { runEvidence } from '../support/evidence-process';
import { bearer, startTestPlatform, usePlatform, type TestPlatform } from '../support/platform';
import { removeTestBucket, uniqueBucket } from '../support/s3';
import { useWorld } from '../support/seed';

const DAY = 86_400_000;
const log = { info: () => {}, warn: () => {} };
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
const inDays = (days: number) => new Date(Date.now() + days * DAY);
const CST = 480;
/** GA/T 947 file name: {警号}_{设备编号}_{YYYYMMDDhhmmss}_{序号}[IMP], the recorder's clock in China Standard Time. */
const gat947 = (officerNo: string, at: Date, n: number, imp: boolean) =>
  `DCIM/${officerNo}_DEV${officerNo}_${new Date(at.getTime() + CST * 60_000).toISOString().replace(/\D/g, '').slice(0, 14)}_${String(n).padStart(4, '0')}${imp ? 'IMP' : ''}.mp4`;

let serial = 0;
/** Docks one recording whose recorder time (in its file name) is `recordedAt`; the dock reads the metadata off the name. */
async function ingest(p: TestPlatform, officerNo: string, recordedAt: Date, important = false): Promise<{ id: string; size: number; recordedAt: string }> {
  const bytes = randomBytes(3000);
  const h = bearer(p.stationToken);
  const n = ++serial;
  const s = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: h, payload: { station: { code: 'ST' }, bay: 1, recorder: { serial: `DEV${officerNo}` } } });
  const name = gat947(officerNo, recordedAt, n, important);
  const { sequence: _, ...metadata } = parseRecorderName(name, CST);
  const u = await p.app.inject({
    method: 'POST', url: `/ingest/v1/sessions/${s.json().sessionId}/files`, headers: h,
    payload: { pathBase64: Buffer.from(name).toString('base64'), size: bytes.length, metadata },
  });
  await p.app.inject({ method: 'PATCH', url: `/ingest/v1/uploads/${u.json().uploadId}`, headers: { ...h, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: bytes });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const c = await p.app.inject({ method: 'POST', url: `/ingest/v1/uploads/${u.json().uploadId}/complete`, headers: h, payload: { sha256, sm3: createHash('sm3').update(bytes).digest('hex') } });
  expect(c.statusCode, c.body).toBe(200);
  return { id: c.json().evidenceId as string, size: bytes.length, recordedAt: metadata.recordedAt! };
}

/** A derivative (poster) in the store and its row, as the transcoder leaves them. */
async function addDerivative(p: TestPlatform, evidenceId: string): Promise<string> {
  const bytes = randomBytes(500);
  const key = `derivatives/${evidenceId}/t/poster.webp`;
  await p.store.put(key, Readable.from([bytes]), bytes.length);
  const source = (await p.db.selectFrom('evidence').select('sha256').where('id', '=', evidenceId).executeTakeFirstOrThrow()).sha256;
  await p.db.insertInto('derivatives').values({ evidence_id: evidenceId, kind: 'poster', name: 'poster.webp', storage_key: key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), mime_type: 'image/webp', source_sha256: source }).execute();
  return key;
}

const storageKey = async (p: TestPlatform, id: string) => (await p.db.selectFrom('evidence').select('storage_key').where('id', '=', id).executeTakeFirstOrThrow()).storage_key;
const api = (p: TestPlatform, token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  p.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
/** A disposal of what is due now: requested by a second admin, approved by the first (two people). */
async function requestApproved(p: TestPlatform, reason: string): Promise<{ id: string; totals: { count: number } }> {
  const second = (await api(p, p.adminToken, 'POST', '/api/tokens', { name: 'second admin', role: 'admin' })).json().token as string;
  const d = (await api(p, second, 'POST', '/api/retention/disposals', { asOf: new Date().toISOString(), reason })).json();
  expect((await api(p, p.adminToken, 'POST', `/api/retention/disposals/${d.id}/approve`)).json().status).toBe('approved');
  return d;
}
const dueIds = async (p: TestPlatform, token: string, asOf = new Date()) => {
  const res = await api(p, token, 'GET', `/api/retention/due?asOf=${encodeURIComponent(asOf.toISOString())}&limit=1000`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: string; category: string; recordedAt: string; size: number }[]; totals: { count: number; bytes: number } };
};

describe('retention on the filesystem store', () => {
  const p = usePlatform({ listen: true });
  const w = useWorld(p);
  const rec: Record<string, string> = {};
  const twoYears = daysAgo(730);
  let officerA = '';

  it('recordings two years old by their recorder time are due; linked, held, important or permanent ones are not', async () => {
    officerA = (await p.db.selectFrom('users').select('officer_no').where('id', '=', w.users.handlerA!).executeTakeFirstOrThrow()).officer_no!;
    let recordedAt = '';
    for (const name of ['plain', 'linked', 'held', 'anomaly', 'laterLinked']) ({ id: rec[name]!, recordedAt } = await ingest(p, officerA, twoYears));
    expect(Date.now() - new Date(recordedAt).getTime()).toBeGreaterThan(729 * DAY);
    rec.important = (await ingest(p, officerA, twoYears, true)).id;
    rec.recent = (await ingest(p, officerA, daysAgo(30))).id;
    rec.soon = (await ingest(p, officerA, daysAgo(170))).id;
    expect((await api(p, p.adminToken, 'POST', `/api/cases/${w.cases.a}/evidence`, { evidenceId: rec.linked })).statusCode).toBe(200);
    const hold = await api(p, w.tokens.unitHeadA, 'POST', '/api/holds', { evidenceId: rec.held, reason: '信访复查' });
    expect(hold.statusCode, hold.body).toBe(201);
    expect((await api(p, w.tokens.handlerA, 'PATCH', `/api/evidence/${rec.anomaly}/retention`, { category: 'enforcement-anomaly', reason: '妨碍执法' })).statusCode).toBe(200);

    const due = await dueIds(p, p.adminToken);
    expect(due.items.map((i) => i.id).sort()).toEqual([rec.plain, rec.laterLinked].sort());
    expect(due.totals).toMatchObject({ count: 2, bytes: 6000 });
    expect(due.items[0]).toMatchObject({ category: 'general', size: 3000, recordedAt: expect.any(String) });

    const detail = (id: string) => api(p, w.tokens.handlerA, 'GET', `/api/evidence/${id}`).then((r) => r.json().retention);
    expect(await detail(rec.plain!)).toEqual({ category: 'general', expiresAt: new Date(new Date(recordedAt).getTime() + 180 * DAY).toISOString(), heldBy: [], reason: expect.stringMatching(/一般.*recording time/) });
    expect(await detail(rec.linked!)).toMatchObject({ category: 'case-evidence', expiresAt: null });
    expect(await detail(rec.held!)).toMatchObject({ category: 'general', heldBy: [hold.json().id] });
    expect(await detail(rec.important!)).toMatchObject({ category: 'important', expiresAt: null });
    expect(await detail(rec.anomaly!)).toMatchObject({ category: 'enforcement-anomaly', expiresAt: null });
  });

  it('a recording is never put in a shorter category without approval', async () => {
    const res = await api(p, w.tokens.handlerA, 'PATCH', `/api/evidence/${rec.anomaly}/retention`, { category: 'general', reason: '误标' });
    expect(res.statusCode).toBe(409);
    expect((await api(p, w.tokens.handlerB, 'PATCH', `/api/evidence/${rec.plain}/retention`, { category: 'important', reason: 'x' })).statusCode).toBe(404);
  });

  it('shortening a category waits for a second person; lengthening applies at once', async () => {
    const general = () => api(p, p.adminToken, 'GET', '/api/retention/categories').then((r) => r.json().items.find((c: { code: string }) => c.code === 'general'));
    expect(await general()).toMatchObject({ name: '一般', days: 180 });
    expect((await api(p, p.adminToken, 'PATCH', '/api/retention/categories/general', { days: 90 })).statusCode).toBe(400);
    const pending = await api(p, p.adminToken, 'PATCH', '/api/retention/categories/general', { days: 90, reason: '试行缩短' });
    expect(pending.statusCode, pending.body).toBe(202);
    expect(pending.json()).toMatchObject({ status: 'pending', previousDays: 180, days: 90 });
    expect(await general()).toMatchObject({ days: 180 });
    expect((await api(p, p.adminToken, 'POST', `/api/retention/category-changes/${pending.json().id}/approve`)).statusCode).toBe(403);
    expect((await api(p, w.tokens.unitHeadA, 'POST', `/api/retention/category-changes/${pending.json().id}/approve`)).statusCode).toBe(403);
    const approved = await api(p, w.tokens.overseerA, 'POST', `/api/retention/category-changes/${pending.json().id}/approve`);
    expect(approved.json()).toMatchObject({ status: 'applied', approvedBy: expect.any(String) });
    expect(await general()).toMatchObject({ days: 90 });
    expect((await dueIds(p, p.adminToken)).items.map((i) => i.id)).not.toContain(rec.recent);
    // The shorter period makes more footage due in the dry run, but disposes of nothing without a new request.
    expect((await dueIds(p, p.adminToken)).items.map((i) => i.id)).toContain(rec.soon);
    expect(await runDueDisposals({ db: p.db, store: p.store, now: () => inDays(30), log })).toBe(0);
    expect((await api(p, p.adminToken, 'GET', `/api/evidence/${rec.soon}/original`)).statusCode).toBe(200);
    const longer = await api(p, p.adminToken, 'PATCH', '/api/retention/categories/general', { days: 180 });
    expect(longer.statusCode).toBe(200);
    expect(await general()).toMatchObject({ days: 180 });
  });

  it('warns of what expires soon, per unit', async () => {
    const mine = await api(p, w.tokens.unitHeadA, 'GET', '/api/retention/expiring?days=30');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items.map((i: { id: string }) => i.id)).toEqual([rec.soon]);
    expect(mine.json().totals).toMatchObject({ count: 1, bytes: 3000 });
    expect((await api(p, w.tokens.unitHeadB, 'GET', '/api/retention/expiring?days=30')).json().totals.count).toBe(0);
    expect((await api(p, w.tokens.handlerA, 'GET', '/api/retention/expiring?days=30')).statusCode).toBe(403);
  });

  it('holds are scoped, listed and released with a reason, all audited', async () => {
    expect((await api(p, w.tokens.unitHeadB, 'POST', '/api/holds', { evidenceId: rec.soon, reason: 'x' })).statusCode).toBe(404);
    expect((await api(p, w.tokens.handlerA, 'POST', '/api/holds', { evidenceId: rec.soon, reason: 'x' })).statusCode).toBe(403);
    const caseHold = await api(p, w.tokens.overseerA, 'POST', '/api/holds', { caseId: w.cases.a, reason: '案件复议' });
    expect(caseHold.statusCode).toBe(201);
    const listed = (token: string) => api(p, token, 'GET', '/api/holds').then((r) => r.json().items.map((h: { id: string }) => h.id));
    expect(await listed(w.tokens.unitHeadA)).toContain(caseHold.json().id);
    expect(await listed(w.tokens.unitHeadB)).toEqual([]);
    expect((await api(p, w.tokens.unitHeadB, 'DELETE', `/api/holds/${caseHold.json().id}`, { reason: 'x' })).statusCode).toBe(404);
    const released = await api(p, w.tokens.unitHeadA, 'DELETE', `/api/holds/${caseHold.json().id}`, { reason: '复议结束' });
    expect(released.json()).toMatchObject({ releasedAt: expect.any(String), releaseReason: '复议结束' });
    expect(await listed(w.tokens.auditor)).not.toContain(caseHold.json().id);
    const audit = (await api(p, w.tokens.auditor, 'GET', `/api/audit?limit=200`)).json().items as { action: string; details: Record<string, unknown> }[];
    expect(audit.filter((a) => a.action === 'retention.hold').map((a) => a.details.reason)).toContain('案件复议');
    expect(audit.find((a) => a.action === 'retention.release')?.details).toMatchObject({ holdId: caseHold.json().id, reason: '复议结束' });
  });

  it('two people dispose: the requester cannot approve; a recording linked during the grace period is skipped', async () => {
    const requested = await api(p, p.adminToken, 'POST', '/api/retention/disposals', { asOf: new Date().toISOString(), reason: '到期一般记录处置' });
    expect(requested.statusCode, requested.body).toBe(201);
    const d = requested.json();
    expect(d).toMatchObject({ status: 'pending', totals: { count: 2, bytes: 6000 } });
    expect((await api(p, p.adminToken, 'POST', `/api/retention/disposals/${d.id}/approve`)).statusCode).toBe(403);
    expect((await api(p, w.tokens.unitHeadA, 'POST', `/api/retention/disposals/${d.id}/approve`)).statusCode).toBe(403);
    const approved = await api(p, w.tokens.overseerA, 'POST', `/api/retention/disposals/${d.id}/approve`);
    expect(approved.json()).toMatchObject({ status: 'approved', runsAfter: expect.any(String) });
    expect(new Date(approved.json().runsAfter).getTime() - Date.now()).toBeGreaterThan(6.9 * DAY);

    const derivative = await addDerivative(p, rec.plain!);
    const original = await storageKey(p, rec.plain!);
    expect((await api(p, w.tokens.handlerA, 'POST', `/api/cases/${w.cases.a}/evidence`, { evidenceId: rec.laterLinked })).statusCode).toBe(200);

    // Within the grace period nothing runs.
    expect(await runDueDisposals({ db: p.db, store: p.store, now: () => inDays(1), log })).toBe(0);
    expect(existsSync(join(p.dir, 'objects', original))).toBe(true);
    expect(await runDueDisposals({ db: p.db, store: p.store, now: () => inDays(8), log })).toBe(1);

    const done = (await api(p, p.adminToken, 'GET', `/api/retention/disposals/${d.id}`)).json();
    expect(done).toMatchObject({ status: 'done', totals: { count: 2, disposed: 1, skipped: 1, failed: 0 } });
    expect(done.skipped).toEqual([{ evidenceId: rec.laterLinked, status: 'skipped', detail: expect.stringMatching(/no longer due.*open case/) }]);

    expect(existsSync(join(p.dir, 'objects', original))).toBe(false);
    expect(existsSync(join(p.dir, 'objects', derivative))).toBe(false);
    expect(existsSync(join(p.dir, 'objects', await storageKey(p, rec.laterLinked!)))).toBe(true);

    const tomb = (await api(p, p.adminToken, 'GET', `/api/evidence/${rec.plain}`)).json();
    expect(tomb).toMatchObject({ state: 'disposed', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: 3000, originalName: expect.stringContaining(officerA), playback: { derivatives: [] }, disposal: { id: d.id, requestedBy: 'test-admin', approvedBy: expect.stringMatching(/overseerA/) } });
    const custody = (await api(p, p.adminToken, 'GET', `/api/evidence/${rec.plain}/custody`)).json().items;
    expect(custody.at(-1)).toMatchObject({ action: 'retention.disposed', details: { disposalId: d.id, approvedBy: expect.stringMatching(/overseerA/), original } });
    const gone = await api(p, w.tokens.handlerA, 'GET', `/api/evidence/${rec.plain}/original`);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ status: 410, disposal: { id: d.id, reason: '到期一般记录处置', approvedBy: expect.any(String), requestedBy: 'test-admin' } });
    expect((await api(p, p.adminToken, 'GET', `/api/evidence/${rec.plain}/derivatives/poster/poster.webp`)).statusCode).toBe(410);
    // A tombstone is no evidence for a case: linking it would only make the case's court export fail later.
    const link = await api(p, w.tokens.handlerA, 'POST', `/api/cases/${w.cases.a}/evidence`, { evidenceId: rec.plain });
    expect(link.statusCode).toBe(410);
    expect(link.json()).toMatchObject({ disposal: { id: d.id } });
    expect(await p.db.selectFrom('case_evidence').select('case_id').where('evidence_id', '=', rec.plain!).execute()).toEqual([]);
    expect(await p.db.selectFrom('fixity_objects').select('storage_key').where('evidence_id', '=', rec.plain!).execute()).toEqual([]);
    const events = await p.db.selectFrom('platform_events').select(['type', 'evidence_id', 'data']).where('type', '=', 'evidence.disposed').execute();
    expect(events).toEqual([{ type: 'evidence.disposed', evidence_id: rec.plain, data: expect.objectContaining({ id: rec.plain, disposalId: d.id }) }]);
    const audit = (await api(p, w.tokens.auditor, 'GET', '/api/audit?limit=1000')).json().items as { action: string; objectId: string | null; outcome: string; details: Record<string, unknown> }[];
    const about = audit.filter((a) => a.objectId === d.id || a.details.disposalId === d.id).map((a) => `${a.action}:${a.outcome}`);
    expect(about.sort()).toEqual(['retention.approve:allowed', 'retention.approve:denied', 'retention.approve:denied', 'retention.disposed:allowed', 'retention.request:allowed']);

    const verify = await runEvidence(['audit', 'verify', '--server', p.url, '--token', w.tokens.auditor]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    // Running again changes nothing.
    expect(await runDueDisposals({ db: p.db, store: p.store, now: () => inDays(9), log })).toBe(0);
  });

  it('a request can be cancelled until it runs', async () => {
    const held = await api(p, p.adminToken, 'POST', '/api/holds', { evidenceId: rec.held, reason: 'x' });
    const d = (await api(p, p.adminToken, 'POST', '/api/retention/disposals', { asOf: new Date().toISOString(), reason: 'r' })).json();
    expect((await api(p, w.tokens.overseerA, 'POST', `/api/retention/disposals/${d.id}/cancel`, { reason: '暂缓' })).json()).toMatchObject({ status: 'cancelled', cancelReason: '暂缓' });
    expect((await api(p, w.tokens.overseerA, 'POST', `/api/retention/disposals/${d.id}/approve`)).statusCode).toBe(409);
    expect(await runDueDisposals({ db: p.db, store: p.store, now: () => inDays(30), log })).toBe(0);
    expect(held.statusCode).toBe(201);
  });

  it('a unit\'s case retention after closing is set by an admin and counts from the closing', async () => {
    const id = (await ingest(p, officerA, daysAgo(400))).id;
    const c = await api(p, p.adminToken, 'POST', '/api/cases', { number: `AJ-CLOSE-${randomBytes(3).toString('hex')}`, title: '已结案', unitId: w.units.a });
    await api(p, p.adminToken, 'POST', `/api/cases/${c.json().id}/evidence`, { evidenceId: id });
    expect((await api(p, p.adminToken, 'PATCH', `/api/cases/${c.json().id}`, { state: '结案' })).statusCode).toBe(200);
    const retention = () => api(p, p.adminToken, 'GET', `/api/evidence/${id}`).then((r) => r.json().retention);
    expect(await retention()).toMatchObject({ category: 'case-evidence', expiresAt: null, reason: expect.stringMatching(/closed case \(结案\).*permanently/) });
    expect((await api(p, w.tokens.unitHeadA, 'PATCH', `/api/retention/units/${w.units.a}`, { caseRetentionDays: 30, reason: 'x' })).statusCode).toBe(403);
    const set = await api(p, p.adminToken, 'PATCH', `/api/retention/units/${w.units.a}`, { caseRetentionDays: 30, reason: '结案后保存 30 天' });
    expect(set.json()).toEqual({ id: w.units.a, caseRetentionDays: 30 });
    const kept = await retention();
    expect(kept.category).toBe('case-evidence');
    expect(new Date(kept.expiresAt).getTime() - Date.now()).toBeGreaterThan(29 * DAY);
    expect((await dueIds(p, p.adminToken)).items.map((i) => i.id)).not.toContain(id);
    expect((await dueIds(p, p.adminToken, inDays(31))).items.map((i) => i.id)).toContain(id);
    await api(p, p.adminToken, 'PATCH', `/api/retention/units/${w.units.a}`, { caseRetentionDays: null, reason: '恢复永久' });
    expect((await api(p, w.tokens.overseerA, 'GET', '/api/retention/disposals')).json().items.length).toBeGreaterThan(0);
  });

  it('the SQL selection agrees with effectiveRetention on a generated table of combinations', async () => {
    const template = await p.db.selectFrom('evidence').selectAll().where('id', '=', rec.soon!).executeTakeFirstOrThrow();
    const units = { forever: w.units.a, tenDays: w.units.b };
    await p.db.updateTable('units').set({ case_retention_days: 10 }).where('id', '=', units.tenDays).execute();
    const cases: Record<string, string> = {};
    for (const [name, unit, stage, updated] of [['open', units.tenDays, '调查取证', 400], ['closedForever', units.forever, '结案', 400], ['closedOld', units.tenDays, '移送', 400], ['closedNew', units.tenDays, '结案', 3], ['closedHeld', units.tenDays, '结案', 400]] as const) {
      const row = await p.db.insertInto('cases').values({ number: `GEN-${name}-${randomBytes(3).toString('hex')}`, title: name, unit_id: unit, stage, updated_at: daysAgo(updated) }).returning('id').executeTakeFirstOrThrow();
      cases[name] = row.id;
    }
    await p.db.insertInto('retention_holds').values({ case_id: cases.closedHeld!, reason: 'gen', created_by: 't', created_by_name: 't', unit_id: units.tenDays }).execute();
    const generated: string[] = [];
    const caseSets = [[], ['open'], ['closedForever'], ['closedOld'], ['closedNew'], ['closedHeld'], ['closedOld', 'closedNew']];
    for (const category of ['general', 'important', 'enforcement-anomaly']) {
      for (const important of [false, true]) {
        for (const recorded of [daysAgo(400), daysAgo(100), null]) {
          for (const linked of caseSets) {
            for (const held of [false, true]) {
              const n = generated.length;
              const row = await p.db
                .insertInto('evidence')
                .values({
                  ...template, id: undefined, category, important, recorded_at: recorded, received_at: daysAgo(n % 2 === 0 ? 500 : 20),
                  storage_key: `gen/${n}-${randomBytes(4).toString('hex')}`, original_path_bytes: Buffer.from(`gen-${n}-${randomBytes(4).toString('hex')}`), size: 1000 + n,
                  disposal_id: null, disposed_at: null,
                } as never)
                .returning('id')
                .executeTakeFirstOrThrow();
              generated.push(row.id);
              for (const c of linked) await p.db.insertInto('case_evidence').values({ case_id: cases[c]!, evidence_id: row.id, linked_by: null, stage: '立案' }).execute();
              if (held) await p.db.insertInto('retention_holds').values({ evidence_id: row.id, reason: 'gen', created_by: 't', created_by_name: 't', unit_id: template.unit_id }).execute();
            }
          }
        }
      }
    }
    for (const asOf of [new Date(), inDays(100), inDays(1000)]) {
      const bySql = new Set((await dueItems(p.db, { asOf }, 100_000)).map((i) => i.id).filter((id) => generated.includes(id)));
      const byRule = new Set<string>();
      for (const id of generated) if (isDue((await retentionOf(p.db, id))!, asOf)) byRule.add(id);
      expect([...bySql].sort(), `as of ${asOf.toISOString()}`).toEqual([...byRule].sort());
      expect(byRule.size).toBeGreaterThan(0);
      expect(byRule.size).toBeLessThan(generated.length);
    }
  });

  it('the CLI: due, request, approve print the totals', async () => {
    const asOf = new Date().toISOString();
    const due = await runEvidence(['retention', 'due', '--as-of', asOf, '--server', p.url, '--token', p.adminToken]);
    expect(due.code, due.stderr).toBe(0);
    const count = (await dueIds(p, p.adminToken, new Date(asOf))).totals.count;
    expect(due.stdout).toMatch(new RegExp(`due as of ${asOf}: ${count} recordings`));
    const request = await runEvidence(['retention', 'request', '--as-of', asOf, '--reason', '命令行处置', '--server', p.url, '--token', p.adminToken]);
    expect(request.code, request.stderr).toBe(0);
    expect(request.stdout).toMatch(new RegExp(`listed: ${count} recordings`));
    const id = /disposal request (\S+): pending/.exec(request.stdout)![1]!;
    const own = await runEvidence(['retention', 'approve', id, '--server', p.url, '--token', p.adminToken]);
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(/403/);
    const approve = await runEvidence(['retention', 'approve', id, '--server', p.url, '--token', w.tokens.overseerA]);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toMatch(/approved by .*runs after/);
    expect((await runEvidence(['retention', 'due', '--as-of', 'yesterday', '--server', p.url, '--token', p.adminToken])).stderr).toMatch(/expected a date/);
  });
});

describe('retention on S3', () => {
  it('disposal deletes the original and derivatives from the S3 store', async () => {
    const s3 = inject('s3');
    const bucket = uniqueBucket('retention');
    const store = new S3Store({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, bucket });
    const p = await startTestPlatform({ store, server: { retentionGraceDays: 0 } });
    try {
      const requester = (await api(p, p.adminToken, 'POST', '/api/tokens', { name: 'second admin', role: 'admin' })).json().token as string;
      const { id } = await ingest(p, 'S3OFFICER', daysAgo(730));
      const derivative = await addDerivative(p, id);
      const original = await storageKey(p, id);
      expect(await store.stat(original)).toEqual({ size: 3000 });
      const d = (await api(p, requester, 'POST', '/api/retention/disposals', { asOf: new Date().toISOString(), reason: 's3' })).json();
      expect(d.totals.count).toBe(1);
      expect((await api(p, p.adminToken, 'POST', `/api/retention/disposals/${d.id}/approve`)).json().status).toBe('approved');
      expect(await runDueDisposals({ db: p.db, store, now: () => new Date(Date.now() + 1000), log })).toBe(1);
      expect(await store.stat(original)).toBeNull();
      expect(await store.stat(derivative)).toBeNull();
      expect((await api(p, p.adminToken, 'GET', `/api/evidence/${id}/original`)).statusCode).toBe(410);
    } finally {
      await p.close();
      await removeTestBucket(s3, bucket);
    }
  });

});

describe('disposal and the work still under way', () => {
  it('disposal leaves no bytes of the recording in the store: a rendition being made, killed attempts\' leftovers and stills, transcode chunks', async () => {
    const p = await startTestPlatform({ server: { retentionGraceDays: 0 } });
    try {
      const { id } = await ingest(p, 'RENDERING', daysAgo(730));
      const kept = await ingest(p, 'KEPT', daysAgo(10)); // not due: its objects stay
      const put = (key: string) => p.store.put(key, Readable.from([randomBytes(100)]), 100);
      // An H.264 rendition a viewer started: segments stored and listed, not yet derivatives.
      const attempt = randomUUID();
      await p.db.insertInto('renditions').values({ evidence_id: id, state: 'running', attempt, target_seconds: 4 }).execute();
      const segment = `derived/${id}/${attempt}/hls/seg-00001.m4s`;
      await put(segment);
      await p.db.insertInto('rendition_segments').values({ evidence_id: id, attempt, seq: 1, name: 'seg-00001.m4s', duration_ms: 4000, storage_key: segment, size: 100, sha256: '0'.repeat(64) }).execute();
      const leftovers = [`derived/${id}/${randomUUID()}/mp4/video.mp4`, `stills/${id}/${randomUUID()}.png`, `transcode-chunks/${id}/chunk-00000.mp4`];
      for (const key of leftovers) await put(key);
      const keptKey = `derived/${kept.id}/${randomUUID()}/poster/poster.webp`;
      await put(keptKey);

      expect((await requestApproved(p, 'rendition')).totals.count).toBe(1);
      expect(await runDueDisposals({ db: p.db, store: p.store, now: () => new Date(Date.now() + 1000), log })).toBe(1);

      const left: string[] = [];
      for await (const key of p.store.list('')) left.push(key);
      expect(left.filter((key) => key.includes(id))).toEqual([]);
      expect(left).toContain(keptKey);
      expect(await p.db.selectFrom('rendition_segments').select('name').where('evidence_id', '=', id).execute()).toEqual([]);
      expect(await p.db.selectFrom('renditions').select('state').where('evidence_id', '=', id).execute()).toEqual([]);
      const custody = (await api(p, p.adminToken, 'GET', `/api/evidence/${id}/custody`)).json().items;
      expect(custody.at(-1)).toMatchObject({ action: 'retention.disposed', details: { workObjects: [...leftovers, segment].sort() } });
    } finally {
      await p.close();
    }
  });

  it('a job that finishes after its recording was disposed of commits nothing and deletes what it stored', async () => {
    const p = await startTestPlatform({ server: { retentionGraceDays: 0 } });
    try {
      const { id } = await ingest(p, 'LATEJOB', daysAgo(730));
      const live = await ingest(p, 'LIVEJOB', daysAgo(10));
      await requestApproved(p, 'late job');
      expect(await runDueDisposals({ db: p.db, store: p.store, now: () => new Date(Date.now() + 1000), log })).toBe(1);

      // What a transcode, passthrough or still job does last: store its files, then commit their rows.
      const finish = async (evidenceId: string) => {
        const key = `derived/${evidenceId}/${randomUUID()}/poster/poster.webp`;
        await p.store.put(key, Readable.from([randomBytes(100)]), 100);
        const source = (await p.db.selectFrom('evidence').select('sha256').where('id', '=', evidenceId).executeTakeFirstOrThrow()).sha256;
        const committed = await commitUnlessDisposed({ db: p.db, store: p.store, log }, evidenceId, [key], async (trx) => {
          await trx.insertInto('derivatives').values({ evidence_id: evidenceId, kind: 'poster', name: 'poster.webp', storage_key: key, size: 100, sha256: '0'.repeat(64), mime_type: 'image/webp', source_sha256: source }).execute();
        });
        return { committed, stored: (await p.store.stat(key)) !== null, rows: (await p.db.selectFrom('derivatives').select('kind').where('evidence_id', '=', evidenceId).execute()).length };
      };
      expect(await finish(id)).toEqual({ committed: false, stored: false, rows: 0 });
      expect(await finish(live.id)).toEqual({ committed: true, stored: true, rows: 1 });
    } finally {
      await p.close();
    }
  });

  it('transcode chunks stored after their recording was disposed of are deleted, by the chunk job and by the split', async () => {
    const p = await startTestPlatform({ server: { retentionGraceDays: 0 } });
    const work = await mkdtemp(join(tmpdir(), 'late-chunks-'));
    try {
      const { id } = await ingest(p, 'LATECHUNK', daysAgo(730));
      await requestApproved(p, 'late chunks');
      const prefix = `transcode-chunks/${id}/`;
      const clip = join(work, 'clip.mp4'); // 4:4:4 needs encoding; a keyframe every second
      await promisify(execFile)('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10:duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-g', '10', clip]);
      // The recording is disposed of while the job works (after it read what it needed, before it stores its result).
      let disposals = 0;
      const store: ObjectStore = Object.assign(Object.create(p.store) as ObjectStore, {
        put: async (...args: Parameters<ObjectStore['put']>) => {
          if (disposals === 0) disposals += await runDueDisposals({ db: p.db, store: p.store, now: () => new Date(Date.now() + 1000), log });
          return p.store.put(...args);
        },
      });
      const deps = { db: p.db, store, minSeconds: 1, chunkSeconds: 1, hwaccel: 'none' as const, log };
      const left = async () => {
        const keys: string[] = [];
        for await (const key of p.store.list(prefix)) keys.push(key);
        return keys;
      };

      // The split: pieces and plan stored after the disposal swept the recording's prefix.
      expect(await chunkedVideo(deps, { evidenceId: id }, clip, join(work, 'split'), { hlsMinSeconds: 300, maxLines: 720 })).toEqual({ state: 'pending' });
      expect(disposals).toBe(1);
      expect(await left()).toEqual([]);

      // A chunk job: it read its plan and piece before the disposal, and stores its encoded piece after.
      disposals = -1; // no second disposal: the recording is a tombstone already
      const plan = { chunks: [{ index: 0, start: 0, end: 3 }], video: { mode: 'encode', width: 64, height: 48, frameRate: null }, hwDecode: false };
      await p.store.put(`${prefix}plan.json`, Readable.from([Buffer.from(JSON.stringify(plan))]), Buffer.byteLength(JSON.stringify(plan)));
      await p.store.put(`${prefix}source-0000.nut`, createReadStream(clip), (await stat(clip)).size);
      const sweep = store.put;
      store.put = async (...args) => {
        for (const key of await left()) await p.store.delete(key); // what the disposal's sweep did
        return sweep(...args);
      };
      const transcodeJobsQueued = async () => (await p.db.selectFrom('outbox').select('payload').where('kind', '=', 'transcode').execute()).filter((row) => JSON.stringify(row.payload).includes(id)).length;
      const queuedBefore = await transcodeJobsQueued();
      await mkdir(join(work, 'chunk'));
      await transcodeChunk(deps, { evidenceId: id, chunk: 0 }, join(work, 'chunk'));
      expect(await left()).toEqual([]);
      expect(await transcodeJobsQueued()).toBe(queuedBefore); // no join is queued for a tombstone
    } finally {
      await rm(work, { recursive: true, force: true });
      await p.close();
    }
  });

  it('a deletion the store refuses leaves the recording failed, not a tombstone', async () => {
    const p = await startTestPlatform({ server: { retentionGraceDays: 0 } });
    try {
      const { id } = await ingest(p, 'LOCKED', daysAgo(730));
      const d = await requestApproved(p, 'lock');
      const refusing = Object.create(p.store, { delete: { value: async () => { throw new Error('object is WORM protected (COMPLIANCE retention)'); } } });
      await runDueDisposals({ db: p.db, store: refusing, now: () => new Date(Date.now() + 1000), log });
      const view = (await api(p, p.adminToken, 'GET', `/api/retention/disposals/${d.id}`)).json();
      expect(view).toMatchObject({ status: 'done', totals: { disposed: 0, failed: 1 } });
      expect(view.skipped).toEqual([{ evidenceId: id, status: 'failed', detail: expect.stringMatching(/WORM/) }]);
      expect((await api(p, p.adminToken, 'GET', `/api/evidence/${id}`)).json().state).not.toBe('disposed');
      expect((await api(p, p.adminToken, 'GET', `/api/evidence/${id}/original`)).statusCode).toBe(200);
    } finally {
      await p.close();
    }
  });
});
