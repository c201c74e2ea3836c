import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { addAbortSignal, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncPath } from '../core/files';
import { isNetworkError } from '../core/network';
import { DualHasher, type Digests } from '../core/hashing';
import { ProtocolMismatch, ServerProblem, type IngestClient } from './client';
import type { MountedVolume, VolumeFile } from './volume';

/** Bytes of one file, opened by range: a recorder file, or its copy in the spool. */
export interface ByteSource {
  readonly size: number;
  /** The bytes [start, end); end > start. */
  open(start: number, end: number): Readable;
}

type OnBytes = (bytes: number) => void;

/** A file on a recorder volume; reading stops with an AbortError when `signal` aborts (the recorder was unplugged). */
export const fileSource = (volume: MountedVolume, file: VolumeFile, signal?: AbortSignal): ByteSource => ({
  size: file.size,
  open: (start, end) => (signal ? addAbortSignal(signal, volume.open(file, start, end)) : volume.open(file, start, end)),
});

/**
 * One read of the file: bytes before `offset` (already on the server) are only hashed, the rest
 * are hashed and sent in the same pass. Resolves with the digests of the whole file.
 */
export async function hashAndSend(client: IngestClient, uploadId: string, source: ByteSource, offset: number, onBytes: OnBytes = () => {}): Promise<Digests> {
  const hasher = new DualHasher();
  if (offset > 0) {
    for await (const chunk of source.open(0, offset)) {
      hasher.update(chunk as Buffer);
      onBytes((chunk as Buffer).length);
    }
  }
  if (offset < source.size) {
    const tap = hashingTap(hasher, onBytes);
    const reading = pipeline(source.open(offset, source.size), tap);
    reading.catch(() => {}); // a read error destroys `tap`, which fails the send below
    await client.sendBytes(uploadId, offset, tap, source.size - offset);
    await reading;
  }
  return finish(hasher, source.size);
}

/** One read of the file into `path`, hashing the same bytes; the copy is on disk (fsynced) when this resolves. */
export async function hashAndCopy(source: ByteSource, path: string, onBytes: OnBytes = () => {}): Promise<Digests> {
  const hasher = new DualHasher();
  if (source.size > 0) await pipeline(source.open(0, source.size), hashingTap(hasher, onBytes), createWriteStream(path, { flags: 'wx' }));
  else await writeFile(path, '', { flag: 'wx' });
  await fsyncPath(path);
  return finish(hasher, source.size);
}

function hashingTap(hasher: DualHasher, onBytes: OnBytes): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hasher.update(chunk);
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

function finish(hasher: DualHasher, size: number): Digests {
  if (hasher.bytes !== size) throw new Error(`the file changed while it was read (${hasher.bytes} of ${size} bytes)`);
  return hasher.digest();
}

/**
 * What a failed step means for the station: the platform cannot be reached (spool instead), a
 * passing problem (try again), a refusal (the file or the station is not accepted; trying again
 * will not help), the recorder could not be read (unplugged?), or the work was cancelled.
 */
export type FailureKind = 'aborted' | 'recorder' | 'unreachable' | 'retry' | 'refused';

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ServerProblem) {
    if (error.status === 502 || error.status === 504) return 'unreachable'; // a proxy in front of a platform that is down
    if (error.status === 409 || error.status === 422 || error.retryable) return 'retry';
    return 'refused';
  }
  if (error instanceof ProtocolMismatch) return 'refused'; // a platform speaking another protocol: retrying will not help
  const e = error as { name?: string; code?: string };
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return 'aborted';
  if (isNetworkError(error)) return 'unreachable';
  if (e?.code && /^E[A-Z]+$/.test(e.code)) return 'recorder'; // EIO, ENOENT, ENODEV…: reading the volume failed
  return 'retry';
}
