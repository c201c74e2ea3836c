import type { FastifyDynamicSwaggerOptions, SwaggerTransformObject } from '@fastify/swagger';
import { PROBLEM_MEANINGS, type ProblemStatus } from '../core/errors';

/** The document's tags: every operation names one of these (tests/integration/openapi.test.ts holds it to that). */
export const API_TAGS = [
  { name: 'system', description: '系统状态 Platform health and this document.' },
  { name: 'auth', description: '登录与会话 Logging in with a local account, the session cookie, who the caller is and what they may do.' },
  { name: 'evidence', description: '证据 Recordings: search, details, custody trail, original and derived bytes, bookmarks, evidence without a unit.' },
  { name: 'cases', description: '案件 Case records of the enforcement platform and the footage linked to them.' },
  { name: 'exports', description: '证据导出 Signed court export packages of a case, and the key that signs them.' },
  { name: 'audit', description: '审计 The hash-chained audit and custody trails, their verification and trusted timestamps.' },
  { name: 'stations', description: '采集站 Docking stations: their bays, recorders and offloads in progress.' },
  { name: 'admin', description: '管理 Units, user accounts, recorder bindings and API tokens for system accounts.' },
  { name: 'fixity', description: '完整性巡检 Re-reading stored bytes against their recorded hashes.' },
  { name: 'webhooks', description: '事件推送 Signed event deliveries (webhooks) to the enforcement platform.' },
  { name: 'events', description: '事件拉取 The pull feed of platform events, for systems that cannot receive calls.' },
  { name: 'retention', description: '保存期限 How long evidence is kept, holds and disposal.' },
  { name: 'storage', description: '存储 Where evidence bytes are kept.' },
  { name: 'supervision', description: '监督考核 Recording compliance figures per unit and officer, the rows behind them, and the report.' },
  { name: 'ingest', description: '卸载协议 The dock offload protocol (docs/offload-protocol.md): stations upload recordings, resumable by offset.' },
  { name: 'reviews', description: '抽查 Sample reviews: reproducible random draws of a unit\'s recordings, scored against rubrics, with results per officer and unit.' },
  { name: 'reminders', description: '监督提醒 Supervision reminders to a unit about a case or a recording: answered by the unit head, closed or returned by the supervisor.' },
];

type Media = { schema?: { format?: string; description?: string } };
type Response = { description?: string; content?: Record<string, Media> } | { $ref: string };
type Document = {
  paths?: Record<string, Record<string, { responses?: Record<string, Response> }>>;
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, Response> };
};

const SUCCESS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted: the work is queued; its status is in the answer', 204: 'No Content', 206: 'Partial Content: the bytes the Range header asked for' };

/**
 * The document as the server really answers, where fastify-swagger would call every answer
 * application/json: refusals are application/problem+json (core/http.ts), each status's refusal
 * written once (components.responses.ProblemNNN, body components.schemas.Problem); bytes (originals,
 * derivatives, packages) are binary, application/octet-stream standing for their own types.
 * Successes get their status's name where the route gave no description.
 */
export function servedDocument<D extends Document>(document: D): D {
  const components = (document.components ??= {});
  const shared = (components.responses ??= {});
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const responses = operation.responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        if ('$ref' in response) continue;
        if (response.description === 'Default Response' && SUCCESS[status]) response.description = SUCCESS[status];
        const media = response.content?.['application/json'];
        if (!media) continue;
        if (Number(status) < 400) {
          if (media.schema?.format === 'binary') response.content = { 'application/octet-stream': media };
        } else if (response.description === PROBLEM_MEANINGS[Number(status) as ProblemStatus]) {
          components.schemas = { ...components.schemas, Problem: { ...media.schema, description: 'RFC 9457 problem details; more fields where they help (`retryable`, `offset`, the existing `id`, …).' } };
          shared[`Problem${status}`] = { description: response.description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } as Media['schema'] } } };
          responses[status] = { $ref: `#/components/responses/Problem${status}` };
        } else {
          response.content = { 'application/problem+json': media };
        }
      }
    }
  }
  return document;
}

/** The API document's frame (@fastify/swagger options); the operations come from the routes' schemas. */
export const documentOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    info: {
      title: '执法记录仪证据平台 API (recorder evidence core)',
      version: '1',
      description: 'The evidence core of the body-camera platform: recordings and their custody, case records, court exports, audit. Authenticate with `Authorization: Bearer <token>` (a token of a system account, POST /api/tokens) or the session cookie of POST /api/auth/login. Every refusal is application/problem+json (RFC 9457). See docs/integration.md.',
    },
    tags: API_TAGS,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'evidence_session' } } },
    security: [{ bearer: [] }, { session: [] }],
  },
  transformObject: (documentObject) => ('openapiObject' in documentObject ? servedDocument(documentObject.openapiObject as Document) : documentObject.swaggerObject) as ReturnType<SwaggerTransformObject>,
};
