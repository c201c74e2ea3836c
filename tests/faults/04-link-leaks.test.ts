import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

/** Issue 11 item 4: a file linked to cases of two units shows each caller only the cases they may see. */
const p = usePlatform();
const w = useWorld(p);
beforeAll(async () => {
  for (const c of [w.cases.a, w.cases.b]) {
    const res = await p.app.inject({ method: 'POST', url: `/api/cases/${c}/evidence`, headers: bearer(p.adminToken), payload: { evidenceId: w.evidence.a } });
    expect(res.statusCode, res.body).toBe(200);
  }
});

const detail = async (token: string) => {
  const res = await p.app.inject({ url: `/api/evidence/${w.evidence.a}`, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { cases: { id: string }[]; hiddenCaseCount?: number };
};

describe('cases linked to a file', () => {
  it.each([
    ['handlerA', 'a', 'b', undefined],
    ['handlerB', 'b', 'a', undefined],
    ['unitHeadA', 'a', 'b', 1],
    ['overseerA', 'a', 'b', 1],
  ] as const)('%s sees case %s, never case %s; hidden count %s', async (who, seen, hidden, count) => {
    const body = await detail(w.tokens[who]);
    expect(body.cases.map((c) => c.id)).toEqual([w.cases[seen]]);
    expect(JSON.stringify(body)).not.toContain(w.cases[hidden]);
    if (count === undefined) expect(body).not.toHaveProperty('hiddenCaseCount');
    else expect(body.hiddenCaseCount).toBe(count);
  });

  it('shows the auditor both cases and nothing hidden', async () => {
    const body = await detail(w.tokens.auditor);
    expect(body.cases.map((c) => c.id).sort()).toEqual([w.cases.a, w.cases.b].sort());
    expect(body.hiddenCaseCount).toBe(0);
  });

  it('does not confirm a link to a case outside one\'s scope through the search filter', async () => {
    const res = await p.app.inject({ url: `/api/evidence?caseId=${w.cases.b}`, headers: bearer(w.tokens.handlerA) });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([]);
    const own = await p.app.inject({ url: `/api/evidence?caseId=${w.cases.a}`, headers: bearer(w.tokens.handlerA) });
    expect(own.json().items.map((i: { id: string }) => i.id)).toEqual([w.evidence.a]);
  });
});

describe('other responses that embed files or cases', () => {
  it('refuses a court package holding a file outside the caller\'s scope, even of a case in scope', async () => {
    // Case B now holds unit A's file a: an admin exports it.
    const started = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(p.adminToken), payload: { reason: '移送法院' } });
    expect(started.statusCode, started.body).toBe(202);
    const id = started.json().exportId as string;
    let status = '';
    for (let i = 0; i < 300 && status !== 'ready'; i++) {
      status = (await p.app.inject({ url: `/api/exports/${id}`, headers: bearer(p.adminToken) })).json().status;
      if (status === 'failed') throw new Error('export failed');
      if (status !== 'ready') await new Promise((r) => setTimeout(r, 100));
    }
    const zip = (token: string) => p.app.inject({ url: `/api/exports/${id}/package.zip`, headers: bearer(token) });
    // Unit B's head may not see file a; case B's handler may (it is linked to the case they handle).
    const refused = await zip(w.tokens.unitHeadB);
    expect(refused.statusCode, refused.body.slice(0, 200)).toBe(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect((await zip(w.tokens.handlerB)).statusCode).toBe(200);
    expect((await zip(w.tokens.auditor)).statusCode).toBe(200);

    // File a's custody trail records the packaging for case B: unit A's handler learns it happened, not for which case.
    const caseB = (await p.app.inject({ url: `/api/cases/${w.cases.b}`, headers: bearer(w.tokens.auditor) })).json();
    const custody = (token: string) => p.app.inject({ url: `/api/evidence/${w.evidence.a}/custody`, headers: bearer(token) });
    const mine = await custody(w.tokens.handlerA);
    expect(mine.statusCode).toBe(200);
    for (const secret of [w.cases.b, caseB.number, '移送法院']) expect(mine.body).not.toContain(secret);
    expect(mine.json().items.find((e: { action: string }) => e.action === 'export.packaged')).toMatchObject({ details: {}, redacted: true });
    const theirs = (await custody(w.tokens.auditor)).json().items.find((e: { action: string }) => e.action === 'export.packaged');
    expect(theirs).toMatchObject({ details: { caseId: w.cases.b, caseNumber: caseB.number, reason: '移送法院' } });
    expect(theirs).not.toHaveProperty('redacted');
  });

  it('shows a unit head the audit events of their unit without naming another unit\'s files or cases', async () => {
    // Unit A's handler tries unit B's file: the event is unit A's (its actor), the object is not.
    expect((await p.app.inject({ url: `/api/evidence/${w.evidence.b}`, headers: bearer(w.tokens.handlerA) })).statusCode).toBe(404);
    const res = await p.app.inject({ url: '/api/audit?limit=1000', headers: bearer(w.tokens.unitHeadA) });
    expect(res.statusCode).toBe(200);
    const attempt = res.json().items.find((e: { actorId: string; action: string; outcome: string }) => e.actorId === w.users.handlerA && e.action === 'evidence.read' && e.outcome === 'denied');
    expect(attempt).toMatchObject({ objectId: 'outside-your-scope', redacted: true });
    for (const id of [w.evidence.b, w.cases.b]) expect(res.body).not.toContain(id);

    // Nor a file without officer or unit (its scope test is NULL, not false, in SQL).
    await p.db.updateTable('evidence').set({ officer_no: null, unit_id: null }).where('id', '=', w.evidence.a2).execute();
    expect((await p.app.inject({ url: `/api/evidence/${w.evidence.a2}`, headers: bearer(w.tokens.handlerA) })).statusCode).toBe(404);
    const later = await p.app.inject({ url: '/api/audit?limit=1000', headers: bearer(w.tokens.unitHeadA) });
    expect(later.body).not.toContain(w.evidence.a2);
    // The auditor sees the row as written.
    const full = (await p.app.inject({ url: `/api/audit?objectId=${w.evidence.b}`, headers: bearer(w.tokens.auditor) })).json().items;
    expect(full.find((e: { seq: number }) => e.seq === attempt.seq)).toMatchObject({ objectId: w.evidence.b });
  });
});
