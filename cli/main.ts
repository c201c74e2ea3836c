import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { megabytes } from '../core/bytes';
import { readConfig, type Config } from '../core/config';
import { describeUnmatched, type CrossCheck } from '../core/cross-check';
import { answer, apiClient, type Answer } from '../api/client';
import { DEMO_CASE, demoCase, demoWorld, printLogins, type DemoWorld } from './demo-world';
import { registerDockAgentCommand } from '../dock-agent/command';
import { offloadVolume, type OffloadEvent, type OffloadSummary } from '../dock-agent/offload';
import { makeSimulatedRecorder } from '../dock-agent/simulated-recorder';
import { parseRecorderName } from '../dock-agent/names';
import { listVolume } from '../dock-agent/volume';
import type { Db } from '../schema/database';
import { ROLES, type Role } from '../schema/db';

// The platform's heavy parts (database, queues, media, HTTP server) load only for the commands
// that run them, so `evidence dock` starts in a fraction of the time.
const platform = () => import('./platform');
import { registerExportCommands } from '../export/command';

const program = new Command('evidence').description('Evidence core of the law-enforcement recorder system (执法记录仪证据平台)')
  // Bad arguments mean the command could not run: exit 2 (README), not commander's 1. Help is 0.
  .exitOverride((error) => finish(error.exitCode === 0 ? 0 : 2));
const integer = (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
};

program
  .command('migrate')
  .description('Run the database migrations and exit (they also run on every start)')
  .action(async () => {
    const config = readConfig();
    const { startRuntime } = await platform();
    const runtime = await startRuntime(config);
    console.log('database is at the latest migration');
    await runtime.close();
    finish();
  });

program
  .command('up')
  .description('Run the API and the dock ingest on the configured services (embedded default: PostgreSQL, Redis, filesystem store under EVIDENCE_HOME)')
  .action(async () => {
    const config = readConfig();
    const { url, close, abandonWork } = await serve(config, config.logLevel);
    console.log(`evidence platform listening on ${url}`);
    onShutdown(close, config.shutdownGraceMs, abandonWork);
  });

program
  .command('worker')
  .description('Run background jobs against the configured PostgreSQL, Redis and store; start more on more machines to scale out')
  .option('--jobs <kinds>', 'the job kinds to run, comma-separated: transcode, passthrough, still, export, timestamps, checkpoints, fixity, housekeeping, retention, webhooks (default: all)')
  .action(async (opts: { jobs?: string }) => {
    const config = readConfig();
    const { startRuntime, startJobs, parseJobKinds } = await platform();
    const kinds = parseJobKinds(opts.jobs);
    const runtime = await startRuntime(config);
    const log = consoleLog();
    const stopJobs = await startJobs(runtime, config, log, kinds).catch(async (error: unknown) => {
      await runtime.close();
      throw error;
    });
    console.log(`worker running: ${kinds.join(', ')}`);
    if (kinds.includes('transcode')) console.log(`transcode worker running (concurrency ${config.transcode.concurrency})`);
    onShutdown(async () => {
      await stopJobs();
      await runtime.close();
    }, config.shutdownGraceMs, runtime.abandonWork);
  });

program
  .command('dock')
  .description('Dock a directory laid out like a recorder volume: offload, verify, and report. Exit 0 only when every regular file is verified.')
  .requiredOption('--volume <dir>', 'the recorder volume (mounted folder)')
  .requiredOption('--server <url>', 'the platform, e.g. http://127.0.0.1:8080')
  .requiredOption('--token <token>', 'a station (or admin) API token')
  .option('--station <code>', 'this station\'s code', hostname())
  .option('--bay <n>', 'the bay the recorder sits in', integer, 0)
  .option('--serial <serial>', 'the recorder serial (default: read from the file names)')
  .option('--officer <no>', 'the officer number (警号) the recorder is bound to')
  .option('--json', 'print the summary as JSON')
  .action(async (opts: { volume: string; server: string; token: string; station: string; bay: number; serial?: string; officer?: string; json?: boolean }) => {
    const summary = await dock(opts.volume, opts, opts.json ? () => {} : printEvent);
    if (opts.json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary);
    finish(summary.failed.length === 0 ? 0 : 1);
  });

