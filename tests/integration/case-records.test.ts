import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../core/chain';
import { migrateToLatest } from '../../schema/database';
import { migrateDownThrough } from '../support/db';
import { runEvidence } from '../support/evidence-process';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform({ listen: true });
const w = useWorld(p);

/** A real HTTP request on the platform's socket: what an integrator's client sends. */
async function api(token: string, method: string, path: string, body?: object): Promise<{ status: number; body: any }> {
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: { ...bearer(token), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const byNumber = (number: string) => `/api/cases/by-number/${encodeURIComponent(number)}`;
const unitCode = async (id: string) => (await p.db.selectFrom('units').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;
const eventsOf = async (caseId: string) =>
  (await p.db.selectFrom('platform_events').select(['type', 'case_id', 'unit_id', 'data']).where('case_id', '=', caseId).orderBy('seq').execute());

describe('case numbers as keys', () => {
  it('PUT by number creates once (201), then updates (200): upserting twice gives one case', async () => {
    const number = '高环罚〔2026〕17号';
    const body = { title: '某公司超标排放案', unitCode: await unitCode(w.units.a), description: '群众举报' };
    const first = await api(p.adminToken, 'PUT', byNumber(number), body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ number, title: body.title, unitId: w.units.a, stage: '立案', state: '立案', description: '群众举报' });
    const again = await api(p.adminToken, 'PUT', byNumber(number), body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    // Fields left out keep their value.
    const renamed = await api(p.adminToken, 'PUT', byNumber(number), { title: '某公司超标排放案（更正）', unitId: w.units.a });
    expect(renamed).toMatchObject({ status: 200, body: { id: first.body.id, title: '某公司超标排放案（更正）', description: '群众举报' } });
    const rows = await p.db.selectFrom('cases').select('id').where('number', '=', number).execute();
    expect(rows).toEqual([{ id: first.body.id }]);
    expect((await api(w.tokens.unitHeadA, 'GET', byNumber(number))).body).toMatchObject({ id: first.body.id, number });

    // The repeated PUT changed nothing, so the history has the opening and the rename only.
    const history = (await api(w.tokens.auditor, 'GET', `/api/cases/${first.body.id}/history`)).body.items;
    expect(history.map((h: any) => h.action)).toEqual(['case.upsert', 'case.upsert']);
    expect(history[1].details.changes).toEqual({ title: { from: '某公司超标排放案', to: '某公司超标排放案（更正）' } });
    expect((await eventsOf(first.body.id)).map((e) => e.type)).toEqual(['case.created', 'case.updated']);

    // A case does not move between units; a unit is named by id or code.
    expect((await api(p.adminToken, 'PUT', byNumber(number), { title: 'x', unitId: w.units.b })).status).toBe(422);
    expect((await api(p.adminToken, 'PUT', byNumber(number), { title: 'x' })).status).toBe(400);
    expect((await api(p.adminToken, 'PUT', byNumber('新号'), { title: 'x', unitCode: 'no-such-unit' })).status).toBe(404);
  });

  it('numbers with 〔〕, / , spaces, % and ? round-trip through the URL: read, link, unlink', async () => {
    // The longest number: 64 characters, 576 once encoded (the router's limit of 100 characters applies to the decoded parameter).
    const longest = `某某市生态环境局高新技术产业开发区分局环罚〔2026〕第1234号${'号'.repeat(64 - 33)}`;
    expect(longest).toHaveLength(64);
    for (const number of ['A/B 1', '高环罚〔2026〕18号', '50% off?#x', '  /leading/slash ', longest]) {
      const made = await api(p.adminToken, 'PUT', byNumber(number), { title: '编号测试', unitId: w.units.a });
      expect(made.status, `${number}: ${JSON.stringify(made.body)}`).toBe(201);
      expect(made.body.number).toBe(number);
      const read = await api(w.tokens.unitHeadA, 'GET', byNumber(number));
      expect(read).toMatchObject({ status: 200, body: { id: made.body.id, number } });
      const linked = await api(w.tokens.unitHeadA, 'POST', `${byNumber(number)}/evidence`, { evidenceId: w.evidence.a2 });
      expect(linked).toMatchObject({ status: 200, body: { caseId: made.body.id, evidenceId: w.evidence.a2, linked: true, stage: '立案' } });
      expect((await api(w.tokens.unitHeadA, 'POST', `${byNumber(number)}/evidence`, { evidenceId: w.evidence.a2 })).body.linked).toBe(false);
      expect((await api(w.tokens.unitHeadA, 'DELETE', `${byNumber(number)}/evidence/${w.evidence.a2}`)).status).toBe(204);
      expect((await api(w.tokens.unitHeadA, 'DELETE', `${byNumber(number)}/evidence/${w.evidence.a2}`)).status).toBe(404);
      expect((await eventsOf(made.body.id)).map((e) => e.type)).toEqual(['case.created', 'case.evidence_linked', 'case.evidence_unlinked']);
    }
    expect((await api(p.adminToken, 'PUT', byNumber(`${longest}1`), { title: '太长', unitId: w.units.a })).status).toBe(400);
    // Out of scope reads as absent, by number as by id.
    expect((await api(w.tokens.handlerB, 'GET', byNumber('A/B 1'))).status).toBe(404);
    expect((await api(w.tokens.unitHeadA, 'GET', byNumber('A/B'))).status).toBe(404);
  });

  it('a duplicate POST /api/cases answers 409 with the existing id, but only to a caller who may see that case', async () => {
    const existing = (await api(p.adminToken, 'GET', `/api/cases/${w.cases.a}`)).body;
    const again = await api(p.adminToken, 'POST', '/api/cases', { number: existing.number, title: '重复', unitId: w.units.a });
    expect(again).toMatchObject({ status: 409, body: { status: 409, existingId: w.cases.a } });
    // Another unit's handler learns the number is taken, never the case behind it.
    for (const [method, path, body] of [
      ['POST', '/api/cases', { number: existing.number, title: '重复', unitId: w.units.b }],
      ['PUT', byNumber(existing.number), { title: '重复', unitId: w.units.b }],
    ] as const) {
      const refused = await api(w.tokens.handlerB, method, path, body);
      expect(refused.status).toBe(409);
      expect(refused.body.existingId).toBeUndefined();
      expect(JSON.stringify(refused.body)).not.toContain(w.cases.a);
    }
  });
});

describe('stages with history', () => {
  it('moves through the stages by the rules; every change is in the chained history, for the right roles only', async () => {
    const number = '城管罚〔2026〕5号';
    const opened = await api(w.tokens.handlerA, 'PUT', byNumber(number), { title: '占道经营', unitId: w.units.a, reporterId: w.users.complainant! });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    expect(opened.body.handlerIds).toEqual([w.users.handlerA]);
    const patch = (token: string, body: object) => api(token, 'PATCH', `/api/cases/${id}`, body);

    // The older state field: 办理中 moves 立案 to 调查取证, and reads back as 办理中.
    expect((await patch(w.tokens.handlerA, { state: '办理中' })).body).toMatchObject({ stage: '调查取证', state: '办理中' });
    expect((await api(w.tokens.handlerA, 'GET', '/api/cases?state=办理中')).body.items.map((c: any) => c.id)).toContain(id);
    expect((await patch(w.tokens.handlerA, { stage: '告知', state: '立案' })).status).toBe(422);
    expect((await api(w.tokens.handlerA, 'POST', `/api/cases/${id}/evidence`, { evidenceId: w.evidence.a })).body).toMatchObject({ linked: true, stage: '调查取证' });
    expect((await patch(w.tokens.handlerA, { stage: '告知' })).body).toMatchObject({ stage: '告知', state: '办理中' });
    // State 办理中 keeps a case already under way where it is.
    expect((await patch(w.tokens.handlerA, { state: '办理中' })).body.stage).toBe('告知');

    expect(await patch(w.tokens.handlerA, { stage: '调查取证' })).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/needs a reason/) } });
    expect(await patch(w.tokens.handlerA, { stage: '移送', reason: '涉嫌犯罪' })).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/transferTo/) } });
    const transferred = await patch(w.tokens.handlerA, { stage: '移送', transferTo: '区公安分局', reason: '涉嫌非法经营罪' });
    expect(transferred.body).toMatchObject({ stage: '移送', state: '移送', transferTo: '区公安分局' });
    // Final: a handler cannot reopen; the unit head can, with a reason.
    expect((await patch(w.tokens.handlerA, { stage: '调查取证', reason: '退回' })).status).toBe(403);
    expect((await patch(w.tokens.unitHeadA, { stage: '调查取证' })).status).toBe(422);
    expect((await patch(w.tokens.unitHeadB, { stage: '调查取证', reason: '退回' })).status).toBe(404);
    const reopened = await patch(w.tokens.unitHeadA, { stage: '调查取证', reason: '公安机关不予立案，退回' });
    expect(reopened.body).toMatchObject({ stage: '调查取证', transferTo: null });
    expect((await patch(w.tokens.unitHeadA, { title: '占道经营（更正）', handlerIds: [w.users.handlerA, w.users.handlerA2] })).status).toBe(200);

    const history = await api(w.tokens.handlerA, 'GET', `/api/cases/${id}/history`);
    expect(history.status).toBe(200);
    const items = history.body.items as any[];
    // Refused attempts are not changes: only what happened, in order.
    expect(items.map((h) => [h.action, h.details.changes?.stage?.to ?? h.details.evidenceId ?? null])).toEqual([
      ['case.upsert', null],
      ['case.update', '调查取证'],
      ['case.link', w.evidence.a],
      ['case.update', '告知'],
      ['case.update', '移送'],
      ['case.update', '调查取证'],
      ['case.update', null],
    ]);
    expect(items[4]).toMatchObject({
      actorName: expect.stringMatching(/^handlerA/), role: 'handler', client: '127.0.0.1', reason: '涉嫌非法经营罪',
      details: { changes: { stage: { from: '告知', to: '移送' } }, transferTo: '区公安分局' }, at: expect.any(String),
    });
    expect(items[5]).toMatchObject({ role: 'unit_head', reason: '公安机关不予立案，退回', details: { changes: { stage: { from: '移送', to: '调查取证' } } } });
    expect(items[6].details.changes).toEqual({
      title: { from: '占道经营', to: '占道经营（更正）' },
      handlerIds: { from: [w.users.handlerA], to: [w.users.handlerA, w.users.handlerA2].sort() },
    });
    expect(items[2].details).toMatchObject({ stage: '调查取证' });

    // Each entry is an event of the hash-chained audit trail, and the chain holds.
    for (const item of items) {
      const row = await p.db.selectFrom('audit_events').select(['hash', 'object_id']).where('seq', '=', String(item.seq)).executeTakeFirstOrThrow();
      expect(row).toEqual({ hash: item.hash, object_id: id });
    }
    expect(await verifyChain(p.db, 'audit')).toMatchObject({ ok: true });

    // Who sees it: the case's readers; not a complainant (status only), not another unit.
    expect((await api(w.tokens.unitHeadA, 'GET', `/api/cases/${id}/history`)).status).toBe(200);
    expect((await api(w.tokens.auditor, 'GET', `/api/cases/${id}/history`)).status).toBe(200);
    expect((await api(w.tokens.complainant, 'GET', `/api/cases/${id}/history`)).status).toBe(403);
    expect((await api(w.tokens.complainant, 'GET', `/api/cases/${id}/evidence`)).status).toBe(403);
    expect(Object.keys((await api(w.tokens.complainant, 'GET', `/api/cases/${id}`)).body).sort()).toEqual(['id', 'number', 'stage', 'state', 'title', 'updatedAt']);
    expect((await api(w.tokens.handlerB, 'GET', `/api/cases/${id}/history`)).status).toBe(404);
    expect((await api(w.tokens.unitHeadB, 'GET', `/api/cases/${id}/history`)).status).toBe(404);

    // Platform events, scoped to the case and its unit.
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(['case.created', 'case.stage_changed', 'case.evidence_linked', 'case.stage_changed', 'case.stage_changed', 'case.stage_changed', 'case.updated']);
    expect(events.every((e) => e.unit_id === w.units.a)).toBe(true);
    expect(events[4]!.data).toEqual({ caseId: id, number, from: '告知', to: '移送', reason: '涉嫌非法经营罪', transferTo: '区公安分局' });
    expect(events[2]!.data).toEqual({ caseId: id, number, evidenceId: w.evidence.a, stage: '调查取证' });
  });
});

