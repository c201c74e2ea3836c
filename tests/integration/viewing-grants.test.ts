import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { VIEWING_GRANT_MS } from '../../api/viewing';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// One clock for the platform: sessions, viewings and viewing grants all read it.
let clock = new Date('2026-11-26T08:00:00Z');
const later = (ms: number) => (clock = new Date(clock.getTime() + ms));
const p = usePlatform({ now: () => clock });
const w = useWorld(p);

const range = (id: string, headers: Record<string, string>, cookies: Record<string, string> = {}) =>
  p.app.inject({ url: `/api/evidence/${id}/original`, headers: { ...headers, range: 'bytes=0-9' }, cookies });
const count = async (table: 'audit_events' | 'custody_events', where: Record<string, string>) => {
  let q = p.ownerDb.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n'));
  for (const [column, value] of Object.entries(where)) q = q.where(column as never, '=', value as never);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

describe('viewing grants: the Range requests of one viewing', () => {
  it('are one audit and one custody event, also after the grant ran out; a viewing after 30 idle minutes is recorded again', async () => {
    const id = w.evidence.a2;
    const viewed = () => count('audit_events', { action: 'evidence.view-original', object_id: id });
    const custody = () => count('custody_events', { action: 'original.read', evidence_id: id });
    for (let i = 0; i < 4; i++) expect((await range(id, bearer(w.tokens.handlerA2))).statusCode).toBe(206);
    later(VIEWING_GRANT_MS + 1);
    for (let i = 0; i < 3; i++) expect((await range(id, bearer(w.tokens.handlerA2))).statusCode).toBe(206);
    expect([await viewed(), await custody()]).toEqual([1, 1]);
    later(31 * 60_000);
    expect((await range(id, bearer(w.tokens.handlerA2))).statusCode).toBe(206);
    expect((await range(id, bearer(w.tokens.handlerA2))).statusCode).toBe(206);
    expect([await viewed(), await custody()]).toEqual([2, 2]);
  });

  it('never carry another caller: a grant is per credential', async () => {
    expect((await range(w.evidence.a, bearer(w.tokens.handlerA))).statusCode).toBe(206);
    expect((await range(w.evidence.a, bearer(w.tokens.handlerB))).statusCode).toBe(404);
    expect((await range(w.evidence.a, {})).statusCode).toBe(401);
  });

  it('stop for a session that was logged out, at the latest when the grant runs out', async () => {
    const username = (await p.db.selectFrom('users').select('username').where('id', '=', w.users.handlerA!).executeTakeFirstOrThrow()).username;
    const login = await p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: w.password } });
    const session = { evidence_session: login.cookies.find((c) => c.name === 'evidence_session')!.value };
    expect((await range(w.evidence.a, {}, session)).statusCode).toBe(206);
    expect((await p.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: session })).statusCode).toBe(204);
    later(VIEWING_GRANT_MS);
    expect((await range(w.evidence.a, {}, session)).statusCode).toBe(401);
  });

  it('stop for a revoked token, at the latest when the grant runs out', async () => {
    const token = (await p.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(p.adminToken), payload: { name: 'player', role: 'handler', userId: w.users.handlerA } })).json() as { id: string; token: string };
    expect((await range(w.evidence.a, bearer(token.token))).statusCode).toBe(206);
    await p.ownerDb.updateTable('api_tokens').set({ revoked_at: clock }).where('id', '=', token.id).execute();
    later(VIEWING_GRANT_MS);
    expect((await range(w.evidence.a, bearer(token.token))).statusCode).toBe(401);
  });

  it('stop for a caller who lost the recording from their scope, originals and derivatives alike', async () => {
    const bytes = randomBytes(1000);
    const key = `derived/${w.evidence.a}/video.mp4`;
    await p.store.put(key, Readable.from([bytes]), bytes.length);
    const source = (await p.db.selectFrom('evidence').select('sha256').where('id', '=', w.evidence.a).executeTakeFirstOrThrow()).sha256;
    await p.ownerDb.insertInto('derivatives').values({ evidence_id: w.evidence.a, kind: 'mp4', name: 'video.mp4', storage_key: key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), mime_type: 'video/mp4', source_sha256: source }).execute();
    const derivative = () => p.app.inject({ url: `/api/evidence/${w.evidence.a}/derivatives/mp4/video.mp4`, headers: { ...bearer(w.tokens.handlerA), range: 'bytes=0-9' } });
    expect((await range(w.evidence.a, bearer(w.tokens.handlerA))).statusCode).toBe(206);
    expect((await derivative()).statusCode).toBe(206);
    // The recording is reassigned to another officer: handlerA neither recorded it nor handles a case of it.
    await p.ownerDb.updateTable('evidence').set({ officer_no: 'SOMEONE-ELSE' }).where('id', '=', w.evidence.a).execute();
    later(VIEWING_GRANT_MS);
    expect((await range(w.evidence.a, bearer(w.tokens.handlerA))).statusCode).toBe(404);
    expect((await derivative()).statusCode).toBe(404);
  });
});
