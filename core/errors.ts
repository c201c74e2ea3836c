import { Type } from 'typebox';

/**
 * An error the client should see, rendered as application/problem+json (RFC 9457).
 * Anything else that escapes a handler is a 500 with no internals in the body.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'Problem';
  }
}

/** The body of every refusal, API and offload protocol alike; more fields where they help (`offset`, `retryable`, …). */
export const ProblemBody = Type.Object(
  { type: Type.Optional(Type.String()), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()), instance: Type.Optional(Type.String()) },
  { additionalProperties: true },
);

/** What each refusal means, for the API documents (the statuses routes may answer with, beyond 500). */
export const PROBLEM_MEANINGS = {
  400: '请求无效 Bad Request: the request does not match the schema (the detail names the field), or a value is not accepted.',
  401: '未认证 Unauthorized: no valid session cookie or bearer token (missing, expired or revoked).',
  403: '无权限 Forbidden: the permission table does not give your role or token scope this action, or a rule refuses it (the detail says which).',
  404: '不存在 Not Found: the resource does not exist or is outside your scope; the two are deliberately not told apart.',
  409: '冲突 Conflict: the request conflicts with the current state (a duplicate, a state that does not allow it, work already running); the detail says which.',
  410: '已处置 Gone: the recording was disposed of under an approved two-person retention request; the body carries the disposal record (`disposal`).',
  413: '内容过大 Content Too Large: the declared size is above the platform\'s limit for one file.',
  416: '范围无效 Range Not Satisfiable: the Range header asks for bytes the object does not have.',
  422: '无法处理 Unprocessable Content: the request is well formed but cannot be carried out (e.g. hashes that do not match the bytes received).',
  429: '请求过多 Too Many Requests: too many attempts; wait before trying again.',
  503: '暂不可用 Service Unavailable: the database or the object store could not be reached; the body has `retryable: true`, try again shortly.',
  507: '存储不足 Insufficient Storage: the staging space is too low to accept the upload; `retryable: true`.',
} as const;
export type ProblemStatus = keyof typeof PROBLEM_MEANINGS;

/** The documented answer of a refusal: the problem body, with what the status means (served as application/problem+json). */
export const problemResponse = (status: ProblemStatus) => Type.Object(ProblemBody.properties, { additionalProperties: true, description: PROBLEM_MEANINGS[status] });

/** A setting in the environment is missing, malformed or contradicts another: the service refuses to start. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const notFound = (what: string) => new Problem(404, 'Not Found', `${what} does not exist or is outside your scope`);
