import { WorkerPool } from '../worker-pool';

/**
 * Runs SM4-CTR over the 1 MiB pieces of a large object off the main thread. CTR blocks are
 * independent, so pieces run side by side, each from its own counter block.
 */
export interface CtrEngine {
  /** Shown with the store's description, e.g. "libgcrypt 1.10.1". */
  readonly label: string;
  /** How many pieces are worth keeping in flight. */
  readonly parallelism: number;
  /** `data` run through SM4-CTR from counter block `counter`; `data` itself is consumed (encrypted in place or moved). */
  run(key: Buffer, counter: Buffer, data: Buffer): Promise<Buffer>;
}

/**
 * The fallback engine where libgcrypt is missing (core/store/libgcrypt.ts): OpenSSL's SM4 on
 * worker threads, one per core. OpenSSL has SM4 in software only (about 90 MB/s a core here).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
parentPort.on('message', ({ id, key, counter, data }) => {
  try {
    const out = createCipheriv('sm4-ctr', key, counter).update(data);
    // its own memory (not a slice of Node's pool) moves to the caller without a copy
    parentPort.postMessage({ id, out }, out.byteOffset === 0 && out.buffer.byteLength === out.length ? [out.buffer] : []);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) });
  }
});`;

export class CtrPool implements CtrEngine {
  readonly label: string;
  private readonly workers: WorkerPool;

  /** `why`: why the faster engine is not used, shown in the label. */
  constructor(options: { size?: number; idleMs?: number; why?: string } = {}) {
    this.workers = new WorkerPool(WORKER_SOURCE, 'encryption', options.size, options.idleMs);
    this.label = `OpenSSL on worker threads${options.why ? `; ${options.why}` : ''}`;
  }

  get parallelism(): number {
    return this.workers.size;
  }

  async run(key: Buffer, counter: Buffer, data: Buffer): Promise<Buffer> {
    const owned = data.byteOffset === 0 && data.buffer.byteLength === data.length && !(data.buffer instanceof SharedArrayBuffer);
    const out = await this.workers.call<Uint8Array>(this.workers.pick(), { key, counter, data }, owned ? [data.buffer as ArrayBuffer] : []);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }
}
