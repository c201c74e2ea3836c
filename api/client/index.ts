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
