import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '../schema/db';

/**
 * The demo's people: one login for every role, in a unit the demo recorder's officer belongs to,
 * so each role lands on its own work (the README's main job prints them). Made once through the
 * admin API and kept in `$EVIDENCE_HOME/demo-logins.json`, so later demos print the same logins.
 */
export interface DemoLogin {
  role: Role;
  /** What the role is called at a station (printed next to the login). */
  title: string;
  username: string;
  password: string;
  displayName: string;
}

export interface DemoWorld {
  unitId: string;
  logins: DemoLogin[];
}

const UNIT = { code: 'DEMO-01', name: '演示区综合执法大队' };
const SUPERVISOR = { code: 'DEMO-SUP', name: '演示区司法局', kind: 'supervisor' };
export const DEMO_CASE = { number: '演罚〔2026〕1号', title: '演示案件：占道经营' };

type Person = Omit<DemoLogin, 'password'> & { officerNo?: string; inUnit?: boolean; oversees?: boolean };
const people = (officerNo: string): Person[] => [
  { role: 'handler', title: '办案人员', username: 'handler', displayName: '张明', officerNo, inUnit: true },
  { role: 'unit_head', title: '大队长', username: 'head', displayName: '李强', officerNo: `${officerNo}1`, inUnit: true },
  { role: 'overseer', title: '法制审核（监督）', username: 'overseer', displayName: '王芳', oversees: true },
  { role: 'auditor', title: '检察院（审查）', username: 'reviewer', displayName: '赵敏' },
  { role: 'complainant', title: '投诉人', username: 'complainant', displayName: '陈先生' },
  { role: 'admin', title: '系统管理员', username: 'admin', displayName: '刘伟' },
];

/** One admin API call; any answer but 2xx stops the demo with what the server said. */
async function call<T>(server: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, server), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`demo set-up: ${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** The demo's unit and logins: read back when an earlier demo made them, made otherwise. */
export async function demoWorld(server: string, adminToken: string, home: string, officerNo: string): Promise<DemoWorld> {
  const file = join(home, 'demo-logins.json');
  const kept = await readFile(file, 'utf8').then((t) => JSON.parse(t) as DemoWorld, () => undefined);
  if (kept) return kept;
  const api = <T>(method: string, path: string, body?: unknown) => call<T>(server, adminToken, method, path, body);
  const supervisor = await api<{ id: string }>('POST', '/api/units', SUPERVISOR);
  const unit = await api<{ id: string }>('POST', '/api/units', { ...UNIT, parentId: supervisor.id });
  const logins: DemoLogin[] = [];
  for (const person of people(officerNo)) {
    const login = { role: person.role, title: person.title, username: person.username, displayName: person.displayName, password: randomBytes(9).toString('base64url') };
    await api('POST', '/api/users', {
      username: login.username,
      password: login.password,
      role: login.role,
      displayName: login.displayName,
      ...(person.officerNo ? { officerNo: person.officerNo } : {}),
      ...(person.inUnit ? { unitId: unit.id } : {}),
      ...(person.oversees ? { oversees: [unit.id] } : {}),
    });
    logins.push(login);
  }
  const world = { unitId: unit.id, logins };
  await writeFile(file, JSON.stringify(world), { mode: 0o600 });
  return world;
}

/** The demo case, with the handler on it, the complainant as its reporter and the docked footage linked. */
export async function demoCase(server: string, adminToken: string, world: DemoWorld, evidenceIds: readonly string[]): Promise<void> {
  const users = await call<{ items: { id: string; username: string }[] }>(server, adminToken, 'GET', '/api/users');
  const idOf = (username: string) => users.items.find((u) => u.username === username)?.id;
  const path = `/api/cases/by-number/${encodeURIComponent(DEMO_CASE.number)}`;
  await call(server, adminToken, 'PUT', path, {
    title: DEMO_CASE.title,
    unitId: world.unitId,
    handlerIds: [idOf('handler')].filter(Boolean),
    reporterId: idOf('complainant'),
  });
  for (const evidenceId of evidenceIds) await call(server, adminToken, 'POST', `${path}/evidence`, { evidenceId });
}

/** The logins as a table a person can read at the console. */
export function printLogins(url: string, world: DemoWorld): void {
  console.log(`\n网页 / Web application: ${url}/   logins (one per role):`);
  const width = Math.max(...world.logins.map((l) => l.username.length));
  for (const l of world.logins) console.log(`  ${l.username.padEnd(width)}  ${l.password}  ${l.role.padEnd(11)} ${l.title} ${l.displayName}`);
}
