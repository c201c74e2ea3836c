import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliverWebhooks } from '../../api/webhook-delivery';
import { emitEvent, type PlatformEvent } from '../../core/events';
import { freePort } from '../support/free-port';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform({ server: { webhookAllowPrivate: true } });
const w = useWorld(p);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
}

/** A real HTTP receiver on loopback that can go down and come back on the same port; /broken always answers 500. */
function receiver() {
  const got: Received[] = [];
  let server: Server | undefined;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const raw = Buffer.concat(chunks);
          got.push({ path: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) });
          res.writeHead(req.url === '/broken' ? 500 : 204).end();
        });
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      server!.closeAllConnections();
      server!.close(() => resolve());
    });
  return { got, up, down, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

let clock = new Date();
const later = (ms: number) => (clock = new Date(clock.getTime() + ms));
const quiet = { info: () => {}, warn: () => {} };
const deliver = (allowPrivate = true) => deliverWebhooks({ db: p.db, now: () => clock, allowPrivate, log: quiet });
const emit = (event: PlatformEvent) => p.db.transaction().execute((trx) => emitEvent(trx, event));
const caseEvent = (caseId: string, type: PlatformEvent['type'], extra: Record<string, unknown> = {}) =>
  emit({ type, caseId, data: { caseId, number: `number-of-${caseId}`, ...extra } });
const SECRET = 'webhook-secret-0123456789';

async function createHook(token: string, url: string, events: string[] = ['evidence.verified', 'case.created', 'case.stage_changed', 'case.evidence_linked', 'export.ready'], secret = SECRET) {
  const res = await p.app.inject({ method: 'POST', url: '/api/webhooks', headers: bearer(token), payload: { url, events, secret } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
const deliveries = async (id: string, token = p.adminToken) => {
  const res = await p.app.inject({ url: `/api/webhooks/${id}/deliveries`, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { eventId: string; type: string; state: string; attempts: number; lastStatus: number | null; lastError: string | null; nextAttemptAt: string | null }[];
};
const remove = (id: string) => p.app.inject({ method: 'DELETE', url: `/api/webhooks/${id}`, headers: bearer(p.adminToken) });

/** Docks one file for an officer and returns its evidence id (an evidence.verified event commits with it). */
async function dock(officerNo: string) {
  const bytes = randomBytes(1024);
  const h = bearer(p.stationToken);
  const s = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: h, payload: { station: { code: 'ST' }, bay: 1, recorder: { serial: `R-${officerNo}` } } });
  const u = await p.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${s.json().sessionId}/files`, headers: h, payload: { pathBase64: Buffer.from(`DCIM/${randomBytes(4).toString('hex')}.mp4`).toString('base64'), size: bytes.length, metadata: { officerNo } } });
  await p.app.inject({ method: 'PATCH', url: `/ingest/v1/uploads/${u.json().uploadId}`, headers: { ...h, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: bytes });
  const c = await p.app.inject({
    method: 'POST', url: `/ingest/v1/uploads/${u.json().uploadId}/complete`, headers: h,
    payload: { sha256: createHash('sha256').update(bytes).digest('hex'), sm3: createHash('sm3').update(bytes).digest('hex') },
  });
  expect(c.statusCode, c.body).toBe(200);
  return c.json().evidenceId as string;
}
const officerOf = async (evidenceId: string) => (await p.db.selectFrom('evidence').select('officer_no').where('id', '=', evidenceId).executeTakeFirstOrThrow()).officer_no!;

const validSignature = (r: Received, secret = SECRET) =>
  r.headers['x-evidence-signature'] === `sha256=${createHmac('sha256', secret).update(r.raw).digest('hex')}`;

describe('webhooks', () => {
  it('only unit heads, overseers and admins register them; bad receivers are refused; secrets are never shown', async () => {
    for (const token of [w.tokens.handlerA, w.tokens.auditor, w.tokens.complainant, w.tokens.station]) {
      const res = await p.app.inject({ method: 'POST', url: '/api/webhooks', headers: bearer(token), payload: { url: 'https://example.com/in', events: ['case.created'], secret: SECRET } });
      expect(res.statusCode, token).toBe(403);
    }
    for (const [payload, status] of [
      [{ url: 'ftp://example.com/in', events: ['case.created'], secret: SECRET }, 422],
      [{ url: 'https://user:pw@example.com/in', events: ['case.created'], secret: SECRET }, 422],
      [{ url: 'https://example.com/in', events: ['case.deleted'], secret: SECRET }, 400],
      [{ url: 'https://example.com/in', events: [], secret: SECRET }, 400],
      [{ url: 'https://example.com/in', events: ['case.created'], secret: 'short' }, 400],
    ] as const) {
      const res = await p.app.inject({ method: 'POST', url: '/api/webhooks', headers: bearer(p.adminToken), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const id = await createHook(w.tokens.unitHeadA, 'https://example.com/in', ['case.created'], 'never-to-be-shown-again');
    const listed = await p.app.inject({ url: '/api/webhooks', headers: bearer(w.tokens.unitHeadA) });
    expect(listed.json().items).toEqual([{ id, url: 'https://example.com/in', events: ['case.created'], createdAt: expect.any(String), createdBy: expect.stringMatching(/^unitHeadA/) }]);
    expect(listed.body).not.toContain('never-to-be-shown-again');
    // Another unit's head neither sees nor deletes it; the admin sees every webhook.
    expect((await p.app.inject({ url: '/api/webhooks', headers: bearer(w.tokens.unitHeadB) })).json().items).toEqual([]);
    expect((await p.app.inject({ method: 'DELETE', url: `/api/webhooks/${id}`, headers: bearer(w.tokens.unitHeadB) })).statusCode).toBe(404);
    expect((await p.app.inject({ url: '/api/webhooks', headers: bearer(p.adminToken) })).json().items.map((h: { id: string }) => h.id)).toContain(id);
    expect((await remove(id)).statusCode).toBe(204);
    expect((await p.app.inject({ url: `/api/webhooks/${id}/deliveries`, headers: bearer(p.adminToken) })).statusCode).toBe(404);
  });

  it("a loopback receiver gets every event with a valid signature, survives being down (retried, order per case kept), and never sees events out of its creator's scope", async () => {
    const r = receiver();
    await r.up();
    const all = await createHook(p.adminToken, r.url('/admin'));
    const unitA = await createHook(w.tokens.unitHeadA, r.url('/unit-a'));

    // Footage of both units (real ingest), and case events of both units' cases.
    const footageA = await dock(await officerOf(w.evidence.a));
    const footageB = await dock(await officerOf(w.evidence.b));
    await caseEvent(w.cases.a, 'case.created');
    await caseEvent(w.cases.b, 'case.created');
    await caseEvent(w.cases.a, 'case.evidence_linked', { evidenceId: footageA });
    expect(await deliver()).toMatchObject({ delivered: 8, failed: 0 });

    const to = (path: string) => r.got.filter((g) => g.path === path);
    expect(r.got.every((g) => validSignature(g))).toBe(true);
    expect(r.got.every((g) => g.headers['x-evidence-delivery'] === g.body.id && g.headers['x-evidence-event'] === g.body.type)).toBe(true);
    expect(r.got.every((g) => g.headers['content-type'] === 'application/json')).toBe(true);
    // Different cases and files go out side by side; one case's events in their order.
    const seen = (path: string) => to(path).map((g) => `${g.body.type} ${g.body.data.id ?? g.body.data.caseId}`);
    expect(seen('/admin').sort()).toEqual([
      `evidence.verified ${footageA}`, `evidence.verified ${footageB}`, `case.created ${w.cases.a}`, `case.created ${w.cases.b}`, `case.evidence_linked ${w.cases.a}`,
    ].sort());
    // The unit head's webhook: unit A's footage and case, never unit B's.
    expect(seen('/unit-a').sort()).toEqual([`evidence.verified ${footageA}`, `case.created ${w.cases.a}`, `case.evidence_linked ${w.cases.a}`].sort());
    for (const path of ['/admin', '/unit-a']) {
      expect(seen(path).filter((s) => s.endsWith(w.cases.a)), path).toEqual([`case.created ${w.cases.a}`, `case.evidence_linked ${w.cases.a}`]);
    }
    const verified = to('/admin').find((g) => g.body.data.id === footageA)!.body;
    expect(verified).toEqual({
      id: expect.any(String), type: 'evidence.verified', occurredAt: expect.any(String),
      data: { id: footageA, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), sm3: expect.stringMatching(/^[0-9a-f]{64}$/), size: 1024, recordedAt: null, deviceSerial: expect.any(String), unitId: w.units.a },
    });
    // A pass with nothing new sends nothing again.
    expect(await deliver()).toMatchObject({ delivered: 0 });
    expect(r.got).toHaveLength(8);

    // The receiver goes down while events of two cases happen.
    await r.down();
    r.got.length = 0;
    await caseEvent(w.cases.a, 'case.stage_changed', { stage: '调查取证' });
    await caseEvent(w.cases.a, 'case.stage_changed', { stage: '审查' });
    await caseEvent(w.cases.b, 'case.stage_changed', { stage: '调查取证' });
    expect(await deliver()).toMatchObject({ delivered: 0 });
    const stuck = await deliveries(all);
    // Newest first: case B's event and case A's first were tried; case A's second waits behind its first.
    expect(stuck.slice(0, 3).map((d) => [d.state, d.attempts, d.lastError !== null])).toEqual([['pending', 1, true], ['pending', 0, false], ['pending', 1, true]]);
    expect(stuck[0]!.lastError).toMatch(/ECONNREFUSED|refused/);

    // Not retried before its backoff has passed, and not lost while the receiver stays down for an hour.
    later(10_000);
    await deliver();
    expect((await deliveries(all))[0]!.attempts).toBe(1);
    for (let i = 0; i < 8; i++) {
      later(10 * 60_000);
      await deliver();
    }
    const retried = await deliveries(all);
    expect(retried[0]!.attempts).toBeGreaterThan(3);
    expect(retried[1]!.attempts).toBe(0);

    await r.up();
    later(3_600_000);
    await deliver();
    expect(r.got).toHaveLength(5);
    for (const path of ['/admin', '/unit-a']) {
      const stages = to(path).filter((g) => g.body.data.caseId === w.cases.a).map((g) => g.body.data.stage);
      expect(stages, path).toEqual(['调查取证', '审查']);
    }
    expect(to('/unit-a').some((g) => g.body.data.caseId === w.cases.b)).toBe(false);
    expect(r.got.every((g) => validSignature(g))).toBe(true);
    expect((await deliveries(all)).slice(0, 3).map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
    // The unit head sees the deliveries of their own webhook, not the admin's.
    expect((await deliveries(unitA, w.tokens.unitHeadA)).length).toBe(5);
    expect((await p.app.inject({ url: `/api/webhooks/${all}/deliveries`, headers: bearer(w.tokens.unitHeadA) })).statusCode).toBe(404);

    await remove(all);
    await remove(unitA);
    await r.down();
  });

  it('real case changes through the API reach the webhooks of those who may see the case, and only those', async () => {
    const r = receiver();
    await r.up();
    const all = await createHook(p.adminToken, r.url('/admin'), ['case.created', 'case.stage_changed', 'case.evidence_linked']);
    const unitA = await createHook(w.tokens.unitHeadA, r.url('/unit-a'), ['case.created', 'case.stage_changed', 'case.evidence_linked']);
    const byNumber = (number: string) => `/api/cases/by-number/${encodeURIComponent(number)}`;
    const numberA = `高环罚〔2026〕${randomBytes(2).toString('hex')}号`;
    const numberB = `东环罚〔2026〕${randomBytes(2).toString('hex')}号`;
    for (const [number, unitId] of [[numberA, w.units.a], [numberB, w.units.b]]) {
      const res = await p.app.inject({ method: 'PUT', url: byNumber(number!), headers: bearer(p.adminToken), payload: { title: '超标排放', unitId } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const linked = await p.app.inject({ method: 'POST', url: `${byNumber(numberA)}/evidence`, headers: bearer(p.adminToken), payload: { evidenceId: w.evidence.a } });
    expect(linked.statusCode, linked.body).toBeLessThan(300);
    await deliver();
    const numbers = (path: string) => r.got.filter((g) => g.path === path).map((g) => `${g.body.type} ${g.body.data.number}`);
    expect(numbers('/admin').sort()).toEqual([`case.created ${numberA}`, `case.created ${numberB}`, `case.evidence_linked ${numberA}`].sort());
    expect(numbers('/unit-a')).toEqual([`case.created ${numberA}`, `case.evidence_linked ${numberA}`]);
    expect(r.got.every((g) => validSignature(g))).toBe(true);
    await remove(all);
    await remove(unitA);
    await r.down();
  });

  it('gives a delivery up after 24 hours of failures (shown as failed), and the case\'s later events then go out', async () => {
    const r = receiver();
    await r.up();
    const broken = await createHook(p.adminToken, r.url('/broken'));
    await caseEvent(w.cases.b, 'case.stage_changed', { stage: '告知' });
    const start = clock.getTime();
    for (let rounds = 0; rounds === 0 || (await deliveries(broken))[0]!.state === 'pending'; rounds++) {
      expect(rounds).toBeLessThan(60);
      await deliver();
      const next = (await deliveries(broken))[0]!.nextAttemptAt;
      if (next) clock = new Date(next);
    }
    const [dead] = await deliveries(broken);
    expect(dead).toMatchObject({ state: 'failed', lastStatus: 500, nextAttemptAt: null });
    expect(dead!.attempts).toBeGreaterThan(10);
    expect(clock.getTime() - start).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(r.got.length).toBe(dead!.attempts);

    await caseEvent(w.cases.b, 'case.stage_changed', { stage: '送达' });
    await deliver();
    expect((await deliveries(broken))[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500 });
    await remove(broken);
    await r.down();
  });

  it('checks the address again at delivery: a receiver that resolves to loopback is not called when private receivers are not allowed', async () => {
    const r = receiver();
    await r.up();
    const hook = await createHook(p.adminToken, r.url('/admin').replace('127.0.0.1', 'localhost'));
    await caseEvent(w.cases.a, 'case.created');
    await deliver(false);
    expect(r.got).toEqual([]);
    expect((await deliveries(hook))[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: expect.stringMatching(/loopback or private/) });
    await remove(hook);
    await r.down();
  });

  it('bounds what a receiver can do: an endless answer is cut at the cap, a silent one times out and is retried', { timeout: 60_000 }, async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server = createServer((req, res) => {
      req.resume();
      if (req.url === '/silent') return; // never answers
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const more = () => { while (res.write(chunk)); };
      res.on('drain', more);
      more();
    });
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Without the cap this pass would read until its (far) timeout, longer than the test may run.
    const endless = await createHook(p.adminToken, `${base}/endless`, ['case.created']);
    await caseEvent(w.cases.a, 'case.created');
    await deliverWebhooks({ db: p.db, now: () => clock, allowPrivate: true, log: quiet, timeoutMs: 600_000, maxResponseBytes: 256 * 1024 });
    expect((await deliveries(endless))[0]).toMatchObject({ state: 'delivered', lastStatus: 200 });
    await remove(endless);

    const silent = await createHook(p.adminToken, `${base}/silent`, ['case.created']);
    await caseEvent(w.cases.a, 'case.created');
    await deliverWebhooks({ db: p.db, now: () => clock, allowPrivate: true, log: quiet, timeoutMs: 500 });
    expect((await deliveries(silent))[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: expect.stringMatching(/no answer within/) });
    await remove(silent);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("stops delivering once its creator's token is revoked", async () => {
    const r = receiver();
    await r.up();
    const made = await p.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(p.adminToken), payload: { name: 'case system', role: 'unit_head', userId: w.users.unitHeadA } });
    const hook = await createHook(made.json().token, r.url('/unit-a'));
    expect((await p.app.inject({ method: 'DELETE', url: `/api/tokens/${made.json().id}`, headers: bearer(p.adminToken) })).statusCode).toBe(204);
    await caseEvent(w.cases.a, 'case.created');
    await deliver();
    expect(r.got).toEqual([]);
    await remove(hook);
    await r.down();
  });
});

/** The fenced code block of `language` that follows `heading` in docs/integration.md. */
async function docSnippet(heading: string, language: string): Promise<string> {
  const doc = await readFile(join(import.meta.dirname, '../../docs/integration.md'), 'utf8');
  const after = doc.slice(doc.indexOf(heading));
  const block = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```').exec(after);
  if (!block) throw new Error(`no ${language} block after "${heading}" in docs/integration.md`);
  return block[1]!;
}

describe('the verification snippets in docs/integration.md', () => {
  it.each([
    ['Node', 'js', 'receiver.mjs', process.execPath],
    ['Python', 'python', 'receiver.py', 'python3'],
  ])('%s: accepts real signed deliveries once each and refuses a forged one', async (heading, language, file, program) => {
    const path = join(p.scratch, file);
    await writeFile(path, await docSnippet(`\n${heading} (`, language));
    const port = await freePort();
    const secret = randomBytes(24).toString('base64url');
    const child = spawn(program, [path], { env: { ...process.env, PORT: String(port), EVIDENCE_WEBHOOK_SECRET: secret }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toContain('listening');
      const hook = await createHook(p.adminToken, `http://127.0.0.1:${port}/hook`, ['case.created'], secret);
      await caseEvent(w.cases.a, 'case.created', { note: '高环罚〔2026〕17号' });
      await deliver();
      const [delivery] = await deliveries(hook);
      expect(delivery).toMatchObject({ state: 'delivered', lastStatus: 204 });
      const lines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      expect(lines()).toEqual([{ received: 'case.created', id: delivery!.eventId, data: { caseId: w.cases.a, number: `number-of-${w.cases.a}`, note: '高环罚〔2026〕17号' } }]);

      // A forged body, and a replayed signature on another body, are refused; a repeat is accepted but handled once.
      const body = JSON.stringify({ id: delivery!.eventId, type: 'case.created', occurredAt: new Date().toISOString(), data: { caseId: 'forged' } });
      const send = (signature: string, payload = body) =>
        fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-evidence-signature': signature }, body: payload }).then((r) => r.status);
      expect(await send(`sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`)).toBe(401);
      expect(await send('')).toBe(401);
      expect(await send(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`, body.replace('forged', 'altered'))).toBe(401);
      expect(await send(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)).toBe(204);
      expect(lines()).toHaveLength(1);
      await remove(hook);
    } finally {
      child.kill();
    }
  });
});
