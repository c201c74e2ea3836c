import { randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import pg from 'pg';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { requestId } from '../../core/client-address';
import { enqueue, redisConnection, startDispatcher } from '../../core/jobs';
import { runFixityPass } from '../../core/fixity';
import { metricsAccess, routeLabel } from '../../core/metrics';
import { createToken } from '../../core/tokens';
import { createTestDatabase } from '../support/db';
import { digests, dockCalls } from '../support/dock-calls';
import { startEvidence } from '../support/evidence-process';
import { freePort } from '../support/free-port';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

const redis = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 1 });
afterAll(() => redis.disconnect());
let redisDown = false;
let free = 10 * 1024 ** 3;
const METRICS_TOKEN = 'metrics-secret-for-tests';
// No export jobs of the platform's own: the dispatcher test below takes the outbox's export rows.
const p = usePlatform({
  exportJobs: false,
  server: {
    redisPing: () => (redisDown ? Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379 password=hunter2')) : redis.ping()),
    freeSpace: async () => free,
    metricsToken: METRICS_TOKEN,
    trustedProxies: ['127.0.0.1'],
    queueDepths: async () => ({ outbox: { transcode: 3 }, jobs: [{ kind: 'transcode', state: 'waiting', count: 2 }] }),
  },
});

const w = useWorld(p);
const run = promisify(execFile);

const get = (url: string, headers: Record<string, string> = {}) => p.app.inject({ url, headers });

describe('health and readiness', () => {
  it('answers liveness without checking anything', async () => {
    const res = await get('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when PostgreSQL, Redis, the store and staging space all pass', async () => {
    const res = await get('/api/ready');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['database', 'redis', 'staging', 'store']);
    for (const check of Object.values(body.checks) as { ok: boolean }[]) expect(check.ok).toBe(true);
  });

  it('answers 503 naming the failed check, without addresses or secrets, and recovers', async () => {
    redisDown = true;
    try {
      const res = await get('/api/ready');
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json();
      expect(body).toMatchObject({ status: 503, detail: 'not ready: redis' });
      expect(body.checks.redis).toMatchObject({ ok: false });
      expect(body.checks.database.ok).toBe(true);
      expect(res.body).not.toMatch(/10\.1\.2\.3|hunter2|ECONNREFUSED/);
    } finally {
      redisDown = false;
    }
    expect((await get('/api/ready')).statusCode).toBe(200);
  });

  it('is not ready while staging space is below the floor', async () => {
    free = 1024;
    try {
      const res = await get('/api/ready');
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.staging).toMatchObject({ ok: false, detail: expect.stringMatching(/staging space low/) });
    } finally {
      free = 10 * 1024 ** 3;
    }
  });
});

describe('metrics', () => {
  it('wants the metrics token when one is configured', async () => {
    expect((await get('/metrics')).statusCode).toBe(401);
    expect((await get('/metrics', bearer('wrong'))).statusCode).toBe(401);
    expect((await get('/metrics', bearer(p.adminToken))).statusCode).toBe(401);
    expect((await get('/metrics', bearer(METRICS_TOKEN))).statusCode).toBe(200);
  });

  it('counts ingested bytes and files, verify latency, HTTP latency by route pattern, queue depths and process metrics', async () => {
    const scrape = async () => (await get('/metrics', bearer(METRICS_TOKEN))).body;
    const valueIn = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"/:.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    const before = await scrape();
    const bytes = randomBytes(50_000);
    const dock = dockCalls(p.app, p.stationToken, 'ST-METRICS');
    const upload = (await dock.announce('DSJMETRIC1', 'DCIM/a.mp4', bytes.length)).json();
    expect((await dock.send(upload.uploadId, 0, bytes)).statusCode).toBe(200);
    expect((await dock.complete(upload.uploadId, bytes)).statusCode).toBe(200);
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) await get(`/api/evidence/${id}`, bearer(p.adminToken));
    const text = await scrape();
    const value = (series: string) => valueIn(text, series);
    const added = (series: string) => value(series) - valueIn(before, series);
    expect(added('evidence_ingest_bytes_total')).toBe(bytes.length);
    expect(added('evidence_ingest_files_total')).toBe(1);
    expect(added('evidence_verify_seconds_count')).toBe(1);
    expect(value('evidence_http_request_duration_seconds_count{method="GET",route="/api/evidence/:id",status="404"}')).toBe(2);
    for (const id of ids) expect(text).not.toContain(id);
    expect(value('evidence_outbox_pending{kind="transcode"}')).toBe(3);
    expect(value('evidence_queue_jobs{kind="transcode",state="waiting"}')).toBe(2);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^# TYPE evidence_fixity_failures_total counter$/m);
  });

  it.each([
    { token: 'secret', bearer: 'secret', peerIsLoopback: false, expected: 'allowed' },
    { token: 'secret', bearer: 'other', peerIsLoopback: true, expected: 'unauthorized' },
    { token: 'secret', bearer: undefined, peerIsLoopback: true, expected: 'unauthorized' },
    { token: undefined, bearer: undefined, peerIsLoopback: true, expected: 'allowed' },
    { token: undefined, bearer: 'anything', peerIsLoopback: false, expected: 'forbidden' },
  ] as const)('metrics access: token $token, bearer $bearer, loopback $peerIsLoopback → $expected', ({ expected, ...facts }) => {
    expect(metricsAccess(facts)).toBe(expected);
  });

  it.each([
    ['/api/evidence/:id', false, '/api/evidence/:id'],
    [undefined, true, 'unmatched'],
    ['/*', true, 'unmatched'],
  ] as const)('route label of %s (404 %s) is %s', (pattern, is404, expected) => {
    expect(routeLabel(pattern, is404)).toBe(expected);
  });
});

