// Issue 11 item 12: evidence bytes are never cached nor read cross-origin by cookie; Secure and HSTS follow https.
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../core/config';
import { refusesCrossOrigin } from '../../core/http';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

describe('who may read evidence bytes from another origin', () => {
  it.each([
    [undefined, false, false],
    ['same-origin', false, false],
    ['none', false, false],
    ['same-site', false, true],
    ['cross-site', false, true],
    ['Cross-Site', false, true],
    ['cross-site', true, false],
    ['same-site', true, false],
  ] as const)('Sec-Fetch-Site %s, bearer %s: refused %s', (site, byBearer, refused) => {
    expect(refusesCrossOrigin(site, byBearer)).toBe(refused);
  });
});

describe('EVIDENCE_PUBLIC_URL and EVIDENCE_SECURE_COOKIES', () => {
  it.each([
    [{}, { secureCookies: false, hsts: false }],
    [{ EVIDENCE_PUBLIC_URL: 'http://evidence.local:8080' }, { secureCookies: false, hsts: false }],
    [{ EVIDENCE_PUBLIC_URL: 'https://evidence.example.gov.cn' }, { secureCookies: true, hsts: true }],
    [{ EVIDENCE_SECURE_COOKIES: '1' }, { secureCookies: true, hsts: false }],
    [{ EVIDENCE_PUBLIC_URL: 'https://evidence.example.gov.cn', EVIDENCE_SECURE_COOKIES: '0' }, { secureCookies: true, hsts: true }],
  ])('%j gives %j', (env, expected) => {
    expect(readConfig(env)).toMatchObject(expected);
  });

  it('refuses a public URL that is not http(s) and a flag that is not 0 or 1', () => {
    expect(() => readConfig({ EVIDENCE_PUBLIC_URL: 'evidence.example' })).toThrow(ConfigError);
    expect(() => readConfig({ EVIDENCE_PUBLIC_URL: 'ftp://evidence.example' })).toThrow(ConfigError);
    expect(() => readConfig({ EVIDENCE_SECURE_COOKIES: 'yes please' })).toThrow(ConfigError);
  });
});

const served = readConfig({ EVIDENCE_PUBLIC_URL: 'https://evidence.example.gov.cn' });
const p = usePlatform();
const https = usePlatform({ server: { secureCookies: served.secureCookies, hsts: served.hsts } });
const w = useWorld(p);

describe('a platform served over plain http', () => {

  async function session(): Promise<string> {
    const { username } = await p.db.selectFrom('users').select('username').where('id', '=', w.users.auditor!).executeTakeFirstOrThrow();
    const res = await p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: w.password } });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'evidence_session')!;
    expect(cookie.secure).toBeFalsy();
    return cookie.value;
  }

  it('sends no HSTS and no Secure cookie', async () => {
    const health = await p.app.inject({ url: '/api/health' });
    expect(health.headers['strict-transport-security']).toBeUndefined();
    await session();
  });

  it('marks originals, derivatives and export packages Cache-Control: no-store', async () => {
    const original = await p.app.inject({ url: `/api/evidence/${w.evidence.a}/original`, headers: bearer(w.tokens.auditor) });
    expect(original.statusCode).toBe(200);
    expect(original.headers['cache-control']).toBe('no-store');
    const ranged = await p.app.inject({ url: `/api/evidence/${w.evidence.a}/original`, headers: { ...bearer(w.tokens.auditor), range: 'bytes=0-9' } });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['cache-control']).toBe('no-store');
    const derivative = await p.app.inject({ url: `/api/evidence/${w.evidence.a}/derivatives/poster/poster.jpg`, headers: bearer(w.tokens.auditor) });
    expect(derivative.statusCode).toBe(404); // not transcoded here: even the refusal is not cached
    expect(derivative.headers['cache-control']).toBe('no-store');

    const made = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(w.tokens.adminA), payload: { reason: '移送检察院审查起诉' } });
    expect(made.statusCode, made.body).toBeLessThan(300);
    const id = made.json().exportId as string;
    for (let i = 0; i < 200 && (await p.app.inject({ url: `/api/exports/${id}`, headers: bearer(w.tokens.adminA) })).json().status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
    const zip = await p.app.inject({ url: `/api/exports/${id}/package.zip`, headers: bearer(w.tokens.adminA) });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['cache-control']).toBe('no-store');
  });

  it('refuses a cookie-authenticated read of an original from another origin, audited as denied; bearer and same-origin reads pass', async () => {
    const cookie = await session();
    const read = (site: string | undefined, headers: Record<string, string> = {}) =>
      p.app.inject({ url: `/api/evidence/${w.evidence.b}/original`, cookies: { evidence_session: cookie }, headers: { ...(site ? { 'sec-fetch-site': site } : {}), ...headers } });
    for (const site of ['cross-site', 'same-site']) {
      const refused = await read(site);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.json().detail).toMatch(/another origin/);
    }
    const derivative = await p.app.inject({ url: `/api/evidence/${w.evidence.b}/derivatives/mp4/video.mp4`, cookies: { evidence_session: cookie }, headers: { 'sec-fetch-site': 'same-site' } });
    expect(derivative.statusCode).toBe(403);
    expect((await read('same-origin')).statusCode).toBe(200);
    expect((await read('none')).statusCode).toBe(200);
    expect((await read('cross-site', bearer(w.tokens.auditor))).statusCode).toBe(200);
    expect((await read('cross-site', { authorization: 'Bearer not one token' })).statusCode).toBe(403); // still the cookie that counts
    // Metadata is not bytes: the reviewer page's own API calls are not affected.
    expect((await p.app.inject({ url: `/api/evidence/${w.evidence.b}`, cookies: { evidence_session: cookie }, headers: { 'sec-fetch-site': 'same-site' } })).statusCode).toBe(200);

    const events = (await p.app.inject({ url: `/api/audit?objectId=${w.evidence.b}`, headers: bearer(w.tokens.auditor) })).json().items as { action: string; outcome: string; details: { status: number } }[];
    const denied = events.filter((e) => e.outcome === 'denied' && e.details.status === 403);
    expect(denied.map((e) => e.action).sort()).toEqual(['evidence.view', 'evidence.view-original', 'evidence.view-original', 'evidence.view-original']);
  });
});

describe('a platform whose public URL is https', () => {
  it('sends HSTS and a Secure session cookie', async () => {
    expect((await https.app.inject({ url: '/api/health' })).headers['strict-transport-security']).toMatch(/max-age=\d+/);
    await https.app.inject({ method: 'POST', url: '/api/users', headers: bearer(https.adminToken), payload: { username: 'li', password: 'correct horse battery', role: 'auditor' } });
    const res = await https.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'li', password: 'correct horse battery' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.cookies.find((c) => c.name === 'evidence_session')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
  });
});
