import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisConnection, startDispatcher } from '../../core/jobs';
import { loadOrCreateSigningKey } from '../../core/signing-key';
import { migrateToLatest } from '../../schema/database';
import { migrateDownThrough } from '../support/db';
import { buildExport, exportJob } from '../../export/job';
import { bearer, startTestPlatform, type TestPlatform } from '../support/platform';
import { seedWorld, type World } from '../support/seed';

// No process of this platform runs export jobs: the one that accepted an export "died" before building it.
let p: TestPlatform;
let w: World;
beforeAll(async () => {
  p = await startTestPlatform({ exportJobs: false });
  w = await seedWorld(p);
});
afterAll(async () => {
  await p.close();
});

const quiet = { info: () => {}, warn: () => {} };
const deps = async () => ({ db: p.db, store: p.store, signingKey: await loadOrCreateSigningKey(join(p.dir, 'keys')), workDir: join(p.dir, 'other-process') });
const status = async (id: string) => (await p.app.inject({ url: `/api/exports/${id}`, headers: bearer(w.tokens.unitHeadB) })).json();
const request = async () => {
  const started = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(w.tokens.unitHeadB), payload: { reason: '移送法院' } });
  expect(started.statusCode, started.body).toBe(202);
  return started.json().exportId as string;
};
const packagedEvents = async (exportId: string) =>
  (await p.ownerDb.selectFrom('custody_events').select('evidence_id').where('action', '=', 'export.packaged').where(sql<string>`details->>'exportId'`, '=', exportId).execute()).map((e) => e.evidence_id);

describe('the export job', () => {
  it('an export whose accepting process died is built by another process running export jobs, and a second delivery changes nothing', async () => {
    const id = await request();
    expect(await status(id)).toMatchObject({ status: 'building' });
    const redis = redisConnection(inject('redisUrl'));
    const stop = startDispatcher({ db: p.db, log: quiet, redis, prefix: `export-job-${randomUUID()}`, pollMs: 50 }, ['export'], { export: exportJob(await deps(), { concurrency: 1, lockSeconds: 30 }) });
    try {
      await expect.poll(async () => (await status(id)).status, { timeout: 30_000, interval: 100 }).toBe('ready');
    } finally {
      await stop();
      redis.disconnect();
    }
    const ready = await status(id);
    await buildExport(await deps(), { exportId: id, evidenceIds: [w.evidence.b] }); // the same job delivered again
    expect(await status(id)).toEqual(ready);
    expect(await packagedEvents(id)).toEqual([w.evidence.b]);
    const zip = await p.app.inject({ url: `/api/exports/${id}/package.zip`, headers: bearer(w.tokens.unitHeadB) });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-length']).toBe(String(ready.size));
  });

  it('two runs of one export at once make one package and one custody event per file', async () => {
    const id = await request();
    await Promise.all([buildExport(await deps(), { exportId: id, evidenceIds: [w.evidence.b] }), buildExport(await deps(), { exportId: id, evidenceIds: [w.evidence.b] })]);
    expect(await status(id)).toMatchObject({ status: 'ready' });
    expect(await packagedEvents(id)).toEqual([w.evidence.b]);
  });

  it('an export left building by a version without export jobs is marked failed by the upgrade', async () => {
    const id = await request();
    const undone = await migrateDownThrough(p.ownerDb, '0009_jobs');
    expect(await migrateToLatest(p.ownerDb)).toEqual(undone);
    expect(await status(id)).toMatchObject({ status: 'failed', error: 'the platform stopped while the package was being built; export again' });
  });
});
