import { lstat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerProblem, type IngestClient } from './client';
import type { DockAgentConfig } from './config';
import { identify, type ConnectedDevice } from './devices';
import type { RecorderDriver, RecorderIdentity } from './drivers';
import { megabytes } from '../core/bytes';
import type { SessionRequest } from '../ingest/protocol';
import type { FileContext, Journal, JournalRow } from './journal';
import type { PlatformLink } from './link';
import { parseRecorderName } from './names';
import { fileKey, observe, planFiles, type Candidate, type Observation } from './plan';
import type { SlotPool } from './scheduler';
import { SpoolFullError, type Spool } from './spool';
import { eta, fileCount, nextRate, type BayState, type BayStatus } from './status';
import { classifyFailure, fileSource, hashAndSend } from './transfer';
import { listVolume, type MountedVolume, type SkippedEntry, type VolumeFile } from './volume';

/** What every bay shares with the station. */
export interface BayContext {
  config: Readonly<DockAgentConfig>;
  client: IngestClient;
  journal: Journal;
  spool: Spool;
  link: PlatformLink;
  slots: SlotPool;
  driver: RecorderDriver;
  log: (line: string) => void;
  /** Waits until no other bay is offloading the same recorder; resolves with the release. */
  claimRecorder(serial: string, signal: AbortSignal, onWait: () => void): Promise<() => void>;
  /** Tells the platform about a deletion (journal row purge-deleted → purged); retried by the station if it fails. */
  recordPurge(row: JournalRow): Promise<void>;
  /** A file went to the spool: the forwarder has work. */
  spooled(): void;
}

class FileChangedError extends Error {}

const ATTEMPTS = 5;

/** One docked recorder, from identification to "you may undock". */
export class Bay {
  private readonly abort = new AbortController();
  private state: BayState = 'identifying';
  private message = 'identifying the recorder…';
  private identity: RecorderIdentity | null = null;
  private clockSkewMs: number | null = null;
  private volume: MountedVolume | null = null;
  private sessionId: string | null = null;
  private readonly observations = new Map<string, Observation>();
  private readonly failures = new Map<string, string>();
  /** Files purged during this docking (gone from the listing, still part of what was offloaded), by path, with their size. */
  private readonly purged = new Map<string, number>();
  private files = { total: 0, verified: 0, spooled: 0, growing: 0 };
  private bytes = { total: 0, done: 0 };
  private skipped: SkippedEntry[] = [];
  private current: { path: string; done: number; size: number } | null = null;
  /** Bytes moved this docking: what fair scheduling compares. */
  private moved = 0;
  private offloadingMessage = 'offloading';
  private rate = { bytesPerSecond: 0, at: Date.now(), moved: 0 };
  private readonly dockedAt = new Date();

  constructor(readonly number: number, readonly device: ConnectedDevice, private readonly ctx: BayContext) {}

  async run(): Promise<void> {
    const signal = this.abort.signal;
    try {
      const attached = await this.ctx.driver.attach(this.device, signal);
      this.volume = attached.volume;
      this.identity = attached.identity;
      this.clockSkewMs = attached.clockSkewMs;
      const known = identify(this.ctx.config.allow, this.device.vidPid, attached.identity.serial);
      if (!known.ok) return this.set('ignored', `${known.reason}; nothing is read from it`);
      const release = await this.ctx.claimRecorder(attached.identity.serial, signal, () =>
        this.set('queued', `recorder ${attached.identity.serial} is already being offloaded in another bay; this bay waits for it`),
      );
      try {
        await this.offload(signal);
      } finally {
        release();
      }
    } catch (error) {
      if (signal.aborted) return;
      this.set('error', `cannot offload this recorder: ${(error as Error).message}`);
    } finally {
      await this.volume?.release().catch(() => undefined);
    }
  }

  /** The device was unplugged: stop whatever is under way (the journal and the platform keep what was done). */
  undock(): void {
    const remaining = this.files.total - this.files.verified - this.files.spooled;
    this.abort.abort(new Error('the recorder was unplugged'));
    this.current = null;
    this.set(
      'undocked',
      this.state === 'done'
        ? 'undocked after a complete offload'
        : this.state === 'ignored' || this.state === 'error'
          ? `undocked (${this.message})`
          : `UNDOCKED BEFORE THE OFFLOAD FINISHED: ${this.files.total > 0 ? `${fileCount(remaining)} ${remaining === 1 ? 'is' : 'are'}` : 'its files are'} still only on the recorder; dock it again`,
    );
  }

  /** The agent is stopping: cancel the work, which resumes from the journal on the next start. */
  stop(): void {
    this.abort.abort(new Error('the dock agent is stopping'));
    this.current = null;
    if (this.state !== 'done' && this.state !== 'undocked') this.set('stopped', `the dock agent stopped: ${this.message}; it resumes when the agent starts again`);
  }

