import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SimulatedRecorder {
  serial: string;
  officerNo: string;
  volume: string;
  files: string[];
}

/**
 * A directory laid out like a GA/T 947 recorder's mass-storage volume, with real H.264 footage
 * made by ffmpeg: DCIM/normal/… and DCIM/important/…IMP.mp4, names {警号}_{设备编号}_{stamp}_{序号}.
 */
export async function makeSimulatedRecorder(
  root: string,
  options: { serial?: string; officerNo?: string; clips?: number; seconds?: number; start?: Date } = {},
): Promise<SimulatedRecorder> {
  const serial = options.serial ?? 'DSJ0001';
  const officerNo = options.officerNo ?? '010203';
  const clips = options.clips ?? 4;
  const seconds = options.seconds ?? 4;
  let at = options.start ?? new Date(Date.UTC(2026, 10, 25, 1, 30, 0));
  const files: string[] = [];
  for (let n = 1; n <= clips; n++) {
    const important = n === clips; // the last clip is the one the officer marked
    const folder = join(root, 'DCIM', important ? 'important' : 'normal');
    await mkdir(folder, { recursive: true });
    const name = `${officerNo}_${serial}_${stamp(at)}_${String(n).padStart(4, '0')}${important ? 'IMP' : ''}.mp4`;
    const path = join(folder, name);
    await makeClip(path, seconds, n);
    files.push(path);
    at = new Date(at.getTime() + seconds * 1000);
  }
  return { serial, officerNo, volume: root, files };
}

async function makeClip(path: string, seconds: number, variant: number): Promise<void> {
  const args = [
    '-nostdin', '-y', '-v', 'error',
    '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=${300 + variant * 110}:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
  ];
  try {
    await run('ffmpeg', args);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('ffmpeg is not installed; install it with: apt-get install ffmpeg');
    throw new Error(`ffmpeg could not make a demo clip: ${e.stderr ?? e.message}`);
  }
}

/** Recorder clocks are local time (China Standard Time, UTC+8) in file names. */
function stamp(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3600_000);
  return local.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
