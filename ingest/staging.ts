import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat, statfs, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Duplex, type Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncPath } from '../core/files';
import { isUuid } from '../core/ids';
import type { PooledHasher } from '../core/hashing';
import type { ObjectStore, SealedFiles } from '../core/store/port';

/**
 * Where the ingest keeps the bytes of uploads it has not verified yet: one partial file per
 * upload, named by the upload's id, until it is committed into the store. The ingest writes and
 * reclaims partials; the station page reads how far each upload got. Nothing else knows the folder.
 */
export interface Staging {
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
  /** Adds the first `bytes` staged bytes of an upload (all when omitted) to `hasher`. */
  hashInto(hasher: Pick<PooledHasher, 'addFile' | 'update'>, uploadId: string, bytes?: number): Promise<void>;
  /**
   * True when `commit` moves the partial into the store without copying a byte. Otherwise the
   * store copies every byte, so a writer receiving bytes puts them while they arrive.
   */
  readonly commitMoves: boolean;
  /** Moves a complete partial of `size` bytes into the store as `key`; the partial is gone after. */
  commit(uploadId: string, key: string, size: number): Promise<void>;
}

/** Upload ids are the server's uuids; a partial or an original named otherwise is not an upload's. */
export const isUploadId: (name: string) => boolean = isUuid;

/** Free bytes for an unprivileged writer on the filesystem holding `dir`. */
export async function freeSpaceOf(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

/** Reads of 1 MiB, as the filesystem store reads. */
const READ_CHUNK = 1024 * 1024;

/**
 * Staging in a local folder, for `store`. Where the store takes sealed files (encryption on the
 * filesystem store), partials are written sealed: no plaintext on the staging disk, the bytes
 * enciphered once, and the commit a rename. `freeSpace` reads the filesystem's free bytes (tests
 * inject a reading).
 */
export function diskStaging(dir: string, store: ObjectStore, freeSpace: (dir: string) => Promise<number> = freeSpaceOf): Staging {
  const path = (uploadId: string) => join(dir, uploadId);
  const form = store.sealedFiles ? sealedForm(store.sealedFiles, path) : clearForm(store, path);
  const bytes = async (uploadId: string) => (await form.state(uploadId))?.bytes ?? 0;
  const discard = async (uploadId: string) => {
    const state = await form.state(uploadId);
    await rm(path(uploadId), { force: true });
    if (state) await form.forget(state);
  };
  return {
    bytes,
    lastWrite: (uploadId) => stat(path(uploadId)).then((s) => s.mtime, () => null),
    freeSpace: () => freeSpace(dir),
    async append(uploadId, streams) {
      await mkdir(dir, { recursive: true });
      const state = (await form.state(uploadId)) ?? (await form.start(uploadId));
      await pipeline([...streams, ...form.stages(state), createWriteStream(path(uploadId), { flags: 'a' })]);
      await fsyncPath(path(uploadId));
    },
    async create(uploadId) {
      await mkdir(dir, { recursive: true });
      if (!(await form.state(uploadId))) await form.start(uploadId);
    },
    async truncate(uploadId, length) {
      const state = await form.state(uploadId);
      if (state) await truncate(path(uploadId), state.headerSize + length);
    },
    discard,
    async reclaim(abandoned) {
      const result = { uploadIds: [] as string[], bytes: 0 };
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!isUploadId(name) || !(await abandoned(name))) continue;
        result.bytes += await bytes(name);
        result.uploadIds.push(name);
        await discard(name);
      }
      return result;
    },
    async hashInto(hasher, uploadId, length) {
      const state = await form.state(uploadId);
      const wanted = Math.min(length ?? Number.POSITIVE_INFINITY, state?.bytes ?? 0);
      if (wanted === 0) return;
      if (!state?.header) return hasher.addFile(path(uploadId), wanted); // read and hashed on the hasher's worker
      const sealed = createReadStream(path(uploadId), { start: state.headerSize, end: state.headerSize + wanted - 1, highWaterMark: READ_CHUNK });
      for await (const chunk of form.unseal(state, sealed)) await hasher.update(chunk);
    },
    commitMoves: form.moves,
    commit: (uploadId, key, size) => form.commit(path(uploadId), key, size),
  };
}

/** A partial as it lies on disk: its content's length, and the header before it (sealed partials). */
interface PartialState {
  bytes: number;
  headerSize: number;
  header?: Buffer;
}

/** How partials are written and committed: in the clear, or sealed in the store's form. */
interface PartialForm {
  readonly moves: boolean;
  /** The partial's state, or null when there is none (nothing staged yet). */
  state(uploadId: string): Promise<PartialState | null>;
  /** Begins an empty partial. */
  start(uploadId: string): Promise<PartialState>;
  /** What the content passes through on its way into the partial. */
  stages(state: PartialState): Duplex[];
  unseal(state: PartialState, stored: AsyncIterable<Buffer>): AsyncIterable<Buffer>;
  commit(path: string, key: string, size: number): Promise<void>;
  forget(state: PartialState): Promise<void>;
}

function clearForm(store: ObjectStore, path: (uploadId: string) => string): PartialForm {
  return {
    moves: Boolean(store.putFileMoves),
    state: (uploadId) => stat(path(uploadId)).then((s) => ({ bytes: s.size, headerSize: 0 }), () => null),
    async start(uploadId) {
      await (await open(path(uploadId), 'a')).close();
      return { bytes: 0, headerSize: 0 };
    },
    stages: () => [],
    unseal: (_state, stored) => stored,
    commit: (file, key, size) => store.putFile(key, file, size),
    forget: async () => {},
  };
}

/**
 * A sealed partial is the header of the object it will become, then its content enciphered. A
 * partial without a whole header (cut off while starting, or staged in the clear by an older
 * version) holds nothing: the upload resumes from 0 and overwrites it.
 */
function sealedForm(sealed: SealedFiles, path: (uploadId: string) => string): PartialForm {
  const { headerSize } = sealed;
  return {
    moves: true,
    async state(uploadId) {
      const file = await open(path(uploadId), 'r').catch(() => null);
      if (!file) return null;
      try {
        const { size } = await file.stat();
        const { bytesRead, buffer } = await file.read(Buffer.alloc(headerSize), 0, headerSize, 0);
        const header = buffer.subarray(0, bytesRead);
        return size >= headerSize && sealed.isHeader(header) ? { bytes: size - headerSize, headerSize, header } : null;
      } finally {
        await file.close();
      }
    },
    async start(uploadId) {
      const header = await sealed.newHeader();
      await writeFile(path(uploadId), header);
      return { bytes: 0, headerSize, header };
    },
    stages: (state) => [Duplex.from((source: AsyncIterable<Buffer>) => sealed.cipher(state.header!, state.bytes, source))],
    unseal: (state, stored) => sealed.cipher(state.header!, 0, stored),
    commit: (file, key, size) => sealed.putFile(key, file, size),
    forget: (state) => sealed.forget(state.header!),
  };
}
