import { spawn, type ChildProcess } from 'node:child_process';
import { generateToken } from '../../core/tokens';

/** `evidence up` as its own process on `port` (and the two after it for the embedded PostgreSQL and Redis). */
export async function startServer(home: string, port: number, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; token: string }> {
  const token = generateToken();
  const child = spawn(process.execPath, ['bin/evidence.js', 'up'], {
    env: { ...process.env, ...env, EVIDENCE_HOME: home, EVIDENCE_PORT: String(port), EVIDENCE_PG_PORT: String(port + 1), EVIDENCE_REDIS_PORT: String(port + 2), EVIDENCE_ADMIN_TOKEN: token, EVIDENCE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening on') && resolve());
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, token };
}