describe('request ids', () => {
  it.each([
    ['abc-123', true, 'abc-123'],
    ['abc-123', false, 'fresh'],
    [undefined, true, 'fresh'],
    ['has space', true, 'fresh'],
    ['x'.repeat(129), true, 'fresh'],
    [['a', 'b'], true, 'fresh'],
  ] as const)('X-Request-Id %j from a trusted proxy %s → %s', (header, trusted, expected) => {
    expect(requestId(header as string | string[] | undefined, trusted, () => 'fresh')).toBe(expected);
  });

  it('honours a trusted proxy\'s X-Request-Id and echoes it; makes one otherwise', async () => {
    const honoured = await get('/api/health', { 'x-request-id': 'proxy-req-42' });
    expect(honoured.headers['x-request-id']).toBe('proxy-req-42');
    const made = await get('/api/evidence', {});
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** A PATCH whose body is sent in two halves: the second only when `rest()` is called. */
function slowChunk(url: string, token: string, bytes: Buffer, requestIdHeader: string) {
  const req = request(url, { method: 'PATCH', headers: { ...bearer(token), 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'content-length': String(bytes.length), 'x-request-id': requestIdHeader } });
  const answer = new Promise<{ status: number; body: string; id: string | undefined }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, id: res.headers['x-request-id'] as string | undefined }));
    });
    req.on('error', reject);
  });
  const half = Math.floor(bytes.length / 2);
  req.write(bytes.subarray(0, half));
  return { answer, rest: () => req.end(bytes.subarray(half)) };
}

