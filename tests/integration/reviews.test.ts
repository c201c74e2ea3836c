import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { reviewRollup } from '../../api/review-rollup';
import { drawSample, populationDigest } from '../../api/review-sample';
import { dockCalls } from '../support/dock-calls';
import { everyPage } from '../support/pages';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform();
const w = useWorld(p);

const FROM = '2026-07-01T00:00:00+08:00';
const TO = '2026-10-01T00:00:00+08:00';
const DEFAULT_ITEMS = ['表明身份', '告知录音录像', '全程不间断', '用语规范', '证据完整'];

const call = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  p.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
async function ok<T = any>(token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, status = method === 'POST' ? 201 : 200): Promise<T> {
  const res = await call(token, method, url, payload);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
}

/** A recording docked with the officer and recorder time the dock read from the recorder. */
async function record(officerNo: string, recordedAt: string): Promise<string> {
  const dock = dockCalls(p.app, p.stationToken, 'ST');
  const bytes = randomBytes(512);
  const announced = await dock.announce(`R-${officerNo}`, `DCIM/${randomUUID()}.MP4`, bytes.length, { officerNo, recordedAt });
  await dock.send(announced.json().uploadId, 0, bytes);
  const done = await dock.complete(announced.json().uploadId, bytes);
  expect(done.statusCode, done.body).toBe(200);
  return done.json().evidenceId;
}

/** Unit A's recordings of the third quarter, by officer; and others that no draw of unit A may take. */
const q3 = { a1: [] as string[], a2: [] as string[], b: [] as string[], outside: [] as string[] };
const officer = { a1: '', a2: '', b: '' };
beforeAll(async () => {
  const no = async (id: string) => (await p.db.selectFrom('evidence').select('officer_no').where('id', '=', id).executeTakeFirstOrThrow()).officer_no!;
  [officer.a1, officer.a2, officer.b] = [await no(w.evidence.a), await no(w.evidence.a2), await no(w.evidence.b)];
  for (let day = 1; day <= 6; day++) {
    q3.a1.push(await record(officer.a1, `2026-08-0${day}T09:00:00+08:00`));
    q3.a2.push(await record(officer.a2, `2026-09-0${day}T15:30:00+08:00`));
  }
  for (let day = 1; day <= 3; day++) q3.b.push(await record(officer.b, `2026-08-1${day}T10:00:00+08:00`));
  // Just before and at the end of the period: not in it.
  q3.outside.push(await record(officer.a1, '2026-06-30T23:59:59+08:00'), await record(officer.a1, TO));
});

