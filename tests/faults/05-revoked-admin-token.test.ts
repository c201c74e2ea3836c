// Issue 11 item 5: a revoked platform-admin token stays revoked across restarts.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureAdminToken } from '../../cli/runtime';
import { readConfig } from '../../core/config';
import { createToken, generateToken, hashToken, revokeToken } from '../../core/tokens';
import { runEvidence } from '../support/evidence-process';
import { bearer, usePlatform } from '../support/platform';

const p = usePlatform();
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'revoked-admin-'));
  await chmod(home, 0o755);
});
afterAll(() => rm(home, { recursive: true, force: true }));

async function revokedToken(): Promise<string> {
  const made = await createToken(p.db, { name: 'platform-admin', role: 'admin' });
  expect(await revokeToken(p.db, made.id)).toBe(true);
  return made.token;
}

const isRevoked = async (token: string) => !!(await p.db.selectFrom('api_tokens').select('revoked_at').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow()).revoked_at;

/** `evidence up` against the test database and Redis; a platform that starts is stopped by the timeout. */
function up(env: Record<string, string>) {
  return runEvidence(['up'], {
    env: { EVIDENCE_HOME: home, DATABASE_URL: p.databaseUrl, REDIS_URL: inject('redisUrl'), EVIDENCE_PORT: '0', EVIDENCE_LOG_LEVEL: 'warn', ...env },
    timeout: 30_000,
  });
}

describe('ensureAdminToken', () => {
  it('refuses a revoked EVIDENCE_ADMIN_TOKEN and leaves it revoked', async () => {
    const token = await revokedToken();
    await expect(ensureAdminToken(p.db, readConfig({ EVIDENCE_HOME: home, EVIDENCE_ADMIN_TOKEN: token }))).rejects.toThrow(/revoked.*EVIDENCE_ADMIN_TOKEN/s);
    expect(await isRevoked(token)).toBe(true);
    expect((await p.app.inject({ url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(401);
  });

  it('still registers a fresh token, and the same one again on the next start', async () => {
    const token = generateToken();
    const config = readConfig({ EVIDENCE_HOME: home, EVIDENCE_ADMIN_TOKEN: token });
    expect(await ensureAdminToken(p.db, config)).toEqual({ token, generated: false });
    expect(await ensureAdminToken(p.db, config)).toEqual({ token, generated: false });
    expect((await p.app.inject({ url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(200);
  });
});

describe('evidence up', () => {
  it('exits 2 when EVIDENCE_ADMIN_TOKEN was revoked, says so and how to issue a new one', async () => {
    const token = await revokedToken();
    const result = await up({ EVIDENCE_ADMIN_TOKEN: token });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(/platform-admin token .*was revoked/);
    expect(result.stderr).toMatch(/set EVIDENCE_ADMIN_TOKEN to a new/);
    expect(await isRevoked(token)).toBe(true);
  });

  it('exits 2 when the generated admin-token file holds a revoked token, naming the file to delete', async () => {
    const token = await revokedToken();
    await writeFile(join(home, 'admin-token'), `${token}\n`, { mode: 0o600 });
    const result = await up({ EVIDENCE_ADMIN_TOKEN: '' });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(/was revoked/);
    expect(result.stderr).toContain(`delete ${join(home, 'admin-token')}`);
    expect(await isRevoked(token)).toBe(true);
  });
});
