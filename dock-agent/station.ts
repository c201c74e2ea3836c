import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Bay, sessionRequest, type BayContext } from './bay';
import type { IngestClient } from './client';
import type { DockAgentConfig } from './config';
import { assignBay, modelAllowed, type ConnectedDevice, type DeviceEvent, type UsbWatcher } from './devices';
import type { RecorderDriver } from './drivers';
import type { Journal, JournalRow } from './journal';
import { PlatformLink } from './link';
import { SlotPool } from './scheduler';
import type { Spool } from './spool';
import { megabytes } from '../core/bytes';
import type { StationStatus } from './status';
import { classifyFailure, hashAndSend, type ByteSource } from './transfer';

export interface StationDeps {
  config: Readonly<DockAgentConfig>;
  client: IngestClient;
  journal: Journal;
  spool: Spool;
  /** The driver for a device: simulated devices get one over their directory, real ones over sysfs. */
  driverFor(device: ConnectedDevice): RecorderDriver;
  log: (line: string) => void;
}

/**
 * The dock station: turns USB events into bays, shares transfer slots fairly between them, and
 * forwards the spool (and unrecorded purges) whenever the platform is reachable.
 */
export class Station {
  private readonly link: PlatformLink;
  private readonly slots: SlotPool;
  /** Bays of plugged-in devices, by device key. */
  private readonly active = new Map<string, Bay>();
  /** What the status shows, by bay number: an undocked bay stays until another recorder takes its place. */
  private readonly shown = new Map<number, Bay>();
  private readonly running = new Set<Promise<void>>();
  private readonly recorderTails = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly watchers: UsbWatcher[] = [];
  private wakeForwarder: () => void = () => {};
  /** Bytes the forwarder has moved: its share when it competes with the bays for slots. */
  private forwarded = 0;

  constructor(private readonly deps: StationDeps) {
    this.link = new PlatformLink(deps.client, deps.config.retryMs, deps.log);
    this.slots = new SlotPool(deps.config.concurrency);
  }

  /** Starts what it can; returns the watchers that failed to start, with why. */
  async start(watchers: readonly UsbWatcher[]): Promise<{ watcher: string; error: string }[]> {
    this.track(this.forward(this.stopping.signal));
    const failed: { watcher: string; error: string }[] = [];
    for (const watcher of watchers) {
      try {
        await watcher.start((event) => this.onDevice(event));
        this.watchers.push(watcher);
      } catch (error) {
        failed.push({ watcher: watcher.name, error: (error as Error).message });
      }
    }
    return failed;
  }

  /** Found unreachable before any transfer (at start): bays go straight to the spool. */
  platformDown(error: unknown): void {
    this.link.down(error);
  }

  async stop(): Promise<void> {
    for (const watcher of this.watchers) await watcher.stop();
    this.stopping.abort();
    this.link.stop();
    for (const bay of this.active.values()) bay.stop();
    await Promise.allSettled([...this.running]);
  }

  status(now = Date.now()): StationStatus {
    return {
      station: this.deps.config.station.code,
      updatedAt: new Date(now).toISOString(),
      platform: { reachable: this.link.reachable, error: this.link.error },
      spool: { dir: this.deps.config.spool.dir, ...this.deps.spool.usage() },
      purgesToRecord: this.deps.journal.inStates(['purge-deleted']).length,
      bays: [...this.shown.values()].sort((a, b) => a.number - b.number).map((bay) => bay.status(now)),
    };
  }

  private onDevice(event: DeviceEvent): void {
    if (event.kind === 'disconnect') {
      const bay = this.active.get(event.key);
      if (!bay) return;
      this.active.delete(event.key);
      bay.undock();
      return;
    }
    const { device } = event;
    if (this.active.has(device.key)) return; // already docked: a repeated event
    const name = `${device.vidPid}${device.serial ? ` serial ${device.serial}` : ''}${device.portPath ? ` on port ${device.portPath}` : ''}`;
    if (!modelAllowed(this.deps.config.allow, device.vidPid)) {
      this.deps.log(`ignoring USB device ${name}: not a recorder model on the allow-list`);
      return;
    }
    const number = assignBay(device, this.deps.config.bayPorts, new Set([...this.active.values()].map((b) => b.number)));
    const bay = new Bay(number, device, this.context(this.deps.driverFor(device)));
    this.active.set(device.key, bay);
    this.shown.set(number, bay);
    this.deps.log(`bay ${number}: recorder ${name} docked`);
    this.track(bay.run());
  }

  private context(driver: RecorderDriver): BayContext {
    const { config, client, journal, spool, log } = this.deps;
    return {
      config,
      client,
      journal,
      spool,
      link: this.link,
      slots: this.slots,
      driver,
      log,
      claimRecorder: (serial, signal, onWait) => this.claimRecorder(serial, signal, onWait),
      recordPurge: (row) => this.recordPurge(row),
      spooled: () => this.wakeForwarder(),
    };
  }

