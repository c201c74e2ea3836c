import { pathToFileURL } from 'node:url';
import { knownText } from '../core/names';
import type { ConnectedDevice } from './devices';
import type { MountedVolume, VolumeSource } from './volume';

/**
 * Recorder drivers: how a connected recorder is brought into disk mode and who it says it is.
 * `mass-storage` is a plain USB disk; `vendor` drives a GA/T 947.4-style device-management
 * interface through a library the vendor provides (VendorRecorderLibrary below).
 */
export interface RecorderIdentity {
  serial: string;
  officerNo: string | null;
  /** 单位编号, as the recorder reports it (12 characters in GA/T 947). */
  unitNo: string | null;
}

export interface AttachedRecorder {
  identity: RecorderIdentity;
  /** Recorder clock minus station clock, when the driver can read the recorder clock; kept on every file. */
  clockSkewMs: number | null;
  volume: MountedVolume;
}

export interface RecorderDriver {
  readonly name: string;
  attach(device: ConnectedDevice, signal: AbortSignal): Promise<AttachedRecorder>;
}

/**
 * What a vendor library implements, shaped after the GA/T 947.4 device-management calls a station
 * uses. Every call gets the connected device (VID:PID, serial, USB port). Reject with an Error whose
 * message an administrator can act on ("wrong password", "device busy"); the agent shows it on the bay.
 */
export interface VendorRecorderLibrary {
  /** Logs in with the device password; a wrong password must reject. */
  login(device: ConnectedDevice, password: string): Promise<void>;
  /** Serial (7 characters), officer number 警号 (6) and unit number (12), already decoded from GBK. */
  readDeviceInfo(device: ConnectedDevice): Promise<RecorderIdentity>;
  /** The recorder's clock now. */
  readClock(device: ConnectedDevice): Promise<Date>;
  /** Sets the recorder's clock (SyncDevTime). */
  setClock(device: ConnectedDevice, to: Date): Promise<void>;
  /** Switches the recorder to USB mass-storage mode (SetMSDC); its volume then appears as a disk on the same port. */
  enterDiskMode(device: ConnectedDevice): Promise<void>;
}

/** The module given to --vendor-module exports this function. */
export interface VendorModule {
  createVendorLibrary(): VendorRecorderLibrary | Promise<VendorRecorderLibrary>;
}

export function massStorageDriver(source: VolumeSource): RecorderDriver {
  return {
    name: 'mass-storage',
    async attach(device, signal) {
      if (!device.serial) throw new Error('the recorder reports no serial number');
      return { identity: { serial: device.serial, officerNo: null, unitNo: null }, clockSkewMs: null, volume: await source.resolve(device, signal) };
    },
  };
}

export function vendorDriver(library: VendorRecorderLibrary, source: VolumeSource, options: { password: string | undefined; syncClock: boolean }): RecorderDriver {
  const step = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new Error(`${what} failed: ${(error as Error).message}`);
    }
  };
  return {
    name: 'vendor',
    async attach(device, signal) {
      await step('vendor login', () => library.login(device, options.password ?? ''));
      const reported = await step('reading the device info', () => library.readDeviceInfo(device));
      // An unbound recorder reports a blank officer: unknown, so the platform's binding applies.
      const identity = { ...reported, officerNo: knownText(reported.officerNo), unitNo: knownText(reported.unitNo) };
      const before = Date.now();
      const recorderClock = await step('reading the recorder clock', () => library.readClock(device));
      const clockSkewMs = clockSkew(recorderClock, before, Date.now());
      // The skew is measured before syncing: the files on the recorder were stamped by the old clock.
      if (options.syncClock) await step('setting the recorder clock', () => library.setClock(device, new Date()));
      await step('switching to disk mode', () => library.enterDiskMode(device));
      return { identity, clockSkewMs, volume: await source.resolve(device, signal) };
    },
  };
}

/** Recorder clock minus the station clock at the middle of the call that read it. */
export function clockSkew(recorderClock: Date, before: number, after: number): number {
  return Math.round(recorderClock.getTime() - (before + after) / 2);
}

export async function loadVendorLibrary(modulePath: string): Promise<VendorRecorderLibrary> {
  const loaded = (await import(pathToFileURL(modulePath).href)) as Partial<VendorModule>;
  if (typeof loaded.createVendorLibrary !== 'function') throw new Error(`${modulePath} does not export createVendorLibrary()`);
  return loaded.createVendorLibrary();
}
