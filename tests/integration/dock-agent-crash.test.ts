import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plugSimulated } from '../../dock-agent/simulated';
import { listVolume } from '../../dock-agent/volume';
import { bay, evidenceOf, expectExactlyOnce, killRepeatedly, RECORDER, seededRandom, startAgent, writeVolume } from '../support/dock-agent-harness';
import { usePlatform } from '../support/platform';

const p = usePlatform({ listen: true });

const SEED = Number(process.env.DOCK_AGENT_CRASH_SEED ?? Date.now() % 100_000);

describe(`kill -9 during a multi-file offload (seed ${SEED}, replay with DOCK_AGENT_CRASH_SEED)`, () => {
  it('ends with every file of two recorders verified exactly once, after 12 kills at random moments', async () => {
    const control = join(p.scratch, 'control');
    const home = join(p.scratch, 'home');
    const recorders = [
      { serial: 'DSJ5001', bay: 1 },
      { serial: 'DSJ5002', bay: 2 },
    ];
    const written = new Map<string, Awaited<ReturnType<typeof writeVolume>>>();
    for (const r of recorders) {
      const volume = join(p.scratch, r.serial);
      written.set(r.serial, await writeVolume(volume, Array.from({ length: 12 }, (_, i) => ({ path: `DCIM/${i % 4 === 0 ? 'important' : 'normal'}/010203_${r.serial}_202611250930${String(i).padStart(2, '0')}_${i}.mp4`, size: 400_000 }))));
      await plugSimulated(control, r.serial, { vidPid: RECORDER, serial: r.serial, bay: r.bay, volume, readBytesPerSecond: 300_000 });
    }
    const before = await Promise.all(recorders.map((r) => listVolume(join(p.scratch, r.serial))));

    const start = () => startAgent({ server: p.url, token: p.stationToken, home, control });
    const { busy } = await killRepeatedly(start, 12, seededRandom(SEED), 1500);
    expect(busy).toBeGreaterThanOrEqual(10);

    const agent = start();
    try {
      const s = await agent.waitFor('both bays done', (st) => bay(st, 1)?.state === 'done' && bay(st, 2)?.state === 'done', 60_000);
      expect(s.bays.every((b) => b.mayUndock && b.files.verified === 12)).toBe(true);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    for (const r of recorders) expect(expectExactlyOnce(await evidenceOf(p.db, r.serial), written.get(r.serial)!)).toEqual([]);
    expect(await Promise.all(recorders.map((r) => listVolume(join(p.scratch, r.serial))))).toEqual(before); // never written to
  }, 240_000);
});