  /** One bay at a time per recorder serial (the same recorder, or a cloned serial, in two bays). */
  private async claimRecorder(serial: string, signal: AbortSignal, onWait: () => void): Promise<() => void> {
    const previous = this.recorderTails.get(serial);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = (previous ?? Promise.resolve()).then(() => mine);
    this.recorderTails.set(serial, tail);
    void tail.then(() => this.recorderTails.get(serial) === tail && this.recorderTails.delete(serial));
    if (previous !== undefined) {
      onWait();
      try {
        await abortable(previous, signal);
      } catch (error) {
        release(); // let the next one in line through
        throw error;
      }
    }
    return release;
  }

  private async recordPurge(row: JournalRow): Promise<void> {
    try {
      await this.deps.client.purged(row.uploadId!, new Date(row.purgedAt!));
      this.deps.journal.save({ ...row, state: 'purged' });
    } catch (error) {
      if (classifyFailure(error) === 'unreachable') this.link.down(error);
      else this.deps.log(`cannot record the purge of ${row.display} (recorder ${row.serial}) yet: ${(error as Error).message}`);
      throw error;
    }
  }

  /** Uploads spooled files and records pending purges while the platform is reachable. */
  private async forward(signal: AbortSignal): Promise<void> {
    const sessions = new Map<string, string>();
    const resting = new Map<string, number>(); // rows that failed, and until when they are left alone
    while (!signal.aborted) {
      try {
        await this.link.waitUp(signal);
        const now = Date.now();
        const id = (row: JournalRow) => `${row.serial}/${row.path.toString('hex')}/${row.size}/${row.mtimeMs}`;
        const due = (row: JournalRow) => (resting.get(id(row)) ?? 0) <= now;
        const rest = (row: JournalRow) => resting.set(id(row), Date.now() + this.deps.config.retryMs);
        // recordPurge reports its own failures.
        for (const row of this.deps.journal.inStates(['purge-deleted']).filter(due)) await this.recordPurge(row).catch(() => rest(row));
        const next = this.deps.journal.inStates(['spooled']).find(due);
        if (!next) {
          await this.idle(signal);
          continue;
        }
        await this.sendSpooled(next, sessions, signal).catch((error: unknown) => {
          rest(next);
          throw error;
        });
      } catch (error) {
        if (signal.aborted) return;
        if (classifyFailure(error) === 'unreachable') this.link.down(error);
        else this.deps.log(`spool: ${(error as Error).message}`);
        await sleep(Math.min(this.deps.config.retryMs, 1000), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private idle(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeForwarder = () => {};
        resolve();
      };
      const timer = setTimeout(done, this.deps.config.retryMs);
      this.wakeForwarder = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async sendSpooled(row: JournalRow, sessions: Map<string, string>, signal: AbortSignal): Promise<void> {
    const { client, journal, spool, config } = this.deps;
    const release = await this.slots.acquire({ important: row.context.metadata.important, served: () => this.forwarded }, signal);
    try {
      if (row.uploadId) {
        // A crash after "complete" but before the journal write: the platform already has it.
        const status = await client.status(row.uploadId).catch(() => null);
        if (status?.state === 'verified' && status.evidenceId) return await this.spoolDone(row, status.evidenceId);
      }
      const { bay, vidPid, officerNo, clockSkewMs } = row.context;
      const sessionKey = JSON.stringify([row.serial, bay, vidPid, officerNo, clockSkewMs]);
      let sessionId = sessions.get(sessionKey);
      if (!sessionId) {
        sessionId = (await client.openSession(sessionRequest(config, bay, vidPid, row.serial, officerNo, clockSkewMs))).sessionId;
        sessions.set(sessionKey, sessionId);
      }
      const upload = await client.createUpload(sessionId, { pathBase64: row.path.toString('base64'), size: row.size, metadata: row.context.metadata });
      journal.save({ ...row, uploadId: upload.uploadId });
      const path = spool.path(row.spoolFile!);
      const source: ByteSource = { size: row.size, open: (start, end) => createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 }) };
      const read = await hashAndSend(client, upload.uploadId, source, upload.offset, (n) => (this.forwarded += n));
      if (read.sha256 !== row.sha256 || read.sm3 !== row.sm3) {
        // The station disk damaged the copy. Never send it as the recorder's file: forget it, so the
        // recorder (if it still has the file) offloads it again.
        this.deps.log(`SPOOL DAMAGED: the copy of ${row.display} (recorder ${row.serial}) no longer matches the hash read from the recorder; it was discarded. Dock recorder ${row.serial} again`);
        journal.delete(row);
        await spool.discard(row.spoolFile!);
        return;
      }
      // The hashes sent are the ones computed while reading the recorder, not the spool's.
      const result = await client.complete(upload.uploadId, { sha256: row.sha256!, sm3: row.sm3! });
      await this.spoolDone({ ...row, uploadId: upload.uploadId }, result.evidenceId);
    } finally {
      release();
    }
  }

  private async spoolDone(row: JournalRow, evidenceId: string): Promise<void> {
    this.deps.journal.save({ ...row, state: 'verified', evidenceId, spoolFile: null });
    await this.deps.spool.discard(row.spoolFile!);
    this.deps.log(`spool: verified ${row.display} (recorder ${row.serial}, ${megabytes(row.size)} MB) evidence ${evidenceId}`);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.deps.log(`internal error: ${(error as Error).stack ?? String(error)}`)).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }
}

function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}
