import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, queueDepthReader, redisConnection } from '../../core/jobs';
import { startPgProxy, type PgProxy } from '../support/pg-proxy';
import { metricValue, scrapeMetrics } from '../support/metrics';
import { startTestPlatform, type TestPlatform } from '../support/platform';

// The platform reaches PostgreSQL through a relay that can play the database going away.
let proxy: PgProxy;
let p: TestPlatform;
let reader: ReturnType<typeof queueDepthReader>;
let connection: ReturnType<typeof redisConnection>;

beforeAll(async () => {
  connection = redisConnection(inject('redisUrl'), () => {});
  // The scrape reads the outbox and the queues as in `evidence up`: through queueDepthReader.
  let read: () => ReturnType<typeof reader.read> = () => Promise.reject(new Error('not yet'));
  p = await startTestPlatform({
    exportJobs: false, // the outbox row below stays undispatched
    databaseVia: async (url) => {
      proxy = await startPgProxy(url);
      return proxy.url;
    },
    server: { queueDepths: () => read() },
  });
  reader = queueDepthReader(p.db, connection, `metrics-db-${process.pid}`);
  read = reader.read;
});
afterAll(async () => {
  proxy.setDown(false);
  await reader.close();
  connection.disconnect();
  await p.close();
  await proxy.close();
});

const scrape = () => scrapeMetrics(p.app);

describe('GET /metrics while the database is unreachable', () => {
  it('answers 200 with the process, HTTP and queue figures and evidence_database_up 0, then 1 again once it is back', async () => {
    await p.db.transaction().execute((trx) => enqueue(trx, 'export', { exportId: '00000000-0000-4000-8000-000000000000', evidenceIds: [] }));
    const healthy = await scrape();
    expect(healthy.statusCode).toBe(200);
    expect(metricValue(healthy.body, 'evidence_database_up')).toBe('1');
    expect(metricValue(healthy.body, 'evidence_outbox_pending{kind="export"}')).toBe('1');
    expect(metricValue(healthy.body, 'evidence_fixity_failed_objects{state="altered"}')).toBe('0');

    proxy.setDown(true);
    await new Promise((r) => setTimeout(r, 50)); // a scrape's reading is shared until the event loop turns
    const down = await scrape();
    expect(down.statusCode, down.body).toBe(200);
    expect(metricValue(down.body, 'evidence_database_up')).toBe('0');
    expect(down.body).not.toMatch(/^evidence_outbox_pending\{/m); // unknown, not zero
    expect(down.body).not.toMatch(/^evidence_fixity_failed_objects\{/m);
    expect(metricValue(down.body, 'evidence_redis_up')).toBe('1');
    expect(metricValue(down.body, 'evidence_queue_jobs{kind="transcode",state="waiting"}')).toBe('0');
    expect(down.body).toMatch(/^process_resident_memory_bytes \d+/m);

    proxy.setDown(false);
    for (let up = '0'; up !== '1'; await new Promise((r) => setTimeout(r, 100))) up = metricValue((await scrape()).body, 'evidence_database_up') ?? '';
    expect(metricValue((await scrape()).body, 'evidence_outbox_pending{kind="export"}')).toBe('1');
  });
});
