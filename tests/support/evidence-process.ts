import { spawn, type ChildProcess } from 'node:child_process';

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
  const child = spawn(process.execPath, ['bin/evidence.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
