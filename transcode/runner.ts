import ffmpeg from 'fluent-ffmpeg';
import type { FfmpegJob } from './args';

export interface RunOptions {
  /** Media duration, to turn ffmpeg's output time into a percentage. */
  durationSeconds?: number | null;
  /** Integer percent 0-100, called only when it grows. */
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  /** Kills ffmpeg (SIGKILL) after this long. */
  timeoutMs?: number;
}

/** What work that runs ffmpeg is given so that no ffmpeg outlives its process. */
export interface AbandonableWork {
  /**
   * Aborted when the process stops waiting for its running work (the shutdown grace period is
   * over, just before it exits): running ffmpeg is killed with it. The job runs again elsewhere.
   */
  abandon?: AbortSignal;
}

export class FfmpegError extends Error {
  override name = 'FfmpegError';
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(stderrTail ? `${message}: ${stderrTail}` : message);
  }
}

const STDERR_TAIL_LINES = 20;

/**
 * Runs a prebuilt job. This is the only module that imports fluent-ffmpeg, and it uses only the
 * raw input/output option methods: every decision already lives in the job. Its 'progress'
 * event is not used because it spawns an unbounded ffprobe of the input just to learn the
 * duration we already know; progress comes from our "-progress pipe:2" blocks instead.
 */
export function runFfmpeg(job: FfmpegJob, opts: RunOptions = {}): Promise<void> {
  const signal = combinedSignal(opts);
  if (signal?.aborted) return Promise.reject(signal.reason);
  const command = ffmpeg();
  for (const input of job.inputs) {
    command.input(input.path);
    addOptions((...all) => command.inputOptions(...all), input.options);
  }
  job.outputs.forEach((output, i) => {
    command.output(output.path);
    // Global options are valid anywhere on ffmpeg's command line; fluent-ffmpeg has no slot for them.
    const options = i === 0 ? [...job.global, ...output.options] : output.options;
    addOptions((...all) => command.outputOptions(...all), options);
  });

  return new Promise<void>((resolve, reject) => {
    const tail: string[] = [];
    const progress = progressTracker(opts.durationSeconds ?? null, opts.onProgress);
    const kill = (): void => void command.kill('SIGKILL');
    const cleanup = (): void => signal?.removeEventListener('abort', kill);
    signal?.addEventListener('abort', kill, { once: true });
    // The process spawns only after fluent-ffmpeg's async checks: an abort in between lands here.
    command.on('start', () => {
      if (signal?.aborted) kill();
    });
    command.on('stderr', (line: string) => {
      if (progress(line) || !line.trim()) return;
      tail.push(line);
      if (tail.length > STDERR_TAIL_LINES) tail.shift();
    });
    command.on('error', (error: Error) => {
      cleanup();
      if (signal?.aborted) return reject(signal.reason);
      // fluent-ffmpeg appends its own stderr excerpt after ': '; ours has no progress noise.
      reject(new FfmpegError(error.message.split(': ')[0] ?? error.message, tail.join('\n')));
    });
    command.on('end', () => {
      cleanup();
      progress('progress=end');
      resolve();
    });
    command.run();
  });
}

function combinedSignal(opts: RunOptions): AbortSignal | undefined {
  const signals = [opts.signal, opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs)];
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length > 1 ? AbortSignal.any(present) : present[0];
}

/**
 * fluent-ffmpeg splits a lone option string containing one space into two arguments (and turns
 * a call without arguments into "undefined"), but takes several arguments verbatim.
 */
function addOptions(add: (...options: string[]) => unknown, options: string[]): void {
  if (options.length === 1) throw new Error(`option list needs at least two elements: ${options[0]}`);
  if (options.length > 1) add(...options);
}

/**
 * Returns a line consumer that reports percentages from ffmpeg's -progress key=value blocks and
 * says whether the line was one of them (so it stays out of the error tail).
 */
export function progressTracker(
  durationSeconds: number | null,
  onProgress?: (percent: number) => void,
): (line: string) => boolean {
  let last = -1;
  const report = (percent: number): void => {
    const rounded = Math.floor(Math.min(100, Math.max(0, percent)));
    if (rounded > last) {
      last = rounded;
      onProgress?.(rounded);
    }
  };
  return (line) => {
    const match = /^(\w+)=(.*)$/.exec(line.trim());
    if (!match || !PROGRESS_KEYS.test(match[1] ?? '')) return false;
    const [, key, value] = match;
    if (key === 'progress' && value === 'end') report(100);
    else if (key === 'out_time_us' && durationSeconds) report((Number(value) / 1e6 / durationSeconds) * 100);
    return true;
  };
}

const PROGRESS_KEYS =
  /^(frame|fps|stream_\d+_\d+_q|bitrate|total_size|out_time(_us|_ms)?|dup_frames|drop_frames|speed|progress)$/;
