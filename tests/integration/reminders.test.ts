import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { everyPage } from '../support/pages';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

/** The platform's clock, moved by the tests: 逾期 follows from it. */
let clock = new Date('2026-11-26T02:00:00Z');
const p = usePlatform({ now: () => clock });
const w = useWorld(p);

const hours = (n: number) => new Date(clock.getTime() + n * 3_600_000).toISOString();
const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  p.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
async function ok<T = any>(token: string, method: 'GET' | 'POST', url: string, payload?: object, status = method === 'POST' ? 201 : 200): Promise<T> {
  const res = await call(token, method, url, payload);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
}
type FeedEvent = { type: string; data: Record<string, unknown> };
/** The reminder events of one reminder the caller hears of through the pull feed. */
async function eventsOf(token: string, reminderId: string): Promise<FeedEvent[]> {
  const feed = await ok<{ items: FeedEvent[] }>(token, 'GET', '/api/events?limit=1000');
  return feed.items.filter((e) => e.data.reminderId === reminderId);
}
const auditOf = async (reminderId: string) =>
  (await p.db.selectFrom('audit_events').select(['action', 'outcome', 'actor_name', 'object_unit_id']).where('object_id', '=', reminderId).orderBy('seq').execute());

describe('a supervision reminder (监督提醒) through every state', () => {
  it('待回复 → 已回复 → 已退回 → 已回复 → 已办结, each step audited and sent as an event', async () => {
    const issued = await ok(w.tokens.overseerA, 'POST', '/api/reminders', { caseId: w.cases.a, text: '告知阶段缺少执法记录，请说明。', dueAt: hours(72) });
    expect(issued).toMatchObject({ unitId: w.units.a, unitName: '城关派出所', caseId: w.cases.a, caseNumber: expect.stringMatching(/^AJ-A-/), evidenceId: null, state: '待回复', issuedByRole: 'overseer', closedAt: null });
    const id: string = issued.id;
    const url = `/api/reminders/${id}`;

    // The unit head sees it among their unit's reminders.
    expect((await ok(w.tokens.unitHeadA, 'GET', '/api/reminders')).items.map((r: { id: string }) => r.id)).toContain(id);
    const answered = await ok(w.tokens.unitHeadA, 'POST', `${url}/responses`, { text: '已补充视频。', links: [`/api/evidence/${w.evidence.a}`, 'https://oa.example.gov.cn/doc/17'] });
    expect(answered.state).toBe('已回复');
    const returned = await ok(w.tokens.overseerA, 'POST', `${url}/return`, { text: '说明不充分。', dueAt: hours(120) }, 200);
    expect(returned).toMatchObject({ state: '已退回', dueAt: hours(120) });
    expect((await ok(w.tokens.unitHeadA, 'POST', `${url}/responses`, { text: '补充民警情况说明。' })).state).toBe('已回复');
    const closed = await ok(w.tokens.overseerA, 'POST', `${url}/close`, { text: '整改到位，予以办结。' }, 200);
    expect(closed).toMatchObject({ state: '已办结', closedAt: clock.toISOString() });
    expect(closed.steps.map((s: { kind: string; text: string; role: string }) => [s.kind, s.role, s.text])).toEqual([
      ['issued', 'overseer', '告知阶段缺少执法记录，请说明。'],
      ['responded', 'unit_head', '已补充视频。'],
      ['returned', 'overseer', '说明不充分。'],
      ['responded', 'unit_head', '补充民警情况说明。'],
      ['closed', 'overseer', '整改到位，予以办结。'],
    ]);
    expect(closed.steps[1].links).toEqual([`/api/evidence/${w.evidence.a}`, 'https://oa.example.gov.cn/doc/17']);
    expect(closed.steps[2].dueAt).toBe(hours(120));

    // Closed is closed.
    expect((await call(w.tokens.unitHeadA, 'POST', `${url}/responses`, { text: '再补充' })).statusCode).toBe(409);
    expect((await call(w.tokens.overseerA, 'POST', `${url}/return`, { text: '再退回' })).statusCode).toBe(409);

    expect((await auditOf(id)).map((a) => [a.action, a.outcome, a.object_unit_id])).toEqual([
      ['reminder.issue', 'allowed', w.units.a], ['reminder.respond', 'allowed', w.units.a], ['reminder.return', 'allowed', w.units.a],
      ['reminder.respond', 'allowed', w.units.a], ['reminder.close', 'allowed', w.units.a],
      ['reminder.respond', 'failed', w.units.a], ['reminder.return', 'failed', w.units.a],
    ]);
    const expected = [['reminder.issued', '待回复'], ['reminder.responded', '已回复'], ['reminder.returned', '已退回'], ['reminder.responded', '已回复'], ['reminder.closed', '已办结']];
    for (const token of [w.tokens.unitHeadA, w.tokens.overseerA, w.tokens.auditor, p.adminToken]) {
      const events = await eventsOf(token, id);
      expect(events.map((e) => [e.type, e.data.status])).toEqual(expected);
    }
    expect((await eventsOf(p.adminToken, id))[1]!.data).toMatchObject({ caseId: w.cases.a, unitId: w.units.a, text: '已补充视频。', links: [`/api/evidence/${w.evidence.a}`, 'https://oa.example.gov.cn/doc/17'] });
    // Another unit's head and the case's handler hear nothing of it.
    expect(await eventsOf(w.tokens.unitHeadB, id)).toEqual([]);
    expect(await eventsOf(w.tokens.handlerA, id)).toEqual([]);
  });

  it('reads 逾期 once the due date passes unanswered (the platform clock), and an answer after it is still taken', async () => {
    const issued = await ok(w.tokens.auditor, 'POST', '/api/reminders', { evidenceId: w.evidence.a2, text: '该视频未关联案件，请核查。', dueAt: hours(1) });
    expect(issued).toMatchObject({ state: '待回复', evidenceId: w.evidence.a2, caseId: null, issuedByRole: 'auditor' });
    const url = `/api/reminders/${issued.id}`;
    const listed = async (state: string) => (await ok(w.tokens.unitHeadA, 'GET', `/api/reminders?state=${encodeURIComponent(state)}`)).items.map((r: { id: string }) => r.id);
    expect(await listed('待回复')).toContain(issued.id);
    expect(await listed('逾期')).not.toContain(issued.id);

    clock = new Date(clock.getTime() + 2 * 3_600_000);
    expect((await ok(w.tokens.unitHeadA, 'GET', url)).state).toBe('逾期');
    expect(await listed('逾期')).toContain(issued.id);
    expect(await listed('待回复')).not.toContain(issued.id);

    expect((await ok(w.tokens.unitHeadA, 'POST', `${url}/responses`, { text: '已关联至案件。' })).state).toBe('已回复');
    // Returned with the old due date, long past: 逾期 again straight away; a new one makes it 已退回.
    expect((await ok(w.tokens.auditor, 'POST', `${url}/return`, { text: '未见关联。' }, 200)).state).toBe('逾期');
    expect((await call(w.tokens.auditor, 'POST', `${url}/return`, { text: 'x', dueAt: hours(-1) })).statusCode).toBe(422);
    const events = await eventsOf(w.tokens.auditor, issued.id);
    expect(events.map((e) => e.type)).toEqual(['reminder.issued', 'reminder.responded', 'reminder.returned']);
    expect(events[0]!.data).toMatchObject({ evidenceId: w.evidence.a2, caseId: null });
  });
});

