import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { plugSimulated, unplugSimulated, type SimulatedDeviceSpec } from '../../dock-agent/simulated';
import { bay, evidenceOf, expectExactlyOnce, RECORDER, sleep, startAgent, writeVolume, type Agent } from '../support/dock-agent-harness';
import { runEvidence } from '../support/evidence-process';
import { bearer, usePlatform } from '../support/platform';

const run = promisify(execFile);

const p = usePlatform({ listen: true });
let n = 0;

/** A fresh station: its own home and control directory. */
function station(args: string[] = [], allow?: string): { agent: Agent; control: string; plug(name: string, spec: Omit<SimulatedDeviceSpec, 'vidPid'> & { vidPid?: string }): Promise<void> } {
  const id = ++n;
  const control = join(p.scratch, `control${id}`);
  const agent = startAgent({ server: p.url, token: p.stationToken, home: join(p.scratch, `home${id}`), control, args, ...(allow ? { allow } : {}) });
  return { agent, control, plug: (name, spec) => plugSimulated(control, name, { vidPid: RECORDER, ...spec }) };
}

/** Names, sizes, times and hashes of everything on a volume, symlinks and special files included. */
async function snapshot(root: Buffer): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, encoding: 'buffer' })) {
    const path = Buffer.concat([root, Buffer.from('/'), entry.name as unknown as Buffer]);
    const info = await lstat(path);
    const hash = info.isFile() ? createHash('sha256').update(await readFile(path)).digest('hex') : '';
    out.push(`${path.toString('hex')} ${info.mode} ${info.size} ${info.mtimeMs} ${hash}`);
    if (info.isDirectory()) out.push(...(await snapshot(path)));
  }
  return out;
}

const uploadsOf = async (serial: string) =>
  Number((await p.db.selectFrom('uploads').innerJoin('recorders', 'recorders.id', 'uploads.recorder_id').select((eb) => eb.fn.countAll().as('n')).where('recorders.serial', '=', serial).executeTakeFirstOrThrow()).n);

