import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

/** Issue 11 item 3: who may name a case's handlers, and whom they may name. */
const p = usePlatform();
const w = useWorld(p);
beforeAll(async () => {
  // Unit A's case holds unit A's footage.
  const link = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.a}/evidence`, headers: bearer(w.tokens.unitHeadA), payload: { evidenceId: w.evidence.a } });
  expect(link.statusCode, link.body).toBe(200);
});

const patch = (token: string, handlerIds: string[]) =>
  p.app.inject({ method: 'PATCH', url: `/api/cases/${w.cases.a}`, headers: bearer(token), payload: { handlerIds } });
const create = (token: string, body: object) =>
  p.app.inject({ method: 'POST', url: '/api/cases', headers: bearer(token), payload: { number: `N-${Math.random().toString(36).slice(2)}`, title: '新案', unitId: w.units.a, ...body } });
const handlersOfCaseA = async () => (await p.app.inject({ url: `/api/cases/${w.cases.a}`, headers: bearer(w.tokens.auditor) })).json().handlerIds.sort();
const audit = async (query: string) => (await p.app.inject({ url: `/api/audit?${query}`, headers: bearer(w.tokens.auditor) })).json().items as { action: string; outcome: string; details: Record<string, unknown> }[];

describe('case handler assignment', () => {
  it('refuses a handler who hands their case (and its footage) to another unit\'s handler', async () => {
    const res = await patch(w.tokens.handlerA, [w.users.handlerA!, w.users.handlerB!]);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().detail).toContain(w.users.handlerB);
    expect(await handlersOfCaseA()).toEqual([w.users.handlerA]);
    expect((await p.app.inject({ url: `/api/evidence/${w.evidence.a}`, headers: bearer(w.tokens.handlerB) })).statusCode).toBe(404);
    expect((await audit(`objectId=${w.cases.a}`)).find((e) => e.action === 'case.update' && e.outcome === 'denied')).toBeDefined();
  });

  it('refuses a handler who removes a colleague or adds one of their own unit', async () => {
    expect((await patch(w.tokens.handlerA, [])).statusCode).toBe(403);
    expect((await patch(w.tokens.handlerA, [w.users.handlerA!, w.users.handlerA2!])).statusCode).toBe(403);
    expect(await handlersOfCaseA()).toEqual([w.users.handlerA]);
  });

  it('lets a handler send the handlers unchanged (a full-object save)', async () => {
    expect((await patch(w.tokens.handlerA, [w.users.handlerA!])).statusCode).toBe(200);
  });

  it('answers 422 naming every id that is not an active handler of the case\'s unit, even for a unit head', async () => {
    const res = await patch(w.tokens.unitHeadA, [w.users.handlerA!, w.users.handlerB!, w.users.unitHeadA!]);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().detail).toContain(w.users.handlerB);
    expect(res.json().detail).toContain(w.users.unitHeadA);
    expect(res.json().detail).not.toContain(w.users.handlerA);
    expect(await handlersOfCaseA()).toEqual([w.users.handlerA]);
    const failed = (await audit(`objectId=${w.cases.a}`)).find((e) => e.action === 'case.update' && e.outcome === 'failed');
    expect(JSON.stringify(failed?.details)).toContain(w.users.handlerB);
    // An admin is held to the same rule.
    expect((await patch(w.tokens.adminA, [w.users.handlerB!])).statusCode).toBe(422);
  });

  it('refuses a disabled handler', async () => {
    const res = await p.app.inject({ method: 'POST', url: '/api/users', headers: bearer(p.adminToken), payload: { username: `gone-${Date.now()}`, password: 'long enough password', role: 'handler', unitId: w.units.a } });
    const gone = res.json().id as string;
    await p.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', gone).execute();
    const refused = await patch(w.tokens.unitHeadA, [w.users.handlerA!, gone]);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toContain(gone);
  });

  it('lets the unit head, the overseer and an admin choose among the unit\'s handlers (duplicates collapse)', async () => {
    const byHead = await patch(w.tokens.unitHeadA, [w.users.handlerA!, w.users.handlerA2!, w.users.handlerA2!]);
    expect(byHead.statusCode, byHead.body).toBe(200);
    expect(byHead.json().handlerIds.sort()).toEqual([w.users.handlerA, w.users.handlerA2].sort());
    expect((await patch(w.tokens.overseerA, [w.users.handlerA2!])).statusCode).toBe(200);
    expect(await handlersOfCaseA()).toEqual([w.users.handlerA2]);
    expect((await patch(w.tokens.adminA, [w.users.handlerA!])).statusCode).toBe(200);
    expect(await handlersOfCaseA()).toEqual([w.users.handlerA]);
    // Another unit's head cannot even see the case.
    expect((await patch(w.tokens.unitHeadB, [w.users.handlerB!])).statusCode).toBe(404);
  });

  it('makes a handler who opens a case its handler, and nobody else', async () => {
    const own = await create(w.tokens.handlerA, {});
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().handlerIds).toEqual([w.users.handlerA]);
    expect((await create(w.tokens.handlerA, { handlerIds: [w.users.handlerA] })).statusCode).toBe(201);
    const handedOver = await create(w.tokens.handlerA, { handlerIds: [w.users.handlerB] });
    expect(handedOver.statusCode, handedOver.body).toBe(403);
    expect(handedOver.json().detail).toContain(w.users.handlerB);
    const denied = (await audit(`userId=${w.users.handlerA}`)).find((e) => e.action === 'case.create' && e.outcome === 'denied');
    expect(JSON.stringify(denied?.details)).toContain(w.users.handlerB);
    // A unit head names handlers of the unit, not of another unit.
    expect((await create(w.tokens.unitHeadA, { handlerIds: [w.users.handlerA2] })).statusCode).toBe(201);
    expect((await create(w.tokens.unitHeadA, { handlerIds: [w.users.handlerB] })).statusCode).toBe(422);
  });
});
