import createClient, { type Client } from 'openapi-fetch';
import type { operations, paths } from './schema';

export type { operations, paths } from './schema';
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON answer of an operation, by operationId and status: `Answer<'getEvidence'>`. */
export type Answer<Op extends keyof operations, Status extends number = 200> = Status extends keyof operations[Op]['responses'] ? Json<operations[Op]['responses'][Status]> : never;
/** The JSON request body of an operation: `RequestBody<'createBookmark'>`. */
export type RequestBody<Op extends keyof operations> = Json<operations[Op]['requestBody']>;
export type ApiClient = Client<paths>;

/**
 * The typed client of the platform's API (openapi-fetch over the generated api/client/schema.d.ts):
 * the reviewer page uses it with its session cookie (no baseUrl, no token), the CLI with --server and --token.
 */
export function apiClient(options: { baseUrl?: string; token?: string } = {}): ApiClient {
  return createClient<paths>({ baseUrl: options.baseUrl ?? '', ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}) });
}

/** A refusal of the API: the status, title and detail of its application/problem+json body ("404 Not Found: …"). */
export class ApiProblem extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail?: string) {
    super(`${status} ${title}${detail ? `: ${detail}` : ''}`);
    this.name = 'ApiProblem';
  }
}

/** The answer of a call of the typed client; a refusal throws an ApiProblem. */
export async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const problem = (typeof error === 'object' && error ? error : {}) as { title?: string; detail?: string };
    throw new ApiProblem(response.status, problem.title ?? response.statusText, problem.detail);
  }
  return data as T;
}
