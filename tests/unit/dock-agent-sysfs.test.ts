import { describe, expect, it } from 'vitest';
import { blockDevices, chooseVolume, findPort, parseMountInfo, usbPorts, type SysfsTree } from '../../dock-agent/sysfs';

/**
 * Fixtures recorded from sysfs (attribute files only, paths relative to the USB device's
 * directory) and from /proc/self/mountinfo on Debian 12 stations.
 */
const SCSI = '1-1.3:1.0/host6/target6:0:0/6:0:0:0';
const RECORDER_WITH_PARTITION: SysfsTree = new Map([
  [`${SCSI}/block/sdb/dev`, '8:16'],
  [`${SCSI}/block/sdb/sdb1/dev`, '8:17'],
  [`${SCSI}/block/sdb/sdb1/partition`, '1'],
  [`${SCSI}/bsg/6:0:0:0/dev`, '246:1'], // not a disk
  [`${SCSI}/scsi_generic/sg1/dev`, '21:1'], // not a disk
]);
const SUPERFLOPPY: SysfsTree = new Map([[`${SCSI}/block/sdc/dev`, '8:32']]); // FAT on the whole disk, no partition table
const TWO_PARTITIONS: SysfsTree = new Map([
  [`${SCSI}/block/sdd/dev`, '8:48'],
  [`${SCSI}/block/sdd/sdd10/dev`, '8:58'],
  [`${SCSI}/block/sdd/sdd10/partition`, '10'],
  [`${SCSI}/block/sdd/sdd2/dev`, '8:50'],
  [`${SCSI}/block/sdd/sdd2/partition`, '2'],
]);
const NOT_YET: SysfsTree = new Map([['1-1.3:1.0/bInterfaceClass', '08']]); // in command mode, or the disk is still coming up

const MOUNTINFO = [
  '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
  '98 22 8:17 / /media/station/DSJ\\0400001 rw,nosuid,nodev,relatime shared:50 - vfat /dev/sdb1 rw,fmask=0022,dmask=0022',
  '99 22 8:32 / /run/evidence-dock/port-1-1.4 ro,nosuid,nodev,noexec,relatime shared:51 - vfat /dev/sdc ro,fmask=0022',
  '100 22 8:50 / /mnt/by-uuid rw,relatime - exfat /dev/disk/by-uuid/1234-ABCD rw',
].join('\n');

describe('sysfs: USB ports', () => {
  const trees = new Map<string, SysfsTree>([
    ['usb1', new Map([['idVendor', '1d6b'], ['idProduct', '0002'], ['busnum', '1'], ['devnum', '1']])], // root hub
    ['1-1', new Map([['idVendor', '05e3'], ['idProduct', '0610'], ['busnum', '1'], ['devnum', '2']])], // the dock's hub
    ['1-1.3', new Map([['idVendor', '4255'], ['idProduct', '1000'], ['busnum', '1'], ['devnum', '7'], ['serial', 'DSJ0001']])],
    ['1-1.3:1.0', new Map([['bInterfaceClass', '08']])], // an interface, not a device
    ['1-1.4', new Map([['idVendor', '4255'], ['idProduct', '1000'], ['busnum', '1'], ['devnum', '8']])], // no serial string
  ]);

  it('lists devices (not root hubs, not interfaces) and finds one by bus and address', () => {
    const ports = usbPorts(trees);
    expect(ports.map((p) => p.port)).toEqual(['1-1', '1-1.3', '1-1.4']);
    expect(findPort(ports, 1, 7)).toEqual({ port: '1-1.3', busnum: 1, devnum: 7, vidPid: '4255:1000', serial: 'DSJ0001' });
    expect(findPort(ports, 1, 8)?.serial).toBeNull();
    expect(findPort(ports, 2, 7)).toBeUndefined();
  });
});

describe('sysfs and mountinfo: from a USB device to its volume', () => {
  const mounts = parseMountInfo(MOUNTINFO);

  it('parses mountinfo, unescaping paths and reading ro from either option list', () => {
    expect(mounts[1]).toEqual({ dev: '8:17', mountPoint: '/media/station/DSJ 0001', fsType: 'vfat', source: '/dev/sdb1', readOnly: false });
    expect(mounts[2]!.readOnly).toBe(true);
    expect(parseMountInfo('garbage\n\n')).toEqual([]);
  });

  it.each([
    ['a mounted partition', RECORDER_WITH_PARTITION, { kind: 'mounted', mountPoint: '/media/station/DSJ 0001', device: '/dev/sdb1', readOnly: false }],
    ['a whole-disk filesystem the agent mounted read-only', SUPERFLOPPY, { kind: 'mounted', mountPoint: '/run/evidence-dock/port-1-1.4', device: '/dev/sdc', readOnly: true }],
    ['a partition mounted through a /dev/disk/by-uuid link (matched by device number)', TWO_PARTITIONS, { kind: 'mounted', device: '/dev/sdd2' }],
    ['no disk yet', NOT_YET, { kind: 'no-disk' }],
  ])('%s', (_, tree, expected) => {
    expect(chooseVolume(blockDevices(tree), mounts)).toMatchObject(expected);
  });

  it.each([
    ['the first partition', RECORDER_WITH_PARTITION, '/dev/sdb1'],
    ['the disk itself when it has no partitions', SUPERFLOPPY, '/dev/sdc'],
    ['partitions in numeric order', TWO_PARTITIONS, '/dev/sdd2'],
  ])('when nothing is mounted yet, mounts %s', (_, tree, device) => {
    expect(chooseVolume(blockDevices(tree), [])).toEqual({ kind: 'unmounted', device });
  });

  it('finds only disks and partitions', () => {
    expect(blockDevices(RECORDER_WITH_PARTITION)).toEqual([
      { name: 'sdb', dev: '8:16', partition: false },
      { name: 'sdb1', dev: '8:17', partition: true },
    ]);
  });
});
