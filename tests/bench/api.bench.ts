/**
 * npm run bench:api [-- --rows N] — with N evidence rows (default 100,000) and a tenth as many cases
 * seeded, load the running server (`evidence up`, its own process) with autocannon: per role
 * (handler, unit_head, overseer, auditor) the p50/p99 and rate of a mix of filtered evidence searches
 * and searches by officer number. Then Range streaming of a 256 MiB original against the
 * same file read from disk (tests/bench/range-read.ts; npm run bench:range has derivatives, S3 and encryption).
 * `--home DIR` keeps the server's home (database, objects) in DIR: a later run with the same DIR reuses
 * its seeded rows (a million take minutes to seed) instead of seeding again. `--port P` (default 18800)
 * moves the server, PostgreSQL and Redis to P, P+1 and P+2.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { parseArgs } from 'node:util';
import { generateToken } from '../../core/tokens';
import { seedSearchRows } from '../support/search-rows';
import { rangeAgainstDisk } from './range-read';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, home: { type: 'string' }, port: { type: 'string', default: '18800' } } });
const ROWS = Number(values.rows);
if (!Number.isSafeInteger(ROWS) || ROWS < 1) throw new Error('--rows must be a whole number');
const CASES = Math.ceil(ROWS / 10);

const PORT = Number(values.port); // and the next two: PostgreSQL and Redis
const home = values.home ?? (await mkdtemp(join(tmpdir(), 'bench-api-')));
await mkdir(home, { recursive: true });
await chmod(home, 0o755); // the embedded PostgreSQL runs as the postgres user
/** What a kept home was seeded with: a run with another --rows seeds a new home. */
interface Seeded { rows: number; adminToken: string; tokens: Record<string, string> }
const seedFile = join(home, 'bench-api-seed.json');
const kept = values.home ? await readFile(seedFile, 'utf8').then((t) => JSON.parse(t) as Seeded, () => undefined) : undefined;
if (kept && kept.rows !== ROWS) throw new Error(`${home} was seeded with --rows ${kept.rows}`);
const adminToken = kept?.adminToken ?? generateToken();
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

  const db = new pg.Client({ connectionString: `postgres://evidence:evidence-local@127.0.0.1:${PORT + 1}/postgres` });
  await db.connect();
  const seed = async (): Promise<Record<string, string>> => {
    console.log(`seeding 20 units, ${ROWS.toLocaleString('en')} evidence rows, ${CASES.toLocaleString('en')} cases…`);
    const started = performance.now();
    const units: string[] = [];
    for (let u = 0; u < 20; u++) units.push((await api('POST', '/api/units', { code: `U${u}`, name: `单位${u}` })).id);
    const person = async (role: string, more: object) => {
      const user = await api('POST', '/api/users', { username: role, password: 'bench password 1', role, ...more });
      return { id: user.id as string, token: (await api('POST', '/api/tokens', { name: role, role, userId: user.id })).token as string };
    };
    const handler = await person('handler', { unitId: units[0], officerNo: 'B00000' });
    const tokens = {
      handler: handler.token,
      unit_head: (await person('unit_head', { unitId: units[0] })).token,
      overseer: (await person('overseer', { oversees: units.slice(0, 5) })).token,
      auditor: (await person('auditor', {})).token,
    };
    await seedSearchRows((text, params) => db.query(text, params), { rows: ROWS, cases: CASES, unitIds: units, officers: 1000, officerPrefix: 'B', handlerId: handler.id });
    console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (values.home) await writeFile(seedFile, JSON.stringify({ rows: ROWS, adminToken, tokens } satisfies Seeded));
    return tokens;
  };
  if (kept) console.log(`reusing the ${ROWS.toLocaleString('en')} rows seeded in ${home}`);
  const tokens = kept?.tokens ?? (await seed());

  const load = async (token: string, paths: string[]) => {
    // Each connection cycles through the searches: filtered ones and ones by officer number.
    const result = await autocannon({ url: base, connections: 8, duration: 10, headers: { authorization: `Bearer ${token}` }, requests: paths.map((path) => ({ method: 'GET', path })) });
    if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers`);
    return result;
  };
  const from = encodeURIComponent(new Date(Date.now() - 40 * 24 * 3600_000).toISOString());
  const searches = [`/api/evidence?limit=50&important=true&from=${from}`, '/api/evidence?limit=50&officerNo=B00200', `/api/evidence?limit=50&from=${from}`, '/api/evidence?limit=50&officerNo=B00000&important=true'];
  console.log('\nevidence searches (important in the last 40 days, last 40 days, by officer number), 50 per page, 8 connections, 10 s each:');
  for (const [role, token] of Object.entries(tokens)) {
    const r = await load(token, searches);
    console.log(`${role} p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms ${r.requests.average.toFixed(0)} req/s`);
  }

  // Range streaming (issue 17 item 4); npm run bench:range measures derivatives, S3 and encryption too.
  console.log(`\n${await rangeAgainstDisk({ url: base, token: adminToken, db }, join(home, 'objects'))}`);
  await db.end();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (!values.home) await rm(home, { recursive: true, force: true });
}
