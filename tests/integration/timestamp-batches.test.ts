import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { TimeStampReq } from 'pkijs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openBuiltInAuthority, type BuiltInAuthority } from '../../core/timestamp/authority';
import {
  exportTimestamps,
  retryDelayMs,
  runTimestampCycle,
  timestampTask,
  timestampBacklog,
  timestampOf,
  type TimestampDeps,
} from '../../core/timestamp/batcher';
import { startDispatcher } from '../../core/jobs';
import { httpTransport } from '../../core/timestamp/client';
import { timeStampQuery, timestampClient, type TimestampClient } from '../../core/timestamp/rfc3161';
import { fromHex, toHex } from '../../core/timestamp/pki';
import { verifyFileTimestamp, verifyInclusionProof, verifyTokenForRoot } from '../../core/timestamp/verify';
import type { Db } from '../../schema/database';
import { createTestDatabase } from '../support/db';
import { closedPortUrl, openssl, serve, startOpensslAuthority, type OpensslAuthority, type TestServer } from '../support/timestamp-fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let dir: string;
let authority: BuiltInAuthority;
let builtInClient: TimestampClient;
let independent: OpensslAuthority;
const servers: TestServer[] = [];
let session: { recorderId: string; sessionId: string; serial: string };
let now: number;

const silentLog = { info: () => {}, warn: () => {} };
const deps = (client: TimestampClient, maxBatch = 10_000): TimestampDeps => ({ db, client, clock: () => new Date(now), log: silentLog, maxBatch });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db; // the application role, as the platform runs
  dir = await mkdtemp(join(tmpdir(), 'timestamp-batches-'));
  authority = await openBuiltInAuthority({ dir: join(dir, 'tsa'), platformName: 'Batch test' });
  builtInClient = timestampClient({ transport: authority.respond, trustAnchorsPem: authority.caPem });
  independent = await startOpensslAuthority(await mkdtemp(join(dir, 'openssl-')));
  servers.push(independent);
  const station = await db.insertInto('stations').values({ code: 'TS-1', name: 'Timestamp station' }).returning('id').executeTakeFirstOrThrow();
  const bay = await db.insertInto('bays').values({ station_id: station.id, number: 1 }).returning('id').executeTakeFirstOrThrow();
  const recorder = await db.insertInto('recorders').values({ serial: 'TS00001' }).returning('id').executeTakeFirstOrThrow();
  const s = await db.insertInto('offload_sessions').values({ station_id: station.id, bay_id: bay.id, recorder_id: recorder.id }).returning('id').executeTakeFirstOrThrow();
  session = { recorderId: recorder.id, sessionId: s.id, serial: 'TS00001' };
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  now = Date.now();
});

interface File {
  id: string;
  sha256: string;
}

/** Verified originals as ingest commits them (the migration's trigger queues each one). */
async function insertEvidence(n: number): Promise<File[]> {
  const base = Date.now();
  const files = Array.from({ length: n }, (_, i) => ({ name: `${randomUUID()}.mp4`, sha256: createHash('sha256').update(randomBytes(16)).digest('hex'), receivedAt: new Date(base + i) }));
  const uploads = await db
    .insertInto('uploads')
    .values(files.map((f) => ({ session_id: session.sessionId, recorder_id: session.recorderId, original_path: f.name, original_path_bytes: Buffer.from(f.name), size: 1, metadata: '{}', state: 'verified' as const })))
    .returning('id')
    .execute();
  const rows = await db
    .insertInto('evidence')
    .values(
      files.map((f, i) => ({
        recorder_id: session.recorderId,
        session_id: session.sessionId,
        upload_id: uploads[i]!.id,
        size: 1,
        sha256: f.sha256,
        sm3: f.sha256,
        original_path: f.name,
        original_path_bytes: Buffer.from(f.name),
        original_name: f.name,
        device_serial: session.serial,
        important: false,
        storage_key: `originals/${randomUUID()}`,
        received_at: f.receivedAt,
      })),
    )
    .returning(['id', 'sha256', 'received_at'])
    .execute();
  return rows.sort((a, b) => a.received_at.getTime() - b.received_at.getTime()).map((r) => ({ id: r.id, sha256: r.sha256 }));
}

