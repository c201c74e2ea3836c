import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInclusionProof } from '../../core/timestamp/verify';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';
import { stampEverything } from '../support/timestamp-fixtures';

const p = usePlatform();
const w = useWorld(p);
let tsaDir: string;
beforeAll(async () => {
  tsaDir = await mkdtemp(join(tmpdir(), 'tsa-'));
});
afterAll(async () => {
  await p.close();
  await rm(tsaDir, { recursive: true, force: true });
});

describe('GET /api/evidence/:id shows the trusted timestamp', () => {
  it('pending until the batch is stamped, then the time, authority, token and inclusion proof', async () => {
    const read = async () => (await p.app.inject({ url: `/api/evidence/${w.evidence.b}`, headers: bearer(w.tokens.auditor) })).json();
    expect((await read()).timestamp).toMatchObject({ state: 'pending' });
    const backlog = async () => (await p.app.inject({ url: '/api/timestamps', headers: bearer(w.tokens.auditor) })).json();
    expect(await backlog()).toMatchObject({ queued: 3, pendingBatches: 0, oldestPendingSince: expect.any(String) });

    expect(await stampEverything(p.db, tsaDir)).toMatchObject({ stamped: 1 });

    expect(await backlog()).toMatchObject({ queued: 0, pendingBatches: 0, oldestPendingSince: null });
    const { sha256, timestamp } = await read();
    expect(timestamp).toMatchObject({ state: 'stamped', authority: expect.stringContaining('测试平台'), treeSize: 3 });
    expect(Date.now() - new Date(timestamp.time).getTime()).toBeLessThan(60_000);
    const proof = { token: timestamp.tokenRef, root: timestamp.root, leafIndex: timestamp.leafIndex, treeSize: timestamp.treeSize, auditPath: timestamp.auditPath };
    expect(await verifyInclusionProof(sha256, proof)).toMatchObject({ ok: true });
    expect(await verifyInclusionProof(w.evidence.bSha256.replace(/^./, (c) => (c === '0' ? '1' : '0')), proof)).toMatchObject({ ok: false });
  });
});
