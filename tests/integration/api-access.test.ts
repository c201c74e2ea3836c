import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTIONS, declarable, refusal } from '../../api/access';
import { createHttpServer } from '../../core/http';
import { bearer, usePlatform } from '../support/platform';
import { useWorld, type World } from '../support/seed';

const p = usePlatform();
const w = useWorld(p);

const get = (url: string, token: string) => p.app.inject({ url, headers: bearer(token) });
const visibleIds = async (token: string) => ((await get('/api/evidence?limit=500', token)).json().items ?? []).map((i: { id: string }) => i.id);

describe('who sees which evidence', () => {
  it.each([
    ['handlerA', ['a'], ['a2', 'b']],
    ['handlerA2', ['a2'], ['a', 'b']],
    ['unitHeadA', ['a', 'a2'], ['b']],
    ['overseerA', ['a', 'a2'], ['b']],
    ['unitHeadB', ['b'], ['a', 'a2']],
    ['handlerB', ['b'], ['a', 'a2']],
    ['auditor', ['a', 'a2', 'b'], []],
    ['complainant', [], ['a', 'a2', 'b']],
    ['station', [], ['a', 'a2', 'b']],
  ] as const)('%s sees %j and not %j', async (who, seen, unseen) => {
    const token = w.tokens[who];
    const ids = await visibleIds(token);
    for (const key of seen) {
      expect(ids).toContain(w.evidence[key]);
      expect((await get(`/api/evidence/${w.evidence[key]}`, token)).statusCode).toBe(200);
    }
    for (const key of unseen) {
      expect(ids).not.toContain(w.evidence[key]);
      expect((await get(`/api/evidence/${w.evidence[key]}`, token)).statusCode).toBe(404);
    }
  });

  it('lets a handler see evidence linked to a case they handle, and only while it is linked', async () => {
    expect((await get(`/api/evidence/${w.evidence.a2}`, w.tokens.handlerA)).statusCode).toBe(404);
    const link = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.a}/evidence`, headers: bearer(w.tokens.unitHeadA), payload: { evidenceId: w.evidence.a2 } });
    expect(link.json()).toMatchObject({ linked: true });
    expect((await get(`/api/evidence/${w.evidence.a2}`, w.tokens.handlerA)).statusCode).toBe(200);
    const unlink = await p.app.inject({ method: 'DELETE', url: `/api/cases/${w.cases.a}/evidence/${w.evidence.a2}`, headers: bearer(w.tokens.unitHeadA) });
    expect(unlink.statusCode).toBe(204);
    expect((await get(`/api/evidence/${w.evidence.a2}`, w.tokens.handlerA)).statusCode).toBe(404);
  });

  it('shows a complainant the status of the case they reported and nothing else', async () => {
    const mine = await get(`/api/cases/${w.cases.a}`, w.tokens.complainant);
    expect(mine.statusCode).toBe(200);
    expect(Object.keys(mine.json()).sort()).toEqual(['id', 'number', 'stage', 'state', 'title', 'updatedAt']);
    expect((await get(`/api/cases/${w.cases.b}`, w.tokens.complainant)).statusCode).toBe(404);
    expect((await get(`/api/evidence?caseId=${w.cases.a}`, w.tokens.complainant)).json().items).toEqual([]);
  });

  it('audits a denial', async () => {
    expect((await get(`/api/evidence/${w.evidence.b}`, w.tokens.handlerA)).statusCode).toBe(404);
    const events = (await get(`/api/audit?objectId=${w.evidence.b}`, w.tokens.auditor)).json().items;
    expect(events.find((e: { actorId: string; outcome: string }) => e.actorId === w.users.handlerA && e.outcome === 'denied')).toMatchObject({ action: 'evidence.read', role: 'handler' });
  });

  it('searches by officer, device, unit, time, importance, case and playback state with a cursor', async () => {
    const q = (query: string) => get(`/api/evidence?${query}`, w.tokens.auditor).then((r) => r.json().items.map((i: { id: string }) => i.id));
    expect(await q(`caseId=${w.cases.b}`)).toEqual([w.evidence.b]);
    expect(await q(`unitId=${w.units.a}`)).toEqual(expect.arrayContaining([w.evidence.a, w.evidence.a2]));
    expect(await q(`unitId=${w.units.a}`)).not.toContain(w.evidence.b);
    expect(await q('important=true')).toEqual([]);
    expect(await q('state=queued')).toHaveLength(3);
    const first = (await get('/api/evidence?limit=2', w.tokens.auditor)).json();
    const second = (await get(`/api/evidence?limit=2&cursor=${first.nextCursor}`, w.tokens.auditor)).json();
    expect(new Set([...first.items, ...second.items].map((i: { id: string }) => i.id)).size).toBe(3);
    expect(second.nextCursor).toBeNull();
  });
});

describe('IDOR: every route, called by every role against objects outside its scope', () => {
  it('leaks nothing', async () => {
    const spec = p.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const upload = await p.db.selectFrom('uploads').select('id').where('evidence_id', '=', w.evidence.b).executeTakeFirstOrThrow();
    const params: Record<string, string> = { id: w.evidence.b, evidenceId: w.evidence.b, kind: 'mp4', name: 'video.mp4' };
    const idFor = (path: string) =>
      path.startsWith('/api/cases') ? w.cases.b : path.startsWith('/api/tokens') ? w.users.handlerB! : path.startsWith('/ingest/v1/uploads') ? upload.id : path.startsWith('/ingest/v1/sessions') ? w.units.b : w.evidence.b;
    const bodies: Record<string, object> = {
      'POST /api/cases': { number: 'X-1', title: 'x', unitId: w.units.b },
      'PATCH /api/cases/{id}': { title: '改名' },
      'POST /api/cases/{id}/evidence': { evidenceId: w.evidence.b },
      'POST /api/evidence/{id}/bookmarks': { offsetMs: 1, label: 'x' },
      'POST /api/units': { code: 'EVIL', name: 'x' },
      'POST /api/users': { username: 'evil', password: 'long enough password', role: 'auditor' },
      'POST /api/tokens': { name: 'evil', role: 'admin' },
      'POST /api/recorders': { serial: 'R-B', officerNo: 'X' },
    };
    // Not even A's own audit trail, where A's staff's attempts are recorded, names B's objects.
    const secrets = [w.evidence.bSha256, '纠纷案', '冲突开始', w.evidence.b, w.cases.b];
    const attackers = ['handlerA', 'handlerA2', 'unitHeadA', 'overseerA', 'complainant', 'otherStation'] as const;
    let calls = 0;
    for (const [path, methods] of Object.entries(spec.paths)) {
      if (path === '/api/auth/login' || path === '/api/health' || path === '/api/ready') continue;
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? idFor(path) : params[name]!));
        for (const who of attackers) {
          const body = bodies[`${method} ${path}`];
          const res = await p.app.inject({ method: method as 'GET', url, headers: bearer(w.tokens[who]), ...(body ? { payload: body } : {}) });
          calls += 1;
          const where = `${who} ${method} ${path} → ${res.statusCode} ${res.body.slice(0, 200)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode < 300) for (const secret of secrets) expect(res.body, where).not.toContain(secret);
          // Changes outside one's scope never succeed.
          if (method !== 'GET' && !path.startsWith('/api/auth')) expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
    // And nothing changed on unit B's side.
    const caseB = await get(`/api/cases/${w.cases.b}`, w.tokens.auditor);
    expect(caseB.json()).toMatchObject({ title: '纠纷案', evidenceCount: 1 });
  });
});