async function batchOf(evidenceId: string) {
  const leaf = await db.selectFrom('timestamp_leaves').selectAll().where('evidence_id', '=', evidenceId).executeTakeFirstOrThrow();
  return db.selectFrom('timestamp_batches').selectAll().where('id', '=', leaf.batch_id!).executeTakeFirstOrThrow();
}

async function opensslVerify(rootHex: string, der: Uint8Array, chainPem: string): Promise<{ code: number; out: string }> {
  const work = await mkdtemp(join(dir, 'verify-'));
  await writeFile(join(work, 'token.tsr'), der);
  await writeFile(join(work, 'tsa-chain.pem'), chainPem);
  return openssl(['ts', '-verify', '-digest', rootHex, '-in', 'token.tsr', '-CAfile', 'tsa-chain.pem'], work);
}

describe('batches', () => {
  it.each([1, 2, 3, 7, 1000])('of %i files: one token for the root, an inclusion proof per file, all verifying', async (n) => {
    const files = await insertEvidence(n);
    expect(await runTimestampCycle(deps(builtInClient))).toEqual({ batches: 1, batched: n, stamped: 1, failed: 0 });

    const exported = await exportTimestamps(db, files.map((f) => f.id));
    expect(exported.tokens).toHaveLength(1);
    const [token] = exported.tokens;
    const first = exported.manifest.get(files[0]!.id)!;
    expect(token!.path).toBe(first.token);
    expect(first).toMatchObject({ treeSize: n, root: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // The court's check of the token, and ours.
    expect(await opensslVerify(first.root, token!.der, exported.chainPem)).toMatchObject({ code: 0, out: expect.stringMatching(/Verification: OK/) });
    expect(await verifyTokenForRoot(token!.der, first.root, exported.chainPem)).toMatchObject({ ok: true, authority: authority.name });

    // Leaves in the order the files were received; every proof leads to the stamped root.
    for (const [i, file] of files.entries()) {
      const ts = exported.manifest.get(file.id)!;
      expect(ts).toMatchObject({ token: first.token, root: first.root, leafIndex: i, treeSize: n });
      expect(await verifyInclusionProof(file.sha256, ts)).toEqual({ ok: true });
    }
    const last = files[n - 1]!;
    expect(await verifyFileTimestamp({ sha256: last.sha256, timestamp: exported.manifest.get(last.id)!, tsr: token!.der, chainPem: exported.chainPem })).toMatchObject({ ok: true });
  });

  it('splits a backlog into batches of at most maxBatch files, oldest first', async () => {
    const files = await insertEvidence(5);
    expect(await runTimestampCycle(deps(builtInClient, 2))).toEqual({ batches: 3, batched: 5, stamped: 3, failed: 0 });
    const sizes = await Promise.all(files.map(async (f) => (await batchOf(f.id)).tree_size));
    expect(sizes).toEqual([2, 2, 2, 2, 1]);
    expect((await timestampOf(db, files[4]!.id))).toMatchObject({ state: 'stamped', leafIndex: 0, treeSize: 1 });
  });

  it('reports a stamped file for the API', async () => {
    const [file] = await insertEvidence(1);
    expect(await timestampOf(db, file!.id)).toMatchObject({ state: 'pending', attempts: 0, lastError: null, pendingSince: expect.any(Date) });
    await runTimestampCycle(deps(builtInClient));
    const batch = await batchOf(file!.id);
    expect(await timestampOf(db, file!.id)).toEqual({
      state: 'stamped',
      genTime: batch.gen_time,
      authority: authority.name,
      policy: batch.policy,
      tokenRef: batch.id,
      root: batch.root,
      leafIndex: 0,
      treeSize: 1,
      auditPath: [],
    });
    expect(await timestampOf(db, randomUUID())).toBeUndefined();
  });

  it('works the same with an independent authority', async () => {
    const client = timestampClient({ transport: httpTransport(independent.url, 10_000), trustAnchorsPem: independent.caPem });
    const files = await insertEvidence(3);
    expect(await runTimestampCycle(deps(client))).toMatchObject({ batched: 3, stamped: 1 });
    const exported = await exportTimestamps(db, files.map((f) => f.id));
    const ts = exported.manifest.get(files[2]!.id)!;
    expect((await opensslVerify(ts.root, exported.tokens[0]!.der, exported.chainPem)).code).toBe(0);
    expect(await verifyFileTimestamp({ sha256: files[2]!.sha256, timestamp: ts, tsr: exported.tokens[0]!.der, chainPem: exported.chainPem })).toMatchObject({
      ok: true,
      authority: 'C=CN, O=Independent Test CA, CN=Independent Test TSA',
    });
  });
});

describe('verification fails for', () => {
  let a: File[];
  let b: File[];
  let exported: Awaited<ReturnType<typeof exportTimestamps>>;
  beforeAll(async () => {
    a = await insertEvidence(7);
    await runTimestampCycle(deps(builtInClient));
    b = await insertEvidence(3);
    await runTimestampCycle(deps(builtInClient));
    exported = await exportTimestamps(db, [...a, ...b].map((f) => f.id));
  });
  const tsr = (path: string) => exported.tokens.find((t) => t.path === path)!.der;

  it('a changed file', async () => {
    const ts = exported.manifest.get(a[3]!.id)!;
    const changed = toHex(fromHex(a[3]!.sha256).map((x, i) => (i === 31 ? x ^ 1 : x)));
    expect(await verifyFileTimestamp({ sha256: changed, timestamp: ts, tsr: tsr(ts.token), chainPem: exported.chainPem })).toMatchObject({ ok: false, reason: expect.stringMatching(/inclusion proof/) });
    expect(await verifyFileTimestamp({ sha256: a[4]!.sha256, timestamp: ts, tsr: tsr(ts.token), chainPem: exported.chainPem })).toMatchObject({ ok: false });
  });

  it('a changed proof, index, size or root', async () => {
    const ts = exported.manifest.get(a[3]!.id)!;
    const other = exported.manifest.get(a[5]!.id)!;
    const flipped = ts.auditPath.map((h, i) => (i === 1 ? `${h.slice(0, 63)}${h.endsWith('0') ? '1' : '0'}` : h));
    for (const timestamp of [
      { ...ts, auditPath: flipped },
      { ...ts, auditPath: other.auditPath },
      { ...ts, auditPath: ts.auditPath.slice(1) },
      { ...ts, leafIndex: 2 },
      { ...ts, treeSize: 4 },
      { ...ts, treeSize: 16 },
      { ...ts, root: exported.manifest.get(b[0]!.id)!.root },
      { ...ts, auditPath: ['not hex'] },
    ]) {
      expect(await verifyFileTimestamp({ sha256: a[3]!.sha256, timestamp, tsr: tsr(ts.token), chainPem: exported.chainPem }), JSON.stringify(timestamp)).toMatchObject({ ok: false });
    }
  });

  it('a token from another batch', async () => {
    const ts = exported.manifest.get(a[0]!.id)!;
    const otherToken = tsr(exported.manifest.get(b[0]!.id)!.token);
    expect(await verifyFileTimestamp({ sha256: a[0]!.sha256, timestamp: ts, tsr: otherToken, chainPem: exported.chainPem })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/imprint .* is not the digest/),
    });
    expect((await opensslVerify(ts.root, otherToken, exported.chainPem)).code).not.toBe(0);
  });

  it('a chain file of another authority, or a damaged token', async () => {
    const ts = exported.manifest.get(a[0]!.id)!;
    expect(await verifyFileTimestamp({ sha256: a[0]!.sha256, timestamp: ts, tsr: tsr(ts.token), chainPem: independent.caPem })).toMatchObject({ ok: false, reason: expect.stringMatching(/chain/) });
    expect(await verifyFileTimestamp({ sha256: a[0]!.sha256, timestamp: ts, tsr: tsr(ts.token).slice(0, 100), chainPem: exported.chainPem })).toMatchObject({ ok: false });
  });
});

