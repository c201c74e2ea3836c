import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearer, usePlatform } from '../support/platform';
import { useWorld, type World } from '../support/seed';

/** Issue 11 item 13: no query parameter, however malformed, makes the API answer 5xx. */
const p = usePlatform();
const w = useWorld(p);

type Spec = { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };

/** Percent-encodes bytes as they are, so lone surrogates and invalid UTF-8 reach the server too. */
const encode = (value: string | Uint8Array) => [...(typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value))].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

async function call(url: string, token: string) {
  const res = await p.app.inject({ url, headers: bearer(token) });
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: res.body };
}

function expectHandled(res: Awaited<ReturnType<typeof call>>, where: string) {
  expect(res.status, `${where} → ${res.status} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.type, where).toContain('application/problem+json');
    expect(JSON.parse(res.body), where).toMatchObject({ title: expect.any(String), status: res.status });
  }
}

describe('bad query parameters', () => {
  it.each([
    ['/api/audit?before=9223372036854775807'],
    ['/api/audit?before=99999999999999999999999'],
    ['/api/audit?objectId=%00'],
    ['/api/audit?userId=a%00b'],
    ['/api/evidence?cursor=bm90LWEtY3Vyc29y'],
    ['/api/evidence?cursor=MjAyNi0wMS0wMVQwMDowMDowMC4wMDBafG5vdC1hLXV1aWQ'],
    ['/api/evidence?cursor=%00'],
    ['/api/evidence?officerNo=%00'],
    ['/api/evidence?deviceSerial=x%00y'],
    ['/api/evidence?from=2026-01-01T23:59:60Z'],
    [`/api/evidence?officerNo=${'9'.repeat(100_000)}`],
    ['/api/cases?cursor=MjAyNi0wMS0wMVQwMDowMDowMC4wMDBafG5vdC1hLXV1aWQ'],
    ['/api/cases?q=%00'],
  ])('%.80s answers 400 with a problem body', async (url) => {
    const res = await call(url, w.tokens.auditor);
    expect(res.status, res.body.slice(0, 300)).toBe(400);
    expectHandled(res, url.slice(0, 100));
  });

  it.each([
    ['POST', '/api/auth/login', { username: 'a\u0000b', password: 'whatever it is' }],
    ['POST', '/api/units', { code: 'X\u0000', name: 'x' }],
    ['POST', '/api/recorders', { serial: 'R\u0000', officerNo: null }],
  ])('%s %s with a NUL in the body answers 400', async (method, url, payload) => {
    const res = await p.app.inject({ method: method as 'POST', url, headers: bearer(p.adminToken), payload });
    expect(res.statusCode, res.body).toBe(400);
    expectHandled({ status: res.statusCode, type: String(res.headers['content-type']), body: res.body }, url);
  });

  it('answers a NUL in a path parameter without a 500', async () => {
    for (const url of ['/api/evidence/%00', `/api/evidence/${'00000000-0000-4000-8000-000000000000'}/derivatives/mp4/a%00b`, `/api/evidence/${'00000000-0000-4000-8000-000000000000'}/derivatives/${'x'.repeat(50)}/v.mp4`]) {
      const res = await call(url, w.tokens.auditor);
      expect(res.status, url).toBe(400);
      expectHandled(res, url);
    }
  });

  it('survives random strings in every query parameter of every route, as every role that may call it', async () => {
    const spec = p.app.swagger() as Spec;
    const idFor = (path: string) => (path.startsWith('/api/cases') ? w.cases.a : w.evidence.a);
    const targets: { path: string; param: string; roles: string[] }[] = [];
    for (const [path, methods] of Object.entries(spec.paths)) {
      const query = (methods.get?.parameters ?? []).filter((q) => q.in === 'query').map((q) => q.name);
      if (query.length === 0) continue;
      const url = path.replace(/\{(\w+)\}/g, () => idFor(path));
      // Every role whose plain call is not refused may call the route.
      const roles: string[] = [];
      for (const [who, token] of Object.entries(w.tokens)) if (![401, 403].includes((await call(url, token)).status)) roles.push(who);
      for (const param of query) targets.push({ path: url, param, roles });
    }
    expect(targets.length).toBeGreaterThanOrEqual(10);

    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('\u0000', 'a', '9', '-', '_', '|', '%', 'é', '\ud800'), maxLength: 30 }),
      fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
      fc.constantFrom('9223372036854775807', '-9223372036854775808', '1e400', 'NaN', 'Infinity', '-0', '0x10', '', '\u0000', 'true', '2026-02-30T00:00:00Z', '9999-12-31T23:59:60Z', '+275760-09-13T00:00:00Z'),
      fc.base64String({ maxLength: 120 }).map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
      fc.tuple(fc.date({ noInvalidDate: true }), fc.string({ maxLength: 40 })).map(([d, id]) => Buffer.from(`${d.toISOString()}|${id}`).toString('base64url')),
      fc.string({ minLength: 300, maxLength: 20_000 }),
    );
    const seed = 20261126;
    const runs = 12;
    for (const { path, param, roles } of targets) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostile.map(encode), fc.uint8Array({ maxLength: 40 }).map(encode)), fc.constantFrom(...roles), async (value, who) => {
          const url = `${path}?${encodeURIComponent(param)}=${value}`;
          expectHandled(await call(url, w.tokens[who as keyof World['tokens']]), `${who} GET ${path}?${param}=${value.slice(0, 120)} (fast-check seed ${seed})`);
        }),
        { seed, numRuns: runs * roles.length, endOnFailure: true },
      );
    }
  });
});
