import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The one place tests run the real `evidence` command (bin/evidence.js), from the repository root. */
const ROOT = join(import.meta.dirname, '../..');
const COMMAND = [process.execPath, join(ROOT, 'bin/evidence.js')] as const;

export interface EvidenceResult {
  /** The exit code; null when it was stopped by a signal (e.g. the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `evidence <args>` to its end; never throws, returns what a shell would see. */
export function runEvidence(args: readonly string[], options: { env?: Record<string, string>; timeout?: number } = {}): Promise<EvidenceResult> {
  return new Promise((resolve) => {
    execFile(COMMAND[0], [COMMAND[1], ...args], { cwd: ROOT, env: { ...process.env, ...options.env }, timeout: options.timeout ?? 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** Starts `evidence <args>` as a child with stdout and stderr piped; `via` runs it under a wrapper (e.g. `unshare -m sh -c …`). */
export function spawnEvidence(args: readonly string[], options: { env?: Record<string, string>; via?: readonly string[] } = {}): ChildProcess {
  const [program, ...argv] = [...(options.via ?? []), ...COMMAND, ...args];
  return spawn(program!, argv, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The real `evidence` command as a child process, for faults only a real process shows (kill -9). */
export interface EvidenceProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** kill -9: no shutdown hook runs. */
  kill(): Promise<void>;
  /** A normal stop (SIGTERM). */
  stop(): Promise<void>;
}

/** Starts `evidence <args>` and resolves once its output contains `ready`. */
export function startEvidence(args: string[], env: Record<string, string>, ready: string | RegExp): Promise<EvidenceProcess> {
  const child = spawnEvidence(args, { env });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  const running: EvidenceProcess = { child, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
  return new Promise((resolve, reject) => {
    const seen = (d: Buffer) => {
      output += d.toString();
      if (typeof ready === 'string' ? output.includes(ready) : ready.test(output)) resolve(running);
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code, sig) => reject(new Error(`evidence ${args[0]} exited (${code ?? sig}) before it was ready:\n${output}`)));
  });
}
