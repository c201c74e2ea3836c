import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugSimulated, unplugSimulated } from '../../dock-agent/simulated';
import { listVolume } from '../../dock-agent/volume';
import { bay, evidenceOf, expectExactlyOnce, Outage, RECORDER, startAgent, writeVolume } from '../support/dock-agent-harness';
import { usePlatform } from '../support/platform';
import { smallFilesystem } from '../support/small-filesystem';

const p = usePlatform({ listen: true });
let outage: Outage;
beforeAll(async () => {
  outage = new Outage(Number(new URL(p.url).port));
  await outage.up();
});
afterAll(() => outage.down());

/** What the recorder holds: the agent must never change it while spooling. */
const contents = async (volume: string) => (await listVolume(volume)).files.map((f) => `${f.display} ${f.size} ${f.mtimeMs}`).sort();

describe('store-and-forward', () => {
  it('spools while the platform is down, says "you may undock" only once the spool holds verified copies, and uploads them when it is back', async () => {
    const volume = join(p.scratch, 'rec-outage');
    const files = await writeVolume(volume, Array.from({ length: 6 }, (_, i) => ({ path: `DCIM/normal/010203_DSJ3001_2026112509300${i}_000${i}.mp4`, size: 400_000 })));
    const before = await contents(volume);
    const control = join(p.scratch, 'control-outage');
    const agent = startAgent({ server: outage.url, token: p.stationToken, home: join(p.scratch, 'home-outage'), control });
    try {
      await plugSimulated(control, 'r', { vidPid: RECORDER, serial: 'DSJ3001', bay: 5, volume, readBytesPerSecond: 2_000_000 });
      await agent.waitFor('two files on the platform', (s) => (bay(s, 5)?.files.verified ?? 0) >= 2);
      await outage.down(); // mid-offload: a file is usually under way

      const spooled = await agent.waitFor('bay 5 done through the spool', (s) => bay(s, 5)?.state === 'done');
      expect(spooled.platform.reachable).toBe(false);
      const b = bay(spooled, 5)!;
      expect(b.mayUndock).toBe(true);
      expect(b.files.spooled).toBeGreaterThan(0);
      expect(b.files.verified + b.files.spooled).toBe(6);
      expect(b.message).toMatch(/held as verified copies at the station until the platform is reachable\)\. You may undock/);
      expect(spooled.spool.files).toBe(b.files.spooled);
      expect(await readdir(join(agent.home, 'spool'))).toHaveLength(b.files.spooled);
      // The file in flight when the link dropped may be committed without the dock hearing it: it
      // is then spooled too, and the platform's dedup makes its later upload the same evidence.
      const committed = (await evidenceOf(p.db, 'DSJ3001')).length;
      expect(committed).toBeGreaterThanOrEqual(b.files.verified);
      expect(committed).toBeLessThanOrEqual(b.files.verified + 1);
      expect(await contents(volume)).toEqual(before);

      // The officer leaves with the recorder; the spool alone completes the offload.
      await unplugSimulated(control, 'r');
      await outage.up();
      const sent = await agent.waitFor('spool emptied', (s) => s.platform.reachable && s.spool.files === 0);
      expect(sent.spool.bytes).toBe(0);
      expect(expectExactlyOnce(await evidenceOf(p.db, 'DSJ3001'), files)).toEqual([]);
      expect(await readdir(join(agent.home, 'spool'))).toEqual([]);
      expect(agent.output()).toMatch(/platform unreachable \(.*\): files go to the station spool/);
      expect(agent.output()).toMatch(/spool: verified DCIM\/normal\/010203_DSJ3001_/);
    } finally {
      await agent.stop();
      await outage.up();
    }
  });

  it('stops cleanly when the spool disk is full: keeps everything on the recorder, says do not undock, and finishes once the platform is back', async (ctx) => {
    const spoolDir = join(p.scratch, 'small-spool');
    const mounted = await smallFilesystem(spoolDir);
    if (!mounted.ok) return ctx.skip(mounted.reason);
    try {
      const volume = join(p.scratch, 'rec-full');
      const files = await writeVolume(volume, Array.from({ length: 3 }, (_, i) => ({ path: `DCIM/normal/010203_DSJ3002_2026112509300${i}_000${i}.mp4`, size: 800_000 })));
      const before = await contents(volume);
      await outage.down();
      const control = join(p.scratch, 'control-full');
      const agent = startAgent({ server: outage.url, token: p.stationToken, home: join(p.scratch, 'home-full'), control, args: ['--spool-dir', spoolDir] });
      try {
        await plugSimulated(control, 'r', { vidPid: RECORDER, serial: 'DSJ3002', bay: 6, volume });
        const full = await agent.waitFor('spool full', (s) => bay(s, 6)?.state === 'spool-full');
        const b = bay(full, 6)!;
        expect(b.mayUndock).toBe(false);
        expect(b.message).toMatch(/the spool disk .* is full .*files not yet copied stay on the recorder\. DO NOT UNDOCK/);
        expect(b.files.spooled).toBe(2);
        expect(await contents(volume)).toEqual(before);
        expect((await readdir(spoolDir)).filter((f) => !f.startsWith('lost+found'))).toHaveLength(2); // no partial copy left behind

        await outage.up();
        const done = await agent.waitFor('bay 6 done and spool emptied', (s) => bay(s, 6)?.state === 'done' && s.spool.files === 0);
        expect(bay(done, 6)!.mayUndock).toBe(true);
        expect(expectExactlyOnce(await evidenceOf(p.db, 'DSJ3002'), files)).toEqual([]);
        expect(await contents(volume)).toEqual(before);
      } finally {
        await agent.stop();
      }
    } finally {
      await outage.up();
      await mounted.unmount();
    }
  }, 120_000);
});
