import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteOptions } from 'fastify';
import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declarable, refusal } from '../../api/access';
import { createHttpServer } from '../../core/http';
import { IngestClient, ProtocolMismatch } from '../../dock-agent/client';
import { PREFIX, PROBLEM_STATUSES, routeSchema, routes, type Route } from '../../ingest/protocol';
import { ingestRoutes } from '../../ingest/routes';
import type { IngestService } from '../../ingest/service';

/** docs/offload-protocol.md, held to ingest/protocol.ts: the page a station's integrator reads is the protocol the code speaks. */
const doc = readFileSync(new URL('../../docs/offload-protocol.md', import.meta.url), 'utf8');
const ROUTE_MENTION = /`(GET|POST|PATCH|PUT|DELETE) (\/ingest\/v1\/[^`\s]*)`/g;
const STATUS_MENTION = /`([1-5]\d\d)\b/g;
const all = Object.entries(routes) as [string, Route][];

const routeKey = (method: string, url: string) => `${method} ${url.replace(/:\w+/g, ':id')}`;
const keyOf = (route: Route) => routeKey(route.method, PREFIX + route.url);

/** Field paths of a schema ("recorder.serial"), through optional and nullable wrappers. */
function schemaFields(schema: TSchema, at = ''): string[] {
  const s = schema as { properties?: Record<string, TSchema>; anyOf?: TSchema[] };
  if (s.anyOf) return [...new Set(s.anyOf.flatMap((member) => schemaFields(member, at)))];
  return Object.entries(s.properties ?? {}).flatMap(([name, inner]) => [`${at}${name}`, ...schemaFields(inner, `${at}${name}.`)]);
}

/** Field paths of a documented shape: a JSON example, or a list of names ({"evidenceId", "recorded"}). */
function docFields(shape: string): string[] {
  if (!shape.includes(':')) return [...shape.matchAll(/"(\w+)"/g)].map((m) => m[1]!);
  const walk = (value: unknown, at: string): string[] =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value).flatMap(([k, v]) => [`${at}${k}`, ...walk(v, `${at}${k}.`)]) : [];
  return walk(JSON.parse(shape), '');
}

/** The doc's sections, each with the route it is about (the first route it names), if any. */
const sections = doc.split(/^## /m).map((text) => {
  const first = [...text.matchAll(ROUTE_MENTION)][0];
  return { text, route: first ? routeKey(first[1]!, first[2]!) : undefined };
});
const sectionOf = (route: Route) => sections.filter((s) => s.route === keyOf(route));

describe('docs/offload-protocol.md against ingest/protocol.ts', () => {
  it('names exactly the routes the module defines', () => {
    const documented = new Set([...doc.matchAll(ROUTE_MENTION)].map((m) => routeKey(m[1]!, m[2]!)));
    expect([...documented].sort()).toEqual(all.map(([, r]) => keyOf(r)).sort());
  });

  it.each(all)('%s has one section, with its success status', (_, route) => {
    expect(sectionOf(route)).toHaveLength(1);
    expect(sectionOf(route)[0]!.text).toContain(`\`${route.status}`);
  });

  it.each(all)('%s: the documented request body has exactly the schema\'s fields', (_, route) => {
    const example = /```json\n([\s\S]*?)```/.exec(sectionOf(route)[0]!.text)?.[1];
    if (!route.body) return expect(example).toBeUndefined();
    expect(example, 'a ```json example of the request body').toBeDefined();
    expect(docFields(example!).sort()).toEqual(schemaFields(route.body).sort());
  });

  it.each(all)('%s: the documented answer has exactly the schema\'s fields', (_, route) => {
    const shapes = [...sectionOf(route)[0]!.text.matchAll(new RegExp(`\`${route.status} (\\{[^\`]*\\})\``, 'g'))].map((m) => m[1]!);
    const fields = schemaFields(route.response).sort();
    if (fields.length === 0) return expect(shapes).toEqual([]);
    expect(shapes.length, `\`${route.status} {…}\` in the section`).toBeGreaterThan(0);
    for (const shape of shapes) expect(docFields(shape).sort()).toEqual(fields);
  });

  it('names only statuses the module defines, and every problem status it may answer with', () => {
    const defined = new Set<number>([...PROBLEM_STATUSES, ...all.map(([, r]) => r.status)]);
    const named = new Set([...doc.matchAll(STATUS_MENTION)].map((m) => Number(m[1])));
    expect([...named].filter((s) => !defined.has(s))).toEqual([]);
    expect(PROBLEM_STATUSES.filter((s) => !named.has(s))).toEqual([]);
  });

  it('names the chunk headers of sending bytes', () => {
    const text = sectionOf(routes.sendBytes)[0]!.text.toLowerCase();
    for (const header of schemaFields(routes.sendBytes.headers)) expect(text).toContain(header);
    expect(text).toContain(routes.sendBytes.headers.properties['content-type'].const);
  });
});

