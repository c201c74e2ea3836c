import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { megabytes } from '../core/bytes';
import { fsyncPath } from '../core/files';
import { hashFile, type Digests } from '../core/hashing';
import type { Journal } from './journal';
import { hashAndCopy, type ByteSource } from './transfer';

/** Names the spool gives its copies (anything else in the directory, e.g. lost+found, is left alone). */
const OURS = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.part)?$/;

export class SpoolFullError extends Error {
  override name = 'SpoolFullError';
}

export interface SpoolUsage {
  files: number;
  bytes: number;
  maxBytes: number;
}

/**
 * Store-and-forward: while the platform is unreachable, recorder files are copied here (bounded by
 * --spool-max and by the free space of the disk) and uploaded later. A copy counts only once it is
 * fsynced and its own hash equals the hash computed while the recorder was read.
 */
export class Spool {
  /** Bytes promised to copies in progress. */
  private reserved = 0;

  constructor(private readonly dir: string, private readonly maxBytes: number, private readonly journal: Journal) {}

  /** Removes what a crash left behind: partial copies and copies the journal never recorded. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const kept = new Set(this.journal.inStates(['spooled']).map((r) => r.spoolFile));
    for (const name of await readdir(this.dir)) {
      if (OURS.test(name) && !kept.has(name)) await rm(join(this.dir, name), { force: true });
    }
  }

  usage(): SpoolUsage {
    const rows = this.journal.inStates(['spooled']);
    return { files: rows.length, bytes: rows.reduce((sum, r) => sum + r.size, 0), maxBytes: this.maxBytes };
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Copies `source` into the spool (one read of it) and proves the copy; returns the copy's name and the digests. */
  async copy(source: ByteSource, onBytes: (n: number) => void): Promise<{ name: string; digests: Digests }> {
    await this.reserve(source.size);
    const name = randomUUID();
    const partial = this.path(`${name}.part`);
    try {
      const digests = await hashAndCopy(source, partial, onBytes);
      const copy = await hashFile(partial);
      if (copy.sha256 !== digests.sha256 || copy.sm3 !== digests.sm3) throw new Error('the spooled copy does not match what was read from the recorder');
      await rename(partial, this.path(name));
      await fsyncPath(this.dir);
      return { name, digests };
    } catch (error) {
      await rm(partial, { force: true });
      if ((error as { code?: string }).code === 'ENOSPC') throw new SpoolFullError(`the spool disk (${this.dir}) is full`);
      throw error;
    } finally {
      this.reserved -= source.size;
    }
  }

  async discard(name: string): Promise<void> {
    await rm(this.path(name), { force: true });
  }

  private async reserve(size: number): Promise<void> {
    const used = this.usage().bytes + this.reserved;
    if (used + size > this.maxBytes) {
      throw new SpoolFullError(`the spool is full (${megabytes(used)} of ${megabytes(this.maxBytes)} MB used by files waiting for the platform; this file needs ${megabytes(size)} MB)`);
    }
    const fs = await statfs(this.dir);
    const free = fs.bavail * fs.bsize - this.reserved;
    if (size > free) throw new SpoolFullError(`the spool disk (${this.dir}) is full (${megabytes(free)} MB free; this file needs ${megabytes(size)} MB)`);
    this.reserved += size;
  }
}

