import { Type, type Static } from 'typebox';
import { PUBLIC, requestClient, type HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import { ROLES } from '../../schema/db';
import { allowedActions, unitIdsOf, unitScope } from '../access';
import { SESSION_COOKIE, SESSION_POLICY, login, logout } from '../identity';
import { Nullable, StringEnum, errors, problemResponse } from '../schemas';

const Me = Type.Object({
  id: Type.String(),
  /** The login name (kept for older clients); people are shown by displayName. */
  name: Type.String(),
  /** The person's name (users.display_name); null when none was given: show `name` then. */
  displayName: Nullable(Type.String()),
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
    id: p.id, name: p.name, displayName: p.displayName, role: p.role, unitId: p.unitId, officerNo: p.officerNo, oversees: p.oversees,
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
        summary: 'Log in with a local account', operationId: 'logIn', tags: ['auth'], security: [],
        description: 'Checks the user name and password and sets the session cookie (HttpOnly, SameSite=Strict) the reviewer page uses. Answers who the caller is and what they may do. Repeated failures lock the account; at most 10 attempts a minute per client. Systems use a bearer token instead (POST /api/tokens).',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { examples: [{ username: 'zhang.wei', password: 'correct horse battery' }] }),
        response: { 200: Me, 401: errors[401], 429: problemResponse(429), 400: errors[400] },
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
      schema: {
        summary: 'Log out', operationId: 'logOut', tags: ['auth'],
        description: 'Ends the session of the cookie and clears it.',
        response: { 204: Type.Null(), ...errors },
      },
    }, async (request, reply) => {
      await logout(db, request.cookies[SESSION_COOKIE], now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    });

    app.get('/auth/me', {
      config: { action: 'auth.me' },
      schema: {
        summary: 'Who am I', operationId: 'getMe', tags: ['auth'],
        description: 'The caller (from the session cookie or the bearer token): role, unit, the units they oversee, and the actions the permission table allows them.',
        response: { 200: Me, ...errors },
      },
    }, async (request) => me(request.principal!));
  };
}
