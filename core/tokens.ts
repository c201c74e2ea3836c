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

/** A token's last use is written at most this often: a busy dock authenticates many times a second. */
export const TOKEN_USE_INTERVAL_MS = 60_000;

/** Whether a use at `now` is written: the token was never used, or its written last use is a minute old. */
export function tokenUseDue(lastUsedAt: Date | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - lastUsedAt.getTime() >= TOKEN_USE_INTERVAL_MS;
}

/** Records when tokens are used (`api_tokens.last_used_at`, shown in the admin token list). */
export interface TokenUses {
  /** A token authenticated a request: its use is written in the background when due; a failed write is logged, never the request's failure. */
  note(token: { id: string; last_used_at: Date | null }, now: Date, log: { warn(o: object, m: string): void }): void;
  /** The writes under way have ended (before the database closes). */
  settled(): Promise<void>;
}

export function tokenUses(db: Db): TokenUses {
  // Uses written by this process: the requests that read the row before the first write landed do not all write.
  const written = new Map<string, Date>();
  const pending = new Set<Promise<void>>();
  return {
    note(token, now, log) {
      const mine = written.get(token.id);
      const last = mine && (!token.last_used_at || mine > token.last_used_at) ? mine : token.last_used_at;
      if (!tokenUseDue(last, now)) return;
      written.set(token.id, now);
      const dueBefore = new Date(now.getTime() - TOKEN_USE_INTERVAL_MS);
      // The same rule in the statement: other replicas' writes count too.
      const write: Promise<void> = db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', token.id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', dueBefore)]))
        .execute()
        .then(
          () => {},
          (error: unknown) => log.warn({ tokenId: token.id, err: error instanceof Error ? error.message : String(error) }, 'could not record the use of an API token; the request was answered'),
        )
        .finally(() => pending.delete(write));
      pending.add(write);
    },
    settled: async () => {
      await Promise.all(pending);
    },
  };
}
