import { describe, expect, it } from 'vitest';
import { ProtocolMismatch, ServerProblem } from '../../dock-agent/client';
import { assignBay, identify, parseAllowEntry, type ConnectedDevice } from '../../dock-agent/devices';
import { clockSkew } from '../../dock-agent/drivers';
import type { JournalRow } from '../../dock-agent/journal';
import { DEFAULT_NAME_RULES, parseRecorderName } from '../../dock-agent/names';
import { observe, planFiles, type Candidate } from '../../dock-agent/plan';
import { pickNext, SlotPool } from '../../dock-agent/scheduler';
import { eta, formatDuration, nextRate, progressLine, renderTable, type BayStatus, type StationStatus } from '../../dock-agent/status';
import { classifyFailure } from '../../dock-agent/transfer';
import { toConnectedDevice } from '../../dock-agent/usb-watcher';
import type { UsbPortEntry } from '../../dock-agent/sysfs';

describe('recorder identification (VID:PID plus serial)', () => {
  const allow = ['4255:1000/DSJ*', '4255:2000/ABC0001'].map(parseAllowEntry);
  it.each([
    ['4255:1000', 'DSJ0001', true, ''],
    ['4255:1000', 'XYZ0001', false, 'not on the allow-list'],
    ['4255:2000', 'ABC0001', true, ''],
    ['4255:2000', 'ABC0002', false, 'not on the allow-list'],
    ['4255:3000', 'DSJ0001', false, 'not a recorder model'], // same vendor, other product: a different device
    ['4255:1000', null, false, 'no serial number'],
  ])('%s serial %s → %s', (vidPid, serial, ok, reason) => {
    const verdict = identify(allow, vidPid, serial);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict.reason).toContain(reason);
  });
});

describe('bay assignment', () => {
  const device = (over: Partial<ConnectedDevice>): ConnectedDevice => ({ key: 'k', vidPid: '4255:1000', serial: 'S', portPath: null, bay: null, ...over });
  const ports = new Map([['1-1.1', 1], ['1-1.2', 2]]);
  it.each([
    [device({ bay: 7 }), new Set<number>(), 7], // the simulated device says its bay
    [device({ portPath: '1-1.2' }), new Set<number>(), 2], // mapped port
    [device({ portPath: '1-1.9' }), new Set<number>(), 3], // unmapped: lowest number no mapped port uses
    [device({ portPath: '1-1.9' }), new Set([3, 4]), 5],
    [device({}), new Set([1]), 3],
  ])('%j', (d, occupied, bay) => {
    expect(assignBay(d, ports, occupied)).toBe(bay);
  });
});

describe('what to do with each file', () => {
  const now = 100_000;
  const file = (path: string, size = 10) => ({ absolute: Buffer.from(`/v/${path}`), relative: Buffer.from(path), display: path, size, mtimeMs: 5 });
  const row = (state: JournalRow['state'], uploadId: string | null = 'u1') => ({ state, uploadId }) as JournalRow;
  const candidate = (path: string, state?: JournalRow['state'], seenMsAgo = 10_000, grew = false): Candidate => ({
    file: file(path),
    meta: parseRecorderName(path, 480, DEFAULT_NAME_RULES),
    row: state ? row(state) : undefined,
    observation: { size: 10, mtimeMs: 5, since: now - seenMsAgo, grew },
  });

  it('sends new and half-sent files, important ones first, and leaves verified and spooled ones alone', () => {
    const plan = planFiles(
      [candidate('DCIM/normal/b.mp4'), candidate('DCIM/normal/a.mp4', 'sending'), candidate('DCIM/important/z.mp4'), candidate('x_y_20261125093000_1IMP.mp4'), candidate('DCIM/normal/c.mp4', 'verified'), candidate('d.mp4', 'spooled')],
      now, 5000, 'never',
    );
    expect(plan.send.map((c) => c.file.display)).toEqual(['DCIM/important/z.mp4', 'x_y_20261125093000_1IMP.mp4', 'DCIM/normal/a.mp4', 'DCIM/normal/b.mp4']);
    expect(plan.done.map((c) => c.file.display)).toEqual(['DCIM/normal/c.mp4', 'd.mp4']);
    expect(plan.purge).toEqual([]);
  });

  it('waits for files that changed recently, and says when to look again', () => {
    const plan = planFiles([candidate('a.mp4', undefined, 1000, true), candidate('b.mp4', undefined, 3000), candidate('c.mp4')], now, 5000, 'never');
    expect(plan.send.map((c) => c.file.display)).toEqual(['c.mp4']);
    expect(plan.waiting.map((c) => c.file.display)).toEqual(['a.mp4', 'b.mp4']);
    expect(plan.recheckInMs).toBe(2000);
  });

  it('purges under after-verify only what the platform verified (or a purge cut short), never spooled copies', () => {
    const plan = planFiles([candidate('a', 'verified'), candidate('b', 'purge-intent'), candidate('c', 'spooled'), candidate('d', 'purge-deleted'), candidate('e', 'sending')], now, 0, 'after-verify');
    expect(plan.purge.map((c) => c.file.display)).toEqual(['a', 'b']);
  });

  it.each([
    [undefined, { size: 1, mtimeMs: 1 }, { since: 50, grew: false }],
    [{ size: 1, mtimeMs: 1, since: 10, grew: false }, { size: 1, mtimeMs: 1 }, { since: 10, grew: false }],
    [{ size: 1, mtimeMs: 1, since: 10, grew: false }, { size: 2, mtimeMs: 1 }, { since: 50, grew: true }],
    [{ size: 1, mtimeMs: 1, since: 10, grew: false }, { size: 1, mtimeMs: 2 }, { since: 50, grew: true }],
  ])('observe(%j, %j)', (previous, now2, expected) => {
    expect(observe(previous, now2, 50)).toMatchObject(expected);
  });
});

