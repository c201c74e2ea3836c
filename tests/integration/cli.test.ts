import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSimulatedRecorder } from '../../dock-agent/simulated-recorder';
import { runEvidence as evidence } from '../support/evidence-process';
import { bearer, usePlatform } from '../support/platform';

const run = promisify(execFile);

const p = usePlatform({ listen: true, maxFileBytes: 5_000_000 });
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-'));
  await chmod(work, 0o755); // the embedded PostgreSQL runs as the postgres user and must reach its data
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('evidence dock', () => {
  it('verifies every regular file, skips symlinks and special files with a warning, and exits 0', async () => {
    const recorder = await makeSimulatedRecorder(join(work, 'rec1'), { serial: 'DSJ4401', clips: 2, seconds: 1 });
    await symlink('/etc/passwd', join(recorder.volume, 'DCIM', 'normal', 'passwd-link.mp4'));
    await run('mkfifo', [join(recorder.volume, 'DCIM', 'pipe.mp4')]);
    const result = await evidence(['dock', '--volume', recorder.volume, '--server', p.url, '--token', p.stationToken, '--station', 'PS-1', '--bay', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skipped DCIM\/normal\/passwd-link\.mp4: symbolic link/);
    expect(result.stderr).toMatch(/skipped DCIM\/pipe\.mp4: special file/);
    expect(result.stdout).toMatch(/2\/2 files verified/);
    expect(result.stdout).toMatch(/MB\/s/);

    const list = (await p.app.inject({ url: '/api/evidence?limit=10', headers: bearer(p.adminToken) })).json();
    const mine = list.items.filter((i: { deviceSerial: string }) => i.deviceSerial === 'DSJ4401');
    expect(mine).toHaveLength(2);
    // Metadata from the GA/T 947 names; the IMP clip is flagged important.
    expect(mine.map((i: { officerNo: string }) => i.officerNo)).toEqual(['010203', '010203']);
    expect(mine.filter((i: { important: boolean }) => i.important)).toHaveLength(1);

    const again = await evidence(['dock', '--volume', recorder.volume, '--server', p.url, '--token', p.stationToken, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verified: 2, duplicates: 2 });
  });

  it('exits 1 and names the file when a file cannot be verified', async () => {
    const volume = join(work, 'rec2');
    await mkdir(join(volume, 'DCIM'), { recursive: true });
    await writeFile(join(volume, 'DCIM', 'small.mp4'), 'x');
    await writeFile(join(volume, 'DCIM', 'huge.mp4'), Buffer.alloc(6_000_000));
    const result = await evidence(['dock', '--volume', volume, '--server', p.url, '--token', p.stationToken, '--serial', 'DSJ4402']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/1\/2 files verified/);
    expect(result.stdout).toMatch(/DCIM\/huge\.mp4: 413/);
  });

  it('exits 2 with a clear message for an unknown token or an unreachable server', async () => {
    const volume = join(work, 'rec3');
    await mkdir(volume, { recursive: true });
    const badToken = await evidence(['dock', '--volume', volume, '--server', p.url, '--token', 'evd_wrong']);
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toMatch(/401.*bearer token/);
    const noServer = await evidence(['dock', '--volume', volume, '--server', 'http://127.0.0.1:9', '--token', p.stationToken]);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toMatch(/ECONNREFUSED/);
  });
});

describe('evidence demo (the README main job)', () => {
  it('starts the embedded platform, docks a generated recorder and prints a summary with hashes', async () => {
    const home = join(work, 'demo-home');
    const result = await evidence(['demo', '--exit'], {
      env: { EVIDENCE_HOME: home, EVIDENCE_PORT: '18480', EVIDENCE_PG_PORT: '18481', EVIDENCE_REDIS_PORT: '18482' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/4\/4 files verified/);
    expect(result.stdout).toMatch(/sha256 [0-9a-f]{64}/);
    expect(result.stdout).toMatch(/sm3 +[0-9a-f]{64}/);
    expect(result.stdout.match(/ ready$/gm)).toHaveLength(4);
    // A login for every role that uses the web application (README: the main job prints them).
    for (const role of ['handler', 'unit_head', 'overseer', 'auditor', 'complainant', 'admin']) expect(result.stdout).toMatch(new RegExp(`^  \\S+ +\\S{12} +${role} `, 'm'));
    expect(result.stdout).toContain('linked to case 演罚〔2026〕1号');
  });
});

describe('bad arguments (README: exit 2, the command could not run)', () => {
  it.each([
    [['dock', '--volume', '/tmp', '--server', 'http://127.0.0.1:9', '--token', 't', '--bay', 'x'], /--bay.*expected a whole number/],
    [['retention', 'due', '--server', 'http://127.0.0.1:9', '--token', 't', '--as-of', 'nonsense'], /--as-of.*expected a date/],
    [['export', '--server', 'http://127.0.0.1:9'], /required option/],
    [['no-such-command'], /unknown command/],
  ])('evidence %j exits 2 naming the problem', async (args, message) => {
    const result = await evidence(args);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('--help still exits 0', async () => {
    expect(await evidence(['retention', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('due') });
  });
});

describe('evidence worker', () => {
  it('refuses an unknown job kind before starting anything, naming the kinds it knows', async () => {
    const result = await evidence(['worker', '--jobs', 'transcode,webhook'], { env: { EVIDENCE_HOME: join(work, 'worker-home') } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown job kind webhook; the kinds are transcode, export, still, passthrough, timestamps, checkpoints, fixity, housekeeping, retention, webhooks');
  });
});
