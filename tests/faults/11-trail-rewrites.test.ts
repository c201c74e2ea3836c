import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainHash } from '../../core/chain';
import { verifyCheckpoints, writeCheckpoints, type CheckpointDeps } from '../../core/checkpoints';
import { readConfig } from '../../core/config';
import { loadOrCreateSigningKey, type SigningKey } from '../../core/signing-key';
import { runEvidence } from '../support/evidence-process';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';
import { builtInTimestamps } from '../support/timestamp-fixtures';

const p = usePlatform({ listen: true });
const w = useWorld(p);
let signingKey: SigningKey;
let deps: CheckpointDeps;
beforeAll(async () => {
  signingKey = await loadOrCreateSigningKey(join(p.dir, 'keys')); // the key the server verifies with
  const { client } = await builtInTimestamps(join(p.dir, 'tsa'));
  deps = { db: p.db, store: p.store, signingKey, timestamps: client, now: () => new Date() };
});

const auditVerify = () => runEvidence(['audit', 'verify', '--server', p.url, '--token', w.tokens.auditor]);
const checkpointSets = async (chain: string) => {
  const keys: string[] = [];
  for await (const k of p.store.list(`checkpoints/${chain}/`)) if (k.endsWith('.json')) keys.push(k);
  return keys;
};
const readAll = async (key: string) => Buffer.concat(await (await p.store.get(key)).toArray());
const readOriginal = (id: string, token: string) => p.app.inject({ url: `/api/evidence/${id}/original`, headers: bearer(token) });

/** What a careful attacker does after editing audit rows: recompute every hash from `from` on, and the head. */
async function rehashAudit(from: number) {
  const rows = await p.ownerDb.selectFrom('audit_events').selectAll().where('seq', '>=', String(from - 1)).orderBy('seq').execute();
  let prev = rows[0]!.hash;
  for (const r of rows.slice(1)) {
    const hash = chainHash(prev, {
      seq: Number(r.seq), at: r.at.toISOString(), actorId: r.actor_id, actorName: r.actor_name, role: r.role, unitId: r.unit_id, action: r.action,
      objectType: r.object_type, objectId: r.object_id, objectUnitId: r.object_unit_id, client: r.client, outcome: r.outcome, details: r.details,
    });
    await sql`update audit_events set prev_hash = ${prev}, hash = ${hash} where seq = ${r.seq}`.execute(p.ownerDb);
    prev = hash;
  }
  await sql`update chain_heads set hash = ${prev} where chain = 'audit'`.execute(p.ownerDb);
}

describe('trail rewrites', () => {
  it('checkpoints the trails every 60 s by default', () => {
    expect(readConfig({}).checkpointIntervalMs).toBe(60_000);
  });

  it('two writers at once leave one intact signed set per chain', async () => {
    const [x, y] = await Promise.all([writeCheckpoints(deps), writeCheckpoints(deps)]);
    expect(x + y).toBe(2);
    expect(await checkpointSets('audit')).toHaveLength(1);
    expect(await checkpointSets('custody')).toHaveLength(1);
    expect(await verifyCheckpoints(p.db, p.store, signingKey)).toMatchObject({ ok: true, checked: 2 });
  });

  it('audit verify names rows not yet covered by a signed checkpoint and cross-checks custody against audit', async () => {
    expect((await readOriginal(w.evidence.a, w.tokens.handlerA)).statusCode).toBe(200);
    const clean = await auditVerify();
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toMatch(/custody: OK.*signed checkpoint covers rows 1-\d+.*rows \d+-\d+ not yet covered/);
    expect(clean.stdout).toMatch(/cross-check: OK/);

    // After the last checkpoint, a superuser hides that the original was read: the audit row is
    // rewritten and every hash after it recomputed, so the audit chain on its own still holds.
    const row = await p.ownerDb.selectFrom('audit_events').select('seq').where('action', '=', 'evidence.view-original').where('object_id', '=', w.evidence.a).executeTakeFirstOrThrow();
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(p.ownerDb);
    await sql`update audit_events set action = 'evidence.read' where seq = ${row.seq}`.execute(p.ownerDb);
    await rehashAudit(Number(row.seq));
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(p.ownerDb);

    const forged = await auditVerify();
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/audit: OK.*not yet covered/);
    const custodySeq = (await p.db.selectFrom('custody_events').select('seq').where('action', '=', 'original.read').where('evidence_id', '=', w.evidence.a).executeTakeFirstOrThrow()).seq;
    expect(forged.stdout).toMatch(new RegExp(`custody row ${custodySeq} \\(original\\.read of ${w.evidence.a}.*\\) has no audit event`));
  });

  it('refuses to sign a chain broken since the last checkpoint: an alarm on GET /api/fixity and an audit event', async () => {
    expect((await readOriginal(w.evidence.a2, p.adminToken)).statusCode).toBe(200);
    const before = await checkpointSets('custody');
    const head = (await p.ownerDb.selectFrom('chain_heads').select('seq').where('chain', '=', 'custody').executeTakeFirstOrThrow()).seq;
    await sql`alter table custody_events disable trigger custody_events_append_only`.execute(p.ownerDb);
    await sql`update custody_events set actor = 'forged' where seq = ${head}`.execute(p.ownerDb);
    await sql`alter table custody_events enable trigger custody_events_append_only`.execute(p.ownerDb);

    await writeCheckpoints(deps);
    expect(await checkpointSets('custody')).toEqual(before);
    const status = (await p.app.inject({ url: '/api/fixity', headers: bearer(w.tokens.auditor) })).json();
    expect(status.alarm).toBe(true);
    expect(status.trails).toContainEqual(expect.objectContaining({ chain: 'custody', ok: false, brokenAt: Number(head), reason: expect.any(String) }));
    const audit = (await p.app.inject({ url: '/api/audit?limit=20', headers: bearer(w.tokens.auditor) })).json().items as { action: string; outcome: string }[];
    expect(audit).toContainEqual(expect.objectContaining({ action: 'checkpoint.refused', outcome: 'failed' }));
  });

  it('refuses to sign over a rewrite at or before the last checkpoint, even with every hash recomputed', async () => {
    await writeCheckpoints(deps);
    const sets = await checkpointSets('audit');
    const last = JSON.parse((await readAll(sets[sets.length - 1]!)).toString('utf8')) as { seq: number };
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(p.ownerDb);
    await sql`update audit_events set actor_name = 'forged' where seq = 2`.execute(p.ownerDb);
    await rehashAudit(2);
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(p.ownerDb);

    await writeCheckpoints(deps);
    expect(await checkpointSets('audit')).toEqual(sets);
    const status = (await p.app.inject({ url: '/api/fixity', headers: bearer(w.tokens.auditor) })).json();
    expect(status.trails).toContainEqual(expect.objectContaining({ chain: 'audit', ok: false, brokenAt: last.seq, reason: expect.stringMatching(/rewritten at or before/) }));
  });
});