describe('fair slots', () => {
  it.each([
    [[{ important: false, served: 10, since: 1 }, { important: false, served: 5, since: 2 }], 1], // least served
    [[{ important: false, served: 5, since: 2 }, { important: false, served: 5, since: 1 }], 1], // then longest waiting
    [[{ important: false, served: 0, since: 0 }, { important: true, served: 900, since: 5 }], 1], // important files first
    [[], -1],
  ])('%j → %i', (claims, index) => {
    expect(pickNext(claims)).toBe(index);
  });
});

describe('slot pool', () => {
  it('gives freed slots to waiting bays by the fair order, and forgets a bay that was unplugged while waiting', async () => {
    const pool = new SlotPool(1);
    const granted: string[] = [];
    // Each bay sends one file: it holds the slot briefly, then gives it back.
    const claim = (name: string, served: number, important = false, signal = new AbortController().signal) =>
      pool.acquire({ important, served: () => served }, signal).then((release) => {
        granted.push(name);
        setImmediate(release);
      });
    const first = pool.acquire({ important: false, served: () => 0 }, new AbortController().signal);
    const unplugged = new AbortController();
    const waiting = [claim('bay2 (served 900)', 900), claim('bay3 (served 10)', 10), claim('bay4 (unplugged)', 0, false, unplugged.signal).catch(() => granted.push('bay4 gave up')), claim('bay5 (important)', 5000, true)];
    unplugged.abort(new Error('unplugged'));
    (await first)();
    await Promise.all(waiting);
    expect(granted).toEqual(['bay4 gave up', 'bay5 (important)', 'bay3 (served 10)', 'bay2 (served 900)']);
  });
});

describe('failures', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    [coded('ECONNREFUSED'), 'unreachable'],
    [coded('ETIMEDOUT'), 'unreachable'],
    [coded('ECONNRESET'), 'unreachable'],
    [new ServerProblem(502, { title: 'Bad Gateway' }), 'unreachable'],
    [new ServerProblem(503, { title: 'Store Unavailable', retryable: true }), 'retry'],
    [new ServerProblem(409, { title: 'Upload Busy', retryable: true }), 'retry'],
    [new ServerProblem(422, { title: 'Hash Mismatch' }), 'retry'],
    [new ServerProblem(401, { title: 'Unauthorized' }), 'refused'],
    [new ServerProblem(413, { title: 'File Too Large' }), 'refused'],
    [new ProtocolMismatch('POST /ingest/v1/sessions answered 201 with a body the offload protocol does not define'), 'refused'],
    [coded('EIO'), 'recorder'],
    [coded('ENOENT'), 'recorder'],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'aborted'],
    [new Error('the file changed while it was read'), 'retry'],
  ])('%s → %s', (error, kind) => {
    expect(classifyFailure(error)).toBe(kind);
  });
});

