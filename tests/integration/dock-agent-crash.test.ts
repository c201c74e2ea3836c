import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugSimulated } from '../../dock-agent/simulated';
import { listVolume } from '../../dock-agent/volume';
import { bay, evidenceOf, expectExactlyOnce, killRepeatedly, RECORDER, seededRandom, startAgent, writeVolume } from '../support/dock-agent-harness';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let work: string;
beforeAll(async () => {
  p = await startTestPlatform({ listen: true });
  work = await mkdtemp(join(tmpdir(), 'dock-agent-crash-'));
});
afterAll(async () => {
  await p.close();
  await rm(work, { recursive: true, force: true });
});

const SEED = Number(process.env.DOCK_AGENT_CRASH_SEED ?? Date.now() % 100_000);

describe(`kill -9 during a multi-file offload (seed ${SEED}, replay with DOCK_AGENT_CRASH_SEED)`, () => {
  it('ends with every file of two recorders verified exactly once, after 12 kills at random moments', async () => {
    const control = join(work, 'control');
    const home = join(work, 'home');
    const recorders = [
      { serial: 'DSJ5001', bay: 1 },
      { serial: 'DSJ5002', bay: 2 },
    ];
    const written = new Map<string, Awaited<ReturnType<typeof writeVolume>>>();
    for (const r of recorders) {
      const volume = join(work, r.serial);
      written.set(r.serial, await writeVolume(volume, Array.from({ length: 12 }, (_, i) => ({ path: `DCIM/${i % 4 === 0 ? 'important' : 'normal'}/010203_${r.serial}_202611250930${String(i).padStart(2, '0')}_${i}.mp4`, size: 400_000 }))));
      await plugSimulated(control, r.serial, { vidPid: RECORDER, serial: r.serial, bay: r.bay, volume, readBytesPerSecond: 300_000 });
    }
    const before = await Promise.all(recorders.map((r) => listVolume(join(work, r.serial))));

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
    expect(await Promise.all(recorders.map((r) => listVolume(join(work, r.serial))))).toEqual(before); // never written to
  }, 240_000);
});
