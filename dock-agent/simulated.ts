import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ConnectedDevice, DeviceEvent, SimulatedDevice, UsbWatcher } from './devices';
import { directoryVolume, type MountedVolume, type VolumeSource } from './volume';

/**
 * Simulated USB hardware, the lowest layer only: a control directory where each `<name>.json` is a
 * plugged-in device (removing the file unplugs it), and a directory playing its volume. Everything
 * above the USB event (identification, drivers, journal, upload, spool) runs for real.
 */
export interface SimulatedDeviceSpec {
  vidPid: string;
  serial: string | null;
  bay?: number;
  volume: string;
  readBytesPerSecond?: number;
  vendor?: SimulatedDevice['vendor'];
}

/** Plugs a simulated device in (atomically, so the watcher never reads half a file). */
export async function plugSimulated(controlDir: string, name: string, spec: SimulatedDeviceSpec): Promise<void> {
  await mkdir(controlDir, { recursive: true });
  const tmp = join(controlDir, `.${name}.tmp`);
  await writeFile(tmp, JSON.stringify(spec));
  await rename(tmp, join(controlDir, `${name}.json`));
}

export async function unplugSimulated(controlDir: string, name: string): Promise<void> {
  await rm(join(controlDir, `${name}.json`), { force: true });
}

export class SimulatedWatcher implements UsbWatcher {
  readonly name = 'simulated';
  private known = new Set<string>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private scanning = Promise.resolve();

  constructor(private readonly controlDir: string, private readonly pollMs = 250) {}

  async start(onEvent: (event: DeviceEvent) => void): Promise<void> {
    await mkdir(this.controlDir, { recursive: true });
    // fs.watch can drop events; the poll makes the control directory the single source of truth.
    const rescan = () => {
      this.scanning = this.scanning.then(() => this.scan(onEvent)).catch(() => undefined);
    };
    this.watcher = watch(this.controlDir, rescan);
    this.timer = setInterval(rescan, this.pollMs);
    rescan();
    await this.scanning;
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    clearInterval(this.timer);
    await this.scanning;
  }

  private async scan(onEvent: (event: DeviceEvent) => void): Promise<void> {
    const names = (await readdir(this.controlDir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    const present = new Set<string>();
    for (const name of names) {
      const key = `sim:${name.slice(0, -5)}`;
      present.add(key);
      if (this.known.has(key)) continue;
      const device = await this.read(key, join(this.controlDir, name));
      if (!device) continue;
      this.known.add(key);
      onEvent({ kind: 'connect', device });
    }
    for (const key of this.known) {
      if (present.has(key)) continue;
      this.known.delete(key);
      onEvent({ kind: 'disconnect', key });
    }
  }

  private async read(key: string, file: string): Promise<ConnectedDevice | null> {
    const spec = JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as SimulatedDeviceSpec | null;
    if (!spec) return null; // unplugged again before it was read
    return {
      key,
      vidPid: spec.vidPid.toLowerCase(),
      serial: spec.serial,
      portPath: null,
      bay: spec.bay ?? null,
      simulated: { volume: spec.volume, controlFile: file, ...(spec.readBytesPerSecond ? { readBytesPerSecond: spec.readBytesPerSecond } : {}), ...(spec.vendor ? { vendor: spec.vendor } : {}) },
    };
  }
}

/** The simulated device's directory, once it exists, read at the simulated link speed. */
export class SimulatedVolumeSource implements VolumeSource {
  constructor(private readonly timeoutMs: number, private readonly pollMs = 100) {}

  async resolve(device: ConnectedDevice, signal: AbortSignal): Promise<MountedVolume> {
    const sim = device.simulated;
    if (!sim) throw new Error(`device ${device.key} is not a simulated device`);
    const deadline = Date.now() + this.timeoutMs;
    while (!(await stat(sim.volume).then((s) => s.isDirectory(), () => false))) {
      signal.throwIfAborted();
      if (Date.now() >= deadline) throw new Error(`the recorder's volume did not appear within ${this.timeoutMs / 1000} s: ${sim.volume} does not exist`);
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
    const volume = directoryVolume(sim.volume);
    const rate = sim.readBytesPerSecond;
    if (!rate) return volume;
    return {
      ...volume,
      open: (file, start, end) => {
        const slowed = throttle(rate);
        pipeline(volume.open(file, start, end), slowed).catch(() => undefined); // errors reach the reader through `slowed`
        return slowed;
      },
    };
  }
}

/** Holds a stream to `bytesPerSecond` in 64 KiB steps, like a slow USB 2.0 link shared by a hub. */
function throttle(bytesPerSecond: number): Transform {
  const started = Date.now();
  let passed = 0;
  return new Transform({
    async transform(chunk: Buffer, _enc, done) {
      for (let at = 0; at < chunk.length; at += 1 << 16) {
        const piece = chunk.subarray(at, at + (1 << 16));
        passed += piece.length;
        const wait = (passed / bytesPerSecond) * 1000 - (Date.now() - started);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (this.destroyed) return;
        this.push(piece);
      }
      done();
    },
  });
}