describe('evidence dock-agent', () => {
  it('offloads important files first, skips links and devices, keeps hostile names as data, never writes to the recorder, and re-docked sends only what is new', async () => {
    const volume = join(p.scratch, 'rec-basic');
    const gbk = Buffer.from([0xd6, 0xd8, 0xd2, 0xaa]); // 重要 in GBK
    const files = await writeVolume(volume, [
      { path: 'DCIM/normal/010203_DSJ1001_20261125093000_0001.mp4', size: 300_000 },
      { path: 'DCIM/normal/010203_DSJ1001_20261125093500_0002.mp4', size: 200_000 },
      { path: 'DCIM/normal/010203_DSJ1001_20261125094000_0003IMP.mp4', size: 100_000 },
      { path: 'DCIM/important/010203_DSJ1001_20261125094500_0004.mp4', size: 50_000 },
      { path: Buffer.concat([Buffer.from('DCIM/'), gbk, Buffer.from('/clip.mp4')]), size: 1000 },
      { path: 'DCIM/normal/line\nbreak\\..\u0007.mp4', size: 2000 },
      { path: `DCIM/normal/-${'长'.repeat(80)}.mp4`, size: 3000 },
      { path: 'DCIM/normal/empty.mp4', size: 0 },
    ]);
    await symlink('/etc/passwd', join(volume, 'DCIM/normal/passwd.mp4'));
    await symlink('..', join(volume, 'DCIM/loop'));
    await run('mkfifo', [join(volume, 'DCIM/pipe.mp4')]);
    await run('mknod', [join(volume, 'DCIM/null.mp4'), 'c', '1', '3']);
    const before = await snapshot(Buffer.from(volume));

    const { agent, control, plug } = station();
    try {
      await plug('a', { serial: 'DSJ1001', bay: 2, volume });
      let s = await agent.waitFor('bay 2 done', (st) => bay(st, 2)?.state === 'done');
      expect(bay(s, 2)).toMatchObject({ mayUndock: true, files: { total: 8, verified: 8, failed: 0, skipped: 4 }, message: expect.stringMatching(/You may undock/) });
      expect(bay(s, 2)!.skipped.map((k) => k.reason).sort()).toEqual(['special file (device, socket or FIFO)', 'special file (device, socket or FIFO)', 'symbolic link (not followed)', 'symbolic link (not followed)']);
      const rows = await evidenceOf(p.db, 'DSJ1001');
      expect(expectExactlyOnce(rows, files)).toEqual([]);
      expect(rows.slice(0, 3).map((r) => r.important)).toEqual([true, true, true]); // the two flagged by name or folder, and the GBK 重要 folder
      expect(rows.find((r) => r.important === false && r.officer_no === '010203')).toBeDefined();
      expect(await snapshot(Buffer.from(volume))).toEqual(before);

      // Undock, record one more clip, dock again: only the new clip travels.
      await unplugSimulated(control, 'a');
      await agent.waitFor('bay 2 undocked', (st) => bay(st, 2)?.state === 'undocked');
      const uploads = await uploadsOf('DSJ1001');
      const [added] = await writeVolume(volume, [{ path: 'DCIM/normal/010203_DSJ1001_20261125100000_0005.mp4', size: 4000 }]);
      await plug('a', { serial: 'DSJ1001', bay: 2, volume });
      s = await agent.waitFor('bay 2 done again', (st) => bay(st, 2)?.state === 'done');
      expect(bay(s, 2)!.message).toMatch(/9 files offloaded/);
      expect(await uploadsOf('DSJ1001')).toBe(uploads + 1);
      expect(expectExactlyOnce(await evidenceOf(p.db, 'DSJ1001'), [...files, added!])).toEqual([]);
      expect(agent.output()).toMatch(/bay 2 DSJ1001: skipped DCIM\/normal\/passwd\.mp4: symbolic link/);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });

  it('offloads the same recorder docked in two bays at once exactly once', async () => {
    const volume = join(p.scratch, 'rec-twice');
    const files = await writeVolume(volume, Array.from({ length: 6 }, (_, i) => ({ path: `DCIM/normal/010203_DSJ1002_2026112509300${i}_000${i}.mp4`, size: 150_000 })));
    const { agent, plug } = station();
    try {
      await Promise.all([
        plug('one', { serial: 'DSJ1002', bay: 1, volume, readBytesPerSecond: 1_000_000 }),
        plug('two', { serial: 'DSJ1002', bay: 2, volume, readBytesPerSecond: 1_000_000 }),
      ]);
      const queued = await agent.waitFor('one bay waiting for the other', (st) => st.bays.some((b) => b.state === 'queued'));
      expect(queued.bays.find((b) => b.state === 'queued')!.message).toMatch(/already being offloaded in another bay/);
      const s = await agent.waitFor('both bays done', (st) => bay(st, 1)?.state === 'done' && bay(st, 2)?.state === 'done');
      expect(s.bays.map((b) => b.files.verified)).toEqual([6, 6]);
      expect(expectExactlyOnce(await evidenceOf(p.db, 'DSJ1002'), files)).toEqual([]);
      expect(await uploadsOf('DSJ1002')).toBe(6);
    } finally {
      await agent.stop();
    }
  });

  it('when unplugged mid-file says so, and when docked again resumes from the platform\'s offset', async () => {
    const volume = join(p.scratch, 'rec-unplug');
    const files = await writeVolume(volume, [
      { path: 'DCIM/normal/010203_DSJ1003_20261125093000_0001.mp4', size: 4_000_000 },
      { path: 'DCIM/normal/010203_DSJ1003_20261125094000_0002.mp4', size: 100_000 },
    ]);
    const { agent, control, plug } = station();
    try {
      await plug('r', { serial: 'DSJ1003', bay: 4, volume, readBytesPerSecond: 1_000_000 });
      await agent.waitFor('half a MB of the first file sent', (st) => (bay(st, 4)?.current?.done ?? 0) > 500_000);
      await unplugSimulated(control, 'r');
      const s = await agent.waitFor('bay 4 undocked', (st) => bay(st, 4)?.state === 'undocked');
      expect(bay(s, 4)).toMatchObject({ mayUndock: false, message: expect.stringMatching(/UNDOCKED BEFORE THE OFFLOAD FINISHED: 2 files are still only on the recorder/) });
      const partial = await p.db.selectFrom('uploads').select('id').where('original_path', '=', 'DCIM/normal/010203_DSJ1003_20261125093000_0001.mp4').executeTakeFirstOrThrow();
      const held = (await p.app.inject({ url: `/ingest/v1/uploads/${partial.id}`, headers: bearer(p.stationToken) })).json().offset as number;
      expect(held).toBeGreaterThan(0);

      await plug('r', { serial: 'DSJ1003', bay: 4, volume });
      await agent.waitFor('bay 4 done', (st) => bay(st, 4)?.state === 'done');
      expect(agent.output()).toContain(`resuming DCIM/normal/010203_DSJ1003_20261125093000_0001.mp4 at ${(held / 1e6).toFixed(1)} MB (already on the platform)`);
      expect(expectExactlyOnce(await evidenceOf(p.db, 'DSJ1003'), files)).toEqual([]);
    } finally {
      await agent.stop();
    }
  });

  it('does not take a file the recorder is still writing until it stops growing', async () => {
    const volume = join(p.scratch, 'rec-growing');
    const growing = join(volume, 'DCIM/normal/010203_DSJ1004_20261125093000_0001.mp4');
    await mkdir(join(volume, 'DCIM/normal'), { recursive: true });
    await writeFile(growing, Buffer.alloc(10_000, 1));
    const { agent, plug } = station(['--stable-seconds', '1']);
    try {
      await plug('g', { serial: 'DSJ1004', bay: 1, volume });
      await agent.waitFor('bay 1 docked', (st) => bay(st, 1) !== undefined);
      let seen = false;
      for (let i = 0; i < 100 && !seen; i++) {
        await appendFile(growing, Buffer.alloc(10_000, i));
        seen = bay((await agent.status())!, 1)?.state === 'waiting-growing';
        await sleep(150);
      }
      expect(seen).toBe(true);
      for (let i = 0; i < 5; i++) {
        await appendFile(growing, Buffer.alloc(10_000, i));
        await sleep(150);
      }
      expect(await evidenceOf(p.db, 'DSJ1004')).toEqual([]);
      const s = await agent.waitFor('bay 1 done', (st) => bay(st, 1)?.state === 'done');
      expect(bay(s, 1)!.files.verified).toBe(1);
      const final = await readFile(growing);
      const [row] = await evidenceOf(p.db, 'DSJ1004');
      expect(Number(row!.size)).toBe(final.length);
      expect(row!.sha256).toBe(createHash('sha256').update(final).digest('hex'));
    } finally {
      await agent.stop();
    }
  });

  it('drives a GA/T 947.4 vendor interface: unlock, device info, clock skew on every file, clock sync; refuses wrong passwords and unknown recorders', async () => {
    const vendor = (over: object) => ({ password: '123456', serial: 'DSJ2001', officerNo: '030405', unitNo: '110101000000', clockOffsetMs: 90_000, ...over });
    const good = join(p.scratch, 'rec-vendor');
    const files = await writeVolume(good, [{ path: 'DCIM/VID_0001.mp4', size: 5000 }, { path: 'DCIM/VID_0002.mp4', size: 6000 }]);
    const { agent, control, plug } = station(['--driver', 'vendor', '--vendor-module', 'dock-agent/simulated-vendor.ts', '--vendor-password', '123456', '--sync-clock'], '4255:1000/DSJ*');
    try {
      await plug('good', { serial: null, bay: 1, volume: good, vendor: vendor({}) });
      await plug('locked', { serial: null, bay: 2, volume: good, vendor: vendor({ password: 'other', serial: 'DSJ2002' }) });
      await plug('stranger', { serial: null, bay: 3, volume: good, vendor: vendor({ serial: 'XYZ0001' }) });
      await plug('camera', { vidPid: '4255:9999', serial: 'CAM1', bay: 4, volume: good }); // same vendor id, another product
      const s = await agent.waitFor('bays settled', (st) => bay(st, 1)?.state === 'done' && bay(st, 2)?.state === 'error' && bay(st, 3)?.state === 'ignored');
      expect(bay(s, 1)!.recorder).toMatchObject({ serial: 'DSJ2001', officerNo: '030405', unitNo: '110101000000' });
      expect(bay(s, 1)!.recorder.clockSkewMs).toBeGreaterThan(88_000);
      expect(bay(s, 2)!.message).toMatch(/vendor login failed: the recorder refused the password/);
      expect(bay(s, 3)!.message).toMatch(/serial XYZ0001 is not on the allow-list/);
      expect(bay(s, 4)).toBeUndefined();
      expect(agent.output()).toMatch(/ignoring USB device 4255:9999 serial CAM1: not a recorder model/);

      const rows = await evidenceOf(p.db, 'DSJ2001');
      expect(expectExactlyOnce(rows, files)).toEqual([]);
      for (const row of rows) {
        expect(Number(row.clock_skew_ms)).toBeGreaterThan(88_000);
        expect(Number(row.clock_skew_ms)).toBeLessThan(92_000);
        expect(row.officer_no).toBe('030405');
      }
      const synced = JSON.parse(await readFile(join(control, 'good.json'), 'utf8')) as SimulatedDeviceSpec;
      expect(Math.abs(synced.vendor!.clockOffsetMs)).toBeLessThan(2000);
      expect(await evidenceOf(p.db, 'DSJ2002')).toEqual([]);
    } finally {
      await agent.stop();
    }
  });

  it('purges from the recorder after the platform verified, one custody event per file', async () => {
    const volume = join(p.scratch, 'rec-purge');
    const files = await writeVolume(volume, [{ path: 'DCIM/normal/a.mp4', size: 20_000 }, { path: 'DCIM/normal/b.mp4', size: 30_000 }]);
    const { agent, plug } = station(['--purge', 'after-verify']);
    try {
      await plug('p', { serial: 'DSJ1005', bay: 1, volume });
      const s = await agent.waitFor('bay 1 done and purges recorded', (st) => bay(st, 1)?.state === 'done' && st.purgesToRecord === 0);
      expect(bay(s, 1)!.files.verified).toBe(2);
      expect(await readdir(join(volume, 'DCIM/normal'))).toEqual([]);
      const rows = await evidenceOf(p.db, 'DSJ1005');
      expect(expectExactlyOnce(rows, files)).toEqual([]);
      for (const row of rows) {
        const custody = (await p.app.inject({ url: `/api/evidence/${row.id}/custody`, headers: bearer(p.adminToken) })).json();
        expect(custody.items.map((e: { action: string }) => e.action)).toEqual(['ingest.verified', 'recorder.purged']);
      }
    } finally {
      await agent.stop();
    }
  });
});

describe('evidence dock-agent for the station administrator', () => {
  const once = (args: string[]) => runEvidence(['dock-agent', ...args], { timeout: 30_000 });

  it('documents every setting in --help, with its environment variable and the exit codes', async () => {
    const help = await once(['--help']);
    expect(help.code).toBe(0);
    for (const text of ['--allow <VID:PID/SERIAL>', 'EVIDENCE_DOCK_ALLOW', '--purge <policy>', 'after-verify', '--spool-max', '--stable-seconds', '--name-pattern', '{警号}_{设备编号}_{YYYYMMDDhhmmss}_{序号}[IMP].ext', '--simulate', 'Exit codes:', 'You may undock']) {
      expect(help.stdout).toContain(text);
    }
  });

  it('exits 2 for a wrong configuration or a refused token, 3 when another agent holds the home', async () => {
    const missing = await once(['--server', p.url, '--token', p.stationToken]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/no recorder is allowed to dock: give --allow/) });
    const badToken = await once(['--server', p.url, '--token', 'evd_wrong', '--allow', '4255:1000/*', '--no-usb', '--simulate', join(p.scratch, 'x'), '--home', join(p.scratch, 'x-home')]);
    expect(badToken).toMatchObject({ code: 2, stderr: expect.stringMatching(/refused the station token: 401/) });

    const { agent } = station();
    try {
      await agent.waitFor('the first agent running', () => true);
      const second = await once(['--server', p.url, '--token', p.stationToken, '--allow', '4255:1000/*', '--no-usb', '--simulate', join(p.scratch, 'y'), '--home', agent.home]);
      expect(second).toMatchObject({ code: 3, stderr: expect.stringMatching(/another dock agent is already using/) });
    } finally {
      await agent.stop();
    }
  });
});