describe('the server routes', () => {
  it('are exactly the protocol module\'s, with its schemas', async () => {
    const app = await createHttpServer({ authenticate: async () => null, refusal, declarable });
    const registered: RouteOptions[] = [];
    app.addHook('onRoute', (route) => void registered.push(route));
    await app.register(ingestRoutes({} as IngestService, () => false), { prefix: PREFIX });
    await app.ready();
    const seen = registered.filter((r) => r.method !== 'HEAD').map((r) => ({ key: routeKey(String(r.method), r.url!), schema: r.schema }));
    expect(seen.map((r) => r.key).sort()).toEqual(all.map(([, r]) => keyOf(r)).sort());
    for (const [, route] of all) {
      const schema = seen.find((r) => r.key === keyOf(route))!.schema as Record<string, unknown>;
      const expected = routeSchema(route) as Record<string, unknown>;
      for (const part of ['params', 'body', 'headers', 'querystring']) expect(schema[part], part).toBe(expected[part]);
      expect(schema.response).toEqual(expected.response);
      expect((schema.response as Record<number, unknown>)[route.status]).toBe(route.response);
    }
    await app.close();
  });
});

describe('the dock client', () => {
  let server: Server;
  let answer: { status: number; body: unknown };
  let client: IngestClient;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.status === 204 ? undefined : JSON.stringify(answer.body));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    client = new IngestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const status = { uploadId: 'u1', offset: 5, size: 10, state: 'receiving', evidenceId: null };

  it('takes an answer the protocol defines', async () => {
    answer = { status: 200, body: status };
    await expect(client.status('u1')).resolves.toEqual(status);
    answer = { status: 204, body: null };
    await expect(client.closeSession('s1')).resolves.toBeUndefined();
  });

  it.each([
    ['a field missing', { uploadId: 'u1', size: 10, state: 'receiving', evidenceId: null }, /offset/],
    ['a state the protocol does not know', { ...status, state: 'paused' }, /\/state/],
    ['a text offset', { ...status, offset: '5' }, /\/offset/],
    ['a proxy\'s page', 'Welcome to nginx', /body/],
  ])('refuses %s clearly, naming the field', async (_, body, field) => {
    answer = { status: 200, body };
    const failure = client.status('u1');
    await expect(failure).rejects.toBeInstanceOf(ProtocolMismatch);
    await expect(failure).rejects.toThrow(field);
    await expect(failure).rejects.toThrow(/GET \/ingest\/v1\/uploads\/u1 answered 200/);
  });

  it('checks every kind of answer: a completion without mayPurge is refused', async () => {
    answer = { status: 200, body: { evidenceId: 'e1', duplicate: false, sha256: 'a', sm3: 'b' } };
    await expect(client.complete('u1', { sha256: 'a'.repeat(64), sm3: 'b'.repeat(64) })).rejects.toThrow(/mayPurge/);
  });
});
