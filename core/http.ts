import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Problem } from './errors';
import type { Principal } from './principal';
import type { Role } from '../schema/db';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent means the route is public. */
    roles?: readonly Role[];
    /** The route group a scoped token must name to use the route. */
    scope?: string;
  }
}

export type HttpServer = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;
export type Authenticate = (request: FastifyRequest) => Promise<Principal | null>;

/**
 * The shared HTTP shell: security headers, cookies, problem+json errors that never leak
 * internals, and authentication enforced from each route's `config.roles`.
 */
export async function createHttpServer(authenticate: Authenticate, options: FastifyServerOptions = {}): Promise<HttpServer> {
  const app = Fastify({ ...options, trustProxy: true }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(cookie);
  await app.register(helmet, {
    // The reviewer page and the API docs are served from here; nothing is loaded from elsewhere.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'blob:'], mediaSrc: ["'self'", 'blob:'], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] } },
  });
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request) => {
    const { roles, scope } = request.routeOptions.config;
    if (!roles) return;
    const principal = await authenticate(request);
    if (!principal) throw new Problem(401, 'Unauthorized', 'log in, or send a valid, unrevoked bearer token');
    request.principal = principal;
    if (!roles.includes(principal.role)) throw new Problem(403, 'Forbidden', `the ${principal.role} role may not do this`);
    if (principal.scopes.length > 0 && !(scope && principal.scopes.includes(scope))) {
      throw new Problem(403, 'Forbidden', `this token is limited to: ${principal.scopes.join(', ')}`);
    }
  });

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendProblem(new Problem(404, 'Not Found', `no route ${request.method} ${request.url.split('?')[0]}`), request, reply));
  return app;
}

function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  const { status, title, detail, extra } = problem;
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, ...(detail ? { detail } : {}), instance: request.url.split('?')[0], ...extra });
}

/** Network error codes and PostgreSQL SQLSTATEs that mean "the database went away": worth a retry, not a bug. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
/** pg and kysely report a lost connection with no code at all, only these messages. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated', // "… unexpectedly", "… due to connection timeout"
  'is not queryable', // pg: a client whose connection broke, or was closed, used again
  'timeout exceeded when trying to connect', // pg-pool
  'Postgres connection has been discarded', // kysely, after a failed rollback
  'driver has already been destroyed', // kysely, while shutting down
];

/** Did this error come from the database being unreachable (network, failover, shutdown) rather than from a bug? */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true; // class 08: connection exception
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => (e.message as string).includes(m))) return true;
  return Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable); // AggregateError: every address refused
}

function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  const e = error as { statusCode?: number; validation?: unknown; message?: string; code?: string };
  if (e.validation) return new Problem(400, 'Bad Request', e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new Problem(e.statusCode, e.statusCode === 429 ? 'Too Many Requests' : 'Bad Request', e.message);
  if (isDatabaseUnavailable(error)) return new Problem(503, 'Service Unavailable', 'the database could not be reached or the connection was lost; try again shortly', { retryable: true });
  return new Problem(500, 'Internal Server Error', 'the server failed; the error is in its log');
}
