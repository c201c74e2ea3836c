import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../core/tokens';
import { offloadVolume } from '../../dock-agent/offload';
import { startEvidence, type EvidenceProcess } from '../support/evidence-process';
import { freePort } from '../support/free-port';
import { bearer } from '../support/platform';

const run = promisify(execFile);

// `evidence up` on the embedded default (its own PostgreSQL and Redis under EVIDENCE_HOME), as an operator runs it.
let work: string;
let env: Record<string, string>;
let url: string;
let server: EvidenceProcess | undefined;
const token = generateToken();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'evidence-shutdown-'));
  await chmod(work, 0o755); // the embedded PostgreSQL runs as the postgres user and must reach its data
  const [port, pgPort, redisPort] = [await freePort(), await freePort(), await freePort()];
  url = `http://127.0.0.1:${port}`;
  env = {
    EVIDENCE_HOME: join(work, 'home'),
    EVIDENCE_PORT: String(port),
    EVIDENCE_PG_PORT: String(pgPort),
    EVIDENCE_REDIS_PORT: String(redisPort),
    EVIDENCE_ADMIN_TOKEN: token,
    EVIDENCE_LOG_LEVEL: 'warn',
    // Long enough for the running transcode to finish on a busy machine.
    EVIDENCE_SHUTDOWN_GRACE_SECONDS: '120',
  };
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
}, 60_000);

const up = () => startEvidence(['up'], env, 'listening on');

/** SIGTERM; answers the exit code and everything the process printed. */
async function stop(running: EvidenceProcess): Promise<{ code: number | null; output: string }> {
  await running.stop();
  return { code: running.child.exitCode, output: running.output() };
}

/** The playback state and the kinds of derivatives made, as the evidence page shows them. */
async function playback(id: string): Promise<{ state: string; kinds: string[] }> {
  const res = await fetch(`${url}/api/evidence/${id}`, { headers: bearer(token) });
  const { playback } = (await res.json()) as { playback: { state: string; derivatives: { kind: string }[] } };
  return { state: playback.state, kinds: playback.derivatives.map((d) => d.kind) };
}

/** A transcode runs: its scratch folder exists in the worker's work directory. */
const transcoding = async () => (await readdir(join(env.EVIDENCE_HOME!, 'work')).catch(() => [])).some((name) => name.startsWith('transcode-'));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SIGTERM while a transcode runs (embedded default)', () => {
  it('lets the job finish or leave cleanly, closes the services after it, exits 0, and the recording is fine after a restart', async () => {
    // MPEG-4 part 2 in AVI: no browser plays it as it is, so it is transcoded to H.264 (seconds of ffmpeg).
    const volume = join(work, 'card');
    await mkdir(join(volume, 'DCIM'), { recursive: true });
    const clip = join(volume, 'DCIM', '010203_DSJ9901_20261125093000_0001.avi');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=20', '-c:v', 'mpeg4', '-q:v', '5', clip]);
    const bytes = await readFile(clip);

    server = await up();
    const summary = await offloadVolume(volume, { server: url, token, station: { code: 'ST-SHUT' }, bay: 1, recorder: { serial: 'DSJ9901' }, utcOffsetMinutes: 480 });
    expect(summary.failed).toEqual([]);
    const id = summary.results[0]!.evidenceId;
    await until(transcoding, (yes) => yes, 'the transcode to start');

    const first = await stop(server);
    server = undefined;
    expect(first.output).not.toMatch(/Unhandled|ECONNREFUSED|shutdown failed|took longer/);
    expect(first.code, first.output).toBe(0);

    // After a restart the recording plays (its job finished, or runs again), and the original is untouched.
    server = await up();
    const made = await until(() => playback(id), (p) => p.kinds.includes('mp4') || p.kinds.includes('hls') || p.state === 'failed', 'the transcode to end');
    expect(made.state).toBe('ready');
    const original = await fetch(`${url}/api/evidence/${id}/original`, { headers: bearer(token) });
    expect(createHash('sha256').update(Buffer.from(await original.arrayBuffer())).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    const second = await stop(server);
    server = undefined;
    expect(second.output).not.toMatch(/Unhandled|ECONNREFUSED/);
    expect(second.code, second.output).toBe(0);
  }, 300_000);
});
