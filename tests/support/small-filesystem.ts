import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A 2 MiB filesystem at `dir`: tmpfs, else a loop-mounted ext4 image (both need root). */
export async function smallFilesystem(dir: string): Promise<{ ok: true; unmount(): Promise<void> } | { ok: false; reason: string }> {
  await mkdir(dir, { recursive: true });
  const unmount = async () => {
    await run('umount', [dir]).catch(() => undefined);
  };
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
    return { ok: true, unmount };
  } catch (tmpfsError) {
    const image = `${dir}.img`;
    try {
      await run('truncate', ['-s', '2M', image]);
      await run('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
      await run('mount', ['-o', 'loop', image, dir]);
      return { ok: true, unmount };
    } catch (loopError) {
      return { ok: false, reason: `needs root to mount a small filesystem (tmpfs: ${(tmpfsError as Error).message.split('\n')[0]}; loop ext4: ${(loopError as Error).message.split('\n')[0]})` };
    }
  }
}
