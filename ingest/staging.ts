import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat, statfs, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncPath } from '../core/files';
import { isUuid } from '../core/ids';

/**
 * Where the ingest keeps the bytes of uploads it has not verified yet: one partial file per
 * upload, named by the upload's id. The ingest writes and reclaims partials; the station page
 * reads how far each upload got. Nothing else knows the folder.
 */
export interface Staging {
  /** The partial file of an upload (it may not exist yet). */
  path(uploadId: string): string;
  /** Bytes staged so far for an upload; 0 when it has none. */
  bytes(uploadId: string): Promise<number>;
  /** When the last byte was staged, or null when nothing is. */
  lastWrite(uploadId: string): Promise<Date | null>;
  /** Free bytes on the staging filesystem. */
  freeSpace(): Promise<number>;
  /** Appends what flows through `streams` to the upload's partial; on disk (fsynced) when this resolves. */
  append(uploadId: string, streams: [Readable, ...Transform[]]): Promise<void>;
  /** A partial of zero bytes, for a file that never gets a chunk. */
  create(uploadId: string): Promise<void>;
  /** Cuts the partial back to `bytes`. */
  truncate(uploadId: string, bytes: number): Promise<void>;
  discard(uploadId: string): Promise<void>;
  /** Deletes the partials `abandoned` says no dock can resume; what it freed. */
  reclaim(abandoned: (uploadId: string) => Promise<boolean>): Promise<{ uploadIds: string[]; bytes: number }>;
}

/** Upload ids are the server's uuids; a partial or an original named otherwise is not an upload's. */
export const isUploadId: (name: string) => boolean = isUuid;

/** Free bytes for an unprivileged writer on the filesystem holding `dir`. */
export async function freeSpaceOf(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

/** Staging in a local folder. `freeSpace` reads the filesystem's free bytes (tests inject a reading). */
export function diskStaging(dir: string, freeSpace: (dir: string) => Promise<number> = freeSpaceOf): Staging {
  const path = (uploadId: string) => join(dir, uploadId);
  const bytes = (uploadId: string) => stat(path(uploadId)).then((s) => s.size, () => 0);
  return {
    path,
    bytes,
    lastWrite: (uploadId) => stat(path(uploadId)).then((s) => s.mtime, () => null),
    freeSpace: () => freeSpace(dir),
    async append(uploadId, streams) {
      await mkdir(dir, { recursive: true });
      await pipeline([...streams, createWriteStream(path(uploadId), { flags: 'a' })]);
      await fsyncPath(path(uploadId));
    },
    async create(uploadId) {
      await mkdir(dir, { recursive: true });
      await (await open(path(uploadId), 'a')).close();
    },
    truncate: (uploadId, length) => truncate(path(uploadId), length),
    discard: (uploadId) => rm(path(uploadId), { force: true }),
    async reclaim(abandoned) {
      const result = { uploadIds: [] as string[], bytes: 0 };
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!isUploadId(name) || !(await abandoned(name))) continue;
        result.bytes += await bytes(name);
        result.uploadIds.push(name);
        await rm(path(name), { force: true });
      }
      return result;
    },
  };
}
