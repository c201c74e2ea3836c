import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH, verifyChain } from '../../core/chain';
import { verifyTrail, writeCheckpoints } from '../../core/checkpoints';
import { loadOrCreateSigningKey } from '../../core/signing-key';
import { runEvidence } from '../support/evidence-process';
import { opensslEd25519, opensslSm2 } from '../support/openssl';
import { bearer, startTestPlatform, usePlatform } from '../support/platform';
import { seedWorld, useWorld } from '../support/seed';
import { builtInTimestamps } from '../support/timestamp-fixtures';

const p = usePlatform({ listen: true });
const w = useWorld(p);

const auditVerify = () => runEvidence(['audit', 'verify', '--server', p.url, '--token', w.tokens.auditor]);

describe('viewing is audited once per viewing session', () => {
  it('many Range requests of one playback are one audit event and one custody event', async () => {
    const url = `/api/evidence/${w.evidence.a}/original`;
    for (const range of ['bytes=0-99', 'bytes=100-199', 'bytes=200-']) {
      expect((await p.app.inject({ url, headers: { ...bearer(w.tokens.handlerA), range } })).statusCode).toBe(206);
    }
    const events = (await p.app.inject({ url: `/api/audit?objectId=${w.evidence.a}`, headers: bearer(w.tokens.auditor) })).json().items;
    expect(events.filter((e: { action: string }) => e.action === 'evidence.view-original')).toHaveLength(1);
    const custody = (await p.app.inject({ url: `/api/evidence/${w.evidence.a}/custody`, headers: bearer(w.tokens.auditor) })).json().items;
    expect(custody.filter((e: { action: string }) => e.action === 'original.read')).toHaveLength(1);
  });
});

describe('audit appends under concurrency', () => {
  it('many searches at once each append one event, in one unbroken chain that audit verify accepts', async () => {
    const before = await p.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('action', '=', 'evidence.search').executeTakeFirstOrThrow();
    // Filters land in the hashed details: quotes, a nested "seq" and non-ASCII must hash alike in SQL and in verify.
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) =>
      p.app.inject({ url: `/api/evidence?officerNo=${encodeURIComponent(`"seq":${i},张😀\\`)}`, headers: bearer([w.tokens.auditor, w.tokens.handlerA, w.tokens.unitHeadA][i % 3]!) })));
    expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 200));
    const after = await p.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('action', '=', 'evidence.search').executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(24);
    const verdict = await verifyChain(p.db, 'audit');
    expect(verdict).toMatchObject({ ok: true });
    const head = await p.db.selectFrom('chain_heads').select(['seq', 'hash']).where('chain', '=', 'audit').executeTakeFirstOrThrow();
    expect(verdict).toEqual({ ok: true, rows: Number(head.seq), head: head.hash });
    const run = await auditVerify();
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });
});

