import { open } from 'node:fs/promises';

/** Flushes a file, or a directory (so a rename or deletion in it survives a power cut), to the disk. */
export async function fsyncPath(path: string | Buffer): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
