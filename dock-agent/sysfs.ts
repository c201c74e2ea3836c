import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, realpath, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ConnectedDevice } from './devices';
import { directoryVolume, type MountedVolume, type VolumeSource } from './volume';

/**
 * From a USB device to its mounted volume on Linux. The decisions are pure functions over file
 * contents (sysfs attribute files, /proc/self/mountinfo) so they are table-tested on recorded
 * fixtures; the adapter only reads those files, waits, and runs mount(8).
 */

/** sysfs attribute files under one directory, by path relative to it ("1-1.3:1.0/.../block/sdb/dev" → "8:16"). */
export type SysfsTree = ReadonlyMap<string, string>;

export interface UsbPortEntry {
  port: string;
  busnum: number;
  devnum: number;
  vidPid: string;
  serial: string | null;
}

export interface BlockDevice {
  name: string;
  /** "major:minor" */
  dev: string;
  partition: boolean;
}

export interface MountEntry {
  dev: string;
  mountPoint: string;
  fsType: string;
  source: string;
  readOnly: boolean;
}

export type VolumeChoice =
  | { kind: 'mounted'; mountPoint: string; device: string; readOnly: boolean }
  | { kind: 'unmounted'; device: string }
  | { kind: 'no-disk' };

/** The USB devices in /sys/bus/usb/devices (one tree per port, read one level deep). */
export function usbPorts(trees: ReadonlyMap<string, SysfsTree>): UsbPortEntry[] {
  const ports: UsbPortEntry[] = [];
  for (const [port, files] of trees) {
    if (!/^\d+-[\d.]+$/.test(port)) continue; // interfaces ("1-1:1.0") and root hubs ("usb1") are not devices
    const vid = files.get('idVendor');
    const pid = files.get('idProduct');
    if (!vid || !pid) continue;
    ports.push({ port, busnum: Number(files.get('busnum')), devnum: Number(files.get('devnum')), vidPid: `${vid}:${pid}`.toLowerCase(), serial: files.get('serial') || null });
  }
  return ports;
}

/** The port of the device at bus/address (what a hotplug event reports). */
export function findPort(ports: readonly UsbPortEntry[], busnum: number, devnum: number): UsbPortEntry | undefined {
  return ports.find((p) => p.busnum === busnum && p.devnum === devnum);
}

/** Block devices (disks and their partitions) somewhere below a USB device's sysfs directory. */
export function blockDevices(tree: SysfsTree): BlockDevice[] {
  const found: BlockDevice[] = [];
  for (const [path, value] of tree) {
    const match = /(?:^|\/)block\/([^/]+)(?:\/([^/]+))?\/dev$/.exec(path);
    if (!match) continue;
    const name = match[2] ?? match[1]!;
    const partition = match[2] !== undefined && tree.has(path.replace(/dev$/, 'partition'));
    if (match[2] !== undefined && !partition) continue; // e.g. block/sdb/queue: not a partition
    found.push({ name, dev: value, partition });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** /proc/self/mountinfo: one line per mount; spaces in paths are written as \040. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [fsType, source, superOptions] = right.split(' ');
    if (fields.length < 6 || !fsType || source === undefined) continue;
    const options = `${fields[5]},${superOptions ?? ''}`.split(',');
    entries.push({ dev: fields[2]!, mountPoint: unescapeMount(fields[4]!), fsType, source: unescapeMount(source), readOnly: options.includes('ro') });
  }
  return entries;
}

/**
 * Where the recorder's files are: a mounted partition (or whole disk), else the block device to
 * mount (first partition, or the disk itself when it has none).
 */
export function chooseVolume(blocks: readonly BlockDevice[], mounts: readonly MountEntry[]): VolumeChoice {
  if (blocks.length === 0) return { kind: 'no-disk' };
  const ordered = [...blocks.filter((b) => b.partition), ...blocks.filter((b) => !b.partition)];
  for (const block of ordered) {
    const mount = mounts.find((m) => m.dev === block.dev);
    if (mount) return { kind: 'mounted', mountPoint: mount.mountPoint, device: `/dev/${block.name}`, readOnly: mount.readOnly };
  }
  return { kind: 'unmounted', device: `/dev/${ordered[0]!.name}` };
}

