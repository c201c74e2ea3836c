import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestPlatform, type TestPlatform } from '../support/platform';
import { seedWorld, type World } from '../support/seed';

/** Issue 11 item 4: a file linked to cases of two units shows each caller only the cases they may see. */
let p: TestPlatform;
let w: World;
beforeAll(async () => {
  p = await startTestPlatform();
  w = await seedWorld(p);
  for (const c of [w.cases.a, w.cases.b]) {
    const res = await p.app.inject({ method: 'POST', url: `/api/cases/${c}/evidence`, headers: bearer(p.adminToken), payload: { evidenceId: w.evidence.a } });
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(() => p.close());

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