describe('drawing a sample review (抽查)', () => {
  it('an overseer draws from the unit\'s recordings of the period, against the default rubric; the same seed draws the same sample', async () => {
    const review = await ok(w.tokens.overseerA, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 5 });
    const population = [...q3.a1, ...q3.a2];
    expect(review).toMatchObject({
      unitId: w.units.a, unitName: '城关派出所', size: 5, population: 12, populationDigest: populationDigest(population),
      seed: expect.stringMatching(/^[0-9a-f]{32}$/), createdBy: expect.any(String),
      rubric: { name: '执法记录仪使用规范', version: 1 },
      results: { reviews: 1, sampled: 5, reviewed: 0, checks: 0, passed: 0, passRate: null },
    });
    expect(review.rubric.items.map((i: { label: string }) => i.label)).toEqual(DEFAULT_ITEMS);
    const sample = review.samples.map((s: { evidenceId: string }) => s.evidenceId);
    expect(sample).toHaveLength(5);
    expect(sample.every((id: string) => population.includes(id))).toBe(true);
    // Anyone with the seed repeats the draw: the pure function over the same recordings…
    expect(drawSample(population, 5, review.seed)).toEqual(sample);
    // …and the API, given the seed.
    const again = await ok(w.tokens.auditor, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 5, seed: review.seed });
    expect(again.samples.map((s: { evidenceId: string }) => s.evidenceId)).toEqual(sample);
    expect(again.populationDigest).toBe(review.populationDigest);
    const other = await ok(w.tokens.auditor, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 5, seed: 'another seed' });
    expect(other.samples.map((s: { evidenceId: string }) => s.evidenceId)).toEqual(drawSample(population, 5, 'another seed'));
    // Officer numbers come with each sampled recording.
    for (const s of review.samples) expect(s.officerNo).toBe(q3.a1.includes(s.evidenceId) ? officer.a1 : officer.a2);

    // The draw is audited with its seed and sample.
    const audited = await p.db.selectFrom('audit_events').select(['actor_name', 'object_id', 'object_unit_id', 'outcome', 'details']).where('action', '=', 'review.create').where('object_id', '=', review.id).executeTakeFirstOrThrow();
    expect(audited).toMatchObject({ object_unit_id: w.units.a, outcome: 'allowed', details: { seed: review.seed, sample, population: 12, populationDigest: review.populationDigest } });
  });

  it('a sample larger than the population takes all of it; a bad period or rubric is refused', async () => {
    const all = await ok(w.tokens.auditor, 'POST', '/api/reviews', { unitId: w.units.b, from: FROM, to: TO, size: 50 });
    expect(all.samples.map((s: { evidenceId: string }) => s.evidenceId).sort()).toEqual([...q3.b].sort());
    expect((await call(w.tokens.auditor, 'POST', '/api/reviews', { unitId: w.units.a, from: TO, to: FROM, size: 5 })).statusCode).toBe(422);
    expect((await call(w.tokens.auditor, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 5, rubricId: randomUUID() })).statusCode).toBe(422);
    expect((await call(w.tokens.auditor, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 0 })).statusCode).toBe(400);
  });

  it('is scoped: overseers draw in the units they oversee, auditors anywhere; unit heads read their own unit\'s reviews; others nothing', async () => {
    const body = (unitId: string) => ({ unitId, from: FROM, to: TO, size: 2 });
    expect((await call(w.tokens.overseerA, 'POST', '/api/reviews', body(w.units.b))).statusCode).toBe(404);
    for (const token of [w.tokens.handlerA, w.tokens.unitHeadA, p.adminToken, w.tokens.complainant]) {
      expect((await call(token, 'POST', '/api/reviews', body(w.units.a))).statusCode).toBe(403);
    }
    const ofA = await ok(w.tokens.overseerA, 'POST', '/api/reviews', body(w.units.a));
    const ofB = await ok(w.tokens.auditor, 'POST', '/api/reviews', body(w.units.b));
    expect((await call(w.tokens.unitHeadA, 'GET', `/api/reviews/${ofA.id}`)).statusCode).toBe(200);
    for (const [token, id] of [[w.tokens.unitHeadB, ofA.id], [w.tokens.overseerA, ofB.id], [w.tokens.unitHeadA, ofB.id]] as const) {
      expect((await call(token, 'GET', `/api/reviews/${id}`)).statusCode).toBe(404);
    }
    expect((await call(w.tokens.handlerA, 'GET', `/api/reviews/${ofA.id}`)).statusCode).toBe(403);
    const listed = async (token: string) => new Set((await ok(token, 'GET', '/api/reviews?limit=200')).items.map((r: { unitId: string }) => r.unitId));
    expect(await listed(w.tokens.unitHeadA)).toEqual(new Set([w.units.a]));
    expect(await listed(w.tokens.unitHeadB)).toEqual(new Set([w.units.b]));
    expect(await listed(w.tokens.auditor)).toEqual(new Set([w.units.a, w.units.b]));
    // Paging: newest first, every review once.
    const pages = (await everyPage<{ id: string }>((cursor) => ok(w.tokens.auditor, 'GET', `/api/reviews?limit=2${cursor ? `&cursor=${cursor}` : ''}`))).map((r) => r.id);
    expect(pages).toEqual((await ok(w.tokens.auditor, 'GET', '/api/reviews?limit=200')).items.map((r: { id: string }) => r.id));
    expect(new Set(pages).size).toBe(pages.length);
  });
});

