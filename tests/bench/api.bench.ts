/**
 * npm run bench:api — with 100,000 evidence rows and 10,000 cases seeded, load the running server
 * (`evidence up`, its own process) with autocannon: p50/p99 of a filtered evidence search as a
 * handler and as an auditor; then Range streaming of a 256 MiB original against the same file read
 * from disk (tests/bench/range-read.ts; npm run bench:range has derivatives, S3 and encryption).
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { generateToken } from '../../core/tokens';
import { rangeAgainstDisk } from './range-read';

const PORT = 18800;
const home = await mkdtemp(join(tmpdir(), 'bench-api-'));
await chmod(home, 0o755); // the embedded PostgreSQL runs as the postgres user
const adminToken = generateToken();
const server = spawn(process.execPath, ['bin/evidence.js', 'up'], {
  env: { ...process.env, EVIDENCE_HOME: home, EVIDENCE_PORT: String(PORT), EVIDENCE_PG_PORT: String(PORT + 1), EVIDENCE_REDIS_PORT: String(PORT + 2), EVIDENCE_ADMIN_TOKEN: adminToken, EVIDENCE_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = `http://127.0.0.1:${PORT}`;
try {
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => d.toString().includes('listening on') && resolve());
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const api = async (method: string, path: string, body?: object, token = adminToken) => {
    const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, any>>;
  };

  console.log('seeding 20 units, 100,000 evidence rows, 10,000 cases…');
  const units: string[] = [];
  for (let u = 0; u < 20; u++) units.push((await api('POST', '/api/units', { code: `U${u}`, name: `单位${u}` })).id);
  const handler = await api('POST', '/api/users', { username: 'handler', password: 'bench password 1', role: 'handler', unitId: units[0], officerNo: 'B00000' });
  const auditor = await api('POST', '/api/users', { username: 'auditor', password: 'bench password 1', role: 'auditor' });
  const handlerToken = (await api('POST', '/api/tokens', { name: 'h', role: 'handler', userId: handler.id })).token;
  const auditorToken = (await api('POST', '/api/tokens', { name: 'a', role: 'auditor', userId: auditor.id })).token;

  const db = new pg.Client({ connectionString: `postgres://evidence:evidence-local@127.0.0.1:${PORT + 1}/postgres` });
  await db.connect();
  await db.query(`insert into stations (code, name) values ('BENCH', 'bench') on conflict do nothing`);
  await db.query(`insert into bays (station_id, number) select id, 1 from stations where code = 'BENCH'`);
  await db.query(`insert into recorders (serial) select 'DSJ' || lpad(g::text, 4, '0') from generate_series(0, 199) g`);
  await db.query(`insert into offload_sessions (station_id, bay_id, recorder_id) select s.id, b.id, r.id from stations s join bays b on b.station_id = s.id, recorders r`);
  await db.query(`
    insert into uploads (id, session_id, recorder_id, original_path, original_path_bytes, size, metadata, state)
    select gen_random_uuid(), s.id, s.recorder_id, 'DCIM/' || g || '.mp4', convert_to('DCIM/' || g || '.mp4', 'UTF8'), 1000000, '{}', 'verified'
    from generate_series(1, 100000) g join offload_sessions s on s.recorder_id = (select id from recorders order by serial offset (g % 200) limit 1)`);
  await db.query(`
    insert into evidence (recorder_id, session_id, upload_id, size, sha256, sm3, original_path, original_path_bytes, original_name, officer_no, device_serial, unit_id, recorded_at, received_at, important, storage_key, playback_state)
    select u.recorder_id, u.session_id, u.id, u.size, encode(sha256(u.original_path_bytes), 'hex'), encode(sha256(u.original_path_bytes || 'sm3'), 'hex'),
           u.original_path, u.original_path_bytes, split_part(u.original_path, '/', 2), 'B' || lpad((n % 1000)::text, 5, '0'), r.serial,
           (array[${units.map((u) => `'${u}'::uuid`).join(',')}])[1 + (n % 20)], now() - (n || ' minutes')::interval, now() - (n || ' minutes')::interval,
           n % 17 = 0, 'originals/' || u.id, 'ready'
    from (select *, row_number() over () as n from uploads) u join recorders r on r.id = u.recorder_id`);
  await db.query(`
    insert into cases (number, title, unit_id, stage)
    select 'AJ' || g, '案件' || g, (array[${units.map((u) => `'${u}'::uuid`).join(',')}])[1 + (g % 20)], (array['立案','调查取证','结案','移送'])[1 + (g % 4)]
    from generate_series(1, 10000) g`);
  await db.query(`insert into case_handlers (case_id, user_id) select id, $1 from cases where number like 'AJ%' and (substr(number, 3)::int % 100) = 0`, [handler.id]);
  await db.query(`insert into case_evidence (case_id, evidence_id, stage) select c.id, e.id, c.stage from (select id, stage, row_number() over () n from cases) c join (select id, row_number() over () n from evidence) e on e.n = c.n * 2`);
  await db.query('analyze');
  // Seeding queued 100,000 originals for trusted time-stamping at once; measure the steady state.
  for (let waited = 0; waited < 300; waited += 2) {
    const { rows } = await db.query(`select (select count(*) from timestamp_leaves where batch_id is null) + (select count(*) from timestamp_batches where state <> 'stamped') as n`);
    if (Number(rows[0].n) === 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }

  const load = async (label: string, token: string, path: string) => {
    const result = await autocannon({ url: base + path, connections: 8, duration: 10, headers: { authorization: `Bearer ${token}` } });
    if (result.non2xx > 0) throw new Error(`${label}: ${result.non2xx} non-2xx answers`);
    console.log(`${label.padEnd(44)} p50 ${String(result.latency.p50).padStart(4)} ms  p99 ${String(result.latency.p99).padStart(4)} ms  ${result.requests.average.toFixed(0)} req/s`);
  };
  const filter = `/api/evidence?limit=50&important=true&from=${encodeURIComponent(new Date(Date.now() - 40 * 24 * 3600_000).toISOString())}`;
  console.log('\nfiltered evidence search (important, last 40 days, 50 per page), 8 connections, 10 s each:');
  await load('as a handler (own recordings + handled cases)', handlerToken, filter);
  await load('as an auditor (everything)', auditorToken, filter);
  await load('as an auditor, by officer number', auditorToken, '/api/evidence?limit=50&officerNo=B00042');

  // Range streaming (issue 17 item 4); npm run bench:range measures derivatives, S3 and encryption too.
  console.log(`\n${await rangeAgainstDisk({ url: base, token: adminToken, db }, join(home, 'objects'))}`);
  await db.end();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(home, { recursive: true, force: true });
}
