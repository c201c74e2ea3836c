import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS } from '../../transcode/args';
import type { FfmpegJob } from '../../transcode/args';
import { FfmpegError, runFfmpeg } from '../../transcode/runner';

/** A synthetic source: the runner runs any job, not only those from args.ts. */
function testSourceJob(output: string, seconds: number, extraOutput: string[] = []): FfmpegJob {
  return {
    global: [...GLOBAL_OPTIONS],
    inputs: [{ options: ['-f', 'lavfi', '-re'], path: `testsrc2=size=160x120:rate=25:duration=${seconds}` }],
    outputs: [{ options: ['-c:v', 'libx264', '-preset', 'ultrafast', ...extraOutput, '-f', 'mp4'], path: output }],
  };
}

describe('runFfmpeg', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports growing percentages of the known duration, ending at 100', async () => {
    const seen: number[] = [];
    await runFfmpeg(testSourceJob(join(dir, 'ok.mp4'), 1.5), { durationSeconds: 1.5, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(2); // -re paces it, so blocks arrive every 0.5 s
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(100);
  });

  it('rejects with the tail of stderr when ffmpeg fails', async () => {
    const job = testSourceJob(join(dir, 'odd.mp4'), 1, ['-vf', 'scale=161:121', '-pix_fmt', 'yuv420p']);
    const error = await runFfmpeg(job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as FfmpegError).message).toMatch(/^ffmpeg exited with code \d+: /);
    expect((error as FfmpegError).stderrTail).toMatch(/divisible by 2/);
    expect((error as FfmpegError).stderrTail).not.toMatch(/out_time_us=/);
  });

  it('kills ffmpeg on abort', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const run = runFfmpeg(testSourceJob(join(dir, 'abort.mp4'), 60), { signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('kills ffmpeg aborted before it was even spawned', async () => {
    const controller = new AbortController();
    const run = runFfmpeg(testSourceJob(join(dir, 'early.mp4'), 60), { signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('kills ffmpeg on timeout', async () => {
    const run = runFfmpeg(testSourceJob(join(dir, 'slow.mp4'), 60), { timeoutMs: 500 });
    await expect(run).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
