import { CompiledQuery } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchQuery } from '../../api/routes/evidence';
import { visibleEvidence } from '../../api/scoped';
import type { Principal } from '../../core/principal';
import type { Role } from '../../schema/db';
import { bearer, usePlatform } from '../support/platform';
import { seedSearchRows } from '../support/search-rows';
import { useWorld } from '../support/seed';

const p = usePlatform();
const w = useWorld(p);
const ROWS = 20_000;

beforeAll(async () => {
  await seedSearchRows((text, params) => p.ownerDb.executeQuery(CompiledQuery.raw(text, params)), {
    rows: ROWS, cases: 2_000, unitIds: [w.units.a, w.units.b], officers: 1000, officerPrefix: 'S', handlerId: w.users.handlerA!,
  });
}, 120_000);

const search = async (query: string, token: string) => {
  const res = await p.app.inject({ url: `/api/evidence?${query}`, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: string }[]; nextCursor: string | null };
};

/** Every page of a search, one `limit` at a time, following the cursors. */
async function allPages(query: string, token: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await search(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, token);
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

const principal = (role: Role, more: Partial<Principal>): Principal => ({
  kind: 'user', id: more.userId ?? role, name: role, displayName: null, role, userId: null, unitId: null, officerNo: null, oversees: [], sessionKey: role, scopes: [], ...more,
});

/** A handler's recordings from the links themselves (not handler_evidence): their own, and those of the cases they handle. */
const handlerScope = (handler: Principal) =>
  p.db.selectFrom('evidence').select('evidence.id').where((eb) => eb.or([
    eb('evidence.officer_no', '=', handler.officerNo!),
    eb('evidence.id', 'in', eb.selectFrom('case_evidence as ce').innerJoin('case_handlers as ch', 'ch.case_id', 'ce.case_id').select('ce.evidence_id').where('ch.user_id', '=', handler.userId!)),
  ]));

describe('evidence search paging', () => {
  it('pages through recordings received within one millisecond without skipping any', async () => {
    const at = ['2031-01-01T00:00:00.123001Z', '2031-01-01T00:00:00.123002Z', '2031-01-01T00:00:00.123003Z'];
    const keys = ['a', 'a2', 'b'] as const;
    for (const [i, key] of keys.entries()) await p.ownerDb.updateTable('evidence').set({ received_at: at[i] as unknown as Date, recorded_at: at[i] as unknown as Date }).where('id', '=', w.evidence[key]).execute();
    const ids = (await allPages('from=2031-01-01T00:00:00Z', w.tokens.auditor, 1)).filter((id) => keys.some((k) => w.evidence[k] === id));
    expect(ids).toEqual([w.evidence.b, w.evidence.a2, w.evidence.a]);
  });

  it("gives a handler, page by page, exactly their own recordings and those of the cases they handle, newest first", async () => {
    const handler = principal('handler', { userId: w.users.handlerA!, unitId: w.units.a, officerNo: 'S00001' });
    await p.db.updateTable('users').set({ officer_no: 'S00001' }).where('id', '=', w.users.handlerA!).execute();
    const expected = await handlerScope(handler).orderBy('evidence.received_at', 'desc').orderBy('evidence.id', 'desc').execute();
    expect(expected.length).toBeGreaterThan(10); // both parts: the officer's own and the handled cases'
    expect(await allPages('from=2000-01-01T00:00:00Z', w.tokens.handlerA, 4)).toEqual(expected.map((r) => r.id));
  });

  it('follows a handler added to and removed from cases and a recording linked and unlinked', async () => {
    const user = await p.db.selectFrom('users').selectAll().where('id', '=', w.users.handlerA2!).executeTakeFirstOrThrow();
    const handler = principal('handler', { userId: user.id, unitId: user.unit_id, officerNo: user.officer_no });
    const same = async () => {
      const expected = await handlerScope(handler).orderBy('evidence.received_at', 'desc').orderBy('evidence.id', 'desc').execute();
      expect((await visibleEvidence(p.db, handler).select('evidence.id').execute()).map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
      expect(await allPages('from=2000-01-01T00:00:00Z', w.tokens.handlerA2, 7)).toEqual(expected.map((r) => r.id));
      return expected.map((r) => r.id);
    };
    const [one, two] = await p.db.selectFrom('cases').select(['id', 'stage']).where('number', 'in', ['SJ7', 'SJ9']).orderBy('number').execute();
    const shared = (await p.db.selectFrom('evidence').select('id').where('officer_no', '=', 'S00003').executeTakeFirstOrThrow()).id;
    await p.db.insertInto('case_evidence').values([{ case_id: one!.id, evidence_id: shared, stage: one!.stage }, { case_id: two!.id, evidence_id: shared, stage: two!.stage }]).execute();
    await p.db.insertInto('case_handlers').values([{ case_id: one!.id, user_id: user.id }, { case_id: two!.id, user_id: user.id }]).execute();
    expect(await same()).toContain(shared);
    await p.ownerDb.deleteFrom('case_handlers').where('case_id', '=', one!.id).where('user_id', '=', user.id).execute();
    expect(await same()).toContain(shared); // still linked to the other case they handle
    await p.ownerDb.deleteFrom('case_evidence').where('case_id', '=', two!.id).where('evidence_id', '=', shared).execute();
    expect(await same()).not.toContain(shared);
  });
});

describe('evidence search plans', () => {
  const roles = () => ({
    handler: principal('handler', { userId: w.users.handlerA!, unitId: w.units.a, officerNo: 'S00001' }),
    unit_head: principal('unit_head', { userId: w.users.unitHeadA!, unitId: w.units.a }),
    overseer: principal('overseer', { userId: w.users.overseerA!, oversees: [w.units.a] }),
    auditor: principal('auditor', { userId: w.users.auditor! }),
  });
  const from = new Date(Date.now() - 40 * 24 * 3600_000).toISOString();
  const searches = {
    filtered: { limit: 50, important: true, from },
    'by officer number': { limit: 50, officerNo: 'S00200' },
  };

  /** Every table a plan reads by a sequential scan. */
  const seqScans = (node: Record<string, unknown>): string[] => [
    ...(node['Node Type'] === 'Seq Scan' ? [String(node['Relation Name'])] : []),
    ...((node.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(seqScans),
  ];

  /** Every index a plan reads. */
  const indexes = (node: Record<string, unknown>): string[] => [
    ...(typeof node['Index Name'] === 'string' ? [node['Index Name']] : []),
    ...((node.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(indexes),
  ];

  it.each(['handler', 'auditor'] as const)("reads an officer's important recordings from the index of important ones, as %s", async (role) => {
    const [row] = await searchQuery(p.db, roles()[role], { limit: 50, officerNo: 'S00001', important: true }).explain<{ 'QUERY PLAN': { Plan: Record<string, unknown> }[] }>('json');
    const plan = row!['QUERY PLAN'][0]!.Plan;
    expect(indexes(plan), JSON.stringify(plan)).toContain('evidence_important_officer_keyset');
  });

  it("bounds a handler's next page of linked recordings by the cursor where handler_evidence is read", async () => {
    const handler = roles().handler;
    const q = { limit: 5, from: '2000-01-01T00:00:00Z' };
    const first = await searchQuery(p.db, handler, q).execute();
    const cursor = Buffer.from(`${first.at(-2)!.cursor_at}|${first.at(-2)!.id}`).toString('base64url');
    const [row] = await searchQuery(p.db, handler, { ...q, cursor }).explain<{ 'QUERY PLAN': { Plan: Record<string, unknown> }[] }>('json');
    const nodes = (node: Record<string, unknown>): Record<string, unknown>[] => [node, ...((node.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(nodes)];
    // Its index when the table is large, a sequential scan of this small one: either way, from the cursor on.
    const links = nodes(row!['QUERY PLAN'][0]!.Plan).filter((n) => n['Relation Name'] === 'handler_evidence' || String(n['Index Name']).startsWith('handler_evidence'));
    expect(links, JSON.stringify(row)).toHaveLength(1);
    expect(`${links[0]!['Index Cond']} ${links[0]!.Filter}`, JSON.stringify(links[0])).toMatch(/received_at <=/);
  });

  it.each(['handler', 'unit_head', 'overseer', 'auditor'] as const)('reads neither evidence, cases nor case links end to end for a %s', async (role) => {
    const who = roles()[role];
    for (const [name, q] of Object.entries(searches)) {
      const first = await searchQuery(p.db, who, q).execute();
      expect(first.length, `${role}, ${name}: the seeded rows match`).toBeGreaterThan(0);
      const cursor = Buffer.from(`${first[0]!.cursor_at}|${first[0]!.id}`).toString('base64url');
      for (const query of [q, { ...q, cursor }]) {
        const [row] = await searchQuery(p.db, who, query).explain<{ 'QUERY PLAN': { Plan: Record<string, unknown> }[] }>('json');
        const plan = row!['QUERY PLAN'][0]!.Plan;
        expect(seqScans(plan).filter((t) => ['evidence', 'cases', 'case_evidence'].includes(t)), `${role}, ${name}${query === q ? '' : ', next page'}: ${JSON.stringify(plan)}`).toEqual([]);
      }
    }
  });
});
