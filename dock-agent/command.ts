import type { Command } from 'commander';
import { IngestClient } from './client';
import { dockAgentOptions, DockAgentConfigError, readDockAgentConfig, type DockAgentConfig } from './config';
import type { UsbWatcher } from './devices';
import { loadVendorLibrary, massStorageDriver, vendorDriver, type RecorderDriver } from './drivers';
import { Journal, JournalLockedError } from './journal';
import { SimulatedVolumeSource, SimulatedWatcher } from './simulated';
import { Spool } from './spool';
import { Station } from './station';
import { SysfsVolumeSource } from './sysfs';
import { UsbHotplugWatcher } from './usb-watcher';
import { StatusView } from './view';
import type { VolumeSource } from './volume';

/** Exit codes of `evidence dock-agent`, as documented in its --help. */
const EXIT = { stopped: 0, config: 2, localState: 3, noDevices: 4 } as const;

const HELP = `
Exit codes:
  0  stopped by SIGINT or SIGTERM after a clean shutdown (work in progress resumes on the next start)
  2  the configuration is wrong (a flag or variable is missing or invalid, or the platform refused the token)
  3  the local state cannot be used (journal or spool not writable, or another dock agent uses the same --home)
  4  nothing can be docked: USB is not visible on this machine and no --simulate directory was given

Every flag can also be set by the environment variable shown with it. The agent never writes to a
recorder, except to delete files the platform has verified when --purge after-verify is set.
It tells the officer "You may undock" only when every file is verified on the platform or held
as a verified copy in the station spool. Details: docs/dock-agent.md.

Example:
  EVIDENCE_DOCK_TOKEN=evd_… evidence dock-agent --server https://evidence.example --station PS-0101 \\
    --allow 4255:1000/DSJ* --bay-ports 1-1.1=1,1-1.2=2 --mount-dir /run/evidence-dock
`;

/** Adds `evidence dock-agent` (the station daemon) to the command line. */
export function registerDockAgentCommand(program: Command): void {
  const command = program
    .command('dock-agent')
    .description('Run a dock station: offload every recorder plugged in (USB, or simulated), resumably, important files first, with a local journal and a store-and-forward spool');
  for (const option of dockAgentOptions()) command.addOption(option);
  command.addHelpText('after', HELP);
  command.action(async (raw: Record<string, unknown>) => {
    process.exitCode = await runDockAgent(raw);
  });
}

async function runDockAgent(raw: Record<string, unknown>): Promise<number> {
  let config: Readonly<DockAgentConfig>;
  try {
    config = readDockAgentConfig(raw);
  } catch (error) {
    if (!(error instanceof DockAgentConfigError)) throw error;
    console.error(`dock-agent: configuration: ${error.message} (see evidence dock-agent --help)`);
    return EXIT.config;
  }
  const client = new IngestClient(config.server, config.token);
  // A refused token is a configuration error; an unreachable platform is not (the spool takes over).
  const probe = await new IngestClient(config.server, config.token, 5000).probe().then((status) => ({ status, error: null }), (error: unknown) => ({ status: null, error }));
  if (probe.status === 401 || probe.status === 403) {
    console.error(`dock-agent: the platform at ${config.server} refused the station token: ${probe.status} (check --token: it must be a valid, unrevoked token with the station role)`);
    return EXIT.config;
  }
  let journal: Journal;
  try {
    journal = Journal.open(config.journalPath);
  } catch (error) {
    console.error(`dock-agent: ${error instanceof JournalLockedError ? '' : `cannot open the journal ${config.journalPath}: `}${(error as Error).message}`);
    return EXIT.localState;
  }
  const spool = new Spool(config.spool.dir, config.spool.maxBytes, journal);
  let driverFor: (simulated: boolean) => RecorderDriver;
  try {
    await spool.init();
    driverFor = await drivers(config);
  } catch (error) {
    journal.close();
    const local = !(error instanceof DockAgentConfigError);
    console.error(`dock-agent: ${local ? `cannot use the spool ${config.spool.dir}: ` : 'configuration: '}${(error as Error).message}`);
    return local ? EXIT.localState : EXIT.config;
  }

  const view = new StatusView(config.statusFile, process.stdout);
  const station = new Station({ config, client, journal, spool, driverFor: (device) => driverFor(device.simulated !== undefined), log: view.log });
  const watchers: UsbWatcher[] = [
    ...(config.usb ? [new UsbHotplugWatcher()] : []),
    ...(config.simulateDir ? [new SimulatedWatcher(config.simulateDir)] : []),
  ];
  if (probe.error) station.platformDown(probe.error);
  const failed = await station.start(watchers);
  for (const f of failed) view.log(`warning: ${f.watcher}: ${f.error}`);
  if (failed.length === watchers.length) {
    await station.stop();
    journal.close();
    console.error('dock-agent: nothing can be docked: no USB and no --simulate directory');
    return EXIT.noDevices;
  }
  view.log(
    `dock agent for station ${config.station.code} started: ${watchers.filter((w) => !failed.some((f) => f.watcher === w.name)).map((w) => w.name).join(' and ')} devices, ` +
      `${config.concurrency} bays at once, platform ${config.server}, spool ${config.spool.dir}, purge ${config.purge}; ` +
      `allowed recorders: ${config.allow.map((a) => `${a.vidPid}/${a.serial}`).join(', ')}`,
  );
  const tick = setInterval(() => view.publish(station.status()), 500);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  view.log('stopping: work in progress is kept in the journal and resumes on the next start');
  clearInterval(tick);
  await station.stop();
  view.publish(station.status());
  journal.close();
  return EXIT.stopped;
}

/** The driver per kind of device: both drive the same code, over sysfs or over a simulated directory. */
async function drivers(config: Readonly<DockAgentConfig>): Promise<(simulated: boolean) => RecorderDriver> {
  const real = new SysfsVolumeSource({ sysRoot: '/sys', mountInfoPath: '/proc/self/mountinfo', mountDir: config.mountDir, writable: config.purge === 'after-verify', timeoutMs: config.mountTimeoutMs });
  const simulated = new SimulatedVolumeSource(config.mountTimeoutMs);
  let make: (source: VolumeSource) => RecorderDriver = massStorageDriver;
  if (config.driver.kind === 'vendor') {
    const { module, password, syncClock } = config.driver;
    const library = await loadVendorLibrary(module).catch((error: unknown) => {
      throw new DockAgentConfigError(`cannot load the vendor library ${module}: ${(error as Error).message}`);
    });
    make = (source) => vendorDriver(library, source, { password, syncClock });
  }
  const byKind = { real: make(real), simulated: make(simulated) };
  return (isSimulated) => (isSimulated ? byKind.simulated : byKind.real);
}
