import { Type, type Static } from 'typebox';
import { PUBLIC, requestClient, type HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import { ROLES } from '../../schema/db';
import { allowedActions, unitIdsOf, unitScope } from '../access';
import { SESSION_COOKIE, SESSION_POLICY, login, logout } from '../identity';
import { Nullable, ProblemBody, StringEnum, errors } from '../schemas';

const Me = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: StringEnum(ROLES),
  unitId: Nullable(Type.String()),
  officerNo: Nullable(Type.String()),
  oversees: Type.Array(Type.String()),
  /** What the caller may do (the permission table, api/access.ts): the page offers only these. */
  actions: Type.Array(Type.String()),
  /** The units the caller works in or supervises (where they may open cases); null: every unit. */
  workUnits: Nullable(Type.Array(Type.String())),
});

function me(p: Principal): Static<typeof Me> {
  return {
    id: p.id, name: p.name, role: p.role, unitId: p.unitId, officerNo: p.officerNo, oversees: p.oversees,
    actions: allowedActions(p), workUnits: unitIdsOf(unitScope(p)),
  };
}

/** Local accounts with server-side sessions. An OIDC login would be one more route issuing the same session. */
export function authRoutes(deps: { db: Db; now: () => Date; secureCookies: boolean }) {
  const { db, now } = deps;
  return async (app: HttpServer) => {
    app.post('/auth/login', {
      config: { action: PUBLIC, rateLimit: { max: 10, timeWindow: '1 minute' }, audit: 'user.login' },
      schema: {
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }),
        response: { 200: Me, 401: ProblemBody, 429: ProblemBody, 400: ProblemBody },
      },
    }, async (request, reply) => {
      request.auditDetails = { username: request.body.username };
      const { token, principal } = await login(db, request.body.username, request.body.password, now(), requestClient(request));
      request.principal = principal;
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.secureCookies,
        path: '/',
        maxAge: SESSION_POLICY.absoluteMs / 1000,
      });
      return me(principal);
    });

    app.post('/auth/logout', {
      config: { action: 'auth.logout', audit: 'user.logout' },
      schema: { response: { 204: Type.Null(), ...errors } },
    }, async (request, reply) => {
      await logout(db, request.cookies[SESSION_COOKIE], now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    });

    app.get('/auth/me', {
      config: { action: 'auth.me' },
      schema: { response: { 200: Me, ...errors } },
    }, async (request) => me(request.principal!));
  };
}
