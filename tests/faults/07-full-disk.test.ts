import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { degradedReasons } from '../../api/app';
import { readConfig } from '../../core/config';
import { createToken } from '../../core/tokens';
import { isAbandonedPartial } from '../../ingest/housekeeping';
import { IngestService } from '../../ingest/service';
import { diskStaging } from '../../ingest/staging';
import { digests, dockCalls } from '../support/dock-calls';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { smallFilesystem } from '../support/small-filesystem';

const KiB = 1024;
const MiB = 1024 * KiB;

let work: string;
let staging: string;
let mounted: Awaited<ReturnType<typeof smallFilesystem>>;
let p: TestPlatform;
const policy = { uploadLeaseMs: 30 * 60_000, abandonedUploadMs: 72 * 3600_000 };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'evidence-full-disk-'));
  staging = join(work, 'staging');
  mounted = await smallFilesystem(staging); // 2 MiB
  p = await startTestPlatform({ server: { stagingDir: staging, ingest: { ...policy, stagingMinFreeBytes: 1 * MiB } } });
});
afterAll(async () => {
  await p?.close();
  if (mounted.ok) await mounted.unmount();
  await rm(work, { recursive: true, force: true });
});

const offset = async (calls: ReturnType<typeof dockCalls>, uploadId: string) => ((await calls.status(uploadId)).json() as { offset: number }).offset;

const health = async () => (await p.app.inject({ method: 'GET', url: '/api/ready' })).json() as { status: 'ready' | number; checks: { staging: { ok: boolean; detail?: string } } };

describe('full staging disk', () => {
  it('answers 507 with the offset kept, reports degraded, reclaims the abandoned partial, and other stations then work', async (ctx) => {
    if (!mounted.ok) return ctx.skip(mounted.reason);
    const a = dockCalls(p.app, p.stationToken, 'ST-A');
    const b = dockCalls(p.app, (await createToken(p.db, { name: 'station-b', role: 'station' })).token, 'ST-B');
    expect((await health()).status).toBe('ready');

    // Station A sends a file larger than the staging disk.
    const big = randomBytes(3 * MiB);
    const upload = (await a.announce('DSJFULL1', 'DCIM/big.mp4', big.length)).json();
    const full = await a.send(upload.uploadId, 0, big);
    expect(full.statusCode, full.body).toBe(507);
    expect(full.headers['content-type']).toContain('application/problem+json');
    const problem = full.json();
    expect(problem).toMatchObject({ status: 507, title: 'Insufficient Storage', retryable: true });
    expect(problem.detail).toMatch(/staging space is full/);
    expect(problem.offset).toBeGreaterThan(0);
    expect(problem.offset).toBeLessThan(big.length);
    // The partial is kept while the dock may resume it: status and a retry agree on the offset.
    expect(await offset(a, upload.uploadId)).toBe(problem.offset);
    const again = await a.send(upload.uploadId, problem.offset, big.subarray(problem.offset));
    expect(again.statusCode).toBe(507);
    expect(again.json().offset).toBe(problem.offset);

    const degraded = await health();
    expect(degraded.status).toBe(503);
    expect(degraded.checks.staging.detail).toMatch(/staging space low/);

    // Station B cannot stage now either, but is told so clearly.
    const small = randomBytes(256 * KiB);
    const other = (await b.announce('DSJFULL2', 'DCIM/small.mp4', small.length)).json();
    const refused = await b.send(other.uploadId, 0, small);
    expect(refused.statusCode).toBe(507);

    // Not yet abandoned: housekeeping keeps it.
    const housekeeping = (now: Date) => new IngestService({ db: p.db, store: p.store, staging: diskStaging(staging, p.store), maxFileBytes: 1024 * MiB, log: { info() {}, warn() {} }, policy, now: () => now });
    expect(await housekeeping(new Date()).reclaimStaging()).toMatchObject({ reclaimed: 0 });
    expect(await offset(a, upload.uploadId)).toBe(problem.offset);

    // Three days on, nobody resumed: the partials are reclaimed and the uploads start over from 0.
    const reclaimed = await housekeeping(new Date(Date.now() + policy.abandonedUploadMs + 60_000)).reclaimStaging();
    expect(reclaimed.reclaimed).toBeGreaterThanOrEqual(1);
    expect(reclaimed.bytes).toBeGreaterThanOrEqual(problem.offset);
    expect(await offset(a, upload.uploadId)).toBe(0);
    expect((await health()).status).toBe('ready');

    // Space is back: station B's file goes through and verifies with the right hashes.
    const resumed = await offset(b, other.uploadId);
    const sent = await b.send(other.uploadId, resumed, small.subarray(resumed));
    expect(sent.statusCode, sent.body).toBe(200);
    const done = await b.complete(other.uploadId, small);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ duplicate: false, mayPurge: true, ...digests(small) });
  });
});

