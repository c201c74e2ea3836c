import { availableParallelism } from 'node:os';
import { Worker, type Transferable } from 'node:worker_threads';

/**
 * Worker threads, one per core by default, started on first use and ended after `idleMs` without
 * work or open sessions, so a pool costs nothing while the process idles. `source` is CommonJS
 * evaluated in each worker (no file to find, in the sources as in the bundle): it answers every
 * message `{ id, ... }` with `{ id, out }` or `{ id, error }`, in the order the messages came.
 */
export class WorkerPool {
  readonly size: number;
  private readonly slots: (Slot | undefined)[];
  private next = 0;
  private seq = 0;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: string,
    private readonly name: string,
    size = availableParallelism(),
    private readonly idleMs = 10_000,
  ) {
    this.size = Math.max(1, size);
    this.slots = new Array<Slot | undefined>(this.size);
  }

  /** The next worker, round robin. */
  pick(): number {
    return this.next++ % this.size;
  }

  /** Sends `message` to worker `index`; resolves with its answer. */
  call<T>(index: number, message: object, transfer: Transferable[] = []): Promise<T> {
    const slot = this.slot(index);
    const id = this.seq++;
    this.touch();
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (out: unknown) => void, reject });
      slot.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /**
   * Keeps worker `index` alive (state held in it, such as a hash under way) until the returned
   * release is called; `lost` is told if the worker dies meanwhile, its state with it.
   */
  hold(index: number, lost: (err: Error) => void): () => void {
    const slot = this.slot(index);
    slot.holders.add(lost);
    return () => {
      slot.holders.delete(lost);
      this.touch();
    };
  }

  private slot(index: number): Slot {
    return (this.slots[index] ??= this.start(index));
  }

  private start(index: number): Slot {
    const worker = new Worker(this.source, { eval: true });
    worker.unref(); // never what keeps a process alive
    const slot: Slot = { worker, pending: new Map(), holders: new Set() };
    worker.on('message', (m: { id: number; out?: unknown; error?: string }) => {
      const p = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      if (m.error === undefined) p?.resolve(m.out);
      else p?.reject(new Error(`${this.name} worker: ${m.error}`));
    });
    const fail = (err: Error) => {
      if (this.slots[index] === slot) this.slots[index] = undefined;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      for (const lost of slot.holders) lost(err);
      slot.holders.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error(`${this.name} worker exited`)));
    return slot;
  }

  private touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.slots.some((s) => s && (s.pending.size > 0 || s.holders.size > 0))) return this.touch();
      for (const [i, s] of this.slots.entries()) {
        this.slots[i] = undefined;
        void s?.worker.terminate();
      }
    }, this.idleMs).unref();
  }
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(out: unknown): void; reject(err: Error): void }>;
  /** Who keeps state in this worker, told if it dies. */
  holders: Set<(err: Error) => void>;
}