registerDockAgentCommand(program);

const token = program.command('token').description('Manage API tokens on the local instance');
token
  .command('create')
  .requiredOption('--name <name>', 'who or what the token is for')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
  .action(async (opts: { name: string; role: string }) => {
    if (!ROLES.includes(opts.role as Role)) throw new InvalidArgumentError(`role must be one of ${ROLES.join(', ')}`);
    const { createToken } = await platform();
    await withDatabase(async (db) => {
      const made = await createToken(db, { name: opts.name, role: opts.role as Role });
      console.log(`token ${made.id} (${opts.role}): ${made.token}\nIt is shown only once; the platform keeps only its hash.`);
    });
    finish();
  });
token
  .command('revoke <id>')
  .action(async (id: string) => {
    const { revokeToken } = await platform();
    await withDatabase(async (db) => {
      console.log((await revokeToken(db, id)) ? `token ${id} revoked` : `no active token ${id}`);
    });
    finish();
  });

const audit = program.command('audit').description('The tamper-evident audit and custody trails');
audit
  .command('verify')
  .description('Walk the audit and custody hash chains and the signed checkpoints, name the first broken row and the rows no checkpoint covers yet, and cross-check the two trails; exit 0 only when all hold')
  .option('--server <url>', 'check a remote platform through its API (needs an auditor or admin token)')
  .option('--token <token>', 'API token for --server')
  .action(async (opts: { server?: string; token?: string }) => {
    const { verdicts, cross } = opts.server ? await remoteVerdicts(opts.server, opts.token) : await localVerdicts();
    for (const v of verdicts) console.log(v.ok ? `${v.chain}: OK, ${v.rows} rows, head ${v.head}; ${coverage(v.rows, v.covered)}${v.signatures ? `; ${v.signatures}` : ''}` : `${v.chain}: BROKEN at row ${v.brokenAt}: ${v.reason} (${v.rows} rows verified before it)`);
    console.log(cross.ok ? `cross-check: OK, ${cross.pairs} events recorded in both trails` : `cross-check: MISMATCH, ${cross.unmatched.length} events recorded in one trail only:`);
    for (const u of cross.unmatched) console.log(`  ${describeUnmatched(u)}`);
    finish(verdicts.every((v) => v.ok) && cross.ok ? 0 : 1);
  });

type Verdict = Answer<'verifyTrail'>;
type Verdicts = { verdicts: Verdict[]; cross: CrossCheck };

/** Rows after the newest signed checkpoint could have been rewritten without a trace yet: say so. */
function coverage(rows: number, covered: Verdict['covered']): string {
  const signed = covered ? `signed checkpoint covers rows 1-${covered.seq} (${covered.at})` : 'no signed checkpoint yet';
  const rest = rows > (covered?.seq ?? 0) ? `; rows ${(covered?.seq ?? 0) + 1}-${rows} not yet covered` : '';
  return `${signed}${rest}`;
}

async function localVerdicts(): Promise<Verdicts> {
  const { openDatabase, verifyTrail, openStore, loadOrCreateSigningKey, crossCheckTrails } = await platform();
  const config = readConfig();
  const { db, close } = await openDatabase(config);
  try {
    const key = await loadOrCreateSigningKey(join(config.home, 'keys'));
    const store = await openStore(config, db);
    return { verdicts: [await verifyTrail(db, store, key, 'audit'), await verifyTrail(db, store, key, 'custody')], cross: await crossCheckTrails(db) };
  } finally {
    await close();
  }
}

