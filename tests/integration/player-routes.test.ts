import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CLIPS, makeClip } from '../fixtures/make-clips';
import { dockClips } from '../support/footage';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';
import { captureStill } from '../../transcode/still';
import { probe } from '../../transcode/probe';
import { transcodeEvidence } from '../../transcode/worker';

// The player's API (issue 15 item 7): bookmarks their author edits and deletes, still frames taken
// from the original by the still job, and people shown by name and 警号.
const p = usePlatform({ listen: true });
const w = useWorld(p);

type Json = Record<string, unknown>;
const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) => {
  const res = await p.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? (res.json() as Json) : {} };
};
const auditOf = async (objectId: string, action: string) =>
  ((await call('GET', `/api/audit?objectId=${objectId}&limit=200`, w.tokens.auditor)).body.items as { action: string; outcome: string; actorName: string; details: Json }[]).filter((e) => e.action === action);
const bookmarks = async (evidenceId: string, token = w.tokens.handlerA) => (await call('GET', `/api/evidence/${evidenceId}/bookmarks`, token)).body.items as Json[];

describe('bookmarks: edited and deleted by their author only', () => {
  it('lists the author by display name and 警号; only the author edits (audited with before and after); others get 403, out of scope 404', async () => {
    await p.db.updateTable('users').set({ display_name: '李娜' }).where('id', '=', w.users.handlerA!).execute();
    const made = await call('POST', `/api/evidence/${w.evidence.a}/bookmarks`, w.tokens.handlerA, { offsetMs: 1500, label: '嫌疑人出现' });
    expect(made.status).toBe(201);
    const id = made.body.id as string;
    const officerNo = (await p.db.selectFrom('users').select('officer_no').where('id', '=', w.users.handlerA!).executeTakeFirstOrThrow()).officer_no;
    expect(await bookmarks(w.evidence.a, w.tokens.unitHeadA)).toEqual([expect.objectContaining({ id, label: '嫌疑人出现', authorId: w.users.handlerA, authorDisplayName: '李娜', authorOfficerNo: officerNo, updatedAt: null })]);

    const url = `/api/evidence/${w.evidence.a}/bookmarks/${id}`;
    expect((await call('PATCH', url, w.tokens.unitHeadA, { label: '改掉别人的书签' })).status).toBe(403);
    expect((await call('PATCH', url, w.tokens.handlerB, { label: '越权' })).status).toBe(404);
    expect((await call('PATCH', `/api/evidence/${w.evidence.b}/bookmarks/${id}`, w.tokens.unitHeadB, { label: '别的录像' })).status).toBe(404);
    expect((await call('PATCH', url, w.tokens.handlerA, {})).status).toBe(400);

    const edited = await call('PATCH', url, w.tokens.handlerA, { label: '嫌疑人离开', offsetMs: 2500 });
    expect(edited).toMatchObject({ status: 200, body: { id, label: '嫌疑人离开', offsetMs: 2500, updatedAt: expect.any(String) } });
    expect(await bookmarks(w.evidence.a)).toEqual([expect.objectContaining({ id, label: '嫌疑人离开', offsetMs: 2500 })]);

    const edits = await auditOf(w.evidence.a, 'evidence.bookmark-edit');
    expect(edits.filter((e) => e.outcome === 'denied')).toHaveLength(2); // unit head (403) and the other unit's handler (404)
    expect(edits.filter((e) => e.outcome === 'allowed')).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ bookmarkId: id, before: { offsetMs: 1500, label: '嫌疑人出现' }, after: { offsetMs: 2500, label: '嫌疑人离开' } }) }),
    ]);
  });

  it('deletes: out of every list, the audit trail keeps what it said; others may not, and a deleted one is gone (404)', async () => {
    const id = (await call('POST', `/api/evidence/${w.evidence.a}/bookmarks`, w.tokens.handlerA, { offsetMs: 500, label: '当事人拒绝签字' })).body.id as string;
    const url = `/api/evidence/${w.evidence.a}/bookmarks/${id}`;
    expect((await call('DELETE', url, w.tokens.unitHeadA)).status).toBe(403);
    expect((await call('DELETE', url, w.tokens.handlerB)).status).toBe(404);
    expect((await call('DELETE', url, w.tokens.handlerA)).status).toBe(204);
    expect((await bookmarks(w.evidence.a)).map((b) => b.id)).not.toContain(id);
    expect((await call('DELETE', url, w.tokens.handlerA)).status).toBe(404);
    expect((await call('PATCH', url, w.tokens.handlerA, { label: '复活' })).status).toBe(404);
    const deletions = await auditOf(w.evidence.a, 'evidence.bookmark-delete');
    expect(deletions.filter((e) => e.outcome === 'allowed')).toEqual([expect.objectContaining({ details: expect.objectContaining({ bookmarkId: id, deleted: { offsetMs: 500, label: '当事人拒绝签字' } }) })]);
    expect(deletions.filter((e) => e.outcome === 'denied')).toHaveLength(3); // unit head, other unit, and the second delete
  });

  it('a platform token acting for nobody is no author of anything', async () => {
    const id = (await call('POST', `/api/evidence/${w.evidence.a}/bookmarks`, p.adminToken, { offsetMs: 0, label: '平台标记' })).body.id as string;
    expect((await call('PATCH', `/api/evidence/${w.evidence.a}/bookmarks/${id}`, p.adminToken, { label: '改' })).status).toBe(403);
  });
});

