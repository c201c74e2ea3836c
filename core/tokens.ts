import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../schema/database';
import type { Role } from '../schema/db';

const PREFIX = 'evd_';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export async function createToken(db: Db, input: { name: string; role: Role; userId?: string; scopes?: string[]; token?: string }): Promise<{ id: string; token: string }> {
  const token = input.token ?? generateToken();
  const row = await db
    .insertInto('api_tokens')
    .values({ name: input.name, role: input.role, user_id: input.userId ?? null, scopes: input.scopes ?? [], token_hash: hashToken(token) })
    .onConflict((oc) => oc.column('token_hash').doUpdateSet({ revoked_at: null, role: input.role, name: input.name }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function revokeToken(db: Db, id: string): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
