import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../core/config';
import { createToken, revokeToken } from '../../core/tokens';
import { offloadVolume } from '../../dock-agent/offload';
import { mayTakeOver } from '../../ingest/housekeeping';
import { digests, dockCalls } from '../support/dock-calls';
import { usePlatform } from '../support/platform';

const LEASE_MS = 30 * 60_000; // the default EVIDENCE_UPLOAD_LEASE_MINUTES

let clock: Date | undefined; // undefined: the real time
const p = usePlatform({ listen: true, now: () => clock ?? new Date() });

async function dockWith(name: string) {
  const { id, token } = await createToken(p.db, { name, role: 'station' });
  return { id, token, ...dockCalls(p.app, token, name) };
}

async function evidenceOf(serial: string) {
  return p.ownerDb.selectFrom('evidence').select(['id', 'sha256', 'sm3', 'upload_id']).where('device_serial', '=', serial).execute();
}

describe('abandoned uploads', () => {
  it('a revoked dock\'s half-sent file is taken over by another dock, which resumes at the offset and verifies it once', async () => {
    const path = 'DCIM/normal/010203_DSJ8001_20261125093000_0001.mp4';
    const bytes = randomBytes(512 * 1024);
    const a = await dockWith('dock-a');
    const announced = await a.announce('DSJ8001', path, bytes.length);
    const { uploadId } = announced.json();
    const half = 200 * 1024;
    expect((await a.send(uploadId, 0, bytes.subarray(0, half))).statusCode).toBe(200);

    // Dock A is stolen and its token revoked; the recorder goes to dock B (a real dock client).
    await revokeToken(p.db, a.id);
    const b = await dockWith('dock-b');
    const volume = join(p.scratch, 'rec-8001');
    await mkdir(join(volume, 'DCIM', 'normal'), { recursive: true });
    await writeFile(join(volume, path), bytes);
    const summary = await offloadVolume(volume, { server: p.url, token: b.token, station: { code: 'dock-b' }, bay: 2, recorder: { serial: 'DSJ8001' }, utcOffsetMinutes: 480, attempts: 2 });
    expect(summary.failed).toEqual([]);
    expect(summary.verified).toBe(1);

    const rows = await evidenceOf('DSJ8001');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ...digests(bytes), upload_id: uploadId }); // the same upload, resumed, not a second one
    const upload = await p.ownerDb.selectFrom('uploads').select(['state', 'taken_over_at']).where('id', '=', uploadId).executeTakeFirstOrThrow();
    expect(upload.state).toBe('verified');
    expect(upload.taken_over_at).not.toBeNull();
  });

  it('a silent dock keeps its upload for the lease, then loses it; the old dock cannot write into it afterwards', async () => {
    const path = 'DCIM/normal/010203_DSJ8002_20261125093000_0001.mp4';
    const bytes = randomBytes(300 * 1024);
    const a = await dockWith('dock-c');
    const b = await dockWith('dock-d');
    const { uploadId } = (await a.announce('DSJ8002', path, bytes.length)).json();
    expect((await a.send(uploadId, 0, bytes.subarray(0, 100 * 1024))).statusCode).toBe(200);

    // Within the lease: B is told to come back, with when.
    const held = await b.announce('DSJ8002', path, bytes.length);
    expect(held.statusCode, held.body).toBe(409);
    expect(held.json()).toMatchObject({ title: 'Upload Held', retryable: true });
    const retryAt = new Date(held.json().retryAt);
    expect(retryAt.getTime()).toBeGreaterThan(Date.now() + LEASE_MS - 60_000);
    expect(retryAt.getTime()).toBeLessThanOrEqual(Date.now() + LEASE_MS);

    // A whole lease of silence later, B takes it over at the offset A reached.
    clock = new Date(retryAt.getTime() + 1000);
    try {
      const taken = await b.announce('DSJ8002', path, bytes.length);
      expect(taken.statusCode, taken.body).toBe(200);
      expect(taken.json()).toMatchObject({ uploadId, offset: 100 * 1024, state: 'receiving' });
      // A comes back: the upload is not its any more, and it cannot disturb B's offset.
      expect((await a.send(uploadId, 100 * 1024, bytes.subarray(100 * 1024))).statusCode).toBe(404);
      expect((await a.status(uploadId)).statusCode).toBe(404);
      // B finishes.
      expect((await b.send(uploadId, 100 * 1024, bytes.subarray(100 * 1024))).statusCode).toBe(200);
      const done = await b.complete(uploadId, bytes);
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ duplicate: false, ...digests(bytes) });
    } finally {
      clock = undefined;
    }
    expect(await evidenceOf('DSJ8002')).toHaveLength(1);
  });
});

describe('may this dock take over this upload (pure)', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const other = { ownDock: false, ownerRevoked: false, lastActivity: ago(60_000), busy: false };
  const cases: Array<[string, Parameters<typeof mayTakeOver>[0], ReturnType<typeof mayTakeOver>]> = [
    ['its own upload, always', { ...other, ownDock: true, busy: true }, { allowed: true, reason: 'own' }],
    ['another dock active a minute ago', other, { allowed: false, retryAt: new Date(now.getTime() - 60_000 + LEASE_MS) }],
    ['another dock silent for exactly the lease', { ...other, lastActivity: ago(LEASE_MS) }, { allowed: true, reason: 'lease expired' }],
    ['another dock silent for a day', { ...other, lastActivity: ago(24 * 3600_000) }, { allowed: true, reason: 'lease expired' }],
    ['another dock whose token was revoked, active a minute ago', { ...other, ownerRevoked: true }, { allowed: true, reason: 'owner revoked' }],
    ['bytes arriving right now, owner revoked', { ...other, ownerRevoked: true, busy: true }, { allowed: false, retryAt: new Date(now.getTime() - 60_000 + LEASE_MS) }],
    ['bytes arriving right now past the lease: retry now', { ...other, lastActivity: ago(2 * LEASE_MS), busy: true }, { allowed: false, retryAt: now }],
  ];
  it.each(cases)('%s', (_name, facts, expected) => {
    expect(mayTakeOver(facts, now, LEASE_MS)).toEqual(expected);
  });
});

describe('EVIDENCE_UPLOAD_LEASE_MINUTES', () => {
  it('sets the lease, 30 minutes by default, and refuses nonsense', () => {
    expect(readConfig({}).ingest.uploadLeaseMs).toBe(LEASE_MS);
    expect(readConfig({ EVIDENCE_UPLOAD_LEASE_MINUTES: '5' }).ingest.uploadLeaseMs).toBe(5 * 60_000);
    expect(() => readConfig({ EVIDENCE_UPLOAD_LEASE_MINUTES: 'soon' })).toThrow(/EVIDENCE_UPLOAD_LEASE_MINUTES/);
  });
});