describe('people in a reminder', () => {
  it('are named as people know them: display name and 警号 of the issuer and of each step', async () => {
    await p.ownerDb.updateTable('users').set({ display_name: '张敏', officer_no: '090001' }).where('id', '=', w.users.overseerA!).execute();
    await p.ownerDb.updateTable('users').set({ display_name: '王强', officer_no: '010001' }).where('id', '=', w.users.unitHeadA!).execute();
    const issued = await ok(w.tokens.overseerA, 'POST', '/api/reminders', { caseId: w.cases.a, text: '请说明。', dueAt: hours(24) });
    expect(issued).toMatchObject({ issuedByName: '张敏', issuedByOfficerNo: '090001' });
    const answered = await ok(w.tokens.unitHeadA, 'POST', `/api/reminders/${issued.id}/responses`, { text: '已说明。' });
    expect(answered.steps.map((s: { byName: string; byOfficerNo: string }) => [s.byName, s.byOfficerNo])).toEqual([['张敏', '090001'], ['王强', '010001']]);
    const listed = (await ok(w.tokens.unitHeadA, 'GET', '/api/reminders')).items.find((r: { id: string }) => r.id === issued.id);
    expect(listed).toMatchObject({ issuedByName: '张敏', issuedByOfficerNo: '090001' });
  });
});

