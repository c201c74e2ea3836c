import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

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
