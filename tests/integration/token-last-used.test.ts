// The admin token list shows when each token was last used: written when a token authenticates, at most once a minute per token.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { bearer, usePlatform } from '../support/platform';

const T0 = new Date('2026-11-27T08:00:00Z');
let clock = T0;
const p = usePlatform({ now: () => clock });
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function newToken(name: string): Promise<{ id: string; token: string }> {
  const made = await p.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(p.adminToken), payload: { name, role: 'auditor' } });
  expect(made.statusCode).toBe(201);
  return made.json();
}

/** A request with the token, answered; then the use it noted is written (or not). */
async function use(token: string): Promise<number> {
  const res = await p.app.inject({ url: '/api/audit?limit=1', headers: bearer(token) });
  await p.app.tokenUses.settled();
  return res.statusCode;
}

const lastUsed = async (id: string) => (await p.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;

describe('api_tokens.last_used_at', () => {
  it('is written when the token authenticates, shown in the token list, and not written again within the minute', async () => {
    const { id, token } = await newToken(`dock ${randomBytes(3).toString('hex')}`);
    const listed = async () => (await p.app.inject({ url: '/api/tokens', headers: bearer(p.adminToken) })).json().items.find((t: { id: string }) => t.id === id).lastUsedAt;
    expect(await listed()).toBeNull();

    clock = at(0);
    expect(await use(token)).toBe(200);
    expect(await listed()).toBe(T0.toISOString());

    clock = at(30);
    expect(await use(token)).toBe(200);
    expect(await use(token)).toBe(200);
    expect(await lastUsed(id)).toEqual(T0); // within the minute: no write

    clock = at(60);
    expect(await use(token)).toBe(200);
    expect(await listed()).toBe(at(60).toISOString());
  });

  it('a failed write is logged and the request still answers', async () => {
    const name = `broken ${randomBytes(3).toString('hex')}`;
    const { id, token } = await newToken(name);
    // The database refuses this token's use being written.
    await sql`create or replace function refuse_token_use() returns trigger language plpgsql as $$ begin raise exception 'token use refused'; end $$`.execute(p.ownerDb);
    await sql`create trigger refuse_token_use before update of last_used_at on api_tokens for each row when (new.name = ${sql.lit(name)}) execute function refuse_token_use()`.execute(p.ownerDb);
    clock = at(600);
    expect(await use(token)).toBe(200);
    expect(await lastUsed(id)).toBeNull();
  });
});