describe('an authority that misbehaves', () => {
  async function expectPendingThenStamped(client: TimestampClient, error: RegExp): Promise<void> {
    const [file] = await insertEvidence(1);
    expect(await runTimestampCycle(deps(client))).toEqual({ batches: 1, batched: 1, stamped: 0, failed: 1 });
    let batch = await batchOf(file!.id);
    expect(batch).toMatchObject({ state: 'pending', attempts: 1, last_error: expect.stringMatching(error), token: null });
    expect(batch.next_attempt_at.getTime()).toBe(now + retryDelayMs(1));
    expect(await timestampOf(db, file!.id)).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringMatching(error), tokenRef: batch.id });
    expect(await timestampBacklog(db)).toMatchObject({ queued: 0, pendingBatches: 1, lastError: expect.stringMatching(error), oldestPendingSince: expect.any(Date) });

    // Not due yet: nothing is sent. Once due, a second failure doubles the wait.
    expect(await runTimestampCycle(deps(client))).toMatchObject({ stamped: 0, failed: 0 });
    now += retryDelayMs(1);
    expect(await runTimestampCycle(deps(client))).toMatchObject({ failed: 1 });
    batch = await batchOf(file!.id);
    expect(batch).toMatchObject({ state: 'pending', attempts: 2 });
    expect(batch.next_attempt_at.getTime()).toBe(now + retryDelayMs(2));

    // The authority is back: the same batch, nothing lost.
    now += retryDelayMs(2);
    expect(await runTimestampCycle(deps(builtInClient))).toMatchObject({ batches: 0, stamped: 1, failed: 0 });
    batch = await batchOf(file!.id);
    expect(batch).toMatchObject({ state: 'stamped', attempts: 3, last_error: null });
    expect((await opensslVerify(batch.root, batch.token!, authority.chainPem)).code).toBe(0);
    expect(await timestampBacklog(db)).toMatchObject({ queued: 0, pendingBatches: 0, oldestPendingSince: null });
  }

  const viaHttp = (url: string, timeoutMs = 2_000) => timestampClient({ transport: httpTransport(url, timeoutMs), trustAnchorsPem: authority.caPem });

  it('answering garbage', async () => {
    const garbage = await serve(async () => ({ status: 200, body: randomBytes(200) }));
    servers.push(garbage);
    await expectPendingThenStamped(viaHttp(garbage.url), /not a (DER|valid) TimeStampResp/);
  });

  it('answering with the wrong nonce (an earlier response for the same root, replayed)', async () => {
    const replay = await serve(async (query) => {
      const imprint = TimeStampReq.fromBER(new Uint8Array(query)).messageImprint.hashedMessage.valueBlock.valueHexView;
      return { status: 200, body: await authority.respond(timeStampQuery(imprint.slice()).der) };
    });
    servers.push(replay);
    await expectPendingThenStamped(viaHttp(replay.url), /nonce .* is not the nonce sent/);
  });

  it('never answering', async () => {
    const silent = await serve(async () => undefined);
    servers.push(silent);
    await expectPendingThenStamped(viaHttp(silent.url, 200), /no answer from .* within 0.2 s/);
  });

  it('not listening at all', async () => {
    await expectPendingThenStamped(viaHttp(await closedPortUrl()), /ECONNREFUSED/);
  });
});

