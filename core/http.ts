import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Problem } from './errors';
import { authenticateToken, type Principal } from './tokens';
import type { Db } from '../schema/database';
import type { Role } from '../schema/db';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent means the route is public. */
    roles?: readonly Role[];
  }
}

export type HttpServer = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/**
 * The shared HTTP shell: problem+json errors that never leak internals, and bearer-token
 * authentication enforced from each route's `config.roles`.
 */
export function createHttpServer(db: Db, options: FastifyServerOptions = {}): HttpServer {
  const app = Fastify({ ...options, trustProxy: true }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const principal = await principalFrom(db, request);
    if (!principal) throw new Problem(401, 'Unauthorized', 'a valid, unrevoked bearer token is required');
    if (!roles.includes(principal.role)) throw new Problem(403, 'Forbidden', `the ${principal.role} role may not do this`);
    request.principal = principal;
  });

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendProblem(new Problem(404, 'Not Found', `no route ${request.method} ${request.url}`), request, reply));
  return app;
}

async function principalFrom(db: Db, request: FastifyRequest): Promise<Principal | null> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match ? authenticateToken(db, match[1]!) : null;
}

function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  const { status, title, detail, extra } = problem;
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, ...(detail ? { detail } : {}), instance: request.url, ...extra });
}

function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  const e = error as { statusCode?: number; validation?: unknown; message?: string; code?: string };
  if (e.validation) return new Problem(400, 'Bad Request', e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new Problem(e.statusCode, 'Bad Request', e.message);
  return new Problem(500, 'Internal Server Error', 'the server failed; the error is in its log');
}
