import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import { parseAllowEntry, type AllowEntry } from './devices';
import { compileNameRules, DEFAULT_IMPORTANT_FOLDERS, GAT947_PATTERN, type NameRules } from './names';

/** Everything the dock agent is told, read once from flags and environment and frozen. */
export interface DockAgentConfig {
  server: string;
  token: string;
  station: { code: string; name?: string };
  /** Local state: the journal, the default spool and the status file. */
  home: string;
  journalPath: string;
  statusFile: string;
  spool: { dir: string; maxBytes: number };
  /** Bays offloading at the same time. */
  concurrency: number;
  allow: readonly AllowEntry[];
  /** USB port chain → bay number, e.g. "1-1.3" → 3. */
  bayPorts: ReadonlyMap<string, number>;
  driver: { kind: 'mass-storage' } | { kind: 'vendor'; module: string; password: string | undefined; syncClock: boolean };
  /** Where the agent mounts volumes itself (read-only unless purging); null: wait for the system to mount them. */
  mountDir: string | null;
  mountTimeoutMs: number;
  purge: 'never' | 'after-verify';
  /** A file is taken only once its size and time have not changed for this long. */
  stableMs: number;
  /** How often an unreachable platform is tried again. */
  retryMs: number;
  usb: boolean;
  /** Control directory of simulated devices, or null. */
  simulateDir: string | null;
  utcOffsetMinutes: number;
  names: NameRules;
}

