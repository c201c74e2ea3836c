import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ConnectedDevice } from './devices';
import type { RecorderIdentity, VendorRecorderLibrary } from './drivers';
import type { SimulatedDeviceSpec } from './simulated';

/**
 * A vendor library for simulated recorders (`--vendor-module dock-agent/simulated-vendor.ts`), and
 * the reference for vendors: it implements VendorRecorderLibrary against the `vendor` block of a
 * simulated device's control file, writing the synced clock back to it like a real recorder keeps it.
 */
export function createVendorLibrary(): VendorRecorderLibrary {
  const loggedIn = new Set<string>();
  const state = (device: ConnectedDevice) => {
    const vendor = device.simulated?.vendor;
    if (!vendor) throw new Error('no vendor interface answers on this device');
    return vendor;
  };
  const session = (device: ConnectedDevice) => {
    if (!loggedIn.has(device.key)) throw new Error('not logged in');
    return state(device);
  };
  return {
    async login(device, password) {
      if (state(device).password !== password) throw new Error('the recorder refused the password');
      loggedIn.add(device.key);
    },
    async readDeviceInfo(device): Promise<RecorderIdentity> {
      const { serial, officerNo, unitNo } = session(device);
      return { serial, officerNo, unitNo };
    },
    async readClock(device) {
      session(device);
      // The control file holds the clock as last set (setClock below), not as first plugged in.
      const spec = JSON.parse(await readFile(device.simulated!.controlFile, 'utf8')) as SimulatedDeviceSpec;
      return new Date(Date.now() + spec.vendor!.clockOffsetMs);
    },
    async setClock(device, to) {
      session(device);
      const file = device.simulated!.controlFile;
      const spec = JSON.parse(await readFile(file, 'utf8')) as SimulatedDeviceSpec;
      spec.vendor = { ...spec.vendor!, clockOffsetMs: to.getTime() - Date.now() };
      await writeFile(`${file}.sync`, JSON.stringify(spec));
      await rename(`${file}.sync`, file);
    },
    async enterDiskMode(device) {
      session(device);
    },
  };
}
