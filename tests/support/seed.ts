import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, expect } from 'vitest';
import { bearer, provided, type TestPlatform } from './platform';

/** Two agencies, a supervising organ, one user of every role, and evidence and cases on both sides. */
export interface World {
  units: { a: string; b: string; supervisor: string };
  tokens: Record<'adminA' | 'handlerA' | 'handlerA2' | 'unitHeadA' | 'overseerA' | 'auditor' | 'complainant' | 'station' | 'otherStation' | 'handlerB' | 'unitHeadB', string>;
  users: Record<string, string>;
  evidence: { a: string; a2: string; b: string; bSha256: string };
  cases: { a: string; b: string };
  password: string;
}

/** The seeded world of a test file's platform (see usePlatform), seeded before its tests. */
export function useWorld(p: TestPlatform): World {
  const world = provided<World>('the seeded world');
  beforeAll(async () => world.set(await seedWorld(p)));
  return world.proxy;
}

export async function seedWorld(p: TestPlatform): Promise<World> {
  const password = 'correct horse battery';
  const admin = async (method: 'POST', url: string, payload: object) => {
    const res = await p.app.inject({ method, url, headers: bearer(p.adminToken), payload });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const tag = randomBytes(3).toString('hex');
  const a = (await admin('POST', '/api/units', { code: `A-${tag}`, name: '城关派出所' })).id;
  const b = (await admin('POST', '/api/units', { code: `B-${tag}`, name: '东关派出所' })).id;
  const supervisor = (await admin('POST', '/api/units', { code: `S-${tag}`, name: '区检察院', kind: 'supervisor' })).id;
  const users: Record<string, string> = {};
  const user = async (name: string, body: object) => {
    users[name] = (await admin('POST', '/api/users', { username: `${name}-${tag}`, password, ...body })).id;
    return (await admin('POST', '/api/tokens', { name, role: (body as { role: string }).role, userId: users[name] })).token as string;
  };
  const tokens = {
    adminA: p.adminToken,
    handlerA: await user('handlerA', { role: 'handler', unitId: a, officerNo: `A1${tag}` }),
    handlerA2: await user('handlerA2', { role: 'handler', unitId: a, officerNo: `A2${tag}` }),
    unitHeadA: await user('unitHeadA', { role: 'unit_head', unitId: a }),
    overseerA: await user('overseerA', { role: 'overseer', oversees: [a] }),
    auditor: await user('auditor', { role: 'auditor', unitId: supervisor }),
    complainant: await user('complainant', { role: 'complainant' }),
    handlerB: await user('handlerB', { role: 'handler', unitId: b, officerNo: `B1${tag}` }),
    unitHeadB: await user('unitHeadB', { role: 'unit_head', unitId: b }),
    station: p.stationToken,
    otherStation: (await admin('POST', '/api/tokens', { name: 'another station', role: 'station' })).token as string,
  };
  const ingest = (officerNo: string, name: string) => dockFile(p, officerNo, name);
  const evA = await ingest(`A1${tag}`, 'DCIM/a.mp4');
  const evA2 = await ingest(`A2${tag}`, 'DCIM/a2.mp4');
  const evB = await ingest(`B1${tag}`, 'DCIM/b.mp4');
  const caseA = (await admin('POST', '/api/cases', { number: `AJ-A-${tag}`, title: '盗窃案', unitId: a, handlerIds: [users.handlerA], reporterId: users.complainant })).id;
  const caseB = (await admin('POST', '/api/cases', { number: `AJ-B-${tag}`, title: '纠纷案', unitId: b, handlerIds: [users.handlerB] })).id;
  await admin('POST', `/api/cases/${caseB}/evidence`, { evidenceId: evB.id });
  await p.app.inject({ method: 'POST', url: `/api/evidence/${evB.id}/bookmarks`, headers: bearer(tokens.handlerB), payload: { offsetMs: 1000, label: '冲突开始' } });
  return { units: { a, b, supervisor }, tokens, users, evidence: { a: evA.id, a2: evA2.id, b: evB.id, bSha256: evB.sha256 }, cases: { a: caseA, b: caseB }, password };
}

/** Docks one small file naming `officerNo` through the offload protocol, as station `station` does. */
export async function dockFile(p: TestPlatform, officerNo: string, name: string, station = 'ST'): Promise<{ id: string; sha256: string }> {
  const bytes = randomBytes(2048);
  const h = bearer(p.stationToken);
  const s = await p.app.inject({ method: 'POST', url: '/ingest/v1/sessions', headers: h, payload: { station: { code: station }, bay: 1, recorder: { serial: `R-${officerNo}` } } });
  const u = await p.app.inject({ method: 'POST', url: `/ingest/v1/sessions/${s.json().sessionId}/files`, headers: h, payload: { pathBase64: Buffer.from(name).toString('base64'), size: bytes.length, metadata: { officerNo } } });
  await p.app.inject({ method: 'PATCH', url: `/ingest/v1/uploads/${u.json().uploadId}`, headers: { ...h, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: bytes });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const c = await p.app.inject({ method: 'POST', url: `/ingest/v1/uploads/${u.json().uploadId}/complete`, headers: h, payload: { sha256, sm3: createHash('sm3').update(bytes).digest('hex') } });
  expect(c.statusCode, c.body).toBe(200);
  return { id: c.json().evidenceId as string, sha256 };
}
