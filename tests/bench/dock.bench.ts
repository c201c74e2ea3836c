/**
 * npm run bench:dock — eight simulated bays docked at once, each with BENCH_GIB_PER_BAY GiB (default
 * 1) of recorder segments, offloaded by a real `evidence dock-agent` process into a real platform
 * (`evidence up`, filesystem store). Reports the aggregate MB/s against `cat` of the same files in
 * the same run, per-bay fairness (slowest bay's MB/s / fastest bay's), and the agent's peak RSS.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateToken } from '../../core/tokens';
import { plugSimulated } from '../../dock-agent/simulated';
import type { StationStatus } from '../../dock-agent/status';

const run = promisify(execFile);
const BAYS = 8;
const perBay = Math.round(Number(process.env.BENCH_GIB_PER_BAY ?? 1) * 1024 ** 3);
const SEGMENT = 256 * 1024 ** 2; // recorders split footage into segments; a few per GiB

async function makeRecorder(dir: string, bay: number, block: Buffer): Promise<void> {
  await mkdir(join(dir, 'DCIM/normal'), { recursive: true });
  for (let i = 0, left = perBay; left > 0; i++, left -= SEGMENT) {
    const size = Math.min(SEGMENT, left);
    const fh = await open(join(dir, 'DCIM/normal', `010203_DSJB00${bay}_2026112509${String(i).padStart(2, '0')}00_${i + 1}.mp4`), 'w');
    for (let written = 0; written < size; written += block.length) {
      block.writeUInt32LE(bay * 1_000_003 + i * 7919 + written, 0); // every block of every file differs
      await fh.write(block, 0, Math.min(block.length, size - written));
    }
    await fh.close();
  }
}

function start(args: string[], env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/evidence.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes(ready) && resolve(child));
    child.once('exit', (code) => reject(new Error(`evidence ${args[0]} exited with ${code}`)));
  });
}

const memory = async (pid: number, field: 'VmHWM' | 'VmRSS') => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** CPU seconds (user + system) a process has used. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

const work = await mkdtemp(join(tmpdir(), 'bench-dock-'));
await chmod(work, 0o755); // as root, the embedded PostgreSQL runs as "postgres" and must reach its folder
const children: ChildProcess[] = [];
try {
  console.log(`generating ${BAYS} recorders × ${(perBay / 1024 ** 3).toFixed(2)} GiB…`);
  const block = randomBytes(16 * 1024 ** 2);
  const volumes = Array.from({ length: BAYS }, (_, i) => join(work, `recorder${i + 1}`));
  for (const [i, volume] of volumes.entries()) await makeRecorder(volume, i + 1, block);
  const total = perBay * BAYS;

  const t0 = process.hrtime.bigint();
  await run('bash', ['-c', `find ${work}/recorder* -type f -print0 | xargs -0 cat > /dev/null`]);
  const catSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

  const token = generateToken();
  const port = 18280;
  const platform = await start(['up'], { EVIDENCE_HOME: join(work, 'platform'), EVIDENCE_PORT: String(port), EVIDENCE_PG_PORT: String(port + 1), EVIDENCE_REDIS_PORT: String(port + 2), EVIDENCE_ADMIN_TOKEN: token, EVIDENCE_LOG_LEVEL: 'warn' }, 'listening on');
  children.push(platform);
  const control = join(work, 'control');
  const home = join(work, 'station');
  const agent = await start(['dock-agent', '--server', `http://127.0.0.1:${port}`, '--token', token, '--home', home, '--simulate', control, '--no-usb', '--allow', '4255:1000/*', '--stable-seconds', '0'], {}, 'started');
  children.push(agent);

  const loadBefore = (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];
  const plugged = Date.now();
  await Promise.all(volumes.map((volume, i) => plugSimulated(control, `bay${i + 1}`, { vidPid: '4255:1000', serial: `DSJB00${i + 1}`, bay: i + 1, volume })));
  const finished = new Map<number, number>();
  let peakRss = 0;
  while (finished.size < BAYS) {
    await new Promise((r) => setTimeout(r, 250));
    peakRss = Math.max(peakRss, await memory(agent.pid!, 'VmRSS'));
    const status = JSON.parse(await readFile(join(home, 'status.json'), 'utf8').catch(() => '{"bays":[]}')) as StationStatus;
    for (const bay of status.bays) {
      if (bay.state === 'done' && !finished.has(bay.bay)) finished.set(bay.bay, Date.now());
      if (bay.state === 'attention' || bay.state === 'error') throw new Error(`bay ${bay.bay}: ${bay.message}`);
    }
  }
  const seconds = (Math.max(...finished.values()) - plugged) / 1000;
  const rates = [...finished.values()].map((at) => perBay / 1e6 / ((at - plugged) / 1000));
  const hwm = await memory(agent.pid!, 'VmHWM');
  const cpu = { agent: await cpuSeconds(agent.pid!), platform: await cpuSeconds(platform.pid!) };

  const mbps = total / 1e6 / seconds;
  const catMbps = total / 1e6 / catSeconds;
  console.log(`\n${BAYS} bays × ${(perBay / 1024 ** 3).toFixed(2)} GiB = ${(total / 1e9).toFixed(2)} GB`);
  console.log(`cat (same files)              ${catMbps.toFixed(1).padStart(8)} MB/s  ${catSeconds.toFixed(1).padStart(6)} s`);
  console.log(`dock-agent → platform         ${mbps.toFixed(1).padStart(8)} MB/s  ${seconds.toFixed(1).padStart(6)} s  ratio to cat ${(mbps / catMbps).toFixed(2)}x`);
  console.log(`per-bay MB/s                  ${rates.map((r) => r.toFixed(1)).join(' ')}`);
  console.log(`fairness (slowest / fastest)  ${(Math.min(...rates) / Math.max(...rates)).toFixed(2)}`);
  console.log(`agent RSS                     peak ${hwm.toFixed(0)} MB (sampled max ${peakRss.toFixed(0)} MB)`);
  console.log(`CPU seconds                   agent ${cpu.agent.toFixed(1)}, platform ${cpu.platform.toFixed(1)} (${(await run('nproc')).stdout.trim()} cores; load average before: ${loadBefore})`);
  console.log('\nnotes: both the agent and the platform hash every byte with SHA-256 and SM3 on the same machine; cat reads from the page cache.');
} finally {
  for (const child of children.reverse()) await stop(child);
  await rm(work, { recursive: true, force: true });
}
