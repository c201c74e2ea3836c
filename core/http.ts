import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { clientAddress, requestId, trustedProxies, type ClientAddress } from './client-address';
import { Problem } from './errors';
import { errorCode, isNetworkError } from './network';
import type { Principal } from './principal';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route and the action it declared (`config.action`), for the startup check and its tests. */
    declaredRoutes: DeclaredRoute[];
  }
  interface FastifyContextConfig {
    /** Evidence bytes: the browser must not keep them (Cache-Control: no-store), whatever the answer. */
    noStore?: boolean;
    /** Evidence bytes: refused to a page of another origin unless the caller sent a bearer token (see refusesCrossOrigin). */
    sameOriginReads?: boolean;
  }
}

export type HttpServer = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

export interface DeclaredRoute {
  method: string;
  url: string;
  action: string | undefined;
  /** The audited action name (config.audit), if the route is audited. */
  audit?: string | undefined;
}

/** Who the caller is, and what the permission table (api/access.ts) lets them do. */
export interface Guard {
  /** The caller, from a bearer token or a session cookie; null when neither is valid. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
  /** Why the caller may not do the action, or undefined when they may. */
  refusal(principal: Principal, action: string | undefined): string | undefined;
  /** Whether a route may declare this action (a row of the table, or PUBLIC). */
  declarable(action: string | undefined): boolean;
}

/** The action of routes anyone may call, signed in or not (login, health, the API description, the page). */
export const PUBLIC = 'public';

export interface ShellOptions {
  /** Peers whose X-Forwarded-For is believed (EVIDENCE_TRUSTED_PROXIES); nobody's when empty. */
  trustedProxies?: readonly string[];
  /** Send Strict-Transport-Security: only when the platform is served over https. */
  hsts?: boolean;
}

/**
 * The shared HTTP shell: security headers, cookies, problem+json errors that never leak
 * internals, and the permission table enforced from each route's `config.action`. A route
 * that declares no action, or one the table does not know, stops the server from starting.
 */
export async function createHttpServer(guard: Guard, shell: ShellOptions = {}, options: FastifyServerOptions = {}): Promise<HttpServer> {
  const trusts = trustedProxies(shell.trustedProxies ?? []);
  const app = Fastify({
    ...options,
    trustProxy: (address: string) => trusts(address),
    // Every log line of a request carries this id (reqId); it is echoed in X-Request-Id.
    genReqId: (raw) => requestId(raw.headers['x-request-id'], trusts(raw.socket?.remoteAddress ?? ''), randomUUID),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', async (request, reply) => void reply.header('x-request-id', request.id));
  await app.register(cookie);
  await app.register(helmet, {
    hsts: shell.hsts ?? false,
    // The reviewer page and the API docs are served from here; nothing is loaded from elsewhere.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'blob:'], mediaSrc: ["'self'", 'blob:'], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] } },
  });
  app.decorateRequest('principal', null);
  app.decorate('declaredRoutes', []);
  // Kept as given: hooks of a plugin's own context (see publicRoutes) may still set the action.
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => void routes.push(route));
  app.addHook('onReady', async () => {
    app.declaredRoutes = routes.flatMap((r) => [r.method].flat().map((method) => ({ method, url: r.url, action: r.config?.action, audit: r.config?.audit })));
    const undeclared = app.declaredRoutes.filter((r) => !guard.declarable(r.action));
    if (undeclared.length > 0) throw new Error(`routes without a known action (config.action): ${undeclared.map((r) => `${r.method} ${r.url} (${r.action ?? 'none'})`).join(', ')}`);
  });

  app.addHook('onRequest', async (request) => {
    const { action } = request.routeOptions.config;
    if (action === PUBLIC || request.is404) return;
    const principal = await guard.authenticate(request);
    if (!principal) throw new Problem(401, 'Unauthorized', 'log in, or send a valid, unrevoked bearer token');
    request.principal = principal;
    const refused = guard.refusal(principal, action);
    if (refused) throw new Problem(403, 'Forbidden', refused);
    // authenticate() uses the bearer token whenever there is one, so its presence says how the caller got in.
    const byBearer = bearerToken(request) !== undefined;
    if (request.routeOptions.config.sameOriginReads && refusesCrossOrigin(request.headers['sec-fetch-site'] as string | undefined, byBearer)) {
      throw new Problem(403, 'Forbidden', 'evidence is not served to a page of another origin on a session cookie: open it from the platform\'s own page, or send a bearer token');
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.config.noStore) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendProblem(new Problem(404, 'Not Found', `no route ${request.method} ${request.url.split('?')[0]}`), request, reply));
  return app;
}

/** Everything registered in this context is public: for plugins that add routes of their own (API docs, the page's files). */
export function publicRoutes(scope: HttpServer): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, action: route.config?.action ?? PUBLIC };
  });
}

/**
 * A browser names the context of every request in Sec-Fetch-Site; bytes of evidence go only to the
 * platform's own pages ("same-origin") or a typed-in address ("none"). Another site, or another
 * origin of the same site, may not use the session cookie to read them. Clients that are not
 * browsers send no Sec-Fetch-Site, and a bearer token cannot be attached by another page.
 */
export function refusesCrossOrigin(secFetchSite: string | undefined, byBearer: boolean): boolean {
  if (byBearer || secFetchSite === undefined) return false;
  return !['same-origin', 'none'].includes(secFetchSite.toLowerCase());
}

/** The token of an `Authorization: Bearer` header; a caller that sends one is authenticated by it alone. */
export function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** The request's client address; X-Forwarded-For counts only from a trusted proxy (see createHttpServer). */
export function requestClient(request: FastifyRequest): ClientAddress {
  return clientAddress(request.ips ?? [request.ip]);
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

/** PostgreSQL SQLSTATEs that mean "the database went away" (shut down, crashed, full of connections): worth a retry, not a bug. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
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
  const code = errorCode(e);
  if (isNetworkError(e) || UNAVAILABLE_STATES.has(code) || code.startsWith('08')) return true; // class 08: connection exception
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
