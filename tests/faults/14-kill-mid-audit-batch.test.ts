import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyChain } from '../../core/chain';
import { startEvidence, type EvidenceProcess } from '../support/evidence-process';
import { freePort } from '../support/free-port';
import { bearer, startTestPlatform, type TestPlatform } from '../support/platform';

// The database of a test platform; the server under test is `evidence up`, a real process killed with -9.
let p: TestPlatform;
let work: string;
let server: EvidenceProcess | undefined;

beforeAll(async () => {
  p = await startTestPlatform();
  work = await mkdtemp(join(tmpdir(), 'evidence-audit-kill-'));
  await chmod(work, 0o755);
});
afterAll(async () => {
  await server?.kill();
  await p.close();
  await rm(work, { recursive: true, force: true });
});

describe('kill -9 of the server while audit events are being committed in batches', () => {
  it('loses no event of an answered request, and the chain still verifies', async () => {
    const port = await freePort();
    server = await startEvidence(['up'], {
      EVIDENCE_HOME: join(work, 'home'), EVIDENCE_PORT: String(port), DATABASE_URL: p.databaseUrl, REDIS_URL: inject('redisUrl'),
      EVIDENCE_QUEUE_PREFIX: `audit-kill-${port}`, EVIDENCE_ADMIN_TOKEN: p.adminToken, EVIDENCE_LOG_LEVEL: 'warn',
    }, 'listening on');
    const answered: string[] = [];
    let sent = 0;
    let killed: Promise<void> | undefined;
    // 16 clients search without pause, each search with its own marker, until the server is gone.
    const client = async () => {
      for (;;) {
        const marker = `K${sent++}`;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/evidence?officerNo=${marker}`, { headers: bearer(p.adminToken) });
          await res.arrayBuffer();
          if (res.status === 200) answered.push(marker);
        } catch {
          return; // connection refused or reset: killed
        }
        if (answered.length >= 150) killed ??= server!.kill();
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    await killed;
    expect(answered.length).toBeGreaterThanOrEqual(150);
    expect(sent - answered.length, 'some requests were in flight when it died').toBeGreaterThan(0);

    const written = await p.db.selectFrom('audit_events').select('details').where('action', '=', 'evidence.search').execute();
    const markers = new Set(written.map((r) => (r.details as { filters?: { officerNo?: string } }).filters?.officerNo));
    expect(answered.filter((m) => !markers.has(m))).toEqual([]);
    expect(await verifyChain(p.db, 'audit')).toMatchObject({ ok: true });
  }, 120_000);
});