  /** The bay as the status file shows it. Call once per status tick: it also advances the rate. */
  status(now = Date.now()): BayStatus {
    const moved = this.moved + (this.current?.done ?? 0);
    this.rate = { bytesPerSecond: nextRate(this.rate.bytesPerSecond, moved - this.rate.moved, now - this.rate.at), at: now, moved };
    const active = this.state === 'offloading' || this.state === 'spooling';
    const done = this.bytes.done + (this.current?.done ?? 0);
    return {
      bay: this.number,
      state: this.state,
      message: this.message,
      mayUndock: this.state === 'done',
      recorder: { vidPid: this.device.vidPid, serial: this.identity?.serial ?? this.device.serial, officerNo: this.identity?.officerNo ?? null, unitNo: this.identity?.unitNo ?? null, clockSkewMs: this.clockSkewMs },
      files: { ...this.files, failed: this.failures.size, skipped: this.skipped.length },
      bytes: { total: this.bytes.total, done },
      bytesPerSecond: active ? this.rate.bytesPerSecond : 0,
      etaSeconds: active ? eta(this.bytes.total - done, this.rate.bytesPerSecond) : null,
      current: this.current && { ...this.current },
      skipped: this.skipped.map((s) => ({ path: s.display, reason: s.reason })),
      dockedAt: this.dockedAt.toISOString(),
    };
  }

  private set(state: BayState, message: string): void {
    if (this.state === 'undocked') return;
    this.state = state;
    this.message = message;
  }

  private get serial(): string {
    return this.identity!.serial;
  }

  /** Passes over the volume until every file is verified, spooled, or failed. */
  private async offload(signal: AbortSignal): Promise<void> {
    const volume = this.volume!;
    this.set('offloading', 'reading the recorder…');
    for (;;) {
      signal.throwIfAborted();
      const { files, skipped } = await listVolume(volume.root);
      if (this.skipped.length === 0 && skipped.length > 0) for (const s of skipped) this.ctx.log(`bay ${this.number} ${this.serial}: skipped ${s.display}: ${s.reason}`);
      this.skipped = skipped;
      await this.settleInterruptedPurges(files);
      const now = Date.now();
      const candidates = files.map((file): Candidate => {
        const id = file.relative.toString('hex');
        const observation = observe(this.observations.get(id), file, now);
        this.observations.set(id, observation);
        return { file, meta: parseRecorderName(file.display, this.ctx.config.utcOffsetMinutes, this.ctx.config.names), row: this.ctx.journal.get(fileKey(this.serial, file)), observation };
      });
      const plan = planFiles(candidates, now, this.ctx.config.stableMs, this.ctx.config.purge);
      const send = plan.send.filter((c) => !this.failures.has(c.file.display));
      this.count(candidates, plan.waiting.filter((c) => c.observation.grew).length);
      for (const c of plan.purge) await this.purge(c.file, c.row!);
      if (send.length > 0) {
        this.offloadingMessage = `offloading ${fileCount(send.length)}${plan.done.length > 0 ? ` (${plan.done.length} already offloaded earlier)` : ''}`;
        this.set('offloading', this.offloadingMessage);
        for (const c of send) await this.transfer(c, signal);
        continue;
      }
      if (plan.waiting.length > 0) {
        const growing = plan.waiting.filter((c) => c.observation.grew).length;
        if (growing > 0) this.set('waiting-growing', `${fileCount(growing)} still being written by the recorder; offloaded once they stop changing`);
        else this.set('offloading', 'checking that the recorder has finished writing…');
        await sleep(plan.recheckInMs!, undefined, { signal });
        continue;
      }
      return this.finish();
    }
  }

  private count(candidates: readonly Candidate[], growing: number): void {
    const state = (c: Candidate) => c.row?.state;
    const done = candidates.filter((c) => state(c) !== undefined && state(c) !== 'sending');
    const spooled = done.filter((c) => state(c) === 'spooled').length;
    const listed = new Set(candidates.map((c) => c.file.relative.toString('hex')));
    const purged = [...this.purged].filter(([path]) => !listed.has(path)).map(([, size]) => size);
    const sum = (sizes: number[]) => sizes.reduce((a, b) => a + b, 0);
    this.files = { total: candidates.length + purged.length, verified: done.length - spooled + purged.length, spooled, growing };
    this.bytes = { total: sum(candidates.map((c) => c.file.size)) + sum(purged), done: sum(done.map((c) => c.file.size)) + sum(purged) };
  }

