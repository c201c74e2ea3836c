import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../../api/client';
import { CLIENT_SCHEMA_FILE, clientSchemaSource } from '../../api/client/generate';
import { bearer, usePlatform } from '../support/platform';

/**
 * Operations documented by the helper rewriting api/routes/cases.ts (issue 13 item 1); the
 * integrator empties this list once that branch is merged, and the last test below says when.
 */
interface Media { example?: unknown; examples?: unknown; schema?: unknown }
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: { default?: unknown } }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, Response | { $ref: string }>;
}
interface Response { description: string; content?: Record<string, Media> }
interface Document { tags: { name: string; description?: string }[]; paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, Response> } }

const p = usePlatform({ listen: true });
const served = async () => (await p.app.inject({ url: '/api/openapi.json' })).json() as Document;
const operations = (doc: Document) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));

describe('/api/openapi.json: a document a stranger can use', () => {
  it('every operation has a summary, a description, known tags and an operationId', async () => {
    const doc = await served();
    const tags = new Set(doc.tags.map((t) => t.name));
    expect(doc.tags.filter((t) => !t.description)).toEqual([]);
    const lacking = operations(doc).flatMap(({ key, op }) => [
      ...(['summary', 'description', 'operationId'] as const).filter((field) => !op[field]?.trim()).map((field) => `${key}: no ${field}`),
      ...(op.tags?.length ? op.tags.filter((t) => !tags.has(t)).map((t) => `${key}: tag ${t} is not in the document's tag list`) : [`${key}: no tags`]),
    ]);
    expect(lacking).toEqual([]);
  });

  it('operationIds are unique camelCase names', async () => {
    const ids = operations(await served()).flatMap(({ op }) => (op.operationId ? [op.operationId] : []));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
  });

  it('every request body has an example', async () => {
    const missing = operations(await served()).flatMap(({ key, op }) =>
      Object.entries(op.requestBody?.content ?? {}).filter(([, media]) => media.example === undefined && media.examples === undefined).map(([type]) => `${key} (${type})`),
    );
    expect(missing).toEqual([]);
  });

  it('no parameter with a default is marked required', async () => {
    const doc = await served();
    const marked = operations(doc).flatMap(({ key, op }) => (op.parameters ?? []).filter((q) => q.schema?.default !== undefined && q.required).map((q) => `${key}: ${q.in} ${q.name}`));
    expect(marked).toEqual([]);
    // Left out, such a parameter takes its default.
    expect((await p.app.inject({ url: '/api/audit/verify', headers: bearer(p.adminToken) })).json()).toMatchObject({ chain: 'audit' });
    expect((await p.app.inject({ url: '/api/evidence', headers: bearer(p.adminToken) })).statusCode).toBe(200);
  });

  it('refusals are documented: described, as application/problem+json, and every operation that needs a caller names 401 and 403', async () => {
    const doc = await served();
    const resolve = (r: Response | { $ref: string }): Response => ('$ref' in r ? doc.components.responses[r.$ref.replace('#/components/responses/', '')]! : r);
    const problems = operations(doc).flatMap(({ key, op }) => [
      ...Object.entries(op.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, r]) => [status, resolve(r)] as const)
        .flatMap(([status, r]) => [
          ...(r.description === 'Default Response' || !r.description ? [`${key} ${status}: no description`] : []),
          ...(Object.keys(r.content ?? {}).join() === 'application/problem+json' ? [] : [`${key} ${status}: not application/problem+json`]),
        ]),
      ...(key.endsWith('/api/health') || key.endsWith('/api/ready') || key === 'POST /api/auth/login' ? [] : ['401', '403'].filter((s) => !op.responses[s]).map((s) => `${key}: ${s} undocumented`)),
    ]);
    expect(problems).toEqual([]);
  });

  it('the checked-in typed client is generated from the served document (npm run generate:client)', async () => {
    const checkedIn = await readFile(new URL(`../../${CLIENT_SCHEMA_FILE}`, import.meta.url), 'utf8');
    expect(await clientSchemaSource(await served()), `${CLIENT_SCHEMA_FILE} differs from /api/openapi.json: run npm run generate:client`).toBe(checkedIn);
  });

  it('the typed client talks to the server', async () => {
    const client = apiClient({ baseUrl: p.url, token: p.adminToken });
    const me = await client.GET('/api/auth/me');
    expect(me.data).toMatchObject({ role: 'admin', actions: expect.arrayContaining(['token.create']) });
    const missing = await client.GET('/api/exports/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.error).toMatchObject({ status: 404, title: 'Not Found' });
  });

});