async function remoteVerdicts(server: string, token: string | undefined): Promise<Verdicts> {
  if (!token) throw new InvalidArgumentError('--server needs --token');
  const client = apiClient({ baseUrl: server, token });
  const verdicts: Verdict[] = [];
  for (const chain of ['audit', 'custody'] as const) verdicts.push(await answer(client.GET('/api/audit/verify', { params: { query: { chain } } })));
  return { verdicts, cross: await answer(client.GET('/api/audit/cross-check')) };
}

program
  .command('fixity')
  .description('Run a fixity pass on a platform now (every original and derivative re-read and hashed); exit 0 when all match, 1 when any is altered or missing, 2 when no pass could run')
  .requiredOption('--server <url>', 'the platform, e.g. http://127.0.0.1:8080')
  .requiredOption('--token <token>', 'an admin or auditor API token')
  .action(async (opts: { server: string; token: string }) => {
    const client = apiClient({ baseUrl: opts.server, token: opts.token });
    let run = await answer(client.POST('/api/fixity/runs'));
    console.log(`fixity pass ${run.id} started`);
    while (run.state === 'running') {
      await new Promise((r) => setTimeout(r, 1000));
      run = await answer(client.GET('/api/fixity/runs/{id}', { params: { path: { id: run.id } } }));
    }
    console.log(`${run.objectsChecked} objects, ${run.bytesChecked} bytes checked, ${run.failures} failed`);
    if (run.state !== 'finished') throw new Error(`the pass did not finish (${run.state}): ${run.error ?? ''}`);
    if (run.failures === 0) finish(0);
    for (const f of (await answer(client.GET('/api/fixity'))).failures) {
      console.log(`  ${f.state.toUpperCase()} ${f.evidenceId} ${f.object}${f.name ? ` ${f.name}` : ''}: ${f.detail}`);
    }
    finish(1);
  });

const retention = program.command('retention').description('Legal retention: the dry run of a disposal, disposal requests and their approval by a second person');
type Disposal = Answer<'getDisposalRequest'>;
const printTotals = (what: string, t: { count: number; bytes: number }, byCategory: Answer<'listDueRecordings'>['totals']['byCategory'] = []) => {
  console.log(`${what}: ${t.count} recordings, ${t.bytes} bytes (${megabytes(t.bytes)} MB)`);
  for (const c of byCategory) console.log(`  ${c.category}: ${c.count} recordings, ${c.bytes} bytes`);
};
const printDisposal = (d: Disposal) => {
  console.log(`disposal request ${d.id}: ${d.status}, as of ${d.asOf}, requested by ${d.requestedBy}${d.approvedBy ? `, approved by ${d.approvedBy}, runs after ${d.runsAfter}` : ''}`);
  printTotals('listed', d.totals);
};
/** A plain date is midnight China Standard Time; anything else must be a full ISO 8601 time. */
const asOfDate = (value: string) => {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected a date (YYYY-MM-DD) or an ISO 8601 time');
  return date.toISOString();
};
const serverOptions = (command: Command) =>
  command.requiredOption('--server <url>', 'the platform, e.g. http://127.0.0.1:8080').requiredOption('--token <token>', 'an API token (admin; an overseer or another admin approves)');
serverOptions(retention.command('due').description('The dry run: what a disposal request for the date would list, with totals'))
  .requiredOption('--as-of <date>', 'the date (YYYY-MM-DD, midnight +08:00, or an ISO time)', asOfDate)
  .action(async (opts: { server: string; token: string; asOf: string }) => {
    const client = apiClient({ baseUrl: opts.server, token: opts.token });
    const due = await answer(client.GET('/api/retention/due', { params: { query: { asOf: opts.asOf, limit: 1000 } } }));
    for (const i of due.items) console.log(`  ${i.id}  ${i.category}  ${i.recordedAt}  ${i.size} bytes`);
    if (due.nextCursor) console.log(`  … and ${due.totals.count - due.items.length} more`);
    printTotals(`due as of ${opts.asOf}`, due.totals, due.totals.byCategory);
    finish(0);
  });