describe('clock skew', () => {
  it.each([
    [new Date(10_090_000), 10_000_000, 10_000_000, 90_000],
    [new Date(9_000_000), 10_000_000, 10_000_200, -1_000_100], // measured at the middle of the call
  ])('recorder %s read between %i and %i → %i ms', (recorder, before, after, skew) => {
    expect(clockSkew(recorder, before, after)).toBe(skew);
  });
});

describe('USB devices', () => {
  const ports: UsbPortEntry[] = [
    { port: '1-1.2', busnum: 1, devnum: 5, vidPid: '4255:1000', serial: 'DSJ0002' },
    { port: '2-1', busnum: 2, devnum: 5, vidPid: '4255:1000', serial: null },
  ];
  it.each([
    [{ bus: '1', address: 5, serialNumber: 'FROMDESC' }, { portPath: '1-1.2', serial: 'FROMDESC' }],
    [{ bus: '1', address: 5, serialNumber: null }, { portPath: '1-1.2', serial: 'DSJ0002' }], // serial from sysfs
    [{ bus: '2', address: 5, serialNumber: null }, { portPath: '2-1', serial: null }], // none anywhere: cannot be identified
    [{ bus: '3', address: 9, serialNumber: 'X' }, { portPath: null, serial: 'X' }],
  ])('%j', (usb, expected) => {
    expect(toConnectedDevice({ handle: 'h', vendorId: 0x4255, productId: 0x1000, ...usb }, ports)).toMatchObject({ key: 'usb:h', vidPid: '4255:1000', bay: null, ...expected });
  });
});

describe('progress for people', () => {
  it('computes a steady rate and an ETA', () => {
    expect(nextRate(0, 30e6, 1000)).toBe(30e6);
    expect(nextRate(30e6, 0, 1000)).toBe(21e6);
    expect(eta(100e6, 25e6)).toBe(4);
    expect(eta(100e6, 0)).toBeNull();
    expect([formatDuration(59), formatDuration(3725), formatDuration(null)]).toEqual(['0:59', '1:02:05', '–']);
  });

  const bay: BayStatus = {
    bay: 3, state: 'offloading', message: 'offloading DCIM/a.mp4', mayUndock: false,
    recorder: { vidPid: '4255:1000', serial: 'DSJ0001', officerNo: null, unitNo: null, clockSkewMs: null },
    files: { total: 10, verified: 2, spooled: 1, failed: 0, growing: 0, skipped: 0 },
    bytes: { total: 850_300_000, done: 120_000_000 }, bytesPerSecond: 28_100_000, etaSeconds: 26,
    current: { path: 'DCIM/a.mp4', done: 1, size: 2 }, skipped: [], dockedAt: '2026-11-25T01:00:00.000Z',
  };

  it('writes one log line with files, MB, MB/s and ETA', () => {
    expect(progressLine(bay)).toBe('bay 3 DSJ0001: offloading, 3/10 files, 120.0/850.3 MB, 28.1 MB/s, ETA 0:26, now DCIM/a.mp4');
  });

  it('draws a table with one row and message per bay, and says when the platform is down', () => {
    const status: StationStatus = { station: 'PS-1', updatedAt: '', platform: { reachable: false, error: 'ECONNREFUSED' }, spool: { dir: '/s', files: 2, bytes: 5e6, maxBytes: 1e9 }, purgesToRecord: 0, bays: [{ ...bay, bay: 4, state: 'done', mayUndock: true, message: 'You may undock' }, bay] };
    const lines = renderTable(status);
    expect(lines[0]).toContain('PLATFORM UNREACHABLE (ECONNREFUSED)');
    expect(lines[0]).toContain('spool 2 files, 5.0 MB of 1.0 GB');
    expect(lines[2]).toMatch(/^ {2}3 {2}DSJ0001 +offloading +3\/10 +120\.0\/850\.3 +28\.1 +0:26 +no$/);
    expect(lines[3]).toBe('     offloading DCIM/a.mp4');
    expect(lines[4]).toMatch(/^ {2}4 .* YES$/);
  });
});
