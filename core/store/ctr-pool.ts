import { WorkerPool } from '../worker-pool';

/**
 * CTR blocks are independent, so a large object is encrypted in pieces on worker threads, one per
 * core: OpenSSL has SM4 in software only (about 90 MB/s a core, against GB/s for AES-NI), and one
 * thread would hold the whole commit of an original to one core.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
parentPort.on('message', ({ id, cipher, key, counter, data }) => {
  try {
    const out = createCipheriv(cipher, key, counter).update(data);
    // its own memory (not a slice of Node's pool) moves to the caller without a copy
    parentPort.postMessage({ id, out }, out.byteOffset === 0 && out.buffer.byteLength === out.length ? [out.buffer] : []);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) });
  }
});`;

export class CtrPool {
  private readonly workers: WorkerPool;

  constructor(size?: number, idleMs?: number) {
    this.workers = new WorkerPool(WORKER_SOURCE, 'encryption', size, idleMs);
  }

  get size(): number {
    return this.workers.size;
  }

  /** `data` run through `cipher` (a CTR mode) from counter block `counter`; `data` is unusable afterwards when it owns its memory (moved, not copied). */
  async run(cipher: string, key: Buffer, counter: Buffer, data: Buffer): Promise<Buffer> {
    const owned = data.byteOffset === 0 && data.buffer.byteLength === data.length && !(data.buffer instanceof SharedArrayBuffer);
    const out = await this.workers.call<Uint8Array>(this.workers.pick(), { cipher, key, counter, data }, owned ? [data.buffer as ArrayBuffer] : []);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }
}