describe('footage per stage', () => {
  it('groups footage by the stage it was linked in and names the required stages without footage; units set their rule', async () => {
    const opened = await api(w.tokens.unitHeadA, 'PUT', byNumber('footage-1'), { title: '全过程记录', unitId: w.units.a, stage: '调查取证' });
    const id = opened.body.id as string;
    const footage = async (token = w.tokens.unitHeadA) => (await api(token, 'GET', `/api/cases/${id}/evidence`)).body;
    expect(await footage()).toMatchObject({
      caseId: id, stage: '调查取证', requiredStages: ['调查取证', '告知', '送达', '执行'], missingStages: ['调查取证'],
      stages: [
        { stage: '调查取证', required: true, hasFootage: false, evidence: [] },
        { stage: '告知', required: true, hasFootage: false, evidence: [] },
        { stage: '送达', required: true, hasFootage: false, evidence: [] },
        { stage: '执行', required: true, hasFootage: false, evidence: [] },
      ],
    });
    await api(w.tokens.unitHeadA, 'POST', `/api/cases/${id}/evidence`, { evidenceId: w.evidence.a });
    await api(w.tokens.unitHeadA, 'PATCH', `/api/cases/${id}`, { stage: '告知' });
    expect((await footage()).missingStages).toEqual(['告知']);
    await api(w.tokens.unitHeadA, 'POST', `/api/cases/${id}/evidence`, { evidenceId: w.evidence.a2 });
    const view = await footage();
    expect(view.missingStages).toEqual([]);
    expect(view.stages.slice(0, 2)).toEqual([
      { stage: '调查取证', required: true, hasFootage: true, evidence: [expect.objectContaining({ id: w.evidence.a, linkedAt: expect.any(String), linkedBy: w.users.unitHeadA })] },
      { stage: '告知', required: true, hasFootage: true, evidence: [expect.objectContaining({ id: w.evidence.a2 })] },
    ]);

    // The unit's rule: read by its staff, set by its head, overseers and admins.
    const rules = `/api/units/${w.units.a}/recording-rules`;
    expect((await api(w.tokens.handlerA, 'GET', rules)).body).toEqual({ unitId: w.units.a, requiredStages: ['调查取证', '告知', '送达', '执行'], isDefault: true, updatedAt: null });
    expect((await api(w.tokens.handlerA, 'PUT', rules, { requiredStages: ['立案'] })).status).toBe(403);
    expect((await api(w.tokens.unitHeadB, 'PUT', rules, { requiredStages: ['立案'] })).status).toBe(404);
    expect((await api(w.tokens.unitHeadB, 'GET', rules)).status).toBe(404);
    expect((await api(w.tokens.complainant, 'GET', rules)).status).toBe(403);
    expect((await api(w.tokens.unitHeadA, 'PUT', rules, { requiredStages: ['立案', '立案'] })).status).toBe(400);
    const set = await api(w.tokens.unitHeadA, 'PUT', rules, { requiredStages: ['告知', '立案', '调查取证'] });
    expect(set.body).toMatchObject({ requiredStages: ['立案', '调查取证', '告知'], isDefault: false, updatedAt: expect.any(String) });
    expect((await footage()).missingStages).toEqual(['立案']);
    expect((await api(w.tokens.overseerA, 'PUT', rules, { requiredStages: ['调查取证'] })).status).toBe(200);
    expect((await footage(w.tokens.auditor)).missingStages).toEqual([]);
    const changed = await p.db.selectFrom('audit_events').select('details').where('action', '=', 'unit.recording-rules').where('outcome', '=', 'allowed').orderBy('seq').execute();
    expect(changed.map((r) => r.details.requiredStages)).toEqual([
      { from: ['调查取证', '告知', '送达', '执行'], to: ['立案', '调查取证', '告知'] },
      { from: ['立案', '调查取证', '告知'], to: ['调查取证'] },
    ]);
  });
});

