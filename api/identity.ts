import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../core/errors';
import { verifyPassword } from '../core/passwords';
import { hashToken } from '../core/tokens';
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

/** The caller, from a bearer token or a session cookie; null when neither is valid. */
export async function authenticate(db: Db, request: FastifyRequest, now: Date): Promise<Principal | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return fromToken(db, bearer);
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? fromSession(db, cookie, now) : null;
}

async function fromToken(db: Db, token: string): Promise<Principal | null> {
  const row = await db.selectFrom('api_tokens').select(['id', 'name', 'role', 'user_id', 'scopes']).where('token_hash', '=', hashToken(token)).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return null;
  // A token issued for a user acts as that user; station and platform tokens act for themselves.
  if (row.user_id) {
    const user = await forUser(db, row.user_id, row.id);
    return user && { ...user, scopes: row.scopes };
  }
  return { kind: 'token', id: row.id, name: row.name, role: row.role, userId: null, unitId: null, officerNo: null, oversees: [], sessionKey: row.id, scopes: row.scopes };
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
  const user = await db.selectFrom('users').select(['id', 'username', 'role', 'unit_id', 'officer_no', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
  if (!user || user.disabled_at) return null;
  const oversees = await db.selectFrom('user_oversees').select('unit_id').where('user_id', '=', userId).execute();
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    userId: user.id,
    unitId: user.unit_id,
    officerNo: user.officer_no,
    oversees: oversees.map((o) => o.unit_id),
    sessionKey,
    scopes: [],
  };
}

/**
 * Checks a password and opens a session. Five failures lock the account for 15 minutes;
 * the answer never says whether the user exists.
 */
export async function login(db: Db, username: string, password: string, now: Date, client: string): Promise<{ token: string; principal: Principal }> {
  const refused = new Problem(401, 'Login Failed', 'wrong user name or password, or the account is locked');
  const user = await db.selectFrom('users').select(['id', 'password_hash', 'failed_logins', 'locked_until', 'disabled_at']).where('username', '=', username).executeTakeFirst();
  if (!user || user.disabled_at) {
    await verifyPassword(password, null);
    throw refused;
  }
  if (user.locked_until && user.locked_until > now) {
    throw new Problem(423, 'Account Locked', `too many failed logins; try again after ${user.locked_until.toISOString()}`);
  }
  if (!(await verifyPassword(password, user.password_hash))) {
    const failures = user.failed_logins + 1;
    const lock = failures >= SESSION_POLICY.maxFailures ? new Date(now.getTime() + SESSION_POLICY.lockoutMs) : null;
    await db.updateTable('users').set({ failed_logins: lock ? 0 : failures, locked_until: lock }).where('id', '=', user.id).execute();
    throw refused;
  }
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
  const token = randomBytes(32).toString('base64url');
  const session = await db
    .insertInto('user_sessions')
    .values({ token_hash: hashToken(token), user_id: user.id, created_at: now, last_seen_at: now, client })
    .returning('id')
    .executeTakeFirstOrThrow();
  const principal = await forUser(db, user.id, session.id);
  if (!principal) throw refused;
  return { token, principal };
}

export async function logout(db: Db, token: string | undefined, now: Date): Promise<void> {
  if (token) await db.updateTable('user_sessions').set({ revoked_at: now }).where('token_hash', '=', hashToken(token)).execute();
}
