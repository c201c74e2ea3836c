// Issue 11 item 1: X-Forwarded-For counts only when the socket peer is a listed proxy.
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../core/config';
import { clientAddress, trustedProxies } from '../../core/client-address';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

describe('is this peer a trusted proxy', () => {
  it.each([
    [[], '10.9.0.1', false],
    [['10.9.0.0/16'], '10.9.200.7', true],
    [['10.9.0.0/16'], '10.10.0.1', false],
    [['10.9.0.0/16'], '::ffff:10.9.0.1', true],
    [['192.0.2.1', 'fd00::/8'], '192.0.2.1', true],
    [['192.0.2.1', 'fd00::/8'], '192.0.2.2', false],
    [['192.0.2.1', 'fd00::/8'], 'fd00::5', true],
    [['loopback'], '127.0.0.1', true],
  ] as const)('%j trusts %s: %s', (list, peer, expected) => {
    expect(trustedProxies(list)(peer)).toBe(expected);
  });

  it.each([
    [['203.0.113.9'], { address: '203.0.113.9', peer: '203.0.113.9', forwardedFor: null }],
    [['10.9.0.1', '203.0.113.9'], { address: '203.0.113.9', peer: '10.9.0.1', forwardedFor: '203.0.113.9' }],
    [['10.9.0.1', '10.9.0.7', '203.0.113.9'], { address: '203.0.113.9', peer: '10.9.0.1', forwardedFor: '203.0.113.9, 10.9.0.7' }],
  ])('the hops %j are the client %j', (ips, expected) => {
    expect(clientAddress(ips)).toEqual(expected);
  });

  it('reads EVIDENCE_TRUSTED_PROXIES (unset: nobody) and refuses garbage at start', () => {
    expect(readConfig({}).trustedProxies).toEqual([]);
    expect(readConfig({ EVIDENCE_TRUSTED_PROXIES: ' 10.0.0.0/8, 192.0.2.1 ,' }).trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.1']);
    for (const garbage of ['proxy.example', '10.0.0.0/99', '999.1.1.1']) {
      expect(() => readConfig({ EVIDENCE_TRUSTED_PROXIES: `10.0.0.1,${garbage}` })).toThrow(ConfigError);
      expect(() => readConfig({ EVIDENCE_TRUSTED_PROXIES: garbage })).toThrow(garbage);
    }
  });
});

describe('the client address on a platform behind the proxies 10.9.0.0/16', () => {
  const p = usePlatform({ server: { trustedProxies: ['10.9.0.0/16'] } });
  const w = useWorld(p);

  const login = (username: string, remoteAddress: string, forwardedFor?: string, password = 'wrong password') =>
    p.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}, payload: { username, password } });
  const loginEvents = async (username: string) =>
    ((await p.app.inject({ url: '/api/audit?limit=1000', headers: bearer(w.tokens.auditor) })).json().items as { action: string; client: string; details: Record<string, unknown> }[])
      .filter((e) => e.action === 'user.login' && e.details.username === username);

  it('ignores a forged X-Forwarded-For from an untrusted peer: same rate-limit key, the socket peer in the audit trail', async () => {
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await login('forger', '192.0.2.50', `198.51.100.${i}`)).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    const events = await loginEvents('forger');
    expect(events.length).toBeGreaterThanOrEqual(10);
    for (const e of events) {
      expect(e.client).toBe('192.0.2.50');
      expect(e.details).not.toHaveProperty('forwardedFor');
    }
  });

  it('uses the client a trusted proxy forwards for the rate limit and records it next to the proxy', async () => {
    for (let i = 0; i < 10; i++) expect((await login('via-proxy', '10.9.0.1', `6.6.6.6, 203.0.113.9`)).statusCode).toBe(401);
    expect((await login('via-proxy', '10.9.0.2', '203.0.113.9')).statusCode).toBe(429);
    // Another client behind the same proxy has its own budget.
    expect((await login('via-proxy', '10.9.0.1', '203.0.113.10')).statusCode).toBe(401);
    const events = await loginEvents('via-proxy');
    expect(events.find((e) => e.details.forwardedFor === '203.0.113.10')).toMatchObject({ client: '10.9.0.1' });
    const first = events.filter((e) => e.details.forwardedFor === '203.0.113.9');
    expect(first.length).toBeGreaterThanOrEqual(10);
    for (const e of first) expect(e.client).toMatch(/^10\.9\.0\.[12]$/);
  });

  it('opens the session for the forwarded client', async () => {
    const { username } = await p.db.selectFrom('users').select('username').where('id', '=', w.users.handlerA!).executeTakeFirstOrThrow();
    const ok = await login(username, '10.9.0.1', '203.0.113.44', w.password);
    expect(ok.statusCode, ok.body).toBe(200);
    const session = await p.db.selectFrom('user_sessions').select('client').where('user_id', '=', w.users.handlerA!).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(session.client).toBe('203.0.113.44');
  });

  it('records the socket peer, and the forwarded chain only from a trusted proxy, in custody events', async () => {
    const read = (token: string, id: string, remoteAddress: string, forwardedFor: string) =>
      p.app.inject({ url: `/api/evidence/${id}/original`, remoteAddress, headers: { ...bearer(token), 'x-forwarded-for': forwardedFor } });
    expect((await read(w.tokens.auditor, w.evidence.a, '192.0.2.60', '198.51.100.1')).statusCode).toBe(200);
    expect((await read(w.tokens.adminA, w.evidence.b, '10.9.0.1', '6.6.6.6, 203.0.113.20, 10.9.0.7')).statusCode).toBe(200);
    const custody = async (id: string) =>
      ((await p.app.inject({ url: `/api/evidence/${id}/custody`, headers: bearer(w.tokens.auditor) })).json().items as { action: string; details: Record<string, unknown> }[]).find((e) => e.action === 'original.read')!.details;
    const untrusted = await custody(w.evidence.a);
    expect(untrusted.client).toBe('192.0.2.60');
    expect(untrusted).not.toHaveProperty('forwardedFor');
    expect(await custody(w.evidence.b)).toMatchObject({ client: '10.9.0.1', forwardedFor: '203.0.113.20, 10.9.0.7' });

    for (const chain of ['audit', 'custody']) {
      const verify = await p.app.inject({ url: `/api/audit/verify?chain=${chain}`, headers: bearer(w.tokens.auditor) });
      expect(verify.json()).toMatchObject({ chain, ok: true });
    }
  });
});