  private finish(): void {
    const { verified, spooled, total } = this.files;
    if (this.failures.size > 0) {
      const [path, reason] = [...this.failures][0]!;
      this.set('attention', `${this.failures.size} of ${fileCount(total)} could not be offloaded (${path}: ${reason}); they stay on the recorder. Tell the station administrator; do not wipe the recorder`);
      return;
    }
    const where = spooled > 0 ? `${verified} verified on the platform, ${spooled} held as verified copies at the station until the platform is reachable` : `all verified on the platform`;
    this.set('done', `${fileCount(total)} offloaded (${where}). You may undock the recorder`);
  }

  /** One file: directly to the platform when it is reachable, else into the spool. Retries passing problems. */
  private async transfer(c: Candidate, signal: AbortSignal): Promise<void> {
    const path = c.file.display;
    for (let attempt = 1; ; attempt++) {
      const release = await this.ctx.slots.acquire({ important: c.meta.important, served: () => this.moved }, signal);
      this.current = { path, done: 0, size: c.file.size };
      try {
        if (this.ctx.link.reachable) await this.sendDirect(c);
        else await this.spoolFile(c);
        this.bytes.done += c.file.size;
        return;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (error instanceof FileChangedError) {
          this.observations.set(c.file.relative.toString('hex'), { size: c.file.size, mtimeMs: c.file.mtimeMs, since: Date.now(), grew: true });
          return;
        }
        if (error instanceof SpoolFullError) {
          this.set('spool-full', `${error.message}: files not yet copied stay on the recorder. DO NOT UNDOCK; they are sent when the platform is reachable`);
          this.current = null;
          release();
          await this.ctx.link.waitUp(signal);
          continue;
        }
        const kind = classifyFailure(error);
        const message = (error as Error).message;
        if (kind === 'unreachable' || (kind === 'retry' && attempt >= ATTEMPTS && error instanceof ServerProblem && error.status >= 500)) {
          this.ctx.link.down(error);
          continue;
        }
        if (kind === 'retry' && attempt < ATTEMPTS) {
          this.ctx.log(`bay ${this.number} ${this.serial}: retrying ${path} (attempt ${attempt}): ${message}`);
          await sleep(Math.min(200 * 2 ** attempt, 5000), undefined, { signal });
          continue;
        }
        this.failures.set(path, message);
        this.ctx.log(`bay ${this.number} ${this.serial}: FAILED ${path}: ${message}`);
        return;
      } finally {
        this.moved += this.current?.done ?? 0;
        this.current = null;
        release();
      }
    }
  }

  private progress = (n: number): void => {
    if (this.current) this.current.done += n;
  };

  private async sendDirect(c: Candidate): Promise<void> {
    const { client, journal } = this.ctx;
    const key = fileKey(this.serial, c.file);
    const known = journal.get(key);
    if (known?.state === 'sending' && known.uploadId) {
      // A crash between "complete" and the journal write: the platform already has it.
      const status = await client.status(known.uploadId).catch((e: unknown) => (e instanceof ServerProblem && e.status === 404 ? null : Promise.reject(e)));
      if (status?.state === 'verified' && status.evidenceId) return this.verified(c, { ...known, state: 'verified', evidenceId: status.evidenceId }, true);
    }
    this.set('offloading', this.offloadingMessage);
    const context = this.context(c);
    const upload = await client.createUpload(await this.session(), { pathBase64: c.file.relative.toString('base64'), size: c.file.size, metadata: context.metadata });
    const row: JournalRow = { ...key, display: c.file.display, state: 'sending', uploadId: upload.uploadId, evidenceId: null, sha256: null, sm3: null, spoolFile: null, context, purgedAt: null };
    journal.save(row);
    if (upload.offset > 0) this.ctx.log(`bay ${this.number} ${this.serial}: resuming ${c.file.display} at ${megabytes(upload.offset)} MB (already on the platform)`);
    const digests = await hashAndSend(client, upload.uploadId, fileSource(this.volume!, c.file, this.abort.signal), upload.offset, this.progress);
    await this.assertUnchanged(c.file);
    const result = await client.complete(upload.uploadId, digests);
    await this.verified(c, { ...row, state: 'verified', evidenceId: result.evidenceId, ...digests }, result.duplicate, result.mayPurge);
  }

  private async verified(c: Candidate, row: JournalRow, duplicate: boolean, mayPurge = true): Promise<void> {
    this.ctx.journal.save(row);
    this.files.verified++;
    this.ctx.log(`bay ${this.number} ${this.serial}: verified ${c.file.display} (${megabytes(c.file.size)} MB) evidence ${row.evidenceId}${duplicate ? ' [already on the platform]' : ''}`);
    if (mayPurge && this.ctx.config.purge === 'after-verify') await this.purge(c.file, row);
  }