serverOptions(retention.command('request').description('Freeze the due list for the date as a disposal request; it needs a second person\'s approval'))
  .requiredOption('--as-of <date>', 'the date (YYYY-MM-DD, midnight +08:00, or an ISO time)', asOfDate)
  .requiredOption('--reason <text>', 'why (kept with the request and in the audit trail)')
  .action(async (opts: { server: string; token: string; asOf: string; reason: string }) => {
    const client = apiClient({ baseUrl: opts.server, token: opts.token });
    printDisposal(await answer(client.POST('/api/retention/disposals', { body: { asOf: opts.asOf, reason: opts.reason } })));
    finish(0);
  });
serverOptions(retention.command('approve <id>').description('Approve a disposal request (not your own); it runs after the grace period'))
  .action(async (id: string, opts: { server: string; token: string }) => {
    const client = apiClient({ baseUrl: opts.server, token: opts.token });
    printDisposal(await answer(client.POST('/api/retention/disposals/{id}/approve', { params: { path: { id } } })));
    finish(0);
  });

program
  .command('demo')
  .description('Start the platform, dock a generated recorder into it, print the summary, and keep serving')
  .option('--exit', 'stop after the summary instead of serving')
  .action(async (opts: { exit?: boolean }) => {
    const config = readConfig();
    const { url, adminToken, close, abandonWork, db } = await serve(config, 'warn');
    console.log(`evidence platform listening on ${url}`);
    const dir = await mkdtemp(join(tmpdir(), 'recorder-'));
    let world: DemoWorld;
    try {
      console.log('generating a demo recorder volume with ffmpeg…');
      const recorder = await makeSimulatedRecorder(dir, { clips: 4, seconds: 4 });
      // The people first: footage takes its unit from the officer who recorded it.
      world = await demoWorld(url, adminToken, config.home, recorder.officerNo);
      const summary = await dock(recorder.volume, { server: url, token: adminToken, station: 'DEMO-STATION', bay: 1, officer: recorder.officerNo }, printEvent);
      printSummary(summary);
      if (summary.failed.length > 0) process.exitCode = 1;
      await demoCase(url, adminToken, world, summary.results.map((r) => r.evidenceId));
      console.log(`\nlinked to case ${DEMO_CASE.number}; transcoding for the browser…`);
      for (const row of await waitForPlayback(db, summary.results.map((r) => r.evidenceId))) {
        console.log(`  ${row.id}  ${row.playback_state}${row.playback_reason ? ` (${row.playback_reason})` : ''}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    printLogins(url, world);
    if (opts.exit) {
      await close();
      return finish();
    }
    console.log(`\nServing on ${url} (admin token: ${adminToken}). Try:\n  curl -H "Authorization: Bearer ${adminToken}" ${url}/api/evidence\nCtrl-C stops.`);
    onShutdown(close, config.shutdownGraceMs, abandonWork);
  });

async function serve(config: Readonly<Config>, logLevel: string) {
  const { startRuntime, ensureAdminToken, buildServer, startJobs, loadOrCreateSigningKey, JOB_KINDS, queueDepthReader, Registry, settleAll } = await platform();
  const runtime = await startRuntime(config);
  const admin = await ensureAdminToken(runtime.db, config).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  if (admin.generated) console.log(`generated the platform-admin token (kept in ${join(config.home, 'admin-token')}): ${admin.token}`);
  const signingKey = await loadOrCreateSigningKey(join(config.home, 'keys'));
  const depths = queueDepthReader(runtime.db, runtime.redis, config.queuePrefix);
  const app = await buildServer(
    {
      db: runtime.db,
      store: runtime.store,
      stagingDir: config.stagingDir,
      maxFileBytes: config.maxFileBytes,
      signingKey,
      trustedProxies: config.trustedProxies,
      secureCookies: config.secureCookies,
      hsts: config.hsts,
      fixityBytesPerSecond: config.fixity.bytesPerSecond,
      retentionGraceDays: config.retentionGraceDays,
      ingest: config.ingest,
      transcodePolicy: config.transcode.policy,
      webhookAllowPrivate: config.webhookAllowPrivate,
      supervision: config.supervision,
      objectLockHorizonDays: config.objectLockHorizonDays,
      registry: new Registry(),
      queueDepths: depths.read,
      metricsToken: config.metricsToken,
      redisPing: () => runtime.redis.ping(),
    },
    { logger: { level: logLevel } },
  );
  console.log(`court exports are signed with Ed25519 key ${signingKey.fingerprint} and SM2 key ${signingKey.sm2.fingerprint}`);
  console.log(`object store: ${runtime.store.description}`);
  const stopJobs = await startJobs(runtime, config, app.log, JOB_KINDS, app.ingest, app.metrics);
  await app.listen({ host: config.host, port: config.port });
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`,
    adminToken: admin.token,
    db: runtime.db,
    abandonWork: runtime.abandonWork,
    // Stop taking requests and jobs, finish those in flight (an upload chunk completes and is
    // staged, a running job ends), then close the services, and only then stop the embedded ones.
    close: async () => {
      app.log.info('shutting down: finishing in-flight requests and running jobs');
      await settleAll([app.close(), stopJobs()]);
      await depths.close();
      await runtime.close();
      app.log.info('shut down cleanly');
    },
  };
}

async function dock(volume: string, opts: { server: string; token: string; station: string; bay: number; serial?: string; officer?: string }, onEvent: (e: OffloadEvent) => void) {
  return offloadVolume(volume, {
    server: opts.server,
    token: opts.token,
    station: { code: opts.station },
    bay: opts.bay,
    recorder: { serial: opts.serial ?? (await serialFromNames(volume)), ...(opts.officer ? { officerNo: opts.officer } : {}) },
    utcOffsetMinutes: 480,
    onEvent,
  });
}

/** Without --serial, the device serial that GA/T 947 names carry; else the volume's folder name. */
async function serialFromNames(volume: string): Promise<string> {
  const { files } = await listVolume(volume);
  const serials = new Set(files.map((f) => parseRecorderName(f.display, 480).deviceSerial).filter((s): s is string => s !== null));
  if (serials.size === 1) return [...serials][0]!;
  return volume.replace(/\/+$/, '').split('/').pop() || 'unknown-recorder';
}

/** Waits until every given evidence is playable or known not to be (at most two minutes). */
async function waitForPlayback(db: Db, ids: string[]) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rows = ids.length === 0 ? [] : await db.selectFrom('evidence').select(['id', 'playback_state', 'playback_reason']).where('id', 'in', ids).execute();
    if (rows.every((r) => ['ready', 'unplayable', 'failed'].includes(r.playback_state)) || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function printEvent(event: OffloadEvent): void {
  if (event.kind === 'skipped') console.warn(`warning: skipped ${event.path}: ${event.reason}`);
  else if (event.kind === 'retry') console.warn(`retrying ${event.path} (attempt ${event.attempt}): ${event.error}`);
  else if (event.kind === 'failed') console.error(`FAILED ${event.path}: ${event.error}`);
  else console.log(`verified ${event.path} (${event.size} bytes)${event.result.duplicate ? ' [already on the platform]' : ''} sha256=${event.result.sha256}`);
}

function printSummary(s: OffloadSummary): void {
  console.log(
    `\n${s.verified}/${s.files} files verified (${s.duplicates} already on the platform), ${s.skipped.length} skipped, ${s.failed.length} failed; ` +
      `${megabytes(s.bytes)} MB in ${s.seconds.toFixed(2)} s = ${megabytes(s.bytes / Math.max(s.seconds, 1e-9))} MB/s`,
  );
  for (const r of s.results) console.log(`  ${r.evidenceId}  ${r.path}\n      sha256 ${r.sha256}\n      sm3    ${r.sm3}`);
  if (s.failed.length > 0) console.log(`Not verified (still on the recorder; dock again):\n${s.failed.map((f) => `  ${f.path}: ${f.error}`).join('\n')}`);
}

async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
  const { startRuntime } = await platform();
  const runtime = await startRuntime(readConfig());
  try {
    await work(runtime.db);
  } finally {
    await runtime.close();
  }
}

function consoleLog() {
  return {
    info: (o: object, m: string) => console.log(`${m} ${JSON.stringify(o)}`),
    warn: (o: object, m: string) => console.warn(`${m} ${JSON.stringify(o)}`),
  };
}

/** Ends a one-shot command with its exit code, whatever handles (pools, sockets) are still open. */
function finish(code = process.exitCode ?? 0): never {
  process.exit(code);
}

/**
 * On SIGTERM/SIGINT: close (exit 0), or exit 1 when it fails or outlasts the grace period (unfinished
 * jobs run again elsewhere; `abandonWork` first kills the ffmpeg they run, which would outlive us).
 */
function onShutdown(close: () => Promise<void>, graceMs: number, abandonWork: () => void): void {
  const stop = () => {
    setTimeout(() => {
      console.error(`shutdown took longer than ${graceMs / 1000} s (EVIDENCE_SHUTDOWN_GRACE_SECONDS); exiting with work unfinished`);
      abandonWork();
      process.exit(1);
    }, graceMs).unref();
    close().then(() => process.exit(0), (error: unknown) => {
      console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed terminal: the same stop, else the embedded PostgreSQL and Redis would outlive the process.
  process.once('SIGHUP', stop);
}

program
  .command('keys')
  .description('Master keys of the encryption at rest (EVIDENCE_ENCRYPTION, docs/encryption.md)')
  .command('rotate')
  .description('Re-wrap every data key under a new master key, without re-encrypting any object; resumable. Run with the current key in EVIDENCE_MASTER_KEY_FILE; after every process runs with the new key, run again with --retire')
  .requiredOption('--new-key-file <path>', 'the new master key: a file of 32 random bytes (generated there, mode 0600, if it does not exist)')
  .option('--retire', 'then forget every other master key: their key files open nothing any more')
  .action(async (opts: { newKeyFile: string; retire?: boolean }) => {
    const { openDatabase, openStore, loadMasterKey, rotateMasterKey } = await platform();
    const config = readConfig();
    if (!config.encryption) throw new InvalidArgumentError('EVIDENCE_ENCRYPTION is not set: there are no master keys to rotate');
    const { db, close } = await openDatabase(config);
    try {
      await openStore(config, db); // the checks of a start: the current key must be this platform's
      const current = await loadMasterKey(config.encryption.masterKeyFile);
      const next = await loadMasterKey(opts.newKeyFile, true);
      const result = await rotateMasterKey(db, current, next, { retire: opts.retire ?? false });
      console.log(`${result.rewrapped} data keys re-wrapped under master key ${next.id} (${opts.newKeyFile}); no object was rewritten`);
      if (opts.retire) console.log(`retired master keys: ${result.retired.join(', ') || 'none'}; only ${next.id} opens the store now`);
      else console.log(`master key ${current.id} still opens every object. Next: set EVIDENCE_MASTER_KEY_FILE=${opts.newKeyFile} for every process and restart them, then run this command again with --retire (and the old key still in EVIDENCE_MASTER_KEY_FILE here)`);
    } finally {
      await close();
    }
    finish(0);
  });

registerExportCommands(program);
program.parseAsync().catch((error: unknown) => {
  console.error(`evidence: ${error instanceof Error ? error.message : String(error)}`);
  finish(2);
});
