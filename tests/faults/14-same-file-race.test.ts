import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createToken } from '../../core/tokens';
import { offloadVolume } from '../../dock-agent/offload';
import { bearer, usePlatform } from '../support/platform';

const p = usePlatform({ listen: true });

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sm3 = (bytes: Buffer) => createHash('sm3').update(bytes).digest('hex');

describe('the same recorder file from two docks at once', () => {
  it('ends as one evidence row with the right hashes and one stored original; both docks are told it is verified', async () => {
    // Two stations, each with its own token, get the same recorder files (a recorder moved
    // between bays mid-offload, or a copy of its card in a second reader).
    const volume = join(p.scratch, 'card');
    await mkdir(join(volume, 'DCIM', 'normal'), { recursive: true });
    const files = Array.from({ length: 3 }, (_, n) => ({ name: `010203_DSJ1401_2026112509300${n}_000${n + 1}.mp4`, bytes: randomBytes(1_500_000 + n * 100_000) }));
    for (const f of files) await writeFile(join(volume, 'DCIM', 'normal', f.name), f.bytes);
    const tokenB = (await createToken(p.db, { name: 'station-b', role: 'station' })).token;
    const dock = (token: string, station: string) =>
      offloadVolume(volume, { server: p.url, token, station: { code: station }, bay: 1, recorder: { serial: 'DSJ1401' }, utcOffsetMinutes: 480, attempts: 10 });

    const [a, b] = await Promise.all([dock(p.stationToken, 'ST-A'), dock(tokenB, 'ST-B')]);
    expect(a.failed).toEqual([]);
    expect(b.failed).toEqual([]);
    expect(a.verified).toBe(3);
    expect(b.verified).toBe(3);
    for (const f of files) {
      const fromA = a.results.find((r) => r.path.endsWith(f.name))!;
      const fromB = b.results.find((r) => r.path.endsWith(f.name))!;
      expect(fromA.evidenceId).toBe(fromB.evidenceId);
      expect(fromA.sha256).toBe(sha256(f.bytes));
    }

    const rows = await p.ownerDb.selectFrom('evidence').select(['id', 'sha256', 'sm3', 'storage_key']).where('device_serial', '=', 'DSJ1401').execute();
    expect(rows.map((r) => r.sha256).sort()).toEqual(files.map((f) => sha256(f.bytes)).sort());
    expect(rows.map((r) => r.sm3).sort()).toEqual(files.map((f) => sm3(f.bytes)).sort());
    for (const row of rows) {
      const original = await p.app.inject({ url: `/api/evidence/${row.id}/original`, headers: bearer(p.adminToken) });
      expect(sha256(original.rawPayload)).toBe(row.sha256);
    }
    // No second copy of any file left in the store, no custody event twice.
    const stored: string[] = [];
    for await (const key of p.store.list('originals/')) stored.push(key);
    expect(stored.sort()).toEqual(rows.map((r) => r.storage_key).sort());
    const verified = await p.ownerDb.selectFrom('custody_events').select('evidence_id').where('action', '=', 'ingest.verified').where('evidence_id', 'in', rows.map((r) => r.id)).execute();
    expect(verified).toHaveLength(3);
  });
});
