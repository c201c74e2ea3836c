import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offloadVolume } from '../../dock-agent/offload';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const p = usePlatform({ listen: true });
const w = useWorld(p);

const status = async (token: string) => (await p.app.inject({ url: '/api/stations', headers: bearer(token) })).json();

describe('GET /api/stations', () => {
  it('shows a bay busy while a dock holds its session, free once the dock closes it', async () => {
    const h = bearer(p.stationToken);
    const open = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: h, payload: { station: { code: 'PS-9' }, bay: 4, recorder: { serial: 'DSJ9001' } } });
    const sessionId = open.json().sessionId;
    await p.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${sessionId}/files`, headers: h, payload: { pathBase64: Buffer.from('a.mp4').toString('base64'), size: 10 } });
    const busy = (await status(w.tokens.auditor)).stations.find((s: { code: string }) => s.code === 'PS-9');
    expect(busy.bays).toEqual([{ number: 4, offload: expect.objectContaining({ recorderSerial: 'DSJ9001', files: { total: 1, verified: 0, receiving: 1, rejected: 0 }, bytes: { total: 10, done: 0 } }) }]);
    expect((await p.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${sessionId}/close`, headers: bearer(w.tokens.otherStation) })).statusCode).toBe(404);
    expect((await p.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${sessionId}/close`, headers: h })).statusCode).toBe(204);
    expect((await status(w.tokens.auditor)).stations.find((s: { code: string }) => s.code === 'PS-9').bays[0].offload).toBeNull();
  });

  it('closes the session after evidence dock, and flags recorders not docked for 24 hours', async () => {
    const volume = await mkdtemp(join(tmpdir(), 'station-'));
    await mkdir(join(volume, 'DCIM'));
    await writeFile(join(volume, 'DCIM', 'x.mp4'), 'bytes');
    await offloadVolume(volume, { server: p.url, token: p.stationToken, station: { code: 'PS-10' }, bay: 1, recorder: { serial: 'DSJ9002' }, utcOffsetMinutes: 480 });
    await rm(volume, { recursive: true, force: true });
    await p.ownerDb.updateTable('recorders').set({ last_docked_at: new Date(Date.now() - 30 * 3600_000) }).where('serial', '=', 'DSJ9001').execute();
    const view = await status(w.tokens.auditor);
    expect(view.stations.find((s: { code: string }) => s.code === 'PS-10').bays[0].offload).toBeNull();
    const overdue = view.overdueRecorders.map((r: { serial: string }) => r.serial);
    expect(overdue).toContain('DSJ9001');
    expect(overdue).not.toContain('DSJ9002');
    expect(view.overdueRecorders.find((r: { serial: string }) => r.serial === 'DSJ9001').hoursSinceDocked).toBeGreaterThanOrEqual(30);
  });

  it('shows stations of no unit only to platform-wide roles', async () => {
    expect((await status(w.tokens.unitHeadA)).stations).toEqual([]);
    expect((await p.app.inject({ url: '/api/stations', headers: bearer(w.tokens.complainant) })).statusCode).toBe(403);
  });

  it('shows a station bound to a unit to its unit head and the overseers of the unit, to nobody of another unit', async () => {
    // Binding is the admin pages' work; here it is made in the database.
    await p.ownerDb.updateTable('stations').set({ unit_id: w.units.a }).where('code', '=', 'PS-10').execute();
    const codes = async (token: string) => (await status(token)).stations.map((s: { code: string }) => s.code);
    for (const token of [w.tokens.unitHeadA, w.tokens.overseerA, w.tokens.handlerA]) expect(await codes(token)).toEqual(['PS-10']);
    expect(await codes(w.tokens.unitHeadB)).toEqual([]);
    expect(await codes(w.tokens.auditor)).toContain('PS-10');
  });
});
