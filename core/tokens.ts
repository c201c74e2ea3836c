import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../schema/database';
import type { Role } from '../schema/db';

const PREFIX = 'evd_';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** A token that was revoked is never made valid again, not even by presenting it once more. */
export class RevokedTokenError extends Error {
  override name = 'RevokedTokenError';
  constructor(readonly tokenId: string, readonly revokedAt: Date) {
    super(`token ${tokenId} was revoked at ${revokedAt.toISOString()}`);
  }
}

/** Stores a new token (or, given `token`, the same one again); throws RevokedTokenError for a revoked one. */
export async function createToken(db: Db, input: { name: string; role: Role; userId?: string; scopes?: string[]; token?: string }): Promise<{ id: string; token: string }> {
  const token = input.token ?? generateToken();
  const tokenHash = hashToken(token);
  const row = await db
    .insertInto('api_tokens')
    .values({ name: input.name, role: input.role, user_id: input.userId ?? null, scopes: input.scopes ?? [], token_hash: tokenHash })
    .onConflict((oc) => oc.column('token_hash').doUpdateSet({ role: input.role, name: input.name }).where('api_tokens.revoked_at', 'is', null))
    .returning('id')
    .executeTakeFirst();
  if (row) return { id: row.id, token };
  const revoked = await db.selectFrom('api_tokens').select(['id', 'revoked_at']).where('token_hash', '=', tokenHash).executeTakeFirstOrThrow();
  throw new RevokedTokenError(revoked.id, revoked.revoked_at!);
}

export async function revokeToken(db: Db, id: string): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