describe('scoring sampled recordings, and the results per officer and unit', () => {
  it('reviewers score each item pass or fail with a note and a bookmark; results roll up per review, officer and unit', async () => {
    const review = await ok(w.tokens.overseerA, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 12, seed: 'scoring' });
    const [first, second] = review.samples as { evidenceId: string; officerNo: string }[];
    const keys = review.rubric.items.map((i: { key: string }) => i.key) as string[];
    const url = (evidenceId: string) => `/api/reviews/${review.id}/samples/${evidenceId}`;

    const scored = await ok(w.tokens.overseerA, 'PUT', url(first!.evidenceId), { items: keys.map((key) => ({ key, pass: true })) });
    expect(scored.scores.map((s: { label: string; pass: boolean }) => [s.label, s.pass])).toEqual(DEFAULT_ITEMS.map((l) => [l, true]));
    const second1 = await ok(w.tokens.auditor, 'PUT', url(second!.evidenceId), {
      items: [{ key: keys[0], pass: true }, { key: keys[1], pass: false, note: '未告知当事人', bookmarkOffsetMs: 12500 }, { key: keys[2], pass: false, note: '中途关闭' }],
    });
    expect(second1.scores[1]).toMatchObject({ label: '告知录音录像', pass: false, note: '未告知当事人', bookmarkOffsetMs: 12500, bookmarkId: expect.any(String) });
    // The bookmark is on the recording, for whoever plays it.
    const bookmarks = (await ok(w.tokens.unitHeadA, 'GET', `/api/evidence/${second!.evidenceId}/bookmarks`)).items;
    expect(bookmarks).toContainEqual(expect.objectContaining({ offsetMs: 12500, label: '抽查 告知录音录像 不合格：未告知当事人' }));
    // Scored anew: the failed 全程不间断 passes after a second look; the others keep theirs.
    await ok(w.tokens.auditor, 'PUT', url(second!.evidenceId), { items: [{ key: keys[2], pass: true, note: '复核：未中断' }] });

    const view = await ok(w.tokens.unitHeadA, 'GET', `/api/reviews/${review.id}`);
    expect(view.results).toEqual({ reviews: 1, sampled: 12, reviewed: 2, checks: 8, passed: 7, passRate: 7 / 8 });
    const byOfficer = Object.fromEntries(view.officers.map((o: { officerNo: string }) => [o.officerNo, o]));
    const mine = (o: string) => [first!, second!].filter((s) => s.officerNo === o);
    const checksOf = (o: string) => mine(o).reduce((n, s) => n + (s === first ? 5 : 3), 0);
    const passedOf = (o: string) => mine(o).reduce((n, s) => n + (s === first ? 5 : 2), 0);
    for (const o of [officer.a1, officer.a2]) {
      expect(byOfficer[o]).toMatchObject({ unitId: w.units.a, officerName: expect.any(String), sampled: 6, reviewed: mine(o).length, checks: checksOf(o), passed: passedOf(o) });
    }

    // The roll-up over the period: unit A's scores; unit B has reviews but nothing scored.
    const results = await ok(w.tokens.auditor, 'GET', `/api/reviews/results?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`);
    const unitA = results.units.find((u: { unitId: string }) => u.unitId === w.units.a);
    expect(unitA).toMatchObject({ unitName: '城关派出所', reviewed: 2, checks: 8, passed: 7, passRate: 7 / 8 });
    expect(results.units.find((u: { unitId: string }) => u.unitId === w.units.b)).toMatchObject({ checks: 0, passRate: null });
    // The function the supervision summary calls says the same.
    const rollup = await reviewRollup(p.db, { unitIds: [w.units.a], from: new Date(FROM), to: new Date(TO) });
    expect(rollup.units).toEqual([{ unitId: w.units.a, reviews: unitA.reviews, sampled: unitA.sampled, reviewed: 2, checks: 8, passed: 7, passRate: 7 / 8 }]);
    expect(rollup.officers.map((o) => [o.officerNo, o.checks, o.passed]).sort()).toEqual([[officer.a1, checksOf(officer.a1), passedOf(officer.a1)], [officer.a2, checksOf(officer.a2), passedOf(officer.a2)]].sort());
    // A unit head sees their unit only; a period without the recordings has no results.
    const own = await ok(w.tokens.unitHeadB, 'GET', `/api/reviews/results?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`);
    expect(own.units.map((u: { unitId: string }) => u.unitId)).toEqual([w.units.b]);
    expect((await call(w.tokens.unitHeadB, 'GET', `/api/reviews/results?unitId=${w.units.a}&from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`)).statusCode).toBe(404);
    expect((await ok(w.tokens.auditor, 'GET', `/api/reviews/results?from=2025-01-01T00:00:00Z&to=2025-04-01T00:00:00Z`)).units).toEqual([]);

    // Scores are audited.
    const audited = await p.db.selectFrom('audit_events').select('details').where('action', '=', 'review.score').where('object_id', '=', review.id).execute();
    expect(audited.map((a) => (a.details as { evidenceId: string }).evidenceId)).toEqual([first!.evidenceId, second!.evidenceId, second!.evidenceId]);
  });

  it('refuses items not in the rubric, recordings not in the sample, and scorers who may not score', async () => {
    const review = await ok(w.tokens.overseerA, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 1 });
    const url = `/api/reviews/${review.id}/samples/${review.samples[0].evidenceId}`;
    expect((await call(w.tokens.overseerA, 'PUT', url, { items: [{ key: 'no-such-item', pass: true }] })).statusCode).toBe(422);
    expect((await call(w.tokens.overseerA, 'PUT', url, { items: [{ key: 'identity', pass: true }, { key: 'identity', pass: false }] })).statusCode).toBe(422);
    expect((await call(w.tokens.overseerA, 'PUT', `/api/reviews/${review.id}/samples/${q3.outside[0]}`, { items: [{ key: 'identity', pass: true }] })).statusCode).toBe(404);
    expect((await call(w.tokens.unitHeadA, 'PUT', url, { items: [{ key: 'identity', pass: true }] })).statusCode).toBe(403);
    const b = await ok(w.tokens.auditor, 'POST', '/api/reviews', { unitId: w.units.b, from: FROM, to: TO, size: 1 });
    expect((await call(w.tokens.overseerA, 'PUT', `/api/reviews/${b.id}/samples/${b.samples[0].evidenceId}`, { items: [{ key: 'identity', pass: true }] })).statusCode).toBe(404);
    expect((await ok(w.tokens.overseerA, 'GET', `/api/reviews/${review.id}`)).results.checks).toBe(0);
  });
});

