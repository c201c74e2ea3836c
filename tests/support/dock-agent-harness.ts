import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { StationStatus } from '../../dock-agent/status';
import type { Db } from '../../schema/database';
import { spawnEvidence } from './evidence-process';

/** One `evidence dock-agent` process, as a station would run it, on simulated devices only. */
export interface Agent {
  child: ChildProcess;
  home: string;
  output(): string;
  status(): Promise<StationStatus | null>;
  /** Polls the status file until `done` holds; fails with the agent's output when it does not in time or the agent exits. */
  waitFor(what: string, done: (s: StationStatus) => boolean, timeoutMs?: number): Promise<StationStatus>;
  exited: Promise<number | null>;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
}

export const RECORDER = '4255:1000';

/** `args` come last, so they override the defaults here; `allow` replaces the default allow-list (any serial of the test model). */
export function startAgent(options: { server: string; token: string; home: string; control: string; args?: string[]; allow?: string }): Agent {
  const child = spawnEvidence([
    'dock-agent',
    '--server', options.server, '--token', options.token, '--home', options.home, '--station', 'PS-TEST',
    '--simulate', options.control, '--no-usb', '--allow', options.allow ?? `${RECORDER}/*`,
    '--stable-seconds', '0.3', '--retry-seconds', '0.5', '--mount-timeout', '5',
    ...(options.args ?? []),
  ]);
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
    if (process.env.DOCK_AGENT_DEBUG) process.stderr.write(d);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const statusFile = join(options.home, 'status.json');
  const status = async () => {
    try {
      return JSON.parse(await readFile(statusFile, 'utf8')) as StationStatus;
    } catch {
      return null;
    }
  };
  return {
    child,
    home: options.home,
    output: () => output,
    status,
    exited,
    async waitFor(what, done, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await status();
        if (s && done(s)) return s;
        if (gone || Date.now() > deadline) {
          throw new Error(`${gone ? 'the agent exited' : 'timed out'} waiting for ${what}\nlast status: ${JSON.stringify(s?.bays.map((b) => [b.bay, b.state, b.message]))}\n--- agent output ---\n${output.slice(-4000)}`);
        }
        await sleep(100);
      }
    },
    async stop() {
      if (!gone) child.kill('SIGTERM');
      return exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded random number generator (mulberry32), so a failing crash schedule can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts the agent `kills` times and kill -9s it at a random moment once it runs; says how many of
 * the kills hit it while a bay was still busy (by the last status it wrote).
 */
export async function killRepeatedly(start: () => Agent, kills: number, random: () => number, maxDelayMs: number): Promise<{ busy: number }> {
  let busy = 0;
  for (let i = 0; i < kills; i++) {
    const startedAt = new Date().toISOString();
    const agent = start();
    await agent.waitFor('the agent running', (s) => s.updatedAt > startedAt, 60_000);
    await sleep(random() * maxDelayMs);
    const s = await agent.status();
    if (s?.bays.some((b) => b.state !== 'done')) busy++;
    agent.child.kill('SIGKILL');
    await agent.exited;
  }
  return { busy };
}

export const bay = (s: StationStatus, n: number) => s.bays.find((b) => b.bay === n);

export interface VolumeEntry {
  path: string | Buffer;
  size: number;
}

export interface WrittenFile {
  path: Buffer;
  size: number;
  sha256: string;
}

/** Writes files of random bytes under `root` (paths may be raw bytes), and says what was written. */
export async function writeVolume(root: string, entries: readonly VolumeEntry[]): Promise<WrittenFile[]> {
  const written: WrittenFile[] = [];
  for (const entry of entries) {
    const rel = Buffer.isBuffer(entry.path) ? entry.path : Buffer.from(entry.path);
    const slash = rel.lastIndexOf('/');
    const dir = Buffer.concat([Buffer.from(`${root}/`), slash >= 0 ? rel.subarray(0, slash) : Buffer.alloc(0)]);
    await mkdir(dir, { recursive: true });
    const bytes = randomBytes(entry.size);
    await writeFile(Buffer.concat([Buffer.from(`${root}/`), rel]), bytes);
    written.push({ path: rel, size: entry.size, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return written;
}

/** Evidence rows of one recorder: what "verified exactly once" is checked against. */
export async function evidenceOf(db: Db, serial: string) {
  return db.selectFrom('evidence').select(['id', 'original_path_bytes', 'size', 'sha256', 'officer_no', 'important', 'clock_skew_ms', 'received_at']).where('device_serial', '=', serial).orderBy('received_at').execute();
}

/** Every written file is one evidence row with its hash, and there is nothing else. */
export function expectExactlyOnce(rows: Awaited<ReturnType<typeof evidenceOf>>, files: readonly WrittenFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const matches = rows.filter((r) => Buffer.from(r.original_path_bytes).equals(f.path));
    if (matches.length !== 1) problems.push(`${f.path.toString()}: ${matches.length} evidence rows`);
    else if (matches[0]!.sha256 !== f.sha256) problems.push(`${f.path.toString()}: wrong hash`);
  }
  if (rows.length !== files.length) problems.push(`${rows.length} evidence rows for ${files.length} files`);
  return problems;
}

/**
 * A TCP forwarder between the agent and the platform that can be taken down (every connection cut,
 * new ones refused) and brought back on the same port: a platform outage as the station sees it.
 */
export class Outage {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((r) => server.close(r));
  }
}
