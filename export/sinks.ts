import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/** Where a package is written: a folder or one zip file. Files arrive one at a time, streamed. */
export interface PackageSink {
  /** Writes one file and resolves once all of `body` is written; rejects with `body`'s error. */
  add(path: string, body: Readable, size: number, compress: boolean): Promise<void>;
  /** Completes the package and moves it into place; a zip reports its own size and SHA-256. */
  finish(): Promise<{ size: number; sha256: string } | null>;
  /** Removes everything written so far; nothing is left at the target. */
  abort(): Promise<void>;
}

const partial = (target: string) => `${target}.partial-${randomUUID().slice(0, 8)}`;

/** Writes into a sibling temp folder renamed to `dir` on finish (`dir` must not exist, or be empty). */
export function directorySink(dir: string): PackageSink {
  const temp = partial(dir);
  return {
    async add(path, body) {
      const target = join(temp, ...path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await pipeline(body, createWriteStream(target, { flags: 'wx', mode: 0o644 }));
    },
    async finish() {
      await rename(temp, dir);
      return null;
    },
    abort: () => rm(temp, { recursive: true, force: true }),
  };
}

/** Streams a zip (ZIP64 when needed) into a temp file renamed to `file` on finish, hashing it on the way. */
export function zipSink(file: string, mtime: Date): PackageSink {
  const temp = partial(file);
  const zip = new ZipFile();
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(zip.outputStream, counter, createWriteStream(temp, { mode: 0o644 }));
  // Any failure of the zip writer or the disk fails the file being added and every one after it.
  const broken = new Promise<never>((_, reject) => {
    zip.on('error', reject);
    written.catch(reject);
  });
  broken.catch(() => {});
  return {
    async add(path, body, bytes, compress) {
      zip.addReadStream(body, path, { size: bytes, compress, mtime, mode: 0o100644 });
      await Promise.race([finished(body), broken]);
    },
    async finish() {
      zip.end();
      await Promise.race([written, broken]);
      await rename(temp, file);
      return { size, sha256: hash.digest('hex') };
    },
    async abort() {
      (zip.outputStream as Readable).destroy();
      await written.catch(() => {});
      await rm(temp, { force: true });
    },
  };
}
