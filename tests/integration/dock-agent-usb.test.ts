import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { StationStatus } from '../../dock-agent/status';
import { sleep } from '../support/dock-agent-harness';
import { runEvidence, spawnEvidence } from '../support/evidence-process';
import { usePlatform } from '../support/platform';

const run = promisify(execFile);

const p = usePlatform({ listen: true });

const agentArgs = (home: string) => ['dock-agent', '--server', p.url, '--token', p.stationToken, '--home', home, '--allow', '4255:1000/*'];

/** The real USB adapter (the `usb` package): there is no recorder hardware here, only the adapter starting and stopping for real. */
describe('dock-agent on real USB', () => {
  it('watches USB hotplug with the usb package and stops cleanly when no device is present', async (ctx) => {
    // A private mount namespace with an empty USB bus: what a station with nothing plugged in looks like.
    const isolated = await run('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs none /sys/bus && mkdir -p /sys/bus/usb/devices']).then(() => true, () => false);
    if (!isolated) return ctx.skip('needs root and unshare(1) to give the agent an empty USB bus');
    const home = join(p.scratch, 'home-usb');
    const script = `mount -t tmpfs none /sys/bus && mkdir -p /sys/bus/usb/devices && exec "$0" "$@"`;
    const child = spawnEvidence(agentArgs(home), { via: ['unshare', '-m', 'sh', '-c', script] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let status: StationStatus | null = null;
    for (let i = 0; i < 300 && !status; i++) {
      await sleep(100);
      status = await readFile(join(home, 'status.json'), 'utf8').then((t) => JSON.parse(t) as StationStatus, () => null);
    }
    expect(output).toMatch(/dock agent for station .* started: usb devices/);
    expect(status).toMatchObject({ bays: [], platform: { reachable: true } });
    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
  });

  it('exits 4 with a plain message when USB is not visible and nothing is simulated', async (ctx) => {
    if (existsSync('/sys/bus/usb/devices')) return ctx.skip('this machine has a USB bus');
    const result = await runEvidence(agentArgs(join(p.scratch, 'home-nousb')));
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/USB is not visible on this machine \(\/sys\/bus\/usb\/devices does not exist\)/);
    expect(result.stderr).toMatch(/nothing can be docked/);
  });
});
