import { lstat, readdir } from 'node:fs/promises';
import { displayName } from '../core/names';

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
