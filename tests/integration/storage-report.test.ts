import { describe, expect, it } from 'vitest';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform();
const w = useWorld(p);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

describe('GET /api/storage', () => {
  it('counts bytes of originals and derivatives by category, unit and month, with growth and a projection', async () => {
    const set = (id: string, values: { important: boolean; category?: string; size: number; recorded_at: Date; received_at: Date }) =>
      p.ownerDb.updateTable('evidence').set(values).where('id', '=', id).execute();
    // unit A: an important recording (31 Oct 20:00 UTC is 1 November in Beijing) and an old ordinary one
    await set(w.evidence.a, { important: true, category: 'important', size: 1000, recorded_at: new Date('2026-10-31T20:00:00Z'), received_at: daysAgo(5) });
    await set(w.evidence.a2, { important: false, size: 2000, recorded_at: new Date('2024-01-15T03:00:00Z'), received_at: daysAgo(400) });
    // unit B: an ordinary recording received ten days ago, linked to a case (so kept while it is open)
    await set(w.evidence.b, { important: false, size: 4000, recorded_at: new Date('2026-09-10T12:00:00Z'), received_at: daysAgo(10) });
    const derivative = (evidenceId: string, size: number, createdAt: Date) => ({
      evidence_id: evidenceId, kind: 'video', name: 'play.mp4', storage_key: `derived/${evidenceId}/play.mp4`, size, sha256: 'a'.repeat(64), mime_type: 'video/mp4', source_sha256: 'b'.repeat(64), created_at: createdAt,
    });
    await p.ownerDb.insertInto('derivatives').values([derivative(w.evidence.a, 300, daysAgo(60)), derivative(w.evidence.b, 500, daysAgo(9))]).execute();

    const res = await p.app.inject({ url: '/api/storage', headers: bearer(w.tokens.adminA) });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    const u = (count: number, bytes: number) => ({ count, bytes });
    expect(report.totals).toEqual({ originals: u(3, 7000), derivatives: u(2, 800) });
    expect(report.byCategory).toEqual([
      { code: 'general', category: '一般', days: 180, originals: u(2, 6000), derivatives: u(1, 500) },
      { code: 'case-evidence', category: '案件证据', days: null, originals: u(0, 0), derivatives: u(0, 0) },
      { code: 'enforcement-anomaly', category: '执法异常', days: null, originals: u(0, 0), derivatives: u(0, 0) },
      { code: 'important', category: '重要', days: null, originals: u(1, 1000), derivatives: u(1, 300) },
    ]);
    expect(report.byUnit).toEqual([
      { unitId: w.units.b, unitName: '东关派出所', originals: u(1, 4000), derivatives: u(1, 500) },
      { unitId: w.units.a, unitName: '城关派出所', originals: u(2, 3000), derivatives: u(1, 300) },
    ]);
    expect(report.byMonth).toEqual([
      { month: '2024-01', originals: u(1, 2000), derivatives: u(0, 0) },
      { month: '2026-09', originals: u(1, 4000), derivatives: u(1, 500) },
      { month: '2026-11', originals: u(1, 1000), derivatives: u(1, 300) },
    ]);
    expect(report.growth).toEqual({ days: 30, originals: u(2, 5000), derivatives: u(1, 500) });
    // originals: 重要 1000 + 1000/30*365; 一般 6000 - 2000 expiring (the linked one stays) + 4000/30*180.
    // derivatives: 重要 300; 一般 500 (its recording is linked) + 500/30*180.
    expect(report.projection).toEqual({ days: 365, originalsBytes: 41_167, derivativesBytes: 3_800, bytes: 44_967 });

    // a disposed recording is a tombstone: no bytes
    await p.ownerDb.updateTable('evidence').set({ state: 'disposed' }).where('id', '=', w.evidence.a2).execute();
    const after = (await p.app.inject({ url: '/api/storage', headers: bearer(w.tokens.adminA) })).json();
    expect(after.totals.originals).toEqual(u(2, 5000));
  });

  it('is for administrators, overseers and auditors only', async () => {
    const status = async (token: string) => (await p.app.inject({ url: '/api/storage', headers: bearer(token) })).statusCode;
    expect(await status(w.tokens.overseerA)).toBe(200);
    expect(await status(w.tokens.auditor)).toBe(200);
    expect(await status(w.tokens.handlerA)).toBe(403);
    expect(await status(w.tokens.unitHeadA)).toBe(403);
    expect(await status(w.tokens.station)).toBe(403);
  });
});