function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

const ATTRIBUTES = new Set(['busnum', 'devnum', 'idVendor', 'idProduct', 'serial', 'dev', 'partition']);

/** Reads the attribute files below `dir`, descending only into real directories (sysfs is full of symlink loops). */
export async function readSysfsTree(dir: string, depth: number): Promise<SysfsTree> {
  const tree = new Map<string, string>();
  const walk = async (path: string, prefix: string, left: number): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory() && left > 0) await walk(join(path, entry.name), rel, left - 1);
      else if (entry.isFile() && ATTRIBUTES.has(entry.name)) {
        const value = await readFile(join(path, entry.name), 'utf8').catch(() => undefined);
        if (value !== undefined) tree.set(rel, value.trim());
      }
    }
  };
  await walk(dir, '', depth);
  return tree;
}

/** The USB devices sysfs lists now. */
export async function readUsbPorts(sysRoot: string): Promise<UsbPortEntry[]> {
  const base = join(sysRoot, 'bus/usb/devices');
  const names = await readdir(base).catch(() => [] as string[]);
  const trees = new Map<string, SysfsTree>();
  for (const name of names) trees.set(name, await readSysfsTree(await realpath(join(base, name)).catch(() => join(base, name)), 0));
  return usbPorts(trees);
}

const run = promisify(execFile);

/** Real recorders: block devices below the USB port in sysfs, their mounts in mountinfo. */
export class SysfsVolumeSource implements VolumeSource {
  constructor(
    private readonly options: {
      sysRoot: string;
      mountInfoPath: string;
      /** Mount here when nothing else has mounted the volume; null: only wait. */
      mountDir: string | null;
      /** Read-write only when the purge policy needs to delete. */
      writable: boolean;
      timeoutMs: number;
      pollMs?: number;
    },
  ) {}

  async resolve(device: ConnectedDevice, signal: AbortSignal): Promise<MountedVolume> {
    if (!device.portPath) throw new Error(`USB device ${device.vidPid} has no known port, so its volume cannot be found`);
    const deadline = Date.now() + this.options.timeoutMs;
    let choice: VolumeChoice = { kind: 'no-disk' };
    for (;;) {
      signal.throwIfAborted();
      const dir = await realpath(join(this.options.sysRoot, 'bus/usb/devices', device.portPath)).catch(() => null);
      const blocks = dir ? blockDevices(await readSysfsTree(dir, 8)) : [];
      choice = chooseVolume(blocks, parseMountInfo(await readFile(this.options.mountInfoPath, 'utf8')));
      // Mounted read-only by the system under --purge after-verify: offload anyway; the purge reports it cannot delete.
      if (choice.kind === 'mounted') return directoryVolume(choice.mountPoint);
      if (choice.kind === 'unmounted' && this.options.mountDir) return this.mount(choice.device, device.portPath);
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 500));
    }
    const what = choice.kind === 'no-disk' ? 'no USB disk appeared (is the recorder in disk mode?)' : `${choice.device} was not mounted (set --mount-dir to let the agent mount it)`;
    throw new Error(`the recorder's volume did not appear within ${this.options.timeoutMs / 1000} s: ${what}`);
  }

  private async mount(device: string, port: string): Promise<MountedVolume> {
    const target = join(this.options.mountDir!, `port-${port}`);
    await mkdir(target, { recursive: true });
    const mode = this.options.writable ? 'rw' : 'ro';
    await run('mount', ['-o', `${mode},nosuid,nodev,noexec`, device, target]);
    return directoryVolume(target, async () => {
      await run('umount', [target]).catch(() => run('umount', ['-l', target])); // lazy when the device is already gone
      await rmdir(target).catch(() => undefined);
    });
  }
}