const readObject = async (key: string) => {
  const chunks: Buffer[] = [];
  for await (const c of await p.store.get(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

describe('evidence audit verify', () => {
  it('checkpoints carry Ed25519 and SM2 signatures that openssl verifies and refuses after a flipped byte; audit verify says which hold', async () => {
    const { client } = await builtInTimestamps(join(p.scratch, 'tsa-sm2'));
    const signingKey = await loadOrCreateSigningKey(join(p.dir, 'keys')); // the server's key
    expect(await writeCheckpoints({ db: p.db, store: p.store, signingKey, timestamps: client, now: () => new Date() })).toBe(2);
    const dir = await mkdtemp(join(p.scratch, 'checkpoint-'));
    await writeFile(join(dir, 'public-key.pem'), signingKey.publicKeyPem);
    await writeFile(join(dir, 'sm2-public-key.pem'), signingKey.sm2.publicKeyPem);
    const keys: string[] = [];
    for await (const k of p.store.list('checkpoints/custody/')) keys.push(k);
    const json = keys.find((k) => k.endsWith('.json'))!;
    for (const [suffix, file] of [['.json', 'cp.json'], ['.sig', 'cp.sig'], ['.sm2.sig', 'cp.sm2.sig']]) await writeFile(join(dir, file!), await readObject(json.replace(/\.json$/, suffix!)));
    const ed = { key: 'public-key.pem', data: 'cp.json', sig: 'cp.sig' };
    const sm2 = { key: 'sm2-public-key.pem', data: 'cp.json', sig: 'cp.sm2.sig' };
    for (const r of [await opensslEd25519(dir, ed), await opensslSm2(dir, sm2)]) expect(r.stdout, r.stderr).toContain('Signature Verified Successfully');
    const body = await readFile(join(dir, 'cp.json'));
    body[5] = body[5]! ^ 1;
    await writeFile(join(dir, 'cp.json'), body);
    for (const r of [await opensslEd25519(dir, ed), await opensslSm2(dir, sm2)]) expect(r.stdout).not.toContain('Signature Verified Successfully');
    expect(await auditVerify()).toMatchObject({ code: 0, stdout: expect.stringMatching(/custody: OK.*checkpoint signatures Ed25519 OK, SM2 OK \(2\)/) });

    // A checkpoint from before SM2 co-signatures (no sm2KeyFingerprint, no .sm2.sig) still holds, and is counted as such.
    const row = await p.db.selectFrom('custody_events').select(['seq', 'hash']).orderBy('seq').limit(1).executeTakeFirstOrThrow();
    const old = Buffer.from(canonicalize({ chain: 'custody', seq: Number(row.seq), hash: row.hash, at: new Date().toISOString(), keyFingerprint: signingKey.fingerprint })!);
    const base = `checkpoints/custody/${String(row.seq).padStart(12, '0')}-${randomUUID()}`;
    await p.store.put(`${base}.sig`, Readable.from([signingKey.sign(old)]), 64);
    await p.store.put(`${base}.json`, Readable.from([old]), old.length);
    expect((await auditVerify()).stdout).toMatch(/custody: OK.*checkpoint signatures Ed25519 OK \(3\), SM2 OK \(2\), SM2 absent on 1 made before SM2 co-signatures/);

    // One that names the SM2 key but lost its SM2 signature is refused.
    const sm2Key = json.replace(/\.json$/, '.sm2.sig');
    const sm2Sig = await readObject(sm2Key);
    await p.store.delete(sm2Key);
    const stripped = await auditVerify();
    await p.store.put(sm2Key, Readable.from([sm2Sig]), sm2Sig.length);
    expect(stripped.code).toBe(1);
    expect(stripped.stdout).toContain(`checkpoint ${json} has no valid SM2 signature by the platform's SM2 key`);
  });

  it('names the audit row a database superuser edited', async () => {
    expect(await auditVerify()).toMatchObject({ code: 0, stdout: expect.stringMatching(/audit: OK/) });
    const target = (await p.ownerDb.selectFrom('audit_events').select('seq').orderBy('seq').offset(3).limit(1).executeTakeFirstOrThrow()).seq;
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(p.ownerDb);
    await sql`update audit_events set outcome = 'allowed', actor_name = 'someone else' where seq = ${target}`.execute(p.ownerDb);
    const result = await auditVerify();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`audit: BROKEN at row ${target}`);
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(p.ownerDb);
  });

  it('catches a superuser who rewrites a row and recomputes every hash after it, by the signed checkpoints', async () => {
    const fresh = await startTestPlatform();
    try {
      const world = await seedWorld(fresh);
      const { client } = await builtInTimestamps(join(p.scratch, 'tsa'));
      const signingKey = await loadOrCreateSigningKey(join(p.scratch, 'keys'));
      expect(await writeCheckpoints({ db: fresh.db, store: fresh.store, signingKey, timestamps: client, now: () => new Date() })).toBe(2);
      expect(await verifyTrail(fresh.db, fresh.store, signingKey, 'custody')).toMatchObject({ ok: true, checkpoints: 2 });

      // Rewrite custody row 2 and recompute the whole chain and its head, as a careful attacker would.
      await sql`alter table custody_events disable trigger custody_events_append_only`.execute(fresh.ownerDb);
      await sql`update custody_events set actor = 'forged' where seq = 2`.execute(fresh.ownerDb);
      const rows = await fresh.ownerDb.selectFrom('custody_events').selectAll().orderBy('seq').execute();
      let prev = GENESIS_HASH;
      for (const r of rows) {
        const hash = chainHash(prev, { seq: Number(r.seq), evidenceId: r.evidence_id, action: r.action, actor: r.actor, at: r.at.toISOString(), details: r.details });
        await sql`update custody_events set prev_hash = ${prev}, hash = ${hash} where seq = ${r.seq}`.execute(fresh.ownerDb);
        prev = hash;
      }
      await sql`update chain_heads set hash = ${prev} where chain = 'custody'`.execute(fresh.ownerDb);

      const verdict = await verifyTrail(fresh.db, fresh.store, signingKey, 'custody');
      expect(verdict).toMatchObject({ ok: false, brokenAt: rows.length, reason: expect.stringMatching(/rewritten/) });
      expect(world.evidence.b).toBeTruthy();
    } finally {
      await fresh.close();
    }
  });
});