describe('evidence export --case', () => {
  it('takes the case number as well as the id', async () => {
    const number = 'EX/2026 第1号';
    const made = await api(p.adminToken, 'PUT', byNumber(number), { title: '导出', unitId: w.units.b });
    await api(p.adminToken, 'POST', `${byNumber(number)}/evidence`, { evidenceId: w.evidence.b });
    const out = join(p.scratch, 'by-number');
    const exported = await runEvidence(['export', '--server', p.url, '--token', w.tokens.auditor, '--case', number, '--reason', '法院调取', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/result: OK/);
    expect(await p.db.selectFrom('case_exports').select('case_id').execute()).toContainEqual({ case_id: made.body.id });
    const unknown = await runEvidence(['export', '--server', p.url, '--token', w.tokens.auditor, '--case', 'NO/SUCH 1', '--reason', '法院调取', '--zip', join(p.scratch, 'x.zip')]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/404/);
  });
});

describe('the migration', () => {
  // Last: it takes this file's database down a step and up again.
  it('maps existing cases\' state onto a stage, and their links onto the case\'s stage', async () => {
    const { id } = (await api(p.adminToken, 'PUT', byNumber('MIG-1'), { title: '迁移', unitId: w.units.a, stage: '执行' })).body;
    await migrateDownThrough(p.ownerDb, '0011_case_stages');
    expect((await sql<{ state: string }>`select state from cases where id = ${id}`.execute(p.ownerDb)).rows).toEqual([{ state: '办理中' }]);
    await sql`update cases set state = '办理中' where number = 'footage-1'`.execute(p.ownerDb);
    await sql`update cases set state = '移送' where id = ${id}`.execute(p.ownerDb);
    await migrateToLatest(p.ownerDb);
    const stageOf = (number: string) => p.db.selectFrom('cases').select(['stage', 'state', 'stages_reached']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(await stageOf('MIG-1')).toEqual({ stage: '移送', state: '移送', stages_reached: ['立案', '移送'] });
    expect(await stageOf('footage-1')).toEqual({ stage: '调查取证', state: '办理中', stages_reached: ['立案', '调查取证'] });
    const links = await p.db.selectFrom('case_evidence').innerJoin('cases', 'cases.id', 'case_evidence.case_id').select(['case_evidence.stage']).where('cases.number', '=', 'footage-1').execute();
    expect(links).toEqual([{ stage: '调查取证' }, { stage: '调查取证' }]);
  });
});
