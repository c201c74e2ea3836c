/**
 * USB devices as the dock agent sees them, the watcher port every device source implements, and
 * the pure decisions about them: which recorders are allowed and which bay a device sits in.
 */

/** One plugged-in device, from a hotplug event or the listing at start. */
export interface ConnectedDevice {
  /** Stable for as long as the device stays plugged in; the disconnect event carries the same key. */
  key: string;
  /** "vvvv:pppp", lower-case hex. */
  vidPid: string;
  /** The USB serial number string, or null when the device has none or it could not be read. */
  serial: string | null;
  /** The physical port chain ("1-1.3"), which is also how a real bay is recognised. Null for simulated devices. */
  portPath: string | null;
  /** Bay number the device announces itself (simulated devices); real devices are mapped by port. */
  bay: number | null;
  /** Only for simulated devices: the fake hardware behind them (see simulated-watcher.ts). */
  simulated?: SimulatedDevice;
}

export interface SimulatedDevice {
  /** The directory playing the recorder's mounted volume. */
  volume: string;
  /** Read speed of the fake USB link, bytes per second (unset: as fast as the disk). */
  readBytesPerSecond?: number;
  /** State of a fake GA/T 947.4 vendor interface (see simulated-vendor.ts). */
  vendor?: { password: string; serial: string; officerNo: string | null; unitNo: string | null; clockOffsetMs: number };
  /** The control file that plugged the device in; the fake vendor interface writes its clock back here. */
  controlFile: string;
}

export type DeviceEvent = { kind: 'connect'; device: ConnectedDevice } | { kind: 'disconnect'; key: string };

/** A source of connect/disconnect events: real USB hotplug or the simulator. */
export interface UsbWatcher {
  readonly name: string;
  /** Reports devices already plugged in as connect events, then every change, until stop(). */
  start(onEvent: (event: DeviceEvent) => void): Promise<void>;
  stop(): Promise<void>;
}

export interface AllowEntry {
  vidPid: string;
  /** Serial pattern; `*` matches any run of characters. */
  serial: string;
}

/** "VID:PID/SERIAL" with hex ids; SERIAL may use `*`. A VID or VID:PID alone identifies nothing. */
export function parseAllowEntry(text: string): AllowEntry {
  const match = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\/(.+)$/.exec(text.trim());
  if (!match) {
    throw new Error(
      `allow-list entry "${text}" must be VID:PID/SERIAL (hex ids, e.g. 4255:1000/DSJ0001 or 4255:1000/DSJ*); ` +
        'a VID or VID:PID alone identifies nothing, since unrelated devices share them',
    );
  }
  return { vidPid: `${match[1]!.toLowerCase()}:${match[2]!.toLowerCase()}`, serial: match[3]! };
}

export const formatVidPid = (vendorId: number, productId: number): string =>
  `${vendorId.toString(16).padStart(4, '0')}:${productId.toString(16).padStart(4, '0')}`;

/** Whether any entry names this model; devices of other models are never touched (no vendor commands). */
export function modelAllowed(allow: readonly AllowEntry[], vidPid: string): boolean {
  return allow.some((a) => a.vidPid === vidPid.toLowerCase());
}

export type Identification = { ok: true } | { ok: false; reason: string };

/** VID:PID plus serial against the allow-list. */
export function identify(allow: readonly AllowEntry[], vidPid: string, serial: string | null): Identification {
  if (!modelAllowed(allow, vidPid)) return { ok: false, reason: `USB device ${vidPid} is not a recorder model on the allow-list` };
  if (!serial) return { ok: false, reason: `USB device ${vidPid} reports no serial number, so it cannot be identified (VID:PID alone identifies nothing)` };
  const entry = allow.find((a) => a.vidPid === vidPid.toLowerCase() && globMatch(a.serial, serial));
  return entry ? { ok: true } : { ok: false, reason: `recorder ${vidPid} serial ${serial} is not on the allow-list` };
}

function globMatch(pattern: string, text: string): boolean {
  const regex = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${regex}$`, 'u').test(text);
}

/**
 * The bay a device sits in: the number it announces, else the station's port map, else the lowest
 * free number (a station without a port map still gets distinct bays).
 */
export function assignBay(device: ConnectedDevice, portMap: ReadonlyMap<string, number>, occupied: ReadonlySet<number>): number {
  if (device.bay !== null) return device.bay;
  const mapped = device.portPath ? portMap.get(device.portPath) : undefined;
  if (mapped !== undefined) return mapped;
  const taken = new Set([...occupied, ...portMap.values()]);
  let bay = 1;
  while (taken.has(bay)) bay++;
  return bay;
}
