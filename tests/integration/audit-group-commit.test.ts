import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { auditGroupCommit, verifyChain, type AuditEvent } from '../../core/chain';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform();
const w = useWorld(p);

/** How many transactions wrote the audit rows after `seq` (each commit is one WAL flush). */
const commitsAfter = async (seq: number) =>
  Number((await sql<{ n: string }>`select count(distinct xmin::text) as n from audit_events where seq > ${seq}`.execute(p.ownerDb)).rows[0]!.n);
const headSeq = async () => Number((await p.db.selectFrom('chain_heads').select('seq').where('chain', '=', 'audit').executeTakeFirstOrThrow()).seq);

const event = (marker: string, more: Partial<AuditEvent> = {}): AuditEvent => ({
  actorId: null, actorName: 'group-commit test', role: null, unitId: null, action: 'evidence.search', objectType: 'evidence',
  objectId: null, objectUnitId: null, client: '127.0.0.1', outcome: 'allowed', details: { marker }, ...more,
});

describe('audit group commit', () => {
  it('commits the events of concurrent searches together, each answered once its event is in one verifiable chain', async () => {
    const before = await headSeq();
    const markers = Array.from({ length: 40 }, (_, i) => `GC${i}`);
    const answers = await Promise.all(markers.map((m, i) =>
      p.app.inject({ url: `/api/evidence?officerNo=${m}`, headers: bearer([w.tokens.auditor, w.tokens.handlerA, w.tokens.unitHeadA][i % 3]!) })));
    expect(answers.map((a) => a.statusCode)).toEqual(markers.map(() => 200));
    const rows = await p.db.selectFrom('audit_events').select(['seq', 'details']).where('seq', '>', String(before)).where('action', '=', 'evidence.search').execute();
    expect(rows.map((r) => (r.details as { filters: { officerNo: string } }).filters.officerNo).sort()).toEqual([...markers].sort());
    expect(await commitsAfter(before)).toBeLessThan(markers.length); // before group commit: one commit per request
    expect(await verifyChain(p.db, 'audit')).toMatchObject({ ok: true, rows: await headSeq() });
  });

  it('writes events given while a batch is being written as the next batch, in the order given', async () => {
    const append = auditGroupCommit(p.db);
    const before = await headSeq();
    const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => append(event(`order${i}`))));
    expect(seqs).toEqual(seqs.map((_, i) => before + 1 + i));
    expect(await commitsAfter(before)).toBe(2); // the first alone, the 49 that came while it was written together
    const rows = await p.db.selectFrom('audit_events').select(['seq', 'details']).where('seq', '>', String(before)).orderBy('seq').execute();
    expect(rows.map((r) => (r.details as { marker: string }).marker)).toEqual(seqs.map((_, i) => `order${i}`));
    expect(await verifyChain(p.db, 'audit')).toMatchObject({ ok: true, rows: await headSeq() });
  });

  it('fails only the event the database refuses; the others of its batch are written', async () => {
    const append = auditGroupCommit(p.db);
    const before = await headSeq();
    const results = await Promise.allSettled([
      append(event('first')), append(event('good 1')), append(event('bad', { unitId: 'not-a-uuid' })), append(event('good 2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const rows = await p.db.selectFrom('audit_events').select('details').where('seq', '>', String(before)).orderBy('seq').execute();
    expect(rows.map((r) => (r.details as { marker: string }).marker)).toEqual(['first', 'good 1', 'good 2']);
    expect(await verifyChain(p.db, 'audit')).toMatchObject({ ok: true, rows: await headSeq() });
  });
});
