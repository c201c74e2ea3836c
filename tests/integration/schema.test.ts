import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { appendCustody, verifyChain } from '../../core/chain';
import { APP_ROLE, connect, migrateDown, migrateToLatest } from '../../schema/database';
import { bearer, startTestPlatform, usePlatform } from '../support/platform';

const p = usePlatform();

async function someEvidence(): Promise<string> {
  const headers = bearer(p.stationToken);
  const s = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers, payload: { station: { code: 'S' }, bay: 1, recorder: { serial: `R-${randomBytes(3).toString('hex')}` } } });
  const u = await p.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${s.json().sessionId}/files`, headers, payload: { pathBase64: Buffer.from('a.mp4').toString('base64'), size: 0 } });
  const c = await p.app.inject({
    method: 'POST',
    url: `/ingest/v1/uploads/${u.json().uploadId}/complete`,
    headers,
    payload: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', sm3: '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b' },
  });
  expect(c.statusCode, c.body).toBe(200);
  return c.json().evidenceId;
}

describe('the application role', () => {
  it('is every connection\'s from its first query, and a connection that cannot take it never runs anything', async () => {
    const queries = Array.from({ length: 8 }, () => sql<{ user: string }>`select current_user as user, pg_sleep(0.05)`.execute(p.db));
    expect(new Set((await Promise.all(queries)).map((r) => r.rows[0]!.user))).toEqual(new Set([APP_ROLE]));
    const wrong = connect(p.databaseUrl, { role: 'no_such_role' });
    try {
      await expect(sql`select current_user`.execute(wrong)).rejects.toThrow(/no_such_role/);
    } finally {
      await wrong.destroy();
    }
  });
});

describe('custody chain', () => {
  it('refuses updates and deletes: the application role has no right to, and a trigger stops even the owner', async () => {
    const id = await someEvidence();
    for (const table of ['custody_events', 'audit_events']) {
      await expect(sql`update ${sql.table(table)} set details = '{}'`.execute(p.db)).rejects.toThrow(/permission denied/);
      await expect(sql`delete from ${sql.table(table)}`.execute(p.db)).rejects.toThrow(/permission denied/);
    }
    await expect(sql`update custody_events set actor = 'someone else' where evidence_id = ${id}`.execute(p.ownerDb)).rejects.toThrow(/append-only/);
    await expect(sql`delete from custody_events where evidence_id = ${id}`.execute(p.ownerDb)).rejects.toThrow(/append-only/);
  });

  it('names the first row a database superuser edited, deleted or reordered', async () => {
    const id = await someEvidence();
    for (let i = 0; i < 3; i++) await p.db.transaction().execute((trx) => appendCustody(trx, { evidenceId: id, action: 'original.read', actor: `reader-${i}`, details: { i } }));
    expect(await verifyChain(p.db, 'custody')).toMatchObject({ ok: true });
    const rows = await p.db.selectFrom('custody_events').select(['seq']).where('evidence_id', '=', id).orderBy('seq').execute();
    const target = rows[2]!.seq;

    // A superuser can switch the trigger off; the chain still tells.
    await sql`alter table custody_events disable trigger custody_events_append_only`.execute(p.ownerDb);
    await sql`update custody_events set actor = 'nobody' where seq = ${target}`.execute(p.ownerDb);
    expect(await verifyChain(p.db, 'custody')).toMatchObject({ ok: false, brokenAt: Number(target), reason: expect.stringMatching(/content/) });
    await sql`update custody_events set actor = 'reader-1' where seq = ${target}`.execute(p.ownerDb);
    expect(await verifyChain(p.db, 'custody')).toMatchObject({ ok: true });

    await sql`delete from custody_events where seq = ${target}`.execute(p.ownerDb);
    expect(await verifyChain(p.db, 'custody')).toMatchObject({ ok: false, brokenAt: Number(target) });
    await sql`alter table custody_events enable trigger custody_events_append_only`.execute(p.ownerDb);
  });
});

describe('migrations', () => {
  it('go all the way down and up again', async () => {
    const other = await startTestPlatform();
    try {
      while (await migrateDown(other.ownerDb));
      const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%'`.execute(other.ownerDb);
      expect(tables.rows[0]!.n).toBe(0);
      expect(await migrateToLatest(other.ownerDb)).toEqual(expect.arrayContaining(['0001_foundation', '0002_playback', '0003_access']));
    } finally {
      await other.close();
    }
  });
});
