import { WorkerPool } from '../worker-pool';
import { counterAt } from './encrypted';

/** Runs SM4-CTR (the store's AES runs on node:crypto): libgcrypt where it loads, else this file's pool. */
export interface CtrEngine {
  /** Shown with the store's description, e.g. "libgcrypt 1.10.1". */
  readonly label: string;
  /** `body` run through SM4-CTR from counter block `counter` (encryption and decryption alike), in order. */
  ctr(key: Buffer, counter: Buffer, body: AsyncIterable<Buffer>): AsyncIterable<Buffer>;
}

/**
 * The fallback engine where libgcrypt is missing (core/store/libgcrypt.ts): OpenSSL's SM4 on
 * worker threads, one per core. OpenSSL has SM4 in software only (about 90 MB/s a core here), so
 * the stream is cut into 1 MiB pieces, each from its own counter block, run side by side.
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

/** Pieces handed to the workers; a multiple of the block size, so each starts at its own counter. */
const PIECE_SIZE = 1024 * 1024;

export class CtrPool implements CtrEngine {
  readonly label: string;
  private readonly workers: WorkerPool;

  /** `why`: why the faster engine is not used, shown in the label. */
  constructor(options: { size?: number; idleMs?: number; why?: string } = {}) {
    this.workers = new WorkerPool(WORKER_SOURCE, 'encryption', options.size, options.idleMs);
    this.label = `OpenSSL on worker threads${options.why ? `; ${options.why}` : ''}`;
  }

  /** Runs the pieces a few ahead of the consumer, one per worker, and yields them in order. */
  async *ctr(key: Buffer, counter: Buffer, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const inFlight: Promise<Buffer>[] = [];
    let offset = 0;
    for await (const piece of pieces(body, PIECE_SIZE)) {
      const start = counterAt(counter, offset).counter;
      offset += piece.length; // before run: the piece's memory moves to a worker, leaving it empty here
      const done = this.run(key, start, piece);
      done.catch(() => {}); // awaited in order below; a failure must not count as unhandled meanwhile
      inFlight.push(done);
      if (inFlight.length > this.workers.size) yield await inFlight.shift()!;
    }
    while (inFlight.length > 0) yield await inFlight.shift()!;
  }

  private async run(key: Buffer, counter: Buffer, data: Buffer): Promise<Buffer> {
    const owned = data.byteOffset === 0 && data.buffer.byteLength === data.length && !(data.buffer instanceof SharedArrayBuffer);
    const out = await this.workers.call<Uint8Array>(this.workers.pick(), { key, counter, data }, owned ? [data.buffer as ArrayBuffer] : []);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }
}

/** Regroups a byte stream into pieces of exactly `size` bytes (the last may be shorter). */
async function* pieces(chunks: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let filled = 0;
  for await (let chunk of chunks) {
    while (filled + chunk.length >= size) {
      const take = size - filled;
      yield Buffer.concat([...held, chunk.subarray(0, take)], size);
      chunk = chunk.subarray(take);
      held = [];
      filled = 0;
    }
    if (chunk.length > 0) {
      held.push(chunk);
      filled += chunk.length;
    }
  }
  if (filled > 0) yield Buffer.concat(held, filled);
}
