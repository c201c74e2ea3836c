// Issue 11 item 2: a locked account answers like a wrong password; admins see and lift the lock.
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_POLICY, loginAttempt } from '../../api/identity';
import { bearer, usePlatform } from '../support/platform';

const t0 = new Date('2026-11-26T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe('a login attempt against the lockout rule', () => {
  const lockedUntil = later(SESSION_POLICY.lockoutMs);
  it.each([
    ['a first wrong password counts', { failedLogins: 0, lockedUntil: null }, false, { ok: false, failedLogins: 1, lockedUntil: null, locks: false }],
    ['the fifth wrong password locks', { failedLogins: 4, lockedUntil: null }, false, { ok: false, failedLogins: 5, lockedUntil, locks: true }],
    ['the right password opens and clears the count', { failedLogins: 4, lockedUntil: null }, true, { ok: true, failedLogins: 0, lockedUntil: null, locks: false }],
    ['while locked even the right password is refused, nothing changes', { failedLogins: 5, lockedUntil: later(1) }, true, { ok: false, failedLogins: 5, lockedUntil: later(1), locks: false }],
    ['while locked a wrong password changes nothing', { failedLogins: 5, lockedUntil: later(1) }, false, { ok: false, failedLogins: 5, lockedUntil: later(1), locks: false }],
    ['after the lock ran out the count starts again', { failedLogins: 5, lockedUntil: t0 }, false, { ok: false, failedLogins: 1, lockedUntil: null, locks: false }],
    ['after the lock ran out the right password opens', { failedLogins: 5, lockedUntil: t0 }, true, { ok: true, failedLogins: 0, lockedUntil: null, locks: false }],
  ] as const)('%s', (_name, state, passwordOk, expected) => {
    expect(loginAttempt(state, passwordOk, t0)).toEqual(expected);
  });
});

describe('lockout over HTTP', () => {
  const p = usePlatform();
  let userId: string;
  let handlerToken: string;
  const password = 'correct horse battery';
  beforeAll(async () => {
    const unit = (await p.app.inject({ method: 'POST', url: '/api/units', headers: bearer(p.adminToken), payload: { code: 'U1', name: '城关派出所' } })).json().id;
    userId = (await p.app.inject({ method: 'POST', url: '/api/users', headers: bearer(p.adminToken), payload: { username: 'zhang', password, role: 'handler', unitId: unit } })).json().id;
    handlerToken = (await p.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(p.adminToken), payload: { name: 'zhang', role: 'handler', userId } })).json().token;
  });

  const login = (username: string, pw: string) => p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: pw } });
  const listed = async () =>
    ((await p.app.inject({ url: '/api/users', headers: bearer(p.adminToken) })).json().items as { id: string; failedLogins: number; lockedUntil: string | null }[]).find((u) => u.id === userId)!;
  const audited = async (action: string) =>
    ((await p.app.inject({ url: `/api/audit?objectId=${userId}`, headers: bearer(p.adminToken) })).json().items as { action: string; outcome: string; details: Record<string, unknown> }[]).filter(
      (e) => e.action === action,
    );

  it('answers a locked account exactly like a wrong password, even given the right one', async () => {
    const wrong = await login('zhang', 'wrong password');
    expect(wrong.statusCode).toBe(401);
    for (let i = 0; i < 4; i++) expect((await login('zhang', 'wrong password')).statusCode).toBe(401);
    const locked = await login('zhang', password);
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual(wrong.json());
    expect(locked.headers['content-type']).toBe(wrong.headers['content-type']);
    expect((await login('nobody-at-all', password)).json()).toEqual(wrong.json());
  });

  it('shows the lock to admins, in the user list and the audit trail, and to no one else', async () => {
    const user = await listed();
    expect(user.failedLogins).toBe(5);
    expect(new Date(user.lockedUntil!).getTime()).toBeGreaterThan(Date.now() + SESSION_POLICY.lockoutMs - 60_000);
    const [event, ...more] = await audited('user.locked');
    expect(more).toEqual([]);
    expect(event).toMatchObject({ details: { username: 'zhang', failedLogins: 5, lockedUntil: user.lockedUntil } });
    expect((await p.app.inject({ url: '/api/users', headers: bearer(handlerToken) })).statusCode).toBe(403);
  });

  it('lets an admin, and only an admin, unlock an account (audited; 404 for an unknown id)', async () => {
    expect((await p.app.inject({ method: 'POST', url: `/api/users/${userId}/unlock`, headers: bearer(handlerToken) })).statusCode).toBe(403);
    expect((await p.app.inject({ method: 'POST', url: '/api/users/00000000-0000-4000-8000-000000000000/unlock', headers: bearer(p.adminToken) })).statusCode).toBe(404);
    const unlock = await p.app.inject({ method: 'POST', url: `/api/users/${userId}/unlock`, headers: bearer(p.adminToken) });
    expect(unlock.statusCode, unlock.body).toBe(200);
    expect(unlock.json()).toMatchObject({ id: userId, username: 'zhang', failedLogins: 0, lockedUntil: null });
    expect(await listed()).toMatchObject({ failedLogins: 0, lockedUntil: null });
    expect((await audited('user.unlock')).map((e) => e.outcome)).toEqual(['allowed', 'denied']); // newest first: the admin's, then the handler's try
    expect((await login('zhang', password)).statusCode).toBe(200);
  });
});
