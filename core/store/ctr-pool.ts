import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * CTR blocks are independent, so a large object is encrypted in pieces on worker threads, one per
 * core: OpenSSL has SM4 in software only (about 90 MB/s a core, against GB/s for AES-NI), and one
 * thread would hold the whole commit of an original to one core. Workers start on first use and
 * exit after a while without work, so a pool costs nothing when idle.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
parentPort.on('message', ({ id, cipher, key, counter, data }) => {
  try {
    parentPort.postMessage({ id, out: createCipheriv(cipher, key, counter).update(data) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) });
  }
});`;

interface Pending {
  resolve(out: Buffer): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class CtrPool {
  readonly size: number;
  private readonly slots: (Slot | undefined)[];
  private next = 0;
  private seq = 0;
  private idle: NodeJS.Timeout | undefined;

  constructor(size = availableParallelism(), private readonly idleMs = 10_000) {
    this.size = Math.max(1, size);
    this.slots = new Array<Slot | undefined>(this.size);
  }

  /** `data` run through `cipher` (a CTR mode) from counter block `counter`. */
  run(cipher: string, key: Buffer, counter: Buffer, data: Buffer): Promise<Buffer> {
    const index = this.next++ % this.size;
    const slot = (this.slots[index] ??= this.start(index));
    const id = this.seq++;
    this.touch();
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, cipher, key, counter, data });
    });
  }

  private start(index: number): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref(); // never what keeps a process alive
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (m: { id: number; out?: Uint8Array; error?: string }) => {
      const p = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      if (m.out) p?.resolve(Buffer.from(m.out.buffer, m.out.byteOffset, m.out.byteLength));
      else p?.reject(new Error(`encryption worker: ${m.error}`));
    });
    const fail = (err: Error) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      if (this.slots[index] === slot) this.slots[index] = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('encryption worker exited')));
    return slot;
  }

  private touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.slots.some((s) => s && s.pending.size > 0)) return this.touch();
      for (const [i, s] of this.slots.entries()) {
        this.slots[i] = undefined;
        void s?.worker.terminate();
      }
    }, this.idleMs).unref();
  }
}