export class DockAgentConfigError extends Error {
  override name = 'DockAgentConfigError';
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The `evidence dock-agent` flags; each also reads an environment variable, shown in --help. */
export function dockAgentOptions(): Option[] {
  const platform = 'Platform:';
  const station = 'Station and recorders:';
  const storage = 'Local storage:';
  const files = 'Files on the recorder:';
  return [
    new Option('--server <url>', 'the platform, e.g. https://evidence.example:8443 (required)').env('EVIDENCE_DOCK_SERVER').helpGroup(platform),
    new Option('--token <token>', 'this station\'s API token (role "station"; required)').env('EVIDENCE_DOCK_TOKEN').helpGroup(platform),
    new Option('--retry-seconds <s>', 'how often an unreachable platform is tried again').env('EVIDENCE_DOCK_RETRY_SECONDS').default('10').helpGroup(platform),
    new Option('--station <code>', 'this station\'s code').env('EVIDENCE_DOCK_STATION').default(hostname()).helpGroup(station),
    new Option('--station-name <name>', 'this station\'s name as shown on the platform').env('EVIDENCE_DOCK_STATION_NAME').helpGroup(station),
    new Option('--allow <VID:PID/SERIAL>', 'a recorder allowed to dock; repeat, or separate by commas; SERIAL may use * (4255:1000/DSJ*). Required: a VID alone identifies nothing')
      .env('EVIDENCE_DOCK_ALLOW').argParser(collect).helpGroup(station),
    new Option('--concurrency <n>', 'bays offloading at the same time (the others wait their turn, file by file)').env('EVIDENCE_DOCK_CONCURRENCY').default('8').helpGroup(station),
    new Option('--bay-ports <map>', 'USB port → bay number, e.g. "1-1.1=1,1-1.2=2" (unmapped ports get the lowest free number)').env('EVIDENCE_DOCK_BAY_PORTS').helpGroup(station),
    new Option('--driver <kind>', 'how recorders are opened: mass-storage (plain USB disk) or vendor (GA/T 947.4 unlock, see --vendor-module)')
      .env('EVIDENCE_DOCK_DRIVER').choices(['mass-storage', 'vendor']).default('mass-storage').helpGroup(station),
    new Option('--vendor-module <path>', 'the vendor library (an ES module exporting createVendorLibrary) for --driver vendor').env('EVIDENCE_DOCK_VENDOR_MODULE').helpGroup(station),
    new Option('--vendor-password <pw>', 'the recorder password for --driver vendor (prefer the environment variable)').env('EVIDENCE_DOCK_VENDOR_PASSWORD').helpGroup(station),
    new Option('--sync-clock', 'set the recorder clock to the station clock after reading it (vendor driver)').env('EVIDENCE_DOCK_SYNC_CLOCK').helpGroup(station),
    new Option('--mount-dir <dir>', 'mount recorder volumes here, read-only (read-write only with --purge after-verify); default: wait for the system to mount them')
      .env('EVIDENCE_DOCK_MOUNT_DIR').helpGroup(station),
    new Option('--mount-timeout <s>', 'how long to wait for a recorder\'s volume to appear').env('EVIDENCE_DOCK_MOUNT_TIMEOUT').default('30').helpGroup(station),
    new Option('--no-usb', 'do not watch USB (only simulated devices)').env('EVIDENCE_DOCK_NO_USB').helpGroup(station),
    new Option('--simulate <dir>', 'also accept simulated recorders: each <name>.json in this directory is a plugged-in device (see docs/dock-agent.md)')
      .env('EVIDENCE_DOCK_SIMULATE').helpGroup(station),
    new Option('--home <dir>', 'local state: journal.sqlite, spool/, status.json').env('EVIDENCE_DOCK_HOME').default('.evidence-dock').helpGroup(storage),
    new Option('--spool-dir <dir>', 'store-and-forward spool, used while the platform is unreachable (default: HOME/spool)').env('EVIDENCE_DOCK_SPOOL_DIR').helpGroup(storage),
    new Option('--spool-max <size>', 'the most the spool may hold, e.g. 500G or 800M').env('EVIDENCE_DOCK_SPOOL_MAX').default('100G').helpGroup(storage),
    new Option('--status-file <path>', 'station status as JSON for a dashboard, rewritten every half second (default: HOME/status.json)').env('EVIDENCE_DOCK_STATUS_FILE').helpGroup(storage),
    new Option('--purge <policy>', 'delete files from the recorder: never, or after-verify (once the platform has verified them; each deletion is a custody event)')
      .env('EVIDENCE_DOCK_PURGE').choices(['never', 'after-verify']).default('never').helpGroup(files),
    new Option('--stable-seconds <s>', 'a file is offloaded only after its size and time have not changed for this long (the recorder may still be writing)')
      .env('EVIDENCE_DOCK_STABLE_SECONDS').default('5').helpGroup(files),
    new Option('--name-pattern <pattern>', `how file names carry metadata; repeat for several, first match wins (default: ${GAT947_PATTERN}). Fields: {警号|officer} {设备编号|device} {YYYYMMDDhhmmss|stamp} {序号|seq}, [IMP] optional important marker, * anything, .ext any extension`)
      .env('EVIDENCE_DOCK_NAME_PATTERN').argParser(collect).helpGroup(files),
    new Option('--important-folders <names>', `folder names that flag files important, comma-separated (default: ${DEFAULT_IMPORTANT_FOLDERS.join(',')})`).env('EVIDENCE_DOCK_IMPORTANT_FOLDERS').helpGroup(files),
    new Option('--utc-offset <minutes>', 'the time zone of recorder clocks, in minutes east of UTC').env('EVIDENCE_DOCK_UTC_OFFSET').default('480').helpGroup(files),
  ];
}

type Raw = Record<string, unknown>;

/** Validates the parsed flags (commander has already applied the environment) into the config. */
export function readDockAgentConfig(raw: Raw): Readonly<DockAgentConfig> {
  const home = resolve(text(raw, 'home') ?? '.evidence-dock');
  const server = required(raw, 'server', '--server or EVIDENCE_DOCK_SERVER');
  if (!/^https?:\/\/[^/]/.test(server)) throw new DockAgentConfigError(`--server must be an http(s) URL, not "${server}"`);
  const allow = list(raw, 'allow').map((entry) => wrap(() => parseAllowEntry(entry)));
  if (allow.length === 0) throw new DockAgentConfigError('no recorder is allowed to dock: give --allow VID:PID/SERIAL (or EVIDENCE_DOCK_ALLOW)');
  const driver = raw.driver === 'vendor' ? vendorDriver(raw) : ({ kind: 'mass-storage' } as const);
  const stationName = text(raw, 'stationName');
  const patterns = list(raw, 'namePattern');
  const folders = list(raw, 'importantFolders');
  return Object.freeze({
    server,
    token: required(raw, 'token', '--token or EVIDENCE_DOCK_TOKEN'),
    station: { code: text(raw, 'station') ?? hostname(), ...(stationName ? { name: stationName } : {}) },
    home,
    journalPath: join(home, 'journal.sqlite'),
    statusFile: resolve(text(raw, 'statusFile') ?? join(home, 'status.json')),
    spool: { dir: resolve(text(raw, 'spoolDir') ?? join(home, 'spool')), maxBytes: bytes(raw, 'spoolMax', '100G') },
    concurrency: integer(raw, 'concurrency', 8, 1),
    allow,
    bayPorts: bayPorts(text(raw, 'bayPorts')),
    driver,
    mountDir: text(raw, 'mountDir') ? resolve(text(raw, 'mountDir')!) : null,
    mountTimeoutMs: seconds(raw, 'mountTimeout', 30),
    purge: raw.purge === 'after-verify' ? 'after-verify' : 'never',
    stableMs: seconds(raw, 'stableSeconds', 5),
    retryMs: seconds(raw, 'retrySeconds', 10),
    usb: raw.usb !== false && raw.usb !== 'false',
    simulateDir: text(raw, 'simulate') ? resolve(text(raw, 'simulate')!) : null,
    utcOffsetMinutes: integer(raw, 'utcOffset', 480),
    names: wrap(() => compileNameRules(patterns.length > 0 ? patterns : [GAT947_PATTERN], folders.length > 0 ? folders : DEFAULT_IMPORTANT_FOLDERS)),
  });
}

function vendorDriver(raw: Raw): DockAgentConfig['driver'] {
  return {
    kind: 'vendor',
    module: resolve(required(raw, 'vendorModule', '--vendor-module (with --driver vendor)')),
    password: text(raw, 'vendorPassword'),
    syncClock: raw.syncClock === true || raw.syncClock === 'true' || raw.syncClock === '1',
  };
}

function text(raw: Raw, key: string): string | undefined {
  const value = raw[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function required(raw: Raw, key: string, how: string): string {
  const value = text(raw, key);
  if (!value) throw new DockAgentConfigError(`missing ${how}`);
  return value;
}

/** A repeatable option, or one value separated by commas or spaces (as an environment variable gives it). */
function list(raw: Raw, key: string): string[] {
  const value = raw[key];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  const separator = key === 'namePattern' ? /\n/ : /[,\s]+/; // patterns may contain commas and spaces
  return items.flatMap((item) => String(item).split(separator)).map((s) => s.trim()).filter(Boolean);
}

function integer(raw: Raw, key: string, fallback: number, min = Number.MIN_SAFE_INTEGER): number {
  const value = text(raw, key);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new DockAgentConfigError(`--${flag(key)} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, not "${value}"`);
  return n;
}

function seconds(raw: Raw, key: string, fallback: number): number {
  const value = text(raw, key);
  if (value === undefined) return fallback * 1000;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new DockAgentConfigError(`--${flag(key)} must be a number of seconds, not "${value}"`);
  return Math.round(n * 1000);
}

function bytes(raw: Raw, key: string, fallback: string): number {
  const value = text(raw, key) ?? fallback;
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(value);
  if (!match) throw new DockAgentConfigError(`--${flag(key)} must be a size such as 500G, 800M or 1048576, not "${value}"`);
  const unit = 1024 ** ' KMGT'.indexOf(match[2]!.toUpperCase() || ' ');
  return Math.floor(Number(match[1]) * unit);
}

function bayPorts(value: string | undefined): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  for (const pair of (value ?? '').split(/[,\s]+/).filter(Boolean)) {
    const match = /^(\d+-[\d.]+)=(\d+)$/.exec(pair);
    if (!match) throw new DockAgentConfigError(`--bay-ports entry "${pair}" must be PORT=BAY, e.g. 1-1.3=3`);
    map.set(match[1]!, Number(match[2]));
  }
  return map;
}

function wrap<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw new DockAgentConfigError((error as Error).message);
  }
}

const flag = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
