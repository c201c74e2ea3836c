import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectedDevice } from '../../dock-agent/devices';
import { SimulatedVolumeSource } from '../../dock-agent/simulated';
import { SysfsVolumeSource } from '../../dock-agent/sysfs';
import { listVolume, type VolumeSource } from '../../dock-agent/volume';

/**
 * One contract for both recorder sources: real devices (sysfs and mountinfo, here a recorded sysfs
 * tree and mountinfo file on disk: only the hardware is fake) and simulated devices.
 */
interface Rig {
  source: VolumeSource;
  device: ConnectedDevice;
  /** Where the recorder's files are once its volume is there. */
  mountPoint: string;
  /** Makes the volume appear (the kernel mounts it, the directory is created). */
  appear(): Promise<void>;
}

const run = promisify(execFile);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'dock-agent-source-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

let n = 0;
const adapters: Record<string, (timeoutMs: number) => Promise<Rig>> = {
  sysfs: async (timeoutMs) => {
    const root = await sysfsFixture(join(work, `sysfs${++n}`), 'sdb', '8:16', '8:17');
    const mountinfo = join(root, 'mountinfo');
    await writeFile(mountinfo, '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n');
    const mountPoint = join(root, 'media/DSJ 0001');
    return {
      source: new SysfsVolumeSource({ sysRoot: join(root, 'sys'), mountInfoPath: mountinfo, mountDir: null, writable: false, timeoutMs, pollMs: 50 }),
      device: { key: 'usb:1', vidPid: '4255:1000', serial: 'DSJ0001', portPath: '1-1.3', bay: null },
      mountPoint,
      appear: async () => {
        await mkdir(mountPoint, { recursive: true });
        await writeFile(mountinfo, `22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n98 22 8:17 / ${mountPoint.replace(/ /g, '\\040')} ro,relatime - vfat /dev/sdb1 ro\n`);
      },
    };
  },
  simulated: async (timeoutMs) => {
    const mountPoint = join(work, `simulated${++n}`);
    return {
      source: new SimulatedVolumeSource(timeoutMs, 50),
      device: { key: 'sim:1', vidPid: '4255:1000', serial: 'DSJ0001', portPath: null, bay: 1, simulated: { volume: mountPoint, controlFile: join(work, 'unused.json') } },
      mountPoint,
      appear: () => mkdir(mountPoint, { recursive: true }).then(() => undefined),
    };
  },
};

/** A recorded sysfs tree: the USB device on port 1-1.3 with one disk, optionally with a first partition. */
async function sysfsFixture(root: string, disk: string, diskDev: string, partitionDev?: string): Promise<string> {
  const device = join(root, 'sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.3');
  const attrs = { idVendor: '4255', idProduct: '1000', busnum: '1', devnum: '7', serial: 'DSJ0001' };
  await mkdir(device, { recursive: true });
  for (const [name, value] of Object.entries(attrs)) await writeFile(join(device, name), `${value}\n`);
  const block = join(device, `1-1.3:1.0/host6/target6:0:0/6:0:0:0/block/${disk}`);
  await mkdir(block, { recursive: true });
  await writeFile(join(block, 'dev'), `${diskDev}\n`);
  if (partitionDev) {
    await mkdir(join(block, `${disk}1`));
    await writeFile(join(block, `${disk}1/dev`), `${partitionDev}\n`);
    await writeFile(join(block, `${disk}1/partition`), '1\n');
  }
  await mkdir(join(root, 'sys/bus/usb/devices'), { recursive: true });
  await symlink(device, join(root, 'sys/bus/usb/devices/1-1.3'));
  return root;
}

describe.each(Object.keys(adapters))('recorder volume source: %s', (name) => {
  const rig = adapters[name]!;

  it('resolves a docked recorder to its volume and reads exact byte ranges of its files', async () => {
    const r = await rig(2000);
    await r.appear();
    await mkdir(join(r.mountPoint, 'DCIM'), { recursive: true });
    await writeFile(join(r.mountPoint, 'DCIM/a.mp4'), '0123456789');
    const volume = await r.source.resolve(r.device, new AbortController().signal);
    expect(volume.root).toBe(r.mountPoint);
    const { files } = await listVolume(volume.root);
    expect(files.map((f) => f.display)).toEqual(['DCIM/a.mp4']);
    expect(await text(volume.open(files[0]!, 2, 5))).toBe('234');
    await volume.release();
  });

  it('waits for a volume that appears after the device', async () => {
    const r = await rig(5000);
    setTimeout(() => void r.appear(), 300);
    const started = Date.now();
    const volume = await r.source.resolve(r.device, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(volume.root).toBe(r.mountPoint);
  });

  it('gives up after the timeout and says what is missing', async () => {
    const r = await rig(300);
    await expect(r.source.resolve(r.device, new AbortController().signal)).rejects.toThrow(/the recorder's volume did not appear within 0.3 s: .+/);
  });

  it('stops waiting when the recorder is unplugged', async () => {
    const r = await rig(10_000);
    const unplugged = new AbortController();
    setTimeout(() => unplugged.abort(new Error('the recorder was unplugged')), 200);
    await expect(r.source.resolve(r.device, unplugged.signal)).rejects.toThrow('the recorder was unplugged');
  });
});

describe('recorder volume source: sysfs, mounting itself (--mount-dir)', () => {
  it('mounts an unmounted recorder disk read-only, nosuid, nodev, noexec, and unmounts it when released', async (ctx) => {
    // A real block device (a loop device over an ext4 image with a recorder's files); only sysfs is recorded.
    const files = join(work, 'image-files');
    await mkdir(join(files, 'DCIM'), { recursive: true });
    await writeFile(join(files, 'DCIM/a.mp4'), 'footage');
    const image = join(work, 'recorder.img');
    const loop = await run('truncate', ['-s', '4M', image])
      .then(() => run('mkfs.ext4', ['-q', '-F', '-d', files, image]))
      .then(() => run('losetup', ['-f', '--show', image]))
      .then((r) => r.stdout.trim(), () => null);
    if (!loop) return ctx.skip('needs root and loop devices');
    try {
      const name = loop.replace('/dev/', '');
      const root = await sysfsFixture(join(work, 'sysfs-mount'), name, (await readFile(`/sys/block/${name}/dev`, 'utf8')).trim());
      const mountDir = join(work, 'mounts');
      const source = new SysfsVolumeSource({ sysRoot: join(root, 'sys'), mountInfoPath: '/proc/self/mountinfo', mountDir, writable: false, timeoutMs: 5000 });
      const volume = await source.resolve({ key: 'usb:1', vidPid: '4255:1000', serial: 'DSJ0001', portPath: '1-1.3', bay: null }, new AbortController().signal);
      expect(volume.root).toBe(join(mountDir, 'port-1-1.3'));
      expect((await listVolume(volume.root)).files.map((f) => f.display)).toContain('DCIM/a.mp4');
      const line = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').find((l) => l.split(' ')[4] === volume.root);
      expect(line?.split(' ')[5]?.split(',')).toEqual(expect.arrayContaining(['ro', 'nosuid', 'nodev', 'noexec']));
      await expect(writeFile(join(volume.root, 'DCIM/b.mp4'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
      await volume.release();
      expect((await readFile('/proc/self/mountinfo', 'utf8')).includes(volume.root)).toBe(false);
    } finally {
      await run('losetup', ['-d', loop]).catch(() => undefined);
    }
  });
});