describe('is the platform degraded (pure)', () => {
  const cases: Array<[string, number, number, boolean]> = [
    ['plenty of space', 10 * 1024 * MiB, 1024 * MiB, false],
    ['exactly at the floor', 1024 * MiB, 1024 * MiB, false],
    ['one byte below the floor', 1024 * MiB - 1, 1024 * MiB, true],
    ['disk full', 0, 1024 * MiB, true],
    ['no floor configured', 0, 0, false],
  ];
  it.each(cases)('%s', (_name, stagingFreeBytes, stagingMinFreeBytes, degraded) => {
    const reasons = degradedReasons({ stagingFreeBytes, stagingMinFreeBytes });
    expect(reasons.length > 0).toBe(degraded);
    if (degraded) expect(reasons[0]).toMatch(/staging space low: \d+ MB free, below the floor of \d+ MB/);
  });
});

describe('may a staged partial be reclaimed (pure)', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const day = 24 * 3600_000;
  const abandoned = 3 * day;
  const receiving = { state: 'receiving' as const, stored: false, declared: false, lastActivity: new Date(now.getTime() - day) };
  const cases: Array<[string, Parameters<typeof isAbandonedPartial>[0], boolean]> = [
    ['a partial whose dock was active yesterday', receiving, false],
    ['a partial silent for the whole age', { ...receiving, lastActivity: new Date(now.getTime() - abandoned) }, true],
    ['a partial silent a little less', { ...receiving, lastActivity: new Date(now.getTime() - abandoned + 1) }, false],
    ['left over by a verified upload', { ...receiving, state: 'verified' }, true],
    ['left over by a rejected upload', { ...receiving, state: 'rejected' }, true],
    ['a copy whose original is already stored', { ...receiving, stored: true }, true],
    ['no upload at all', undefined, true],
  ];
  it.each(cases)('%s', (_name, upload, expected) => {
    expect(isAbandonedPartial(upload, now, abandoned)).toBe(expected);
  });
});

describe('EVIDENCE_STAGING_MIN_FREE_MB and EVIDENCE_ABANDONED_UPLOAD_HOURS', () => {
  it('set the free-space floor (1024 MB) and the age of an abandoned partial (72 h)', () => {
    expect(readConfig({}).ingest).toMatchObject({ stagingMinFreeBytes: 1024 * MiB, abandonedUploadMs: 72 * 3600_000 });
    expect(readConfig({ EVIDENCE_STAGING_MIN_FREE_MB: '10', EVIDENCE_ABANDONED_UPLOAD_HOURS: '6' }).ingest).toMatchObject({ stagingMinFreeBytes: 10 * MiB, abandonedUploadMs: 6 * 3600_000 });
    expect(() => readConfig({ EVIDENCE_ABANDONED_UPLOAD_HOURS: '-1' })).toThrow(/EVIDENCE_ABANDONED_UPLOAD_HOURS/);
  });
});
