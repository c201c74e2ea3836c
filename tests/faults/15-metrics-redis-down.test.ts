import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type RunningService } from '../../cli/embedded';
import { enqueue, queueDepthReader, redisConnection } from '../../core/jobs';
import { freePort } from '../support/free-port';
import { metricValue, scrapeMetrics } from '../support/metrics';
import { startTestPlatform, type TestPlatform } from '../support/platform';

// A Redis of its own: stopping the shared one would break every other file of the run.
let home: string;
let redisPort: number;
let redis: RunningService;
let p: TestPlatform;
let reader: ReturnType<typeof queueDepthReader>;
let connection: ReturnType<typeof redisConnection>;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'evidence-metrics-redis-'));
  await chmod(home, 0o755);
  redisPort = await freePort();
  redis = await startPrivateRedis(join(home, 'redis'), redisPort);
  connection = redisConnection(redis.url, () => {});
  // The scrape reads the queues as in `evidence up`: through queueDepthReader on the platform's Redis.
  let read: () => ReturnType<typeof reader.read> = () => Promise.reject(new Error('not yet'));
  // No export jobs of its own: the outbox row below stays undispatched.
  p = await startTestPlatform({ exportJobs: false, server: { queueDepths: () => read() } });
  reader = queueDepthReader(p.db, connection, `metrics-${redisPort}`);
  read = reader.read;
});
afterAll(async () => {
  await reader.close();
  connection.disconnect();
  await redis.stop();
  await p.close();
  await rm(home, { recursive: true, force: true });
});

const scrape = () => scrapeMetrics(p.app);

describe('GET /metrics while Redis is unreachable', () => {
  it('answers 200 with the process, HTTP and database figures and evidence_redis_up 0, then 1 again once Redis is back', async () => {
    await p.db.transaction().execute((trx) => enqueue(trx, 'export', { exportId: '00000000-0000-4000-8000-000000000000', evidenceIds: [] }));
    const healthy = await scrape();
    expect(healthy.statusCode).toBe(200);
    expect(metricValue(healthy.body, 'evidence_redis_up')).toBe('1');
    expect(metricValue(healthy.body, 'evidence_queue_jobs{kind="transcode",state="waiting"}')).toBe('0');

    await redis.stop();
    const down = await scrape();
    expect(down.statusCode, down.body).toBe(200);
    expect(metricValue(down.body, 'evidence_redis_up')).toBe('0');
    expect(down.body).not.toMatch(/^evidence_queue_jobs\{/m); // unknown, not zero
    expect(metricValue(down.body, 'evidence_outbox_pending{kind="export"}')).toBe('1');
    expect(down.body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(down.body).toMatch(/^evidence_http_request_duration_seconds_count\{method="GET",route="\/metrics",status="200"\} \d+/m);

    redis = await startPrivateRedis(join(home, 'redis'), redisPort);
    for (let up = '0'; up !== '1'; await new Promise((r) => setTimeout(r, 100))) up = metricValue((await scrape()).body, 'evidence_redis_up') ?? '';
    expect(metricValue((await scrape()).body, 'evidence_queue_jobs{kind="transcode",state="waiting"}')).toBe('0');
  });
});
