import { describe, expect, it } from 'vitest';
import { CLIPS, makeClip } from '../fixtures/make-clips';
import { dockClips } from '../support/footage';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// What the case page asks of the API (issue 15 item 2): counts that agree with what the caller sees,
// the stages the caller may move a case to, whom a unit head may assign, and people by name and 警号.
const p = usePlatform({ listen: true });
const w = useWorld(p);

async function api(token: string, method: string, path: string, body?: object): Promise<{ status: number; body: any }> {
  const res = await p.app.inject({ method: method as 'GET', url: path, headers: bearer(token), ...(body ? { payload: body } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}
const listed = async (token: string, caseId: string) => (await api(token, 'GET', '/api/cases?limit=500')).body.items.find((c: { id: string }) => c.id === caseId);

describe('the case list and the case page agree', () => {
  it('footage docked before the officer had an account (no unit) counts for whoever sees it, and is said to exist to whoever does not', async () => {
    const clip = await makeClip('test-artifacts/clips', 'h264-aac', CLIPS['h264-aac']);
    const docked = await dockClips(p, { serial: 'DSJ-NOBODY', officerNo: '999001' }, { '999001_DSJ-NOBODY_20260501090000_0001.mp4': clip });
    const orphan = Object.values(docked)[0]!.evidenceId;
    expect((await p.db.selectFrom('evidence').select('unit_id').where('id', '=', orphan).executeTakeFirstOrThrow()).unit_id).toBeNull();
    expect((await api(p.adminToken, 'POST', `/api/cases/${w.cases.a}/evidence`, { evidenceId: orphan })).status).toBe(200);
    expect((await api(p.adminToken, 'POST', `/api/cases/${w.cases.a}/evidence`, { evidenceId: w.evidence.a })).status).toBe(200);

    // The unit head sees the unit's file but not the unit-less one: the list says 1, the page lists 1 and says 1 more exists.
    for (const c of [await listed(w.tokens.unitHeadA, w.cases.a), (await api(w.tokens.unitHeadA, 'GET', `/api/cases/${w.cases.a}`)).body]) {
      expect(c).toMatchObject({ evidenceCount: 1, hiddenEvidenceCount: 1 });
    }
    const footage = (await api(w.tokens.unitHeadA, 'GET', `/api/cases/${w.cases.a}/evidence`)).body;
    expect(footage.stages.flatMap((s: { evidence: { id: string }[] }) => s.evidence.map((e) => e.id))).toEqual([w.evidence.a]);
    // The case's handler and the admin see both files.
    for (const token of [w.tokens.handlerA, p.adminToken]) expect(await listed(token, w.cases.a)).toMatchObject({ evidenceCount: 2, hiddenEvidenceCount: 0 });
  });
});

describe('stage changes the page offers', () => {
  it('are the ones the API accepts, for the caller', async () => {
    const { body: made } = await api(w.tokens.handlerA, 'POST', '/api/cases', { number: `NS-${Date.now()}`, title: '噪声扰民案', unitId: w.units.a });
    const offered = (c: { nextStages: { stage: string; needs: string[] }[] }) => Object.fromEntries(c.nextStages.map((o) => [o.stage, o.needs]));
    expect(offered(made)).toMatchObject({ 调查取证: [], 结案: [], 移送: ['reason', 'transferTo'] });
    expect(offered(made)).not.toHaveProperty('立案');
    // An auditor reads the case and may change nothing.
    expect((await api(w.tokens.auditor, 'GET', `/api/cases/${made.id}`)).body.nextStages).toEqual([]);

    const moved = (await api(w.tokens.handlerA, 'PATCH', `/api/cases/${made.id}`, { stage: '决定' })).body;
    expect(offered(moved)).toMatchObject({ 调查取证: ['reason'], 送达: [] });
    const closed = (await api(w.tokens.handlerA, 'PATCH', `/api/cases/${made.id}`, { stage: '结案' })).body;
    // Only the unit head reopens a closed case, with a reason.
    expect(closed.nextStages).toEqual([]);
    expect(offered((await api(w.tokens.unitHeadA, 'GET', `/api/cases/${made.id}`)).body)).toMatchObject({ 执行: ['reason'], 移送: ['reason', 'transferTo'] });
  });
});

describe('people by name and 警号', () => {
  it('a unit head lists the staff of their unit to assign; others may not, and another unit reads as absent', async () => {
    const { status, body } = await api(w.tokens.unitHeadA, 'GET', `/api/units/${w.units.a}/members`);
    expect(status).toBe(200);
    const handlerA = body.items.find((u: { id: string }) => u.id === w.users.handlerA);
    expect(handlerA).toMatchObject({ role: 'handler', officerNo: expect.stringMatching(/^A1/) });
    expect(body.items.map((u: { id: string }) => u.id)).not.toContain(w.users.handlerB);
    expect((await api(w.tokens.unitHeadA, 'GET', `/api/units/${w.units.b}/members`)).status).toBe(404);
    expect((await api(w.tokens.handlerA, 'GET', `/api/units/${w.units.a}/members`)).status).toBe(403);
  });

  it('the case names its handlers, its history its actors, and its exports who asked for them', async () => {
    const officerNo = (await p.db.selectFrom('users').select('officer_no').where('id', '=', w.users.handlerA!).executeTakeFirstOrThrow()).officer_no;
    const c = (await api(w.tokens.handlerA, 'GET', `/api/cases/${w.cases.a}`)).body;
    expect(c.handlers).toEqual([expect.objectContaining({ id: w.users.handlerA, officerNo })]);
    await api(w.tokens.handlerA, 'PATCH', `/api/cases/${w.cases.a}`, { description: '现场有监控' });
    const history = (await api(w.tokens.handlerA, 'GET', `/api/cases/${w.cases.a}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({ actorId: w.users.handlerA, actor: { id: w.users.handlerA, officerNo } });
    const exported = await api(w.tokens.handlerA, 'POST', `/api/cases/${w.cases.a}/exports`, { reason: '移送法院审理', receiver: '区人民法院' });
    expect(exported.status).toBe(202);
    expect(exported.body).toMatchObject({ receiver: '区人民法院', exportedBy: { id: w.users.handlerA, officerNo } });
  });
});
