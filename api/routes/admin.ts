import { Type } from 'typebox';
import { notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import { createToken, revokeToken } from '../../core/tokens';
import type { Db } from '../../schema/database';
import { ROLES } from '../../schema/db';

const ADMIN = { roles: ['admin'] } as const;
const ProblemBody = Type.Object({ title: Type.String(), status: Type.Integer() }, { additionalProperties: true });
const errors = { 400: ProblemBody, 401: ProblemBody, 403: ProblemBody, 404: ProblemBody };

/** Platform administration: API tokens for stations and platform systems. */
export function adminRoutes(deps: { db: Db }) {
  return async (app: HttpServer) => {
    app.post('/tokens', {
      config: ADMIN,
      schema: {
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), role: Type.Union(ROLES.map((r) => Type.Literal(r))) }),
        response: { 201: Type.Object({ id: Type.String(), token: Type.String() }), ...errors },
      },
    }, async (request, reply) => {
      reply.code(201);
      return createToken(deps.db, request.body);
    });

    app.delete('/tokens/:id', {
      config: ADMIN,
      schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 204: Type.Null(), ...errors } },
    }, async (request, reply) => {
      if (!(await revokeToken(deps.db, request.params.id))) throw notFound(`token ${request.params.id}`);
      return reply.code(204).send(null);
    });
  };
}