  private async spoolFile(c: Candidate): Promise<void> {
    this.set('spooling', 'the platform is unreachable: copying files to the station spool (do not undock yet)');
    const { name, digests } = await this.ctx.spool.copy(fileSource(this.volume!, c.file, this.abort.signal), this.progress);
    try {
      await this.assertUnchanged(c.file);
    } catch (error) {
      await this.ctx.spool.discard(name);
      throw error;
    }
    const key = fileKey(this.serial, c.file);
    this.ctx.journal.save({ ...key, display: c.file.display, state: 'spooled', uploadId: null, evidenceId: null, ...digests, spoolFile: name, context: this.context(c), purgedAt: null });
    this.files.spooled++;
    this.ctx.log(`bay ${this.number} ${this.serial}: spooled ${c.file.display} (${megabytes(c.file.size)} MB); the verified copy waits at the station for the platform`);
    this.ctx.spooled();
  }

  /**
   * Purge order: journal the intent, delete from the recorder (synced), journal the deletion, then
   * tell the platform (retried from the journal until it answers). The platform never hears of a
   * deletion that did not happen; a deletion it has not heard of yet stays in the journal until it
   * has. A crash between intent and deletion is settled on the next docking (settleInterruptedPurges).
   */
  private async purge(file: VolumeFile, row: JournalRow): Promise<void> {
    const { journal } = this.ctx;
    journal.save({ ...row, state: 'purge-intent' });
    try {
      await this.volume!.remove(file);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const readOnly = code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
      // Read-only: keep the file. Anything else (unplugged mid-purge…): the intent is settled at the next docking.
      if (readOnly) journal.save({ ...row, state: 'verified' });
      this.ctx.log(`bay ${this.number} ${this.serial}: cannot purge ${file.display}: ${readOnly ? `the volume is not writable (${code}); the file stays on the recorder` : `${(error as Error).message}; settled at the next docking`}`);
      return;
    }
    const deleted: JournalRow = { ...row, state: 'purge-deleted', purgedAt: new Date().toISOString() };
    journal.save(deleted);
    this.purged.set(file.relative.toString('hex'), file.size);
    this.ctx.log(`bay ${this.number} ${this.serial}: purged ${file.display} from the recorder (verified as evidence ${row.evidenceId})`);
    await this.ctx.recordPurge(deleted).catch(() => undefined);
  }

  /** Purges cut short by a crash or an unplug: finish the deletion, or record the one that happened. */
  private async settleInterruptedPurges(files: readonly VolumeFile[]): Promise<void> {
    for (const row of this.ctx.journal.inStates(['purge-intent'], this.serial)) {
      const file = files.find((f) => f.relative.equals(row.path) && f.size === row.size && Math.floor(f.mtimeMs) === row.mtimeMs);
      if (file && this.ctx.config.purge === 'after-verify') continue; // still there: the plan purges it again
      if (file) {
        this.ctx.journal.save({ ...row, state: 'verified' }); // the policy changed to never: keep it
        continue;
      }
      const deleted: JournalRow = { ...row, state: 'purge-deleted', purgedAt: new Date().toISOString() };
      this.ctx.journal.save(deleted);
      await this.ctx.recordPurge(deleted).catch(() => undefined);
    }
  }

  private async assertUnchanged(file: VolumeFile): Promise<void> {
    const now = await lstat(file.absolute);
    if (now.size !== file.size || now.mtimeMs !== file.mtimeMs) {
      this.ctx.log(`bay ${this.number} ${this.serial}: ${file.display} changed while it was read (the recorder is still writing it); it is taken once it stops changing`);
      throw new FileChangedError();
    }
  }

  private context(c: Candidate): FileContext {
    const officerNo = c.meta.officerNo ?? this.identity!.officerNo;
    return {
      bay: this.number,
      vidPid: this.device.vidPid,
      officerNo: this.identity!.officerNo,
      clockSkewMs: this.clockSkewMs,
      metadata: { officerNo, deviceSerial: c.meta.deviceSerial, recordedAt: c.meta.recordedAt, stationTime: new Date().toISOString(), important: c.meta.important },
    };
  }

  private async session(): Promise<string> {
    this.sessionId ??= (await this.ctx.client.openSession(sessionRequest(this.ctx.config, this.number, this.device.vidPid, this.identity!.serial, this.identity!.officerNo, this.clockSkewMs))).sessionId;
    return this.sessionId;
  }
}

/** The session of one docking; the recorder clock is sent so that the platform keeps the skew on every file. */
export function sessionRequest(config: Readonly<DockAgentConfig>, bay: number, vidPid: string, serial: string, officerNo: string | null, clockSkewMs: number | null): SessionRequest {
  const now = Date.now();
  return {
    station: config.station,
    bay,
    recorder: { serial, vidPid, ...(officerNo ? { officerNo } : {}), ...(clockSkewMs !== null ? { clock: new Date(now + clockSkewMs).toISOString() } : {}) },
    stationClock: new Date(now).toISOString(),
  };
}
