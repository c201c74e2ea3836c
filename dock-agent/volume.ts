import { createReadStream } from 'node:fs';
import { lstat, readdir, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fsyncPath } from '../core/files';
import { displayName } from '../core/names';
import type { ConnectedDevice } from './devices';

export interface VolumeFile {
  /** Absolute path as raw bytes: names on a recorder volume need not be valid UTF-8. */
  absolute: Buffer;
  /** Path relative to the volume root, '/'-separated, raw bytes. */
  relative: Buffer;
  /** Readable rendering of `relative` for logs and name patterns. */
  display: string;
  size: number;
  mtimeMs: number;
}

export interface SkippedEntry {
  display: string;
  reason: string;
}

/** A recorder's files, reachable as a directory once the recorder is in disk mode. */
export interface MountedVolume {
  readonly root: string;
  /** The bytes [start, end) of a listed file; end > start. */
  open(file: VolumeFile, start: number, end: number): Readable;
  /** Deletes a file: only ever for a purge after the platform verified it. */
  remove(file: VolumeFile): Promise<void>;
  /** Gives the volume back (unmounts it if the agent mounted it). */
  release(): Promise<void>;
}

/** Finds (and waits for) the volume of a connected recorder: sysfs and mounts for real devices, a directory for simulated ones. */
export interface VolumeSource {
  resolve(device: ConnectedDevice, signal: AbortSignal): Promise<MountedVolume>;
}

const SLASH = Buffer.from('/');

/**
 * Lists the regular files of a recorder volume. Symlinks are never followed and special files
 * (devices, sockets, FIFOs) are never opened: both are reported as skipped.
 */
export async function listVolume(root: string): Promise<{ files: VolumeFile[]; skipped: SkippedEntry[] }> {
  const files: VolumeFile[] = [];
  const skipped: SkippedEntry[] = [];
  const walk = async (dir: Buffer, relative: Buffer | null): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    for (const entry of entries) {
      const name = entry.name as unknown as Buffer;
      const absolute = Buffer.concat([dir, SLASH, name]);
      const rel = relative ? Buffer.concat([relative, SLASH, name]) : name;
      const display = displayName(rel);
      const info = await lstat(absolute);
      if (info.isSymbolicLink()) skipped.push({ display, reason: 'symbolic link (not followed)' });
      else if (info.isDirectory()) await walk(absolute, rel);
      else if (info.isFile()) files.push({ absolute, relative: rel, display, size: info.size, mtimeMs: info.mtimeMs });
      else skipped.push({ display, reason: 'special file (device, socket or FIFO)' });
    }
  };
  await walk(Buffer.from(root.replace(/\/+$/, '') || '/'), null);
  return { files, skipped };
}

/** A mounted directory read with plain file I/O. */
export function directoryVolume(root: string, release: () => Promise<void> = async () => {}): MountedVolume {
  return {
    root,
    open: (file, start, end) => createReadStream(file.absolute, { start, end: end - 1, highWaterMark: 1 << 20 }),
    remove: async (file) => {
      await unlink(file.absolute);
      // The deletion must be on the medium before the platform is told about it.
      await fsyncPath(file.absolute.subarray(0, file.absolute.lastIndexOf(SLASH[0]!)));
    },
    release,
  };
}