describe('running', () => {
  it('several processes at once stamp every file exactly once', async () => {
    const files = await insertEvidence(50);
    const results = await Promise.all([1, 2, 3].map(() => runTimestampCycle(deps(builtInClient))));
    expect(results.reduce((n, r) => n + r.batched, 0)).toBe(50);
    expect(results.reduce((n, r) => n + r.stamped, 0)).toBe(1);
    const batches = new Set(await Promise.all(files.map(async (f) => (await batchOf(f.id)).id)));
    expect(batches.size).toBe(1);
  });

  it('in the background: starts a batch early once maxBatch files wait, and stops cleanly', async () => {
    const stop = startDispatcher({ db, log: silentLog }, ['timestamps'], { timestamps: timestampTask(deps(builtInClient, 4), { intervalMs: 60 * 60_000, pollMs: 50 }) });
    try {
      await new Promise((r) => setTimeout(r, 200)); // the first cycle runs at start
      const files = await insertEvidence(4);
      await expect.poll(async () => (await timestampOf(db, files[3]!.id))?.state, { timeout: 5_000, interval: 50 }).toBe('stamped');
      const [single] = await insertEvidence(1);
      await new Promise((r) => setTimeout(r, 300));
      const waiting = await timestampOf(db, single!.id);
      expect(waiting).toMatchObject({ state: 'pending' });
      expect(waiting).not.toHaveProperty('tokenRef'); // not batched: it waits for the interval
    } finally {
      await stop();
    }
  });

  it('keeps one pending queue row per original, made by the insert itself', async () => {
    const [file] = await insertEvidence(1);
    const queued = await sql<{ n: number }>`select count(*)::int as n from timestamp_leaves where evidence_id = ${file!.id} and batch_id is null`.execute(db);
    expect(queued.rows[0]!.n).toBe(1);
  });
});