describe('people in a review', () => {
  it('are named as people know them: who drew it and who scored, by display name and 警号', async () => {
    await p.ownerDb.updateTable('users').set({ display_name: '张敏', officer_no: '090001' }).where('id', '=', w.users.overseerA!).execute();
    const review = await ok(w.tokens.overseerA, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 1 });
    expect(review).toMatchObject({ createdByName: '张敏', createdByOfficerNo: '090001' });
    const scored = await ok(w.tokens.overseerA, 'PUT', `/api/reviews/${review.id}/samples/${review.samples[0].evidenceId}`, { items: [{ key: review.rubric.items[0].key, pass: true }] });
    expect(scored.scores[0]).toMatchObject({ scoredByName: '张敏', scoredByOfficerNo: '090001' });
    expect((await ok(w.tokens.overseerA, 'GET', `/api/reviews?unitId=${w.units.a}`)).items.find((r: { id: string }) => r.id === review.id)).toMatchObject({ createdByName: '张敏' });
  });
});

describe('rubrics', () => {
  it('are listed, created and edited by supervisors; an edit is a new version and leaves reviews drawn before it as they were', async () => {
    const listed = (await ok(w.tokens.unitHeadA, 'GET', '/api/reviews/rubrics')).items;
    expect(listed[0]).toMatchObject({ isDefault: true, version: 1, items: DEFAULT_ITEMS.map((label) => expect.objectContaining({ label })) });
    const made = await ok(w.tokens.auditor, 'POST', '/api/reviews/rubrics', { name: '扣押物品', items: [{ key: 'seizure', label: '扣押物品逐一拍摄' }, { key: 'signature', label: '当事人签字' }] });
    expect(made).toMatchObject({ version: 1, isDefault: false });
    const review = await ok(w.tokens.overseerA, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 1, rubricId: made.id });
    const url = `/api/reviews/${review.id}/samples/${review.samples[0].evidenceId}`;
    await ok(w.tokens.overseerA, 'PUT', url, { items: [{ key: 'seizure', pass: false, note: '漏拍一件' }] });

    const edited = await ok(w.tokens.overseerA, 'PUT', `/api/reviews/rubrics/${made.id}`, { name: '扣押物品（修订）', items: [{ key: 'seizure-all', label: '扣押物品全部拍摄' }] });
    expect(edited).toMatchObject({ version: 2, name: '扣押物品（修订）', items: [{ key: 'seizure-all', label: '扣押物品全部拍摄' }] });
    const after = await ok(w.tokens.overseerA, 'GET', `/api/reviews/${review.id}`);
    expect(after.rubric).toMatchObject({ name: '扣押物品', version: 1, items: [{ key: 'seizure', label: '扣押物品逐一拍摄' }, { key: 'signature', label: '当事人签字' }] });
    expect(after.samples[0].scores).toEqual([expect.objectContaining({ key: 'seizure', label: '扣押物品逐一拍摄', pass: false, note: '漏拍一件' })]);
    // The old review is still scored by its own items; a new draw uses the new version.
    expect((await call(w.tokens.overseerA, 'PUT', url, { items: [{ key: 'seizure-all', pass: true }] })).statusCode).toBe(422);
    await ok(w.tokens.overseerA, 'PUT', url, { items: [{ key: 'signature', pass: true }] });
    const fresh = await ok(w.tokens.overseerA, 'POST', '/api/reviews', { unitId: w.units.a, from: FROM, to: TO, size: 1, rubricId: made.id });
    expect(fresh.rubric).toMatchObject({ version: 2, items: [{ key: 'seizure-all' }] });

    const audited = await p.db.selectFrom('audit_events').select('action').where('object_id', '=', made.id).execute();
    expect(audited.map((a) => a.action)).toEqual(['review.rubric-create', 'review.rubric-update']);
  });

  it('refuses unit heads and admins as editors, repeated item keys, and a rubric that does not exist', async () => {
    const body = { name: 'x', items: [{ key: 'a', label: 'A' }] };
    expect((await call(w.tokens.unitHeadA, 'POST', '/api/reviews/rubrics', body)).statusCode).toBe(403);
    expect((await call(p.adminToken, 'POST', '/api/reviews/rubrics', body)).statusCode).toBe(403);
    expect((await call(w.tokens.auditor, 'POST', '/api/reviews/rubrics', { name: 'x', items: [{ key: 'a', label: 'A' }, { key: 'a', label: 'B' }] })).statusCode).toBe(422);
    expect((await call(w.tokens.auditor, 'PUT', `/api/reviews/rubrics/${randomUUID()}`, body)).statusCode).toBe(404);
    expect((await call(w.tokens.handlerA, 'GET', '/api/reviews/rubrics')).statusCode).toBe(403);
  });
});