describe('IDOR: embedded objects', () => {
  it('names no evidence or case outside the caller\'s scope in any response body, whatever it embeds', async () => {
    // A file of unit A's handler linked to a case of each unit: every view of it embeds both cases.
    const link = (caseId: string) => p.app.inject({ method: 'POST', url: `/api/cases/${caseId}/evidence`, headers: bearer(p.adminToken), payload: { evidenceId: w.evidence.a } });
    for (const c of [w.cases.a, w.cases.b]) expect((await link(c)).statusCode).toBe(200);
    // And case B goes to court: file a's custody trail now names case B.
    const exported = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(p.adminToken), payload: { reason: '移送法院' } });
    for (let i = 0; i < 300 && (await get(`/api/exports/${exported.json().exportId}`, p.adminToken)).json().status === 'building'; i++) await new Promise((r) => setTimeout(r, 100));
    const spec = p.app.swagger() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: { format?: string } }[] }>> };
    const all = { evidence: [w.evidence.a, w.evidence.a2, w.evidence.b], cases: [w.cases.a, w.cases.b] };
    const idsOf = async (url: string, token: string) => new Set<string>(((await get(url, token)).json().items ?? []).map((i: { id: string }) => i.id));
    let calls = 0;
    try {
      for (const who of Object.keys(w.tokens) as (keyof World['tokens'])[]) {
        const token = w.tokens[who];
        const seenEvidence = await idsOf('/api/evidence?limit=500', token);
        const seenCases = await idsOf('/api/cases?limit=500', token);
        const forbidden = [...all.evidence.filter((id) => !seenEvidence.has(id)), ...all.cases.filter((id) => !seenCases.has(id))];
        if (forbidden.length === 0) continue;
        for (const [path, methods] of Object.entries(spec.paths)) {
          if (!methods.get) continue;
          const ids = path.startsWith('/api/cases') ? all.cases : all.evidence;
          const uuidQuery = (methods.get.parameters ?? []).filter((q) => q.in === 'query' && q.schema?.format === 'uuid').map((q) => q.name);
          const urls = path.includes('{')
            ? ids.map((id) => path.replace('{id}', id).replace('{evidenceId}', id).replace('{kind}', 'mp4').replace('{name}', 'video.mp4'))
            : [path, ...uuidQuery.flatMap((name) => [...all.evidence, ...all.cases].map((id) => `${path}?${name}=${id}`))];
          for (const url of urls) {
            const res = await get(url, token);
            calls += 1;
            const where = `${who} GET ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
            expect(res.statusCode, where).toBeLessThan(500);
            // A refusal may echo the id the caller sent; nothing else.
            for (const id of forbidden) if (res.statusCode < 300 || !url.includes(id)) expect(res.body, where).not.toContain(id);
          }
        }
      }
    } finally {
      for (const c of [w.cases.a, w.cases.b]) await p.app.inject({ method: 'DELETE', url: `/api/cases/${c}/evidence/${w.evidence.a}`, headers: bearer(p.adminToken) });
    }
    expect(calls).toBeGreaterThan(100);
  });
});

describe('logins', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const login = (username: string, password: string) => p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const username = () => p.db.selectFrom('users').select('username').where('id', '=', w.users.handlerA2!).executeTakeFirstOrThrow().then((u) => u.username);

  it('opens an HttpOnly session, expires it after 30 idle minutes, and logs out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T08:00:00Z'));
    const res = await login(await username(), w.password);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'evidence_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const me = () => p.app.inject({ url: '/api/auth/me', cookies: { evidence_session: cookie.value } });
    expect((await me()).json()).toMatchObject({ role: 'handler' });
    vi.setSystemTime(new Date('2026-11-26T08:29:00Z'));
    expect((await me()).statusCode).toBe(200); // activity keeps it alive
    vi.setSystemTime(new Date('2026-11-26T09:00:01Z'));
    expect((await me()).statusCode).toBe(401);

    const again = (await login(await username(), w.password)).cookies.find((c) => c.name === 'evidence_session')!;
    const out = await p.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { evidence_session: again.value } });
    expect(out.statusCode).toBe(204);
    expect((await p.app.inject({ url: '/api/auth/me', cookies: { evidence_session: again.value } })).statusCode).toBe(401);
  });

  it('locks an account for 15 minutes after 5 failures, without saying whether the user exists or is locked', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T10:00:00Z'));
    const name = await username();
    const unknownUser = await login('nobody-at-all', 'wrong password');
    for (let i = 0; i < 5; i++) {
      const failed = await login(name, 'wrong password');
      expect(failed.statusCode).toBe(401);
      expect(failed.json()).toEqual(unknownUser.json());
    }
    expect((await login(name, w.password)).json()).toEqual(unknownUser.json());
    vi.setSystemTime(new Date('2026-11-26T10:14:00Z'));
    expect((await login(name, w.password)).json()).toEqual(unknownUser.json());
    vi.setSystemTime(new Date('2026-11-26T10:15:01Z'));
    expect((await login(name, w.password)).statusCode).toBe(200);
  });
});

describe('every route declares the action it needs', () => {
  it('in the permission table, or as public: only login, health, readiness and the API description are public under /api and /ingest', () => {
    const routes = p.app.declaredRoutes;
    expect(routes.length).toBeGreaterThan(50);
    for (const r of routes) expect(declarable(r.action), `${r.method} ${r.url} declares ${r.action}`).toBe(true);
    const publicApi = routes.filter((r) => r.action === 'public' && /^\/(api|ingest)(\/|$)/.test(r.url) && !r.url.startsWith('/api/docs'));
    expect(publicApi.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['GET /api/health', 'GET /api/openapi.json', 'GET /api/ready', 'HEAD /api/health', 'HEAD /api/openapi.json', 'HEAD /api/ready', 'POST /api/auth/login']);
    // Every documented route is one of them, with the action it declared.
    const spec = p.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        const route = routes.find((r) => r.method === method && r.url === url);
        expect(route?.action === 'public' || (route?.action ?? '') in ACTIONS, `${method} ${path}`).toBe(true);
      }
    }
  });

  it('or the server does not start', async () => {
    const guard = { authenticate: async () => null, refusal, declarable };
    const undeclared = await createHttpServer(guard);
    undeclared.get('/forgotten', async () => 'open to all');
    await expect(undeclared.ready()).rejects.toThrow(/routes without a known action \(config\.action\): GET \/forgotten \(none\), HEAD \/forgotten \(none\)/);
    const unknown = await createHttpServer(guard);
    unknown.get('/typo', { config: { action: 'evidence.raed' as 'evidence.read' } }, async () => 'x');
    await expect(unknown.ready()).rejects.toThrow(/GET \/typo \(evidence\.raed\)/);
    const declared = await createHttpServer(guard);
    declared.get('/fine', { config: { action: 'evidence.read' } }, async () => 'x');
    expect((await declared.inject({ url: '/fine' })).statusCode).toBe(401);
    await declared.close();
  });
});

describe('scoped tokens', () => {
  it('reach only the actions their scope covers', async () => {
    const made = await p.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(p.adminToken), payload: { name: 'evidence reader', role: 'auditor', scopes: ['evidence'] } });
    const token = made.json().token as string;
    expect((await get(`/api/evidence/${w.evidence.b}`, token)).statusCode).toBe(200);
    expect((await get('/api/stations', token)).statusCode).toBe(200);
    for (const url of ['/api/cases', '/api/audit', '/api/auth/me', '/api/export-signing-key']) {
      const refused = await get(url, token);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().detail, url).toBe('this token is limited to: evidence');
    }
  });
});

describe('GET /api/auth/me', () => {
  it('names what the caller may do, and the page offers nothing else', async () => {
    const me = async (who: keyof World['tokens']) => (await get('/api/auth/me', w.tokens[who])).json() as { actions: string[]; workUnits: string[] | null };
    const handler = await me('handlerA');
    expect(handler.actions).toEqual(expect.arrayContaining(['evidence.search', 'case.create', 'case.link', 'export.create', 'station.status']));
    expect(handler.actions).not.toContain('audit.read');
    expect(handler.actions).not.toContain('case.assign');
    expect(handler.workUnits).toEqual([w.units.a]);
    const head = await me('unitHeadA');
    expect(head.actions).toEqual(expect.arrayContaining(['audit.read', 'case.assign']));
    expect(head.actions).not.toContain('user.create');
    expect((await me('auditor')).workUnits).toBeNull();
    const complainant = await me('complainant');
    expect(complainant.actions).toContain('case.read');
    for (const hidden of ['evidence.search', 'case.create', 'station.status']) expect(complainant.actions).not.toContain(hidden);
  });

  it('names the caller as people know them: displayName next to the login name', async () => {
    await p.ownerDb.updateTable('users').set({ display_name: '李明' }).where('id', '=', w.users.handlerA!).execute();
    const handler = (await get('/api/auth/me', w.tokens.handlerA)).json() as { name: string; displayName: string | null };
    expect(handler.displayName).toBe('李明');
    expect(handler.name).toMatch(/^handlerA-/);
    expect(((await get('/api/auth/me', w.tokens.unitHeadA)).json() as { displayName: string | null }).displayName).toBeNull();
    expect(((await get('/api/auth/me', p.adminToken)).json() as { displayName: string | null }).displayName).toBeNull();
  });
});
