/**
 * npm run bench:supervision [-- --rows N] — the supervision summary for 31 units over a quarter
 * at N recordings (default 1,000,000): seeds a running server (`evidence up`, its own process)
 * straight in PostgreSQL, then prints the p50/p99 of GET /api/supervision/summary (every unit, and
 * one unit with its officers) next to the time of the same recording figures computed from the
 * raw rows (the unaggregated query), measured in the same run.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { rawTallies } from '../../api/supervision-data';
import { connect } from '../../schema/database';
import { startServer } from './server';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const ROWS = Number(values.rows);
if (!Number.isSafeInteger(ROWS) || ROWS < 1) throw new Error('--rows must be a whole number');
const UNITS = 31;
const OFFICERS_PER_UNIT = 30;
const CASES = 30_000;
const CHUNK = 100_000;
const RUNS = 50;
// The third quarter of 2026 in China time (UTC+8): partial UTC days at both edges, as a user would ask.
const FROM = '2026-06-30T16:00:00Z';
const TO = '2026-09-30T16:00:00Z';
const PORT = 18870;

const home = await mkdtemp(join(tmpdir(), 'bench-supervision-'));
await chmod(home, 0o755); // the embedded PostgreSQL runs as the postgres user
const server = await startServer(home, PORT, {});
const ownerUrl = `postgres://evidence:evidence-local@127.0.0.1:${PORT + 1}/postgres`;
try {
  const api = async (method: string, path: string, body?: object) => {
    const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, any>>;
  };
  const auditor = await api('POST', '/api/users', { username: 'auditor', password: 'bench password 1', role: 'auditor' });
  const auditorToken = (await api('POST', '/api/tokens', { name: 'a', role: 'auditor', userId: auditor.id })).token as string;

  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  const started = performance.now();
  console.log(`seeding ${UNITS} units, ${UNITS * OFFICERS_PER_UNIT} officers and recorders, ${ROWS.toLocaleString('en')} recordings over ${FROM} – ${TO}, ${CASES.toLocaleString('en')} cases…`);
  await db.query(`insert into units (code, name) select 'U' || lpad(g::text, 2, '0'), '单位' || g from generate_series(1, ${UNITS}) g`);
  await db.query(`
    insert into users (username, role, unit_id, officer_no, display_name)
    select 'officer' || o, 'handler', u.id, 'P' || lpad(o::text, 5, '0'), '警员' || o
    from (select id, row_number() over (order by code) - 1 as n from units where code like 'U%') u, generate_series(0, ${OFFICERS_PER_UNIT - 1}) k, lateral (select u.n * ${OFFICERS_PER_UNIT} + k as o) x`);
  await db.query(`insert into recorders (serial, officer_no, last_docked_at) select 'DSJ' || officer_no, officer_no, now() - (random() * 72 || ' hours')::interval from users where officer_no like 'P%'`);
  await db.query(`insert into stations (code, name) values ('BENCH', 'bench')`);
  await db.query(`insert into bays (station_id, number) select id, 1 from stations where code = 'BENCH'`);
  await db.query(`insert into offload_sessions (station_id, bay_id, recorder_id) select s.id, b.id, r.id from stations s join bays b on b.station_id = s.id, recorders r`);
  // Trusted time-stamping of a million originals at once is not what this measures.
  await db.query('alter table evidence disable trigger evidence_queue_timestamp');
  for (let first = 0; first < ROWS; first += CHUNK) {
    const last = Math.min(first + CHUNK, ROWS) - 1;
    await db.query(`
      insert into uploads (id, session_id, recorder_id, original_path, original_path_bytes, size, metadata, state)
      select md5('u' || g)::uuid, s.id, s.recorder_id, 'DCIM/' || g || '.mp4', convert_to('DCIM/' || g || '.mp4', 'UTF8'), 50000000 + g % 1000, '{}', 'verified'
      from generate_series(${first}, ${last}) g join (select id, recorder_id, row_number() over (order by recorder_id) - 1 as n from offload_sessions) s on s.n = g % ${UNITS * OFFICERS_PER_UNIT}`);
    // Recorder times spread over the quarter; most arrive within hours, one in twelve days later; some clocks are off.
    await db.query(`
      insert into evidence (recorder_id, session_id, upload_id, size, sha256, sm3, original_path, original_path_bytes, original_name, officer_no, device_serial, unit_id,
                            recorded_at, received_at, duration_ms, clock_skew_ms, important, storage_key, playback_state)
      select u.recorder_id, u.session_id, u.id, u.size, encode(sha256(u.original_path_bytes), 'hex'), md5(u.original_path) || md5(u.original_path || 'sm3'),
             u.original_path, u.original_path_bytes, split_part(u.original_path, '/', 2), r.officer_no, r.serial, us.unit_id,
             t.recorded, t.recorded + ((g % 97) * interval '1 minute') + case when g % 12 = 0 then interval '50 hours' else (g % 20) * interval '1 hour' end,
             (g % 97) * 60000, case when g % 500 = 0 then 600000 else g % 3000 end, false, 'originals/' || u.id, 'ready'
      from generate_series(${first}, ${last}) g
      join uploads u on u.id = md5('u' || g)::uuid
      join recorders r on r.id = u.recorder_id
      join users us on us.officer_no = r.officer_no,
      lateral (select timestamptz '${FROM}' + (timestamptz '${TO}' - timestamptz '${FROM}') * ((g::bigint * 7919) % ${ROWS})::float8 / ${ROWS} as recorded) t`);
    process.stdout.write(`  ${(last + 1).toLocaleString('en')} recordings\r`);
  }
  await db.query('alter table evidence enable trigger evidence_queue_timestamp');
  await db.query(`
    insert into cases (number, title, unit_id, stage, stages_reached, created_at)
    select 'AJ' || g, '案件' || g, (select id from units where code = 'U' || lpad((1 + g % ${UNITS})::text, 2, '0')),
           (array['立案','调查取证','告知','送达'])[2 + g % 3], (array['立案','调查取证','告知','送达'])[1:2 + g % 3],
           timestamptz '${FROM}' + (timestamptz '${TO}' - timestamptz '${FROM}') * (g::float8 / ${CASES})
    from generate_series(1, ${CASES}) g`);
  // Two thirds of the cases have footage of their investigation, half of those also of the notice.
  await db.query(`
    insert into case_evidence (case_id, evidence_id, stage)
    select c.id, e.id, s.stage
    from (select id, row_number() over (order by number) as n from cases) c
    cross join (values ('调查取证', 0), ('告知', 1)) s(stage, k)
    join evidence e on e.upload_id = md5('u' || ((c.n * 31 + s.k) % ${ROWS}))::uuid
    where c.n % 3 <> 0 and (s.k = 0 or c.n % 2 = 0)`);
  await db.query('analyze');
  const aggregates = (await db.query('select count(*) as n from supervision_daily')).rows[0].n;
  console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s; ${Number(aggregates).toLocaleString('en')} daily aggregate rows`);
  const unitId = (await db.query(`select id from units where code = 'U01'`)).rows[0].id as string;
  await db.end();

  const period = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
  const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const measure = async (label: string, run: () => Promise<unknown>) => {
    await run(); // warm
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(58)} p50 ${percentile(times, 0.5).toFixed(1).padStart(7)} ms  p99 ${percentile(times, 0.99).toFixed(1).padStart(7)} ms`);
  };
  const summary = (query: string) => async () => {
    const res = await fetch(`${server.url}/api/supervision/summary?${query}`, { headers: { authorization: `Bearer ${auditorToken}` } });
    if (!res.ok) throw new Error(`summary: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { units: { recordings: number }[] };
    if (body.units.reduce((sum, u) => sum + u.recordings, 0) === 0) throw new Error('the summary counted nothing');
  };
  console.log(`\n${RUNS} sequential requests each, as an auditor, ${ROWS.toLocaleString('en')} recordings:`);
  await measure('GET /api/supervision/summary (31 units, the quarter)', summary(period));
  await measure('GET /api/supervision/summary?unitId= (one unit, its officers)', summary(`${period}&unitId=${unitId}`));
  // The same recording figures straight from the evidence rows, without the daily aggregates.
  const appDb = connect(ownerUrl, { max: 2 });
  try {
    const range = { from: new Date(FROM), to: new Date(TO) };
    const t0 = performance.now();
    await rawTallies(appDb, null, range, 24);
    const once = performance.now() - t0;
    console.log(`${'unaggregated: the recording figures from the raw rows'.padEnd(58)} one run ${once.toFixed(1).padStart(7)} ms`);
  } finally {
    await appDb.destroy();
  }
} finally {
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
  await rm(home, { recursive: true, force: true });
}
