// Issue 15 item 4: administration over the API — accounts, stations, recorders, tokens — admin only, every change audited.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearer, usePlatform } from '../support/platform';
import { dockFile, useWorld } from '../support/seed';

const p = usePlatform();
const w = useWorld(p);
const unique = () => randomBytes(3).toString('hex');

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers?: Record<string, string>) =>
  p.app.inject({ method, url, headers: headers ?? bearer(p.adminToken), ...(payload ? { payload } : {}) });
// Each sign-in from its own address: the login route limits attempts per client.
const login = (username: string, password: string) =>
  p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: `10.${randomBytes(3).join('.')}` });
const cookieOf = (res: Awaited<ReturnType<typeof login>>) => ({ cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; ') });
const audit = async (action: string, objectId: string) =>
  ((await call('GET', `/api/audit?objectId=${objectId}&limit=500`, undefined, bearer(w.tokens.auditor))).json().items as { action: string; outcome: string; details: Record<string, unknown> }[])
    .filter((e) => e.action === action);

const dock = async (officerNo: string) => (await dockFile(p, officerNo, `DCIM/${unique()}.mp4`, 'ST-ADM')).id;
const unitOf = async (evidenceId: string) => (await call('GET', `/api/evidence/${evidenceId}`)).json().unitId as string | null;
const custody = async (evidenceId: string) => (await call('GET', `/api/evidence/${evidenceId}/custody`)).json().items as { action: string; details: Record<string, unknown> }[];

describe('only an admin administers', () => {
  const routes = (): ['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?][] => [
    ['PATCH', `/api/users/${w.users.handlerA}`, { displayName: '改名' }],
    ['POST', `/api/users/${w.users.handlerA}/password`, { password: 'another long password' }],
    ['GET', '/api/recorders'],
    ['POST', '/api/stations/00000000-0000-4000-8000-000000000000/unit', { unitId: null }],
    ['GET', '/api/tokens'],
  ];
  it.each(['handlerA', 'unitHeadA', 'overseerA', 'auditor', 'complainant', 'station'] as const)('refuses a %s every new route, and records the refused changes', async (who) => {
    for (const [method, url, body] of routes()) expect((await call(method, url, body, bearer(w.tokens[who]))).statusCode, `${method} ${url}`).toBe(403);
    expect((await audit('user.update', w.users.handlerA!)).filter((e) => e.outcome === 'denied').length).toBeGreaterThan(0);
    expect((await audit('user.password', w.users.handlerA!)).filter((e) => e.outcome === 'denied').length).toBeGreaterThan(0);
  });

  it('refuses a token limited to other scopes', async () => {
    const scoped = (await call('POST', '/api/tokens', { name: 'cases only', role: 'admin', scopes: ['cases'] })).json().token as string;
    expect((await call('GET', '/api/tokens', undefined, bearer(scoped))).statusCode).toBe(403);
  });
});

describe('user accounts', () => {
  it('creates an account with its display name, which every answer carries, and the new user can sign in', async () => {
    const username = `li.na-${unique()}`;
    const made = await call('POST', '/api/users', { username, password: 'a long passphrase', role: 'handler', unitId: w.units.a, officerNo: `LN${unique()}`, displayName: '李娜' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ username, displayName: '李娜', role: 'handler', unitId: w.units.a });
    const id = made.json().id as string;
    const listed = (await call('GET', '/api/users')).json().items.find((u: { id: string }) => u.id === id);
    expect(listed).toMatchObject({ displayName: '李娜', disabledAt: null, lockedUntil: null });
    expect((await call('POST', `/api/users/${id}/unlock`)).json()).toMatchObject({ displayName: '李娜' });
    expect((await call('PATCH', `/api/users/${id}`, { displayName: '李娜娜' })).json()).toMatchObject({ id, displayName: '李娜娜' });
    expect((await login(username, 'a long passphrase')).statusCode).toBe(200);
    const [event] = await audit('user.create', id);
    expect(event).toMatchObject({ outcome: 'allowed', details: { username, displayName: '李娜', role: 'handler' } });
  });

  it('answers a taken user name or officer number with 409, and bad input with 400', async () => {
    const base = { password: 'a long passphrase', role: 'handler', unitId: w.units.a };
    const officerNo = `DUP${unique()}`;
    expect((await call('POST', '/api/users', { ...base, username: `dup-${unique()}`, officerNo })).statusCode).toBe(201);
    expect((await call('POST', '/api/users', { ...base, username: `dup-${unique()}`, officerNo })).statusCode).toBe(409);
    const other = (await call('POST', '/api/users', { ...base, username: `other-${unique()}` })).json().id as string;
    const taken = await call('PATCH', `/api/users/${other}`, { officerNo });
    expect(taken.statusCode).toBe(409);
    expect(taken.headers['content-type']).toMatch(/problem\+json/);
    expect((await call('PATCH', `/api/users/${other}`, { unitId: null })).statusCode).toBe(400);
    expect((await call('PATCH', `/api/users/${other}`, {})).statusCode).toBe(400);
    expect((await call('PATCH', `/api/users/${other}`, { officerNo: '  ' })).statusCode).toBe(400);
    expect((await call('PATCH', `/api/users/${other}`, { unitId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await call('PATCH', '/api/users/00000000-0000-4000-8000-000000000000', { displayName: 'x' })).statusCode).toBe(404);
    expect((await call('PATCH', `/api/users/${w.users.overseerA}`, { oversees: [] })).statusCode).toBe(400);
    expect((await call('POST', `/api/users/${other}/password`, { password: 'short' })).statusCode).toBe(400);
  });

  it('disables an account (its sessions end, it cannot sign in) and enables it again; an admin cannot disable their own', async () => {
    const username = `off-${unique()}`;
    const id = (await call('POST', '/api/users', { username, password: 'a long passphrase', role: 'auditor' })).json().id as string;
    const session = cookieOf(await login(username, 'a long passphrase'));
    expect((await call('GET', '/api/auth/me', undefined, session)).statusCode).toBe(200);
    const off = await call('PATCH', `/api/users/${id}`, { disabled: true });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().disabledAt).not.toBeNull();
    expect((await call('GET', '/api/auth/me', undefined, session)).statusCode).toBe(401);
    expect((await login(username, 'a long passphrase')).statusCode).toBe(401);
    expect((await call('PATCH', `/api/users/${id}`, { disabled: false })).json().disabledAt).toBeNull();
    expect((await login(username, 'a long passphrase')).statusCode).toBe(200);
    expect((await audit('user.update', id)).map((e) => e.details.disabled)).toEqual(expect.arrayContaining([true, false]));

    const adminName = `root-${unique()}`;
    const adminId = (await call('POST', '/api/users', { username: adminName, password: 'a long passphrase', role: 'admin' })).json().id as string;
    const own = cookieOf(await login(adminName, 'a long passphrase'));
    expect((await call('PATCH', `/api/users/${adminId}`, { disabled: true }, own)).statusCode).toBe(409);
  });

  it('sets a new password: the old one stops working, every session of the user ends, the lockout lifts', async () => {
    const username = `pw-${unique()}`;
    const id = (await call('POST', '/api/users', { username, password: 'the old passphrase', role: 'auditor' })).json().id as string;
    const session = cookieOf(await login(username, 'the old passphrase'));
    await p.db.updateTable('users').set({ failed_logins: 5, locked_until: new Date(Date.now() + 3600_000) }).where('id', '=', id).execute();
    const reset = await call('POST', `/api/users/${id}/password`, { password: 'the new passphrase' });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({ id, lockedUntil: null, failedLogins: 0 });
    expect((await call('GET', '/api/auth/me', undefined, session)).statusCode).toBe(401);
    expect((await login(username, 'the old passphrase')).statusCode).toBe(401);
    expect((await login(username, 'the new passphrase')).statusCode).toBe(200);
    const [event] = await audit('user.password', id);
    expect(event).toMatchObject({ outcome: 'allowed', details: { username, sessionsEnded: 1 } });
    expect(JSON.stringify(event)).not.toContain('the new passphrase');
  });

  it('changes which units an overseer supervises', async () => {
    const id = (await call('POST', '/api/users', { username: `ov-${unique()}`, password: 'a long passphrase', role: 'overseer', oversees: [w.units.a] })).json().id as string;
    const changed = await call('PATCH', `/api/users/${id}`, { oversees: [w.units.a, w.units.b] });
    expect(changed.statusCode, changed.body).toBe(200);
    expect([...changed.json().oversees].sort()).toEqual([w.units.a, w.units.b].sort());
    expect((await audit('user.update', id))[0]).toMatchObject({ details: { oversees: [w.units.a, w.units.b] } });
  });
});

describe('footage docked before the officer\'s account had a unit', () => {
  it('joins the unit when the account is created, in one audit row with the count and on each file\'s custody trail', async () => {
    const officerNo = `NEW${unique()}`;
    const early = [await dock(officerNo), await dock(officerNo)];
    expect(await unitOf(early[0]!)).toBeNull();
    const made = await call('POST', '/api/users', { username: `late-${unique()}`, password: 'a long passphrase', role: 'handler', unitId: w.units.b, officerNo });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ attributedFootage: 2 });
    for (const id of early) {
      expect(await unitOf(id)).toBe(w.units.b);
      expect((await custody(id)).find((e) => e.action === 'unit.assigned')).toMatchObject({ details: { unitId: w.units.b } });
    }
    const events = await audit('user.create', made.json().id);
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ attributedFootage: 2 });
    expect((await call('GET', `/api/evidence/${early[0]}`, undefined, bearer(w.tokens.unitHeadB))).statusCode).toBe(200);
  });

  it('joins the unit when an account gets its officer number later, and footage already in a unit stays there', async () => {
    const officerNo = `LATER${unique()}`;
    const loose = await dock(officerNo);
    const placed = await dock(officerNo);
    expect((await call('POST', `/api/evidence/${placed}/unit`, { unitId: w.units.b, reason: '借用记录仪' })).statusCode).toBe(200);
    const id = (await call('POST', '/api/users', { username: `later-${unique()}`, password: 'a long passphrase', role: 'handler', unitId: w.units.a })).json().id as string;
    const changed = await call('PATCH', `/api/users/${id}`, { officerNo });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ officerNo, attributedFootage: 1 });
    expect(await unitOf(loose)).toBe(w.units.a);
    expect(await unitOf(placed)).toBe(w.units.b);
    expect((await audit('user.update', id))[0]!.details).toMatchObject({ officerNo: { from: null, to: officerNo }, attributedFootage: 1 });
    expect((await call('GET', '/api/audit/verify?chain=custody', undefined, bearer(w.tokens.auditor))).json()).toMatchObject({ ok: true });
    expect((await call('GET', '/api/audit/verify?chain=audit', undefined, bearer(w.tokens.auditor))).json()).toMatchObject({ ok: true });
  });
});

