import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { offloadVolume } from '../../dock-agent/offload';
import { Readable } from 'node:stream';
import { isDatabaseUnavailable } from '../../core/http';
import { orphanAction } from '../../ingest/housekeeping';
import { IngestService } from '../../ingest/service';
import { diskStaging } from '../../ingest/staging';
import { seedWorld } from '../support/seed';
import { startPgProxy, type PgProxy } from '../support/pg-proxy';
import { bearer, startTestPlatform, type TestPlatform } from '../support/platform';

const digests = (bytes: Buffer) => ({
  sha256: createHash('sha256').update(bytes).digest('hex'),
  sm3: createHash('sm3').update(bytes).digest('hex'),
});

let proxy: PgProxy;
let p: TestPlatform;
let work: string;
let serial = 0;

beforeAll(async () => {
  p = await startTestPlatform({
    listen: true,
    databaseVia: async (url) => {
      proxy = await startPgProxy(url);
      return proxy.url;
    },
  });
  work = await mkdtemp(join(tmpdir(), 'evidence-db-faults-'));
});
afterEach(() => proxy.setDown(false));
afterAll(async () => {
  await p.close();
  await proxy.close();
  await rm(work, { recursive: true, force: true });
});

const get = (url: string) => p.app.inject({ method: 'GET', url, headers: bearer(p.adminToken) });

/** Leaks of the driver's own words that must never reach a client. */
const DRIVER_WORDS = /terminat|ECONN|not queryable|discarded|timeout exceeded|pg_/i;

function expectUnavailable(res: { statusCode: number; headers: Record<string, unknown>; body: string; json(): unknown }) {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status: 503, retryable: true });
  expect(res.body).not.toMatch(DRIVER_WORDS);
}

async function recorderVolume(files: number, bytes = 256 * 1024) {
  const volume = join(work, `rec${++serial}`);
  const folder = join(volume, 'DCIM', 'normal');
  await mkdir(folder, { recursive: true });
  const contents: Buffer[] = [];
  for (let n = 1; n <= files; n++) {
    const body = randomBytes(bytes);
    contents.push(body);
    await writeFile(join(folder, `010203_DBF${serial}_20261125093000_${String(n).padStart(4, '0')}.mp4`), body);
  }
  return { volume, serial: `DBF${serial}`, contents };
}

const dock = (volume: string, recorderSerial: string) =>
  offloadVolume(volume, { server: p.url, token: p.stationToken, station: { code: 'ST-DB' }, bay: 1, recorder: { serial: recorderSerial }, utcOffsetMinutes: 480, attempts: 8 });

async function originalKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of p.store.list('originals/')) keys.push(key);
  return keys.sort();
}

/** Every evidence row of the recorder has its original in the store, with the right bytes. */
async function expectStoredOnce(recorderSerial: string, contents: Buffer[]) {
  const rows = await p.ownerDb.selectFrom('evidence').select(['id', 'sha256', 'sm3', 'storage_key']).where('device_serial', '=', recorderSerial).execute();
  expect(rows.map((r) => r.sha256).sort()).toEqual(contents.map((c) => digests(c).sha256).sort());
  for (const row of rows) {
    const res = await get(`/api/evidence/${row.id}/original`);
    expect(res.statusCode, res.body).toBe(200);
    expect(digests(res.rawPayload)).toEqual({ sha256: row.sha256, sm3: row.sm3 });
  }
  const all = await p.ownerDb.selectFrom('evidence').select('storage_key').execute();
  expect(await originalKeys()).toEqual(all.map((r) => r.storage_key).sort());
}

