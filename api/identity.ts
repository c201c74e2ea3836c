import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../core/chain';
import { recorded, type ClientAddress } from '../core/client-address';
import { Problem } from '../core/errors';
import { bearerToken } from '../core/http';
import { verifyPassword } from '../core/passwords';
import { hashToken, type TokenUses } from '../core/tokens';
import type { Db } from '../schema/database';
import type { Principal } from '../core/principal';

export const SESSION_COOKIE = 'evidence_session';

/** Login session and lockout rules. */
export const SESSION_POLICY = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3600_000,
  maxFailures: 5,
  lockoutMs: 15 * 60_000,
} as const;

/** The caller, from a bearer token or a session cookie; null when neither is valid. A token's use is noted in `uses`. */
export async function authenticate(db: Db, request: FastifyRequest, now: Date, uses?: TokenUses): Promise<Principal | null> {
  const bearer = bearerToken(request);
  if (bearer) return tokenPrincipal(db, 'token_hash', hashToken(bearer), (row) => uses?.note(row, now, request.log));
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? fromSession(db, cookie, now) : null;
}

/** Who a token acts as, by its id (a webhook acts as the token that made it); null once revoked. */
export const principalOfToken = (db: Db, tokenId: string) => tokenPrincipal(db, 'id', tokenId);

async function tokenPrincipal(db: Db, column: 'token_hash' | 'id', value: string, used?: (row: { id: string; last_used_at: Date | null }) => void): Promise<Principal | null> {
  const row = await db.selectFrom('api_tokens').select(['id', 'name', 'role', 'user_id', 'scopes', 'last_used_at']).where(column, '=', value).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return null;
  // A token issued for a user acts as that user; station and platform tokens act for themselves.
  if (row.user_id) {
    const user = await forUser(db, row.user_id, row.id);
    if (user) used?.(row);
    return user && { ...user, scopes: row.scopes };
  }
  used?.(row);
  return { kind: 'token', id: row.id, name: row.name, displayName: null, role: row.role, userId: null, unitId: null, officerNo: null, oversees: [], sessionKey: row.id, scopes: row.scopes };
}

async function fromSession(db: Db, token: string, now: Date): Promise<Principal | null> {
  const session = await db.selectFrom('user_sessions').selectAll().where('token_hash', '=', hashToken(token)).where('revoked_at', 'is', null).executeTakeFirst();
  if (!session) return null;
  const idle = now.getTime() - session.last_seen_at.getTime() > SESSION_POLICY.idleMs;
  const expired = now.getTime() - session.created_at.getTime() > SESSION_POLICY.absoluteMs;
  if (idle || expired) {
    await db.updateTable('user_sessions').set({ revoked_at: now }).where('id', '=', session.id).execute();
    return null;
  }
  await db.updateTable('user_sessions').set({ last_seen_at: now }).where('id', '=', session.id).execute();
  return forUser(db, session.user_id, session.id);
}

export async function forUser(db: Db, userId: string, sessionKey: string): Promise<Principal | null> {
  const user = await db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'unit_id', 'officer_no', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
  if (!user || user.disabled_at) return null;
  const oversees = await db.selectFrom('user_oversees').select('unit_id').where('user_id', '=', userId).execute();
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    displayName: user.display_name,
    role: user.role,
    userId: user.id,
    unitId: user.unit_id,
    officerNo: user.officer_no,
    oversees: oversees.map((o) => o.unit_id),
    sessionKey,
    scopes: [],
  };
}

export interface LoginState {
  failedLogins: number;
  lockedUntil: Date | null;
}

/**
 * The lockout rule for one attempt. While the account is locked nothing changes, whatever is
 * sent; once the lock has run out, counting starts again.
 */
export function loginAttempt(state: LoginState, passwordOk: boolean, now: Date): LoginState & { ok: boolean; locks: boolean } {
  if (state.lockedUntil && state.lockedUntil > now) return { ok: false, failedLogins: state.failedLogins, lockedUntil: state.lockedUntil, locks: false };
  if (passwordOk) return { ok: true, failedLogins: 0, lockedUntil: null, locks: false };
  const failedLogins = (state.lockedUntil ? 0 : state.failedLogins) + 1;
  const locks = failedLogins >= SESSION_POLICY.maxFailures;
  return { ok: false, failedLogins, lockedUntil: locks ? new Date(now.getTime() + SESSION_POLICY.lockoutMs) : null, locks };
}

/**
 * Checks a password and opens a session. Five failures lock the account for 15 minutes. Unknown,
 * disabled and locked accounts get the wrong-password answer after the same password check, so
 * neither the answer nor its timing tells them apart; the lock itself goes to the audit trail.
 */
export async function login(db: Db, username: string, password: string, now: Date, from: ClientAddress): Promise<{ token: string; principal: Principal }> {
  const refused = new Problem(401, 'Login Failed', 'wrong user name or password, or the account is locked');
  const user = await db.selectFrom('users').select(['id', 'password_hash', 'unit_id', 'disabled_at']).where('username', '=', username).executeTakeFirst();
  const passwordOk = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || user.disabled_at) throw refused;
  const token = randomBytes(32).toString('base64url');
  const sessionId = await db.transaction().execute(async (trx) => {
    // Under the row lock, so parallel guesses cannot each see the count before the others.
    const state = await trx.selectFrom('users').select(['failed_logins', 'locked_until']).where('id', '=', user.id).forUpdate().executeTakeFirstOrThrow();
    const attempt = loginAttempt({ failedLogins: state.failed_logins, lockedUntil: state.locked_until }, passwordOk, now);
    await trx.updateTable('users').set({ failed_logins: attempt.failedLogins, locked_until: attempt.lockedUntil }).where('id', '=', user.id).execute();
    if (attempt.locks) {
      const { client, ...forwarded } = recorded(from);
      await appendAudit(trx, {
        actorId: null,
        actorName: 'anonymous',
        role: null,
        unitId: null,
        action: 'user.locked',
        objectType: 'user',
        objectId: user.id,
        objectUnitId: user.unit_id,
        client,
        outcome: 'denied',
        details: { username, failedLogins: attempt.failedLogins, lockedUntil: attempt.lockedUntil!.toISOString(), ...forwarded },
      });
    }
    if (!attempt.ok) return null;
    const session = await trx
      .insertInto('user_sessions')
      .values({ token_hash: hashToken(token), user_id: user.id, created_at: now, last_seen_at: now, client: from.address })
      .returning('id')
      .executeTakeFirstOrThrow();
    return session.id;
  });
  const principal = sessionId && (await forUser(db, user.id, sessionId));
  if (!principal) throw refused;
  return { token, principal };
}

export async function logout(db: Db, token: string | undefined, now: Date): Promise<void> {
  if (token) await db.updateTable('user_sessions').set({ revoked_at: now }).where('token_hash', '=', hashToken(token)).execute();
}