describe('graceful shutdown of evidence up', () => {
  it('finishes an upload chunk in flight at SIGTERM, exits 0, and the dock resumes at the right offset; logs carry request ids', async () => {
    const database = await createTestDatabase();
    const home = await mkdtemp(join(tmpdir(), 'evidence-shutdown-'));
    try {
      const token = (await createToken(database.db, { name: 'station-shutdown', role: 'station' })).token;
      const port = await freePort();
      const env = {
        EVIDENCE_HOME: home,
        DATABASE_URL: database.url,
        REDIS_URL: inject('redisUrl'),
        EVIDENCE_PORT: String(port),
        EVIDENCE_QUEUE_PREFIX: `ops-${randomUUID()}`,
        EVIDENCE_TRUSTED_PROXIES: 'loopback',
      };
      const base = `http://127.0.0.1:${port}`;
      const call = async (method: string, path: string, body?: object) => {
        const res = await fetch(`${base}${path}`, { method, headers: { ...bearer(token), 'x-request-id': `dock-${path.split('/').at(-1)}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      const first = await startEvidence(['up'], env, 'listening on');
      const session = await call('POST', '/ingest/v1/sessions', { station: { code: 'ST-STOP' }, bay: 1, recorder: { serial: 'DSJSTOP1' } });
      expect(session.status).toBe(201);
      const bytes = randomBytes(4 * 1024 * 1024);
      const file = await call('POST', `/ingest/v1/sessions/${session.json.sessionId}/files`, { pathBase64: Buffer.from('DCIM/stop.mp4').toString('base64'), size: bytes.length });
      const uploadId = file.json.uploadId as string;

      const chunk = slowChunk(`${base}/ingest/v1/uploads/${uploadId}`, token, bytes, 'dock-chunk-1');
      // The first half is being received when the stop comes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exited = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
      first.child.kill('SIGTERM');
      while (!first.output().includes('shutting down')) await new Promise((resolve) => setTimeout(resolve, 50));
      chunk.rest();
      const answered = await chunk.answer;
      expect(answered.status, answered.body).toBe(200);
      expect(JSON.parse(answered.body).offset).toBe(bytes.length);
      expect(answered.id).toBe('dock-chunk-1');
      expect(await exited).toBe(0);
      // Every log line of a request carries its id: fastify's own and the ingest's.
      const lines = first.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { reqId?: string; msg: string });
      expect(lines.filter((l) => l.reqId === 'dock-sessions').map((l) => l.msg)).toContain('offload session opened');
      expect(lines.some((l) => l.reqId === 'dock-chunk-1' && l.msg === 'request completed')).toBe(true);

      const second = await startEvidence(['up'], env, 'listening on');
      try {
        const status = await call('GET', `/ingest/v1/uploads/${uploadId}`);
        expect(status.json.offset).toBe(bytes.length);
        const done = await call('POST', `/ingest/v1/uploads/${uploadId}/complete`, digests(bytes));
        expect(done.status, JSON.stringify(done.json)).toBe(200);
        expect(done.json.sha256).toBe(digests(bytes).sha256);
      } finally {
        await second.stop();
      }
    } finally {
      await database.drop();
      await rm(home, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('graceful stop of the job dispatcher', () => {
  it('lets a running job finish, and takes no new one, before stop() resolves', async () => {
    const connection = redisConnection(inject('redisUrl'));
    const ran: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const quiet = { info() {}, warn() {} };
    const stop = startDispatcher({ db: p.db, log: quiet, redis: connection, prefix: `ops-${randomUUID()}`, pollMs: 20 }, ['export'], {
      export: {
        concurrency: 1,
        lockSeconds: 30,
        run: async ({ exportId }) => {
          started();
          await held;
          ran.push(exportId);
        },
      },
    });
    try {
      await enqueue(p.ownerDb, 'export', { exportId: 'first', evidenceIds: [] });
      await running;
      await enqueue(p.ownerDb, 'export', { exportId: 'second', evidenceIds: [] });
      let stopped = false;
      const stopping = stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(ran).toEqual(['first']);
    } finally {
      release();
      connection.disconnect();
    }
  });
});

describe('restore drill (docs/operations.md)', () => {
  it('a pg_dump of a seeded platform restored into a fresh database passes evidence audit verify (scripts/restore-drill.sh)', async (ctx) => {
    const major = async (url: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return Math.floor(Number((await c.query('show server_version_num')).rows[0].server_version_num) / 10000);
      } finally {
        await c.end();
      }
    };
    const tools = Number(/(\d+)\./.exec((await run('pg_dump', ['--version'])).stdout)?.[1]);
    const server = await major(p.databaseUrl);
    if (tools < server) return ctx.skip(`pg_dump ${tools} cannot dump a PostgreSQL ${server} server: install the client tools of the server's version`);
    expect(w.evidence.a).toBeTruthy();
    const drill = await run('scripts/restore-drill.sh', [p.databaseUrl, inject('pgUrl'), p.dir], { cwd: join(import.meta.dirname, '../..') }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(drill.stdout, drill.stderr).toMatch(/^audit: OK, [1-9]\d* rows/m);
    expect(drill.stdout).toMatch(/^custody: OK, [1-9]\d* rows/m);
    expect(drill.stdout).toMatch(/^cross-check: OK/m);
  }, 120_000);
});

describe('fixity failures metric', () => {
  it('counts an altered original found by a fixity pass started through the API', async () => {
    const key = (await p.db.selectFrom('evidence').select('storage_key').where('id', '=', w.evidence.a).executeTakeFirstOrThrow()).storage_key;
    const path = join(p.dir, 'objects', key);
    const bytes = await readFile(path);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(path, bytes);
    expect((await p.app.inject({ method: 'POST', url: '/api/fixity/runs', headers: bearer(w.tokens.auditor) })).statusCode).toBe(202);
    while ((await get('/api/fixity', bearer(w.tokens.auditor))).json().lastRun?.state !== 'finished') await new Promise((resolve) => setTimeout(resolve, 100));
    const text = (await get('/metrics', bearer(METRICS_TOKEN))).body;
    expect(text).toMatch(/^evidence_fixity_failures_total\{state="altered"\} 1$/m);
  });

  it('reports the objects the database holds as altered or missing, whichever process found them (a worker has no /metrics)', async () => {
    const key = (await p.db.selectFrom('evidence').select('storage_key').where('id', '=', w.evidence.b).executeTakeFirstOrThrow()).storage_key;
    await rm(join(p.dir, 'objects', key));
    // A pass in another process: this server's counter never hears of it.
    const pass = await runFixityPass({ db: p.db, store: p.store, now: () => new Date(), bytesPerSecond: 0 }, { trigger: 'manual', requestedBy: 'worker' });
    expect(pass.started).toBe(true);
    if (pass.started) expect((await pass.done).failures).toBeGreaterThan(0);
    const text = (await get('/metrics', bearer(METRICS_TOKEN))).body;
    expect(text).not.toMatch(/^evidence_fixity_failures_total\{state="missing"\}/m);
    expect(text).toMatch(/^evidence_fixity_failed_objects\{state="missing"\} 1$/m);
  });
});
