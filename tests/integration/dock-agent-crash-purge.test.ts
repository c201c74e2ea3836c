import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plugSimulated } from '../../dock-agent/simulated';
import { bay, evidenceOf, expectExactlyOnce, killRepeatedly, RECORDER, seededRandom, startAgent, writeVolume } from '../support/dock-agent-harness';
import { usePlatform } from '../support/platform';

const p = usePlatform({ listen: true });

const SEED = Number(process.env.DOCK_AGENT_CRASH_SEED ?? Date.now() % 100_000);

describe(`kill -9 while purging after verification (seed ${SEED}, replay with DOCK_AGENT_CRASH_SEED)`, () => {
  it('ends with every file verified once, deleted from the recorder, and its deletion recorded exactly once, after 10 kills', async () => {
    const control = join(p.scratch, 'control');
    const home = join(p.scratch, 'home');
    const volume = join(p.scratch, 'recorder');
    const files = await writeVolume(volume, Array.from({ length: 14 }, (_, i) => ({ path: `DCIM/normal/010203_DSJ5101_202611250930${String(i).padStart(2, '0')}_${i}.mp4`, size: 250_000 })));
    await plugSimulated(control, 'r', { vidPid: RECORDER, serial: 'DSJ5101', bay: 3, volume, readBytesPerSecond: 300_000 });

    const start = () => startAgent({ server: p.url, token: p.stationToken, home, control, args: ['--purge', 'after-verify'] });
    const { busy } = await killRepeatedly(start, 10, seededRandom(SEED + 1), 1500);
    expect(busy).toBeGreaterThanOrEqual(8);

    const agent = start();
    try {
      const s = await agent.waitFor('bay 3 done, every purge recorded', (st) => bay(st, 3)?.state === 'done' && st.purgesToRecord === 0, 60_000);
      expect(bay(s, 3)!.mayUndock).toBe(true);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    const rows = await evidenceOf(p.db, 'DSJ5101');
    expect(expectExactlyOnce(rows, files)).toEqual([]);
    expect(await readdir(join(volume, 'DCIM/normal'))).toEqual([]);
    const purges = await p.db.selectFrom('custody_events').select('evidence_id').where('action', '=', 'recorder.purged').where('evidence_id', 'in', rows.map((r) => r.id)).execute();
    expect(purges.map((e) => e.evidence_id).sort()).toEqual(rows.map((r) => r.id).sort());
  }, 240_000);
});
