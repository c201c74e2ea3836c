import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { WebUSB } from 'usb';
import { formatVidPid, type ConnectedDevice, type DeviceEvent, type UsbWatcher } from './devices';
import { findPort, readUsbPorts, type UsbPortEntry } from './sysfs';

/** What the `usb` package tells about a device; read defensively, the native getters may throw. */
export interface UsbDescriptor {
  handle: string;
  vendorId: number;
  productId: number;
  bus: string;
  address: number;
  serialNumber: string | null;
}

class UsbUnavailableError extends Error {
  override name = 'UsbUnavailableError';
}

/**
 * A device from the `usb` package as the agent sees it. The serial comes from the descriptor, else
 * from sysfs (it needs no access to the device node); the port chain comes from sysfs by bus and
 * address (also matched on VID:PID, in case the bus is not given as a number).
 */
export function toConnectedDevice(usb: UsbDescriptor, ports: readonly UsbPortEntry[]): ConnectedDevice {
  const vidPid = formatVidPid(usb.vendorId, usb.productId);
  const busnum = Number(usb.bus);
  const port = (Number.isInteger(busnum) ? findPort(ports, busnum, usb.address) : undefined) ?? ports.find((p) => p.devnum === usb.address && p.vidPid === vidPid);
  return { key: `usb:${usb.handle}`, vidPid, serial: usb.serialNumber || port?.serial || null, portPath: port?.port ?? null, bay: null };
}

/** Real USB hotplug through the `usb` package (WebUSB-style connect/disconnect events). */
export class UsbHotplugWatcher implements UsbWatcher {
  readonly name = 'usb';
  private webusb: WebUSB | undefined;
  private listeners: { connect: (e: Event) => void; disconnect: (e: Event) => void } | undefined;

  constructor(private readonly sysRoot = '/sys') {}

  async start(onEvent: (event: DeviceEvent) => void): Promise<void> {
    // The `usb` package lists devices from sysfs and throws from a detached promise when it is
    // missing (a container without USB), so check first and say it plainly.
    const devices = join(this.sysRoot, 'bus/usb/devices');
    if (!(await access(devices).then(() => true, () => false))) {
      throw new UsbUnavailableError(`USB is not visible on this machine (${devices} does not exist); no real recorder can be detected`);
    }
    const webusb = new WebUSB({ allowAllDevices: true });
    const connect = (device: UsbDescriptor) => {
      this.describe(device).then((d) => onEvent({ kind: 'connect', device: d }), () => undefined);
    };
    const deviceOf = (e: Event) => (e as Event & { device: UsbDescriptor }).device;
    this.listeners = {
      connect: (e) => connect(deviceOf(e)),
      disconnect: (e) => onEvent({ kind: 'disconnect', key: `usb:${deviceOf(e).handle}` }),
    };
    webusb.addEventListener('connect', this.listeners.connect);
    webusb.addEventListener('disconnect', this.listeners.disconnect);
    this.webusb = webusb;
    for (const device of await webusb.getDevices()) connect(device as unknown as UsbDescriptor);
  }

  async stop(): Promise<void> {
    if (this.webusb && this.listeners) {
      this.webusb.removeEventListener('connect', this.listeners.connect);
      this.webusb.removeEventListener('disconnect', this.listeners.disconnect);
    }
    this.webusb = undefined;
  }

  private async describe(device: UsbDescriptor): Promise<ConnectedDevice> {
    let serialNumber: string | null = null;
    try {
      serialNumber = device.serialNumber;
    } catch {
      // Unreadable string descriptor: sysfs may still have it.
    }
    const { handle, vendorId, productId, bus, address } = device;
    return toConnectedDevice({ handle, vendorId, productId, bus: String(bus), address, serialNumber }, await readUsbPorts(this.sysRoot));
  }
}