describe('database failures', () => {
  it('survives a connection terminated inside a transaction (pg_terminate_backend) and serves the next request', async () => {
    const failed = await p.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(p.ownerDb);
        await sql`select 1`.execute(trx);
      })
      .then(() => undefined, (error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    const health = await get('/api/ready');
    expect(health.statusCode, health.body).toBe(200);
  });

  it('survives idle connections cut by a failover', async () => {
    expect((await get('/api/ready')).statusCode).toBe(200);
    proxy.dropAll();
    // A request racing the cut may find its connection dead: then it is told to retry.
    const racing = await get('/api/ready');
    if (racing.statusCode !== 200) expect(racing.json()).toMatchObject({ status: 503, checks: { database: { ok: false } } });
    const health = await get('/api/ready');
    expect(health.statusCode, health.body).toBe(200);
  });

  it('answers 503 problem+json, never a driver message, for a query cut mid-flight and during an outage; recovers after', async () => {
    // Hold a lock so the list query is in flight on the server when the network goes.
    const owner = new pg.Client({ connectionString: p.databaseUrl });
    await owner.connect();
    try {
      await owner.query('begin; lock table evidence in access exclusive mode');
      const pending = get('/api/evidence');
      // Inside a transaction pg_stat_activity is a snapshot taken at its first read: cleared before each look.
      for (let waiting = 0, deadline = Date.now() + 30_000; waiting === 0; ) {
        if (Date.now() > deadline) throw new Error('the list query never waited on the lock');
        await owner.query('select pg_stat_clear_snapshot()');
        const { rows } = await owner.query(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
        waiting = rows[0].n;
      }
      proxy.setDown(true);
      expectUnavailable(await pending);
      await owner.query('rollback');
    } finally {
      await owner.end();
    }
    expectUnavailable(await get('/api/ready'));
    expectUnavailable(await get('/api/evidence'));
    const session = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: bearer(p.stationToken), payload: { station: { code: 'ST-DB' }, bay: 1, recorder: { serial: 'DBX' } } });
    expect([401, 503]).toContain(session.statusCode); // authentication itself needs the database
    expect(session.body).not.toMatch(DRIVER_WORDS);
    proxy.setDown(false);
    expect((await get('/api/ready')).statusCode).toBe(200);
  });

  it.each([
    // The first file's evidence transaction commits; the answer never arrives.
    ['a complete whose commit answer was lost ends verified exactly once, with its original stored', () => proxy.cutAt('commit', 'after', { afterSeeing: 'insert into "evidence"' })],
    ['a complete whose transaction never reached the database is retried by the dock and ends verified exactly once', () => proxy.cutAt('insert into "evidence"', 'before')],
  ])('%s', async (_, cut) => {
    const { volume, serial: recorder, contents } = await recorderVolume(2);
    void cut();
    const summary = await dock(volume, recorder);
    expect(summary.failed).toEqual([]);
    expect(summary.verified).toBe(2);
    await expectStoredOnce(recorder, contents);
  });

  it('during an outage the dock is told to retry; once the database is back the same files verify once', async () => {
    const { volume, serial: recorder, contents } = await recorderVolume(1);
    void proxy.cutAt('insert into "evidence"', 'before', { thenDown: true });
    const first = await offloadVolume(volume, { server: p.url, token: p.stationToken, station: { code: 'ST-DB' }, bay: 1, recorder: { serial: recorder }, utcOffsetMinutes: 480, attempts: 1 });
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0]!.error).toMatch(/^503 /);
    expect(first.failed[0]!.error).not.toMatch(DRIVER_WORDS);
    proxy.setDown(false);
    const second = await dock(volume, recorder);
    expect(second.failed).toEqual([]);
    await expectStoredOnce(recorder, contents);
  });

  it('a case export whose database connection dies while it builds, and again while it records the failure, leaves the process running and ends failed', async () => {
    const w = await seedWorld(p);
    // The build's first query is cut, then its attempt to record the failure (armed as soon as the first cut springs).
    const cuts = proxy.cutAt('select "code", "name" from "units"', 'before').then(() => proxy.cutAt('update "case_exports" set "status"', 'before'));
    const started = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(w.tokens.unitHeadB), payload: { reason: '移送法院' } });
    expect(started.statusCode, started.body).toBe(202);
    await cuts;
    expect((await get('/api/ready')).statusCode).toBe(200); // the process is still there, and the database back
    // The export job's last attempt failed: the dispatcher records it, now that the database is back.
    const status = () => p.ownerDb.selectFrom('case_exports').select('status').where('id', '=', started.json().exportId).execute();
    await expect.poll(async () => (await status())[0]?.status, { timeout: 30_000, interval: 50 }).not.toBe('building');
    const exports = await status();
    expect(exports.map((e) => e.status)).toEqual(['failed']);
  });

  it('a sweep adopts an original left in the store by a commit that never happened, and removes strays', async () => {
    const bytes = randomBytes(64 * 1024);
    const declared = digests(bytes);
    const opened = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: bearer(p.stationToken), payload: { station: { code: 'ST-DB' }, bay: 2, recorder: { serial: 'DBSWEEP' } } });
    const sessionId = opened.json().sessionId as string;
    const created = await p.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${sessionId}/files`, headers: bearer(p.stationToken), payload: { pathBase64: Buffer.from('DCIM/a.mp4').toString('base64'), size: bytes.length } });
    const uploadId = created.json().uploadId as string;
    const put = await p.app.inject({ method: 'PATCH', url: `/ingest/v1/uploads/${uploadId}`, headers: { ...bearer(p.stationToken), 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: bytes });
    expect(put.statusCode, put.body).toBe(200);
    void proxy.cutAt('insert into "evidence"', 'before', { thenDown: true });
    const complete = await p.app.inject({ method: 'POST', url: `/ingest/v1/uploads/${uploadId}/complete`, headers: bearer(p.stationToken), payload: declared });
    expectUnavailable(complete);
    proxy.setDown(false);
    // The dock never comes back; a stray object with no upload at all sits next to it.
    await p.store.put('originals/00000000-0000-4000-8000-000000000000', Readable.from([Buffer.from('stray')]), 5);

    const later = new Date(Date.now() + 2 * 3600_000);
    const sweeper = (now: Date) =>
      new IngestService({ db: p.db, store: p.store, staging: diskStaging(join(p.dir, 'staging'), p.store), maxFileBytes: 1024 ** 3, log: { info() {}, warn() {} }, policy: { uploadLeaseMs: 3600_000, abandonedUploadMs: 72 * 3600_000 }, now: () => now });
    // Within the lease the dock may still retry: nothing is touched but the stray.
    expect(await sweeper(new Date()).sweepOriginals()).toMatchObject({ adopted: 0, removed: 1 });
    await p.store.put('originals/00000000-0000-4000-8000-000000000000', Readable.from([Buffer.from('stray')]), 5);
    expect(await sweeper(later).sweepOriginals()).toMatchObject({ adopted: 1, removed: 1 });
    const upload = await p.ownerDb.selectFrom('uploads').select(['state', 'evidence_id']).where('id', '=', uploadId).executeTakeFirstOrThrow();
    expect(upload.state).toBe('verified');
    await expectStoredOnce('DBSWEEP', [bytes]);
    // A second sweep finds nothing to do.
    expect(await sweeper(later).sweepOriginals()).toMatchObject({ adopted: 0, removed: 0 });
  });
});

describe('is the database unavailable (pure)', () => {
  const cases: Array<[string, unknown, boolean]> = [
    ['pg: socket closed, no code', new Error('Connection terminated unexpectedly'), true],
    ['pg: connect timed out', new Error('Connection terminated due to connection timeout'), true],
    ['pg: broken client used again', new Error('Client has encountered a connection error and is not queryable'), true],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect'), true],
    ['kysely: discarded connection', new Error('Postgres connection has been discarded'), true],
    ['admin shutdown (pg_terminate_backend)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), true],
    ['crash shutdown', Object.assign(new Error('x'), { code: '57P02' }), true],
    ['cannot connect now (starting up, failover)', Object.assign(new Error('the database system is starting up'), { code: '57P03' }), true],
    ['connection failure class 08', Object.assign(new Error('x'), { code: '08006' }), true],
    ['too many connections', Object.assign(new Error('x'), { code: '53300' }), true],
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true],
    ['every address refused', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), true],
    ['unique violation is a bug or a race, not an outage', Object.assign(new Error('duplicate key'), { code: '23505' }), false],
    ['syntax error', Object.assign(new Error('syntax error'), { code: '42601' }), false],
    ['any other error', new Error('boom'), false],
    ['not an error', 'Connection terminated', false],
    ['nothing', null, false],
  ];
  it.each(cases)('%s', (_name, error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });
});

describe('what to do with an original no evidence row points to (pure)', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const lease = 30 * 60_000;
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const receiving = { state: 'receiving' as const, stored: true, declared: true, lastActivity: ago(60) };
  const cases: Array<[string, Parameters<typeof orphanAction>[0], ReturnType<typeof orphanAction>]> = [
    ['a stray with no upload', undefined, 'remove'],
    ['a rejected upload', { ...receiving, state: 'rejected' }, 'remove'],
    ['a copy of other evidence (upload verified elsewhere)', { ...receiving, state: 'verified' }, 'remove'],
    ['stored and declared, idle past the lease', receiving, 'adopt'],
    ['stored and declared, within the lease (a retry may come)', { ...receiving, lastActivity: ago(5) }, 'keep'],
    ['stored but never noted (the note failed), idle', { ...receiving, stored: false, declared: false }, 'remove'],
    ['stored but never noted, within the lease', { ...receiving, stored: false, declared: false, lastActivity: ago(1) }, 'keep'],
    ['exactly at the lease', { ...receiving, lastActivity: ago(30) }, 'adopt'],
  ];
  it.each(cases)('%s', (_name, upload, expected) => {
    expect(orphanAction(upload, now, lease)).toBe(expected);
  });
});
