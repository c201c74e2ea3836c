import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Runs a real command; never throws, returns what a shell would see. */
export async function sh(cmd: string, args: string[], cwd = process.cwd()) {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { cwd, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export interface SignedFiles {
  key: string;
  data: string;
  sig: string;
}

/** The commands docs/export-format.md gives for each signature, run in `dir` on files named there. */
export const opensslEd25519 = (dir: string, f: SignedFiles) => sh('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', f.key, '-rawin', '-in', f.data, '-sigfile', f.sig], dir);
export const opensslSm2 = (dir: string, f: SignedFiles) =>
  sh('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', f.key, '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-in', f.data, '-sigfile', f.sig], dir);
