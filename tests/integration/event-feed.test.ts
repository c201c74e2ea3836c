import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFixityPass } from '../../core/fixity';
import { emitEvent } from '../../core/events';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform();
const w = useWorld(p);

type FeedEvent = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
const page = async (token: string, query = '') => {
  const res = await p.app.inject({ url: `/api/events${query}`, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: FeedEvent[]; nextCursor: string };
};
/** Every event the caller may see, read from the start in pages of `limit`. */
async function readAll(token: string, limit = 2): Promise<FeedEvent[]> {
  const items: FeedEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const got = await page(token, `?limit=${limit}${cursor ? `&after=${cursor}` : ''}`);
    items.push(...got.items);
    if (got.items.length < limit) return items;
    cursor = got.nextCursor;
  }
}
const about = (events: FeedEvent[], type: string) => events.filter((e) => e.type === type).map((e) => (e.data.id ?? e.data.caseId) as string);

describe('GET /api/events (the pull feed)', () => {
  it('is for staff and system accounts, not complainants or stations', async () => {
    for (const token of [w.tokens.complainant, w.tokens.station]) {
      expect((await p.app.inject({ url: '/api/events', headers: bearer(token) })).statusCode).toBe(403);
    }
    expect((await p.app.inject({ url: '/api/events' })).statusCode).toBe(401);
    for (const token of [w.tokens.handlerA, w.tokens.unitHeadA, w.tokens.overseerA, w.tokens.auditor, p.adminToken]) {
      expect((await p.app.inject({ url: '/api/events', headers: bearer(token) })).statusCode).toBe(200);
    }
  });

  it('pages through the events in commit order, and the last cursor picks up exactly what commits later', async () => {
    const all = await readAll(p.adminToken);
    expect(about(all, 'evidence.verified')).toEqual([w.evidence.a, w.evidence.a2, w.evidence.b]);
    expect(all[0]).toEqual({
      id: expect.any(String), type: 'evidence.verified', occurredAt: expect.any(String),
      data: { id: w.evidence.a, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), sm3: expect.stringMatching(/^[0-9a-f]{64}$/), size: 2048, recordedAt: null, deviceSerial: expect.any(String), unitId: w.units.a },
    });
    // One big page says the same as small ones.
    expect((await page(p.adminToken, '?limit=1000')).items).toEqual(all);

    const end = await page(p.adminToken, '?limit=1000');
    const empty = await page(p.adminToken, `?after=${end.nextCursor}`);
    expect(empty.items).toEqual([]);
    await p.db.transaction().execute((trx) => emitEvent(trx, { type: 'case.created', caseId: w.cases.a, data: { caseId: w.cases.a, number: 'AJ-A' } }));
    const next = await page(p.adminToken, `?after=${empty.nextCursor}`);
    expect(next.items.map((e) => [e.type, e.data.caseId])).toEqual([['case.created', w.cases.a]]);
    expect((await page(p.adminToken, `?after=${next.nextCursor}`)).items).toEqual([]);
  });

  it('shows each caller only the events of what they may see', async () => {
    const seen = async (token: string) => {
      const events = await readAll(token, 1000);
      return { evidence: about(events, 'evidence.verified').sort(), cases: [...new Set(about(events, 'case.created'))].sort() };
    };
    expect(await seen(w.tokens.unitHeadA)).toEqual({ evidence: [w.evidence.a, w.evidence.a2].sort(), cases: [w.cases.a] });
    expect(await seen(w.tokens.overseerA)).toEqual({ evidence: [w.evidence.a, w.evidence.a2].sort(), cases: [w.cases.a] });
    // A handler: their own footage and the cases they handle.
    expect(await seen(w.tokens.handlerA)).toEqual({ evidence: [w.evidence.a], cases: [w.cases.a] });
    expect((await seen(w.tokens.handlerB)).evidence).toEqual([w.evidence.b]);
    expect((await seen(w.tokens.handlerB)).cases).not.toContain(w.cases.a);
    expect((await seen(w.tokens.auditor)).evidence).toEqual([w.evidence.a, w.evidence.a2, w.evidence.b].sort());
  });

  it('carries export.ready with the package to fetch, to those who see the case', async () => {
    const started = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(w.tokens.unitHeadB), payload: { reason: '移送法院' } });
    expect(started.statusCode, started.body).toBe(202);
    const exportId = started.json().exportId as string;
    await expect.poll(async () => (await p.app.inject({ url: `/api/exports/${exportId}`, headers: bearer(w.tokens.unitHeadB) })).json().status, { timeout: 60_000, interval: 200 }).toBe('ready');
    const ready = (await readAll(w.tokens.unitHeadB, 1000)).filter((e) => e.type === 'export.ready');
    const status = (await p.app.inject({ url: `/api/exports/${exportId}`, headers: bearer(w.tokens.unitHeadB) })).json();
    expect(ready.map((e) => e.data)).toEqual([{ exportId, caseId: w.cases.b, number: expect.stringMatching(/^AJ-B-/), sha256: status.sha256, size: status.size, downloadUrl: `/api/exports/${exportId}/package.zip` }]);
    const zip = await p.app.inject({ url: ready[0]!.data.downloadUrl as string, headers: bearer(w.tokens.unitHeadB) });
    expect(zip.statusCode).toBe(200);
    expect(about(await readAll(w.tokens.unitHeadA, 1000), 'export.ready')).toEqual([]);
  });

  it('carries evidence.fixity_failed when a fixity pass finds an original altered', async () => {
    const key = (await p.db.selectFrom('evidence').select('storage_key').where('id', '=', w.evidence.a2).executeTakeFirstOrThrow()).storage_key;
    const path = join(p.dir, 'objects', key);
    const bytes = await readFile(path);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(path, bytes);
    const start = await runFixityPass({ db: p.db, store: p.store, now: () => new Date(), bytesPerSecond: 0, intervalMs: 0, log: { warn: () => {} } }, { trigger: 'manual', requestedBy: 'test' });
    if (!start.started) throw new Error('no fixity pass could start');
    await start.done;
    const failed = (await readAll(w.tokens.unitHeadA, 1000)).filter((e) => e.type === 'evidence.fixity_failed');
    expect(failed.map((e) => e.data)).toEqual([{ id: w.evidence.a2, object: 'original', state: 'altered', detail: expect.stringMatching(/SHA-256/), checkedAt: expect.any(String) }]);
    expect(about(await readAll(w.tokens.unitHeadB, 1000), 'evidence.fixity_failed')).toEqual([]);
  });

  // After the export: a case with footage its unit head may not see cannot be exported by them.
  it("names no file or case the reader may not see: footage of another unit linked to a visible case reads as out of scope", async () => {
    const linked = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/evidence`, headers: bearer(p.adminToken), payload: { evidenceId: w.evidence.a } });
    expect(linked.statusCode, linked.body).toBeLessThan(300);
    const linkOf = async (token: string) => (await readAll(token, 1000)).filter((e) => e.type === 'case.evidence_linked' && e.data.caseId === w.cases.b).map((e) => e.data.evidenceId);
    expect(await linkOf(p.adminToken)).toContain(w.evidence.a);
    const seenByB = await linkOf(w.tokens.unitHeadB);
    expect(seenByB).toContain('outside-your-scope');
    expect(seenByB).not.toContain(w.evidence.a);
  });

  it('refuses a cursor it did not give out, and bad limits', async () => {
    for (const query of ['?after=bm9wZQ', '?after=c2VxOi0x', '?after=%00', '?limit=0', '?limit=1001', '?limit=abc']) {
      const res = await p.app.inject({ url: `/api/events${query}`, headers: bearer(p.adminToken) });
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });
});