describe('custody rows name people', () => {
  it('adds the display name and 警号 of a user actor; the stored (hashed) event keeps the login name', async () => {
    await p.app.inject({ url: `/api/evidence/${w.evidence.a}/original`, headers: bearer(w.tokens.handlerA) });
    const items = (await call('GET', `/api/evidence/${w.evidence.a}/custody`, w.tokens.handlerA)).body.items as Json[];
    const read = items.find((e) => e.action === 'original.read');
    expect(read).toMatchObject({ actor: expect.stringMatching(/^handlerA-/), actorDisplayName: '李娜', actorOfficerNo: expect.stringMatching(/^A1/) });
    expect(items.find((e) => e.action === 'ingest.verified')).not.toHaveProperty('actorDisplayName');
  });
});

describe('still frames', () => {
  it('queues a capture (audited); past the end is 422, out of scope 404, a complainant 403', async () => {
    await p.db.updateTable('evidence').set({ duration_ms: 3000 }).where('id', '=', w.evidence.a).execute();
    const url = `/api/evidence/${w.evidence.a}/stills`;
    expect((await call('POST', url, w.tokens.handlerA, { atMs: 3001 })).status).toBe(422);
    expect((await call('POST', url, w.tokens.handlerA, { atMs: -1 })).status).toBe(400);
    expect((await call('POST', url, w.tokens.handlerB, { atMs: 1000 })).status).toBe(404);
    expect((await call('POST', url, w.tokens.complainant, { atMs: 1000 })).status).toBe(403);
    expect((await call('GET', url, w.tokens.handlerB)).status).toBe(404);

    const queued = await call('POST', url, w.tokens.handlerA, { atMs: 3000 });
    expect(queued).toMatchObject({ status: 202, body: { atMs: 3000, state: 'queued', requestedByDisplayName: '李娜', requestedByOfficerNo: expect.stringMatching(/^A1/) } });
    expect(queued.body).not.toHaveProperty('file');
    const stillId = queued.body.id as string;
    expect(await p.db.selectFrom('outbox').select('payload').where('kind', '=', 'still').execute()).toEqual([{ payload: { stillId } }]);
    expect((await call('GET', url, w.tokens.unitHeadA)).body.items).toEqual([expect.objectContaining({ id: stillId, state: 'queued' })]);
    await call('GET', url, w.tokens.unitHeadA); // a page polling: one viewing, one audit event
    expect((await auditOf(w.evidence.a, 'evidence.stills')).map((e) => e.outcome).sort()).toEqual(['allowed', 'denied']);

    const audited = await auditOf(w.evidence.a, 'evidence.still');
    expect(audited.map((e) => [e.outcome, e.details.atMs])).toEqual(expect.arrayContaining([['failed', 3001], ['denied', 1000], ['allowed', 3000]]));
    expect(audited.find((e) => e.outcome === 'allowed')?.details.stillId).toBe(stillId);
  });

  it('the job takes the exact frame from the original at full size, saves it as a derivative with a custody event, and leaves the original as it was', async () => {
    const clip = await makeClip('test-artifacts/clips', 'h264-aac', CLIPS['h264-aac']);
    const officer = (await p.db.selectFrom('users').select('officer_no').where('id', '=', w.users.handlerA!).executeTakeFirstOrThrow()).officer_no!;
    const docked = Object.values(await dockClips(p, { serial: 'DSJ-STILL', officerNo: officer }, { [`${officer}_DSJ-STILL_20260501093000_0001.mp4`]: clip }))[0]!;
    const evidence = await p.db.selectFrom('evidence').select(['storage_key', 'sha256']).where('id', '=', docked.evidenceId).executeTakeFirstOrThrow();

    const stillId = (await call('POST', `/api/evidence/${docked.evidenceId}/stills`, w.tokens.handlerA, { atMs: 1000 })).body.id as string;
    await captureStill({ db: p.db, store: p.store, workDir: p.scratch, log: p.app.log }, stillId);
    await captureStill({ db: p.db, store: p.store, workDir: p.scratch, log: p.app.log }, stillId); // delivered twice: still one

    const [still] = (await call('GET', `/api/evidence/${docked.evidenceId}/stills`, w.tokens.handlerA)).body.items as { state: string; file: { href: string; sha256: string; mimeType: string } }[];
    expect(still).toMatchObject({ state: 'ready', file: { mimeType: 'image/png' } });
    const png = await p.app.inject({ url: still!.file.href, headers: bearer(w.tokens.handlerA) });
    expect(png.statusCode).toBe(200);
    expect(createHash('sha256').update(png.rawPayload).digest('hex')).toBe(still!.file.sha256);

    // Full size, and the very frame shown at 1.000 s (frame 30 of a 30 fps clip), pixel for pixel.
    const probed = await probe(clip);
    if (!probed.playable) throw new Error(probed.reason);
    const { data, info } = await sharp(png.rawPayload).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([probed.info.video.width, probed.info.video.height]);
    expect(createHash('md5').update(data).digest('hex')).toBe(await frameMd5(clip, 30));

    const derivatives = await p.db.selectFrom('derivatives').select(['kind', 'sha256', 'source_sha256']).where('evidence_id', '=', docked.evidenceId).execute();
    expect(derivatives).toEqual([{ kind: 'still', sha256: still!.file.sha256, source_sha256: docked.sha256 }]);
    const custody = (await call('GET', `/api/evidence/${docked.evidenceId}/custody`, w.tokens.handlerA)).body.items as Json[];
    expect(custody.filter((e) => e.action === 'still.captured')).toEqual([
      expect.objectContaining({ actorDisplayName: '李娜', details: expect.objectContaining({ stillId, atMs: 1000, sourceSha256: docked.sha256, file: expect.objectContaining({ sha256: still!.file.sha256 }) }) }),
    ]);
    // Not a playback file: the player is not offered it.
    const detail = (await call('GET', `/api/evidence/${docked.evidenceId}`, w.tokens.handlerA)).body as { playback: { derivatives: unknown[] } };
    expect(detail.playback.derivatives).toEqual([]);

    const stored = createHash('sha256');
    for await (const chunk of await p.store.get(evidence.storage_key)) stored.update(chunk as Buffer);
    expect(stored.digest('hex')).toBe(evidence.sha256);
  });

  it('a moment past the last frame fails the request (not retried) instead of saving nothing', async () => {
    const docked = await p.db.selectFrom('evidence').select('id').where('device_serial', '=', 'DSJ-STILL').executeTakeFirstOrThrow();
    // Docked before the duration was known (footage from before it was recorded): the route lets it through.
    const stillId = (await call('POST', `/api/evidence/${docked.id}/stills`, w.tokens.handlerA, { atMs: 60_000 })).body.id as string;
    await captureStill({ db: p.db, store: p.store, workDir: p.scratch, log: p.app.log }, stillId);
    const items = (await call('GET', `/api/evidence/${docked.id}/stills`, w.tokens.handlerA)).body.items as Json[];
    expect(items.find((s) => s.id === stillId)).toMatchObject({ state: 'failed' });
  });

  it('making the playable versions afterwards keeps the still and records the duration and frame rate the player and the 422 use', async () => {
    const docked = await p.db.selectFrom('evidence').select('id').where('device_serial', '=', 'DSJ-STILL').executeTakeFirstOrThrow();
    await transcodeEvidence({ db: p.db, store: p.store, workDir: p.scratch, hlsMinSeconds: 300, log: p.app.log }, docked.id, async () => {});
    const detail = (await call('GET', `/api/evidence/${docked.id}`, w.tokens.handlerA)).body as { playback: { state: string; durationMs: number; frameRate: number; derivatives: { kind: string }[] } };
    expect(detail.playback).toMatchObject({ state: 'ready', durationMs: expect.closeTo(3000, -2), frameRate: 30 });
    expect(detail.playback.derivatives.map((d) => d.kind).sort()).toEqual(['mp4', 'poster', 'thumbnails']);
    const stills = (await call('GET', `/api/evidence/${docked.id}/stills`, w.tokens.handlerA)).body.items as Json[];
    expect(stills.filter((s) => s.state === 'ready')).toEqual([expect.objectContaining({ file: expect.any(Object) })]);
    expect(await p.db.selectFrom('derivatives').select('kind').where('evidence_id', '=', docked.id).where('kind', '=', 'still').execute()).toHaveLength(1);
    expect((await call('POST', `/api/evidence/${docked.id}/stills`, w.tokens.handlerA, { atMs: detail.playback.durationMs + 1 })).status).toBe(422);
  });
});

/** MD5 of one decoded frame as 8-bit RGB, as ffmpeg's framemd5 prints it. */
async function frameMd5(clip: string, index: number): Promise<string> {
  const { stdout } = await promisify(execFile)('ffmpeg', ['-v', 'error', '-i', clip, '-map', '0:v:0', '-pix_fmt', 'rgb24', '-f', 'framemd5', '-']);
  const lines = stdout.split('\n').filter((l) => l && !l.startsWith('#'));
  return lines[index]!.split(',').pop()!.trim();
}
