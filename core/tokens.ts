import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../schema/database';
import type { Role } from '../schema/db';

/** Who is calling, as established from a credential; every access decision starts here. */
export interface Principal {
  kind: 'token';
  tokenId: string;
  name: string;
  role: Role;
  userId: string | null;
}

const PREFIX = 'evd_';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export async function createToken(db: Db, input: { name: string; role: Role; userId?: string; token?: string }): Promise<{ id: string; token: string }> {
  const token = input.token ?? generateToken();
  const row = await db
    .insertInto('api_tokens')
    .values({ name: input.name, role: input.role, user_id: input.userId ?? null, token_hash: hashToken(token) })
    .onConflict((oc) => oc.column('token_hash').doUpdateSet({ revoked_at: null, role: input.role, name: input.name }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function revokeToken(db: Db, id: string): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The principal behind a bearer token, or null for an unknown or revoked one. */
export async function authenticateToken(db: Db, token: string): Promise<Principal | null> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'user_id'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return { kind: 'token', tokenId: row.id, name: row.name, role: row.role, userId: row.user_id };
}