describe('stations and recorders', () => {
  it('binds a station to a unit, audited; the unit head then sees it', async () => {
    await dock(`ST${unique()}`);
    const station = (await call('GET', '/api/stations')).json().stations.find((s: { code: string }) => s.code === 'ST-ADM');
    expect(station.unitId).toBeNull();
    expect((await call('GET', '/api/stations', undefined, bearer(w.tokens.unitHeadA))).json().stations.map((s: { code: string }) => s.code)).not.toContain('ST-ADM');
    expect((await call('POST', `/api/stations/${station.id}/unit`, { unitId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await call('POST', '/api/stations/00000000-0000-4000-8000-000000000000/unit', { unitId: w.units.a })).statusCode).toBe(404);
    expect((await call('POST', `/api/stations/${station.id}/unit`, { unitId: 'nope' })).statusCode).toBe(400);
    const bound = await call('POST', `/api/stations/${station.id}/unit`, { unitId: w.units.a });
    expect(bound.statusCode, bound.body).toBe(200);
    expect(bound.json()).toMatchObject({ id: station.id, code: 'ST-ADM', unitId: w.units.a });
    expect((await call('GET', '/api/stations', undefined, bearer(w.tokens.unitHeadA))).json().stations.map((s: { code: string }) => s.code)).toContain('ST-ADM');
    expect((await audit('station.bind', station.id))[0]).toMatchObject({ outcome: 'allowed', details: { code: 'ST-ADM', unitId: { from: null, to: w.units.a } } });
  });

  it('lists recorders with their officer, the officer\'s unit and when they were last docked', async () => {
    const officerNo = (await call('GET', '/api/users')).json().items.find((u: { id: string }) => u.id === w.users.handlerA).officerNo as string;
    expect((await call('POST', '/api/recorders', { serial: 'DSJ-ADM-1', officerNo })).statusCode).toBe(200);
    const items = (await call('GET', '/api/recorders')).json().items as { serial: string }[];
    expect(items.find((r) => r.serial === 'DSJ-ADM-1')).toMatchObject({ officerNo, unitId: w.units.a, lastDockedAt: null });
    // Docked, never bound: the officer its files named is not the recorder's.
    expect(items.find((r) => r.serial === `R-${officerNo}`)).toMatchObject({ officerNo: null, unitId: null, lastDockedAt: expect.any(String) });
  });
});

describe('API tokens', () => {
  it('lists tokens without their secret, revokes one once (409 the second time), and refuses a token for an unknown user', async () => {
    const made = await call('POST', '/api/tokens', { name: `执法办案平台 ${unique()}`, role: 'handler', userId: w.users.handlerA, scopes: ['cases'] });
    expect(made.statusCode).toBe(201);
    const { id, token } = made.json();
    const list = await call('GET', '/api/tokens');
    expect(list.body).not.toContain(token);
    expect(list.json().items.find((t: { id: string }) => t.id === id)).toMatchObject({ role: 'handler', userId: w.users.handlerA, userName: expect.any(String), scopes: ['cases'], revokedAt: null });
    expect((await call('DELETE', `/api/tokens/${id}`)).statusCode).toBe(204);
    expect((await call('GET', '/api/tokens')).json().items.find((t: { id: string }) => t.id === id).revokedAt).not.toBeNull();
    expect((await call('DELETE', `/api/tokens/${id}`)).statusCode).toBe(409);
    expect((await call('DELETE', '/api/tokens/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await call('POST', '/api/tokens', { name: 'ghost', role: 'handler', userId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await audit('token.revoke', id)).map((e) => e.outcome).sort()).toEqual(['allowed', 'failed']);
  });
});
