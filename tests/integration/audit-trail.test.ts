import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../core/chain';
import { verifyTrail, writeCheckpoints } from '../../core/checkpoints';
import { loadOrCreateSigningKey } from '../../core/signing-key';
import { runEvidence } from '../support/evidence-process';
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

describe('evidence audit verify', () => {
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
      expect(await verifyTrail(fresh.db, fresh.store, signingKey.publicKeyPem, 'custody')).toMatchObject({ ok: true, checkpoints: 2 });

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

      const verdict = await verifyTrail(fresh.db, fresh.store, signingKey.publicKeyPem, 'custody');
      expect(verdict).toMatchObject({ ok: false, brokenAt: rows.length, reason: expect.stringMatching(/rewritten/) });
      expect(world.evidence.b).toBeTruthy();
    } finally {
      await fresh.close();
    }
  });
});