describe('who may do what with reminders', () => {
  it('supervisors issue about what they supervise; bad requests are refused clearly', async () => {
    const body = { text: '请说明。', dueAt: hours(24) };
    expect((await call(w.tokens.overseerA, 'POST', '/api/reminders', { ...body, caseId: w.cases.b })).statusCode).toBe(404);
    expect((await call(w.tokens.overseerA, 'POST', '/api/reminders', { ...body, evidenceId: w.evidence.b })).statusCode).toBe(404);
    for (const token of [w.tokens.handlerA, w.tokens.unitHeadA, p.adminToken, w.tokens.complainant]) {
      expect((await call(token, 'POST', '/api/reminders', { ...body, caseId: w.cases.a })).statusCode).toBe(403);
    }
    expect((await call(w.tokens.auditor, 'POST', '/api/reminders', { ...body, caseId: w.cases.b, evidenceId: w.evidence.b })).statusCode).toBe(422);
    expect((await call(w.tokens.auditor, 'POST', '/api/reminders', body)).statusCode).toBe(422);
    expect((await call(w.tokens.auditor, 'POST', '/api/reminders', { ...body, caseId: w.cases.b, unitId: w.units.a })).statusCode).toBe(422);
    expect((await call(w.tokens.auditor, 'POST', '/api/reminders', { ...body, caseId: w.cases.b, dueAt: hours(-1) })).statusCode).toBe(422);
    expect((await call(w.tokens.auditor, 'POST', '/api/reminders', { ...body, caseId: randomUUID() })).statusCode).toBe(404);
    const res = await call(w.tokens.auditor, 'POST', '/api/reminders', { ...body, caseId: w.cases.b, unitId: w.units.b });
    expect(res.statusCode).toBe(201);
    expect(res.json().unitId).toBe(w.units.b);
  });

  it('only the unit head of the unit answers; only the issuer returns or closes, and only once answered', async () => {
    const r = await ok(w.tokens.overseerA, 'POST', '/api/reminders', { caseId: w.cases.a, text: '请核查。', dueAt: hours(24) });
    const url = `/api/reminders/${r.id}`;
    // Out of scope reads as absent.
    for (const token of [w.tokens.unitHeadB]) {
      expect((await call(token, 'GET', url)).statusCode).toBe(404);
      expect((await call(token, 'POST', `${url}/responses`, { text: '冒充' })).statusCode).toBe(404);
    }
    expect((await call(w.tokens.handlerA, 'GET', url)).statusCode).toBe(403);
    expect((await call(w.tokens.overseerA, 'POST', `${url}/responses`, { text: '代答' })).statusCode).toBe(403);
    expect((await call(w.tokens.overseerA, 'POST', `${url}/close`, { text: '未答先结' })).statusCode).toBe(409);
    expect((await call(w.tokens.unitHeadA, 'POST', `${url}/responses`, { text: '回复', links: ['javascript:alert(1)'] })).statusCode).toBe(400);
    await ok(w.tokens.unitHeadA, 'POST', `${url}/responses`, { text: '回复' });
    expect((await call(w.tokens.unitHeadA, 'POST', `${url}/close`, { text: '自结' })).statusCode).toBe(403);
    const byOther = await call(w.tokens.auditor, 'POST', `${url}/close`, { text: '他人办结' });
    expect(byOther.statusCode).toBe(403);
    expect(byOther.json().detail).toMatch(/only the supervisor who issued it may close/);
    expect((await ok(w.tokens.overseerA, 'GET', url)).state).toBe('已回复');

    // Lists are scoped by unit.
    const units = async (token: string) => new Set((await ok(token, 'GET', '/api/reminders?limit=200')).items.map((x: { unitId: string }) => x.unitId));
    expect(await units(w.tokens.unitHeadA)).toEqual(new Set([w.units.a]));
    expect(await units(w.tokens.overseerA)).toEqual(new Set([w.units.a]));
    expect(await units(w.tokens.unitHeadB)).toEqual(new Set([w.units.b]));
    expect(await units(w.tokens.auditor)).toEqual(new Set([w.units.a, w.units.b]));
    const ofCase = (await ok(w.tokens.auditor, 'GET', `/api/reminders?caseId=${w.cases.a}`)).items;
    expect(ofCase.length).toBeGreaterThan(0);
    expect(ofCase.every((x: { caseId: string }) => x.caseId === w.cases.a)).toBe(true);
    // Paging, newest first, each once.
    const all = (await ok(w.tokens.auditor, 'GET', '/api/reminders?limit=200')).items.map((x: { id: string }) => x.id);
    const paged = (await everyPage<{ id: string }>((cursor) => ok(w.tokens.auditor, 'GET', `/api/reminders?limit=2${cursor ? `&cursor=${cursor}` : ''}`))).map((x) => x.id);
    expect(paged).toEqual(all);
  });
});
