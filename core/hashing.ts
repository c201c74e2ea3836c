import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { WorkerPool } from './worker-pool';

export interface Digests {
  sha256: string;
  sm3: string;
}

/** SHA-256 (primary integrity value) and SM3 (for Chinese courts) over the same bytes, in one pass. */
export class DualHasher {
  private readonly sha256: Hash = createHash('sha256');
  private readonly sm3: Hash = createHash('sm3');
  bytes = 0;

  update(chunk: Buffer): void {
    this.sha256.update(chunk);
    this.sm3.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): Digests {
    return { sha256: this.sha256.digest('hex'), sm3: this.sm3.digest('hex') };
  }
}

/** Feeds the first `bytes` bytes of a file (all of it when omitted) into `hasher`. */
export async function hashInto(hasher: DualHasher, path: string, bytes?: number): Promise<void> {
  if (bytes === 0) return;
  const range = bytes === undefined ? {} : { end: bytes - 1 };
  for await (const chunk of createReadStream(path, { ...range, highWaterMark: 1 << 20 })) hasher.update(chunk as Buffer);
}

export async function hashFile(path: string): Promise<Digests & { bytes: number }> {
  const hasher = new DualHasher();
  await hashInto(hasher, path);
  return { ...hasher.digest(), bytes: hasher.bytes };
}

/**
 * SHA-256 and SM3 on worker threads (the same node:crypto hashes as DualHasher), so a server
 * hashes what it receives on another core while its main thread receives and writes the next
 * bytes. A hash lives in one worker from `hasher()` to its digest.
 */
const HASH_WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const states = new Map();
function readInto(state, path, bytes) {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let done = 0;
    for (;;) {
      const want = bytes === undefined ? buffer.length : Math.min(buffer.length, bytes - done);
      if (want === 0) break;
      const n = readSync(fd, buffer, 0, want, done);
      if (n === 0) break;
      for (const h of state) h.update(buffer.subarray(0, n));
      done += n;
    }
    return done;
  } finally {
    closeSync(fd);
  }
}
parentPort.on('message', (m) => {
  try {
    let out;
    let transfer = [];
    if (m.op === 'open') states.set(m.hash, [createHash('sha256'), createHash('sm3')]);
    else {
      const state = states.get(m.hash);
      if (!state) throw new Error('no hash ' + m.hash + ' under way in this worker');
      if (m.op === 'update') {
        for (const h of state) h.update(m.data);
        out = m.data; // back to the sender for its next batch
        transfer = [m.data.buffer];
      } else if (m.op === 'file') out = readInto(state, m.path, m.bytes);
      else {
        states.delete(m.hash);
        if (m.op === 'digest') out = { sha256: state[0].digest('hex'), sm3: state[1].digest('hex') };
      }
    }
    parentPort.postMessage({ id: m.id, out }, transfer);
  } catch (err) {
    states.delete(m.hash); // a failed hash is over
    parentPort.postMessage({ id: m.id, error: String(err) });
  }
});`;

/** Bytes copied together into one message to a worker. */
const BATCH_BYTES = 1 << 20;
/** Bytes a hash may have queued for its worker before `update` waits: bounds memory when hashing is the slower side. */
const MAX_QUEUED_BYTES = 8 << 20;

export class HashPool {
  private readonly workers: WorkerPool;
  private seq = 0;

  constructor(size?: number) {
    this.workers = new WorkerPool(HASH_WORKER, 'hashing', size);
  }

  /** A new hash of SHA-256 and SM3 on one of the workers; `digest()` or `drop()` ends it. */
  hasher(): PooledHasher {
    return new PooledHasher(this.workers, this.workers.pick(), this.seq++);
  }
}

export class PooledHasher {
  bytes = 0;
  private batch: Buffer | undefined;
  private readonly spare: Buffer[] = [];
  private filled = 0;
  private queued = 0;
  private failure: Error | undefined;
  private waiting: { resolve(): void; reject(err: Error): void } | undefined;
  private release: (() => void) | undefined;

  constructor(
    private readonly workers: WorkerPool,
    private readonly index: number,
    private readonly hash: number,
  ) {
    this.release = workers.hold(index, (err) => this.fail(err));
    void this.send({ op: 'open' }); // a failure is kept and thrown by the next update or digest
  }

  /** Adds `chunk` (copied: the caller may reuse or write it); waits only while the worker is behind. */
  async update(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytes += chunk.length;
    for (let at = 0; at < chunk.length; ) {
      // Its own memory, moved to the worker and back without a copy: a hash holds a few such buffers, whatever its size.
      this.batch ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES);
      const copied = chunk.copy(this.batch, this.filled, at);
      this.filled += copied;
      at += copied;
      if (this.filled === BATCH_BYTES) this.flush();
    }
    if (this.queued > MAX_QUEUED_BYTES) {
      await new Promise<void>((resolve, reject) => {
        this.waiting = { resolve, reject };
      });
    }
  }

  /** Adds the first `bytes` bytes of a file (all of it when omitted), read by the worker. */
  async addFile(path: string, bytes?: number): Promise<void> {
    if (bytes === 0) return;
    this.flush();
    this.bytes += await this.send<number>({ op: 'file', path, bytes });
  }

  async digest(): Promise<Digests> {
    this.flush();
    const digests = await this.send<Digests>({ op: 'digest' });
    this.end();
    return digests;
  }

  /** Ends a hash that will not be finished (a failed request); harmless after `digest`. */
  drop(): void {
    if (!this.release) return;
    this.send({ op: 'drop' }).catch(() => {});
    this.end();
  }

  private flush(): void {
    if (!this.batch || this.filled === 0) return;
    const data = new Uint8Array(this.batch.buffer, 0, this.filled);
    const bytes = this.filled;
    this.batch = undefined;
    this.filled = 0;
    this.queued += bytes;
    this.send<Uint8Array>({ op: 'update', data }, [data.buffer as ArrayBuffer]).then((back) => {
      this.spare.push(Buffer.from(back.buffer as ArrayBuffer));
      this.queued -= bytes;
      if (this.queued <= MAX_QUEUED_BYTES) this.wake();
    }, () => {});
  }

  private send<T = void>(message: object, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const answer = this.workers.call<T>(this.index, { ...message, hash: this.hash }, transfer);
    answer.catch((err: Error) => this.fail(err));
    return answer;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.waiting?.reject(this.failure);
    this.waiting = undefined;
    this.end();
  }

  private wake(): void {
    this.waiting?.resolve();
    this.waiting = undefined;
  }

  private end(): void {
    this.release?.();
    this.release = undefined;
  }
}
