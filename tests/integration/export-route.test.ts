import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEvidence } from '../support/evidence-process';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';
import { stampEverything } from '../support/timestamp-fixtures';

const run = promisify(execFile);
const p = usePlatform({ listen: true });
const w = useWorld(p);

beforeAll(async () => {
  // Stamp what was docked, as the platform does every minute, so the package carries timestamps.
  await stampEverything(p.db, join(p.scratch, 'tsa'));
});

async function waitReady(id: string, token: string) {
  for (let i = 0; i < 200; i++) {
    const status = (await p.app.inject({ url: `/api/exports/${id}`, headers: bearer(token) })).json();
    if (status.status !== 'building') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('export never finished');
}

describe('POST /api/cases/:id/exports', () => {
  it('builds a signed package with timestamps, records the transfer on the case, and serves it with Range', async () => {
    const started = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(w.tokens.unitHeadB), payload: { reason: '移送区人民法院审理', receiver: '区人民法院' } });
    expect(started.statusCode, started.body).toBe(202);
    const status = await waitReady(started.json().exportId, w.tokens.unitHeadB);
    expect(status).toMatchObject({ status: 'ready', reason: '移送区人民法院审理', receiver: '区人民法院', bytesDone: status.size });

    const whole = await p.app.inject({ url: status.href, headers: bearer(w.tokens.unitHeadB) });
    expect(whole.statusCode).toBe(200);
    expect(createHash('sha256').update(whole.rawPayload).digest('hex')).toBe(status.sha256);
    const tail = await p.app.inject({ url: status.href, headers: { ...bearer(w.tokens.unitHeadB), range: 'bytes=-100' } });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(whole.rawPayload.subarray(-100))).toBe(true);

    const records = (await p.app.inject({ url: `/api/cases/${w.cases.b}/exports`, headers: bearer(w.tokens.auditor) })).json().items;
    expect(records).toEqual([expect.objectContaining({ exportId: status.exportId, sha256: status.sha256, receiver: '区人民法院' })]);
    const custody = (await p.app.inject({ url: `/api/evidence/${w.evidence.b}/custody`, headers: bearer(w.tokens.auditor) })).json().items;
    expect(custody.at(-1)).toMatchObject({ action: 'export.packaged', details: { packageSha256: status.sha256 } });
    const audit = (await p.app.inject({ url: `/api/audit?objectId=${w.cases.b}`, headers: bearer(w.tokens.auditor) })).json().items;
    expect(audit.find((e: { action: string }) => e.action === 'case.export')).toMatchObject({ outcome: 'allowed', details: { reason: '移送区人民法院审理' } });
  });

  it('evidence export downloads and verifies it; the timestamp token verifies with openssl', async () => {
    const out = join(p.scratch, 'package');
    const exported = await runEvidence(['export', '--server', p.url, '--token', w.tokens.auditor, '--case', w.cases.b, '--reason', '法院调取', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    const stamped = manifest.files[0].timestamp;
    expect(stamped).toMatchObject({ token: expect.stringMatching(/^timestamps\/.+\.tsr$/), leafIndex: expect.any(Number), treeSize: 3 });
    expect(await readdir(join(out, 'timestamps'))).toHaveLength(1);
    await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out });
    const ts = await run('openssl', ['ts', '-verify', '-digest', stamped.root, '-in', join(out, stamped.token), '-CAfile', join(out, 'tsa-chain.pem')]);
    expect(ts.stdout).toMatch(/Verification: OK/);
    const verified = await runEvidence(['verify', out]);
    expect(verified.stdout).toMatch(/result: OK/);
  });

  it('is refused outside the caller scope and to roles that may not export', async () => {
    const as = (token: string) => p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(token), payload: { reason: '试图导出' } });
    expect((await as(w.tokens.handlerA)).statusCode).toBe(404);
    expect((await as(w.tokens.unitHeadA)).statusCode).toBe(404);
    expect((await as(w.tokens.complainant)).statusCode).toBe(403);
    expect((await as(w.tokens.station)).statusCode).toBe(403);
    const noReason = await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.b}/exports`, headers: bearer(w.tokens.unitHeadB), payload: {} });
    expect(noReason.statusCode).toBe(400);
  });
});
