import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_TALLY, addTallies, tallyOf, type Tally } from '../../api/compliance';
import { rawTallies, syncOnTimeHours, tallies } from '../../api/supervision-data';
import type { CaseStage } from '../../api/case-stages';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

/**
 * A seeded district: units A and B (and the supervising organ, which records nothing), officers
 * with recordings whose recorder times make some late, recorders docked and not, cases with and
 * without footage of their required stages. The clock stands at NOW.
 */
const NOW = new Date('2026-08-05T00:00:00Z');
const p = usePlatform({ now: () => NOW });
const w = useWorld(p);

// July 2026 in China time: the period has partial UTC days at both edges.
const PERIOD = { from: '2026-06-30T16:00:00Z', to: '2026-07-31T16:00:00Z' };
const period = `from=${encodeURIComponent(PERIOD.from)}&to=${encodeURIComponent(PERIOD.to)}`;
const H = 3_600_000;

const officer: Record<'a1' | 'a2' | 'b1', string> = { a1: '', a2: '', b1: '' };
const ev: Record<string, string> = {};
const cases: Record<string, string> = {};

async function recorder(officerNo: string | null, lastDockedAt: string | null) {
  const serial = `DSJ-${randomUUID().slice(0, 8)}`;
  return (await p.db.insertInto('recorders').values({ serial, officer_no: officerNo, last_docked_at: lastDockedAt }).returning('id').executeTakeFirstOrThrow()).id;
}

let session: { id: string; recorder: string };
async function recording(name: string, r: { unit: string; officerNo: string | null; recordedAt: string; receivedAt: string; durationMs: number | null; skewMs?: number; size: number }) {
  const path = `DCIM/${name}.mp4`;
  const upload = await p.db.insertInto('uploads').values({
    session_id: session.id, recorder_id: session.recorder, original_path: path, original_path_bytes: Buffer.from(path), size: r.size, metadata: '{}', state: 'verified',
  }).returning('id').executeTakeFirstOrThrow();
  ev[name] = (await p.db.insertInto('evidence').values({
    recorder_id: session.recorder, session_id: session.id, upload_id: upload.id, size: r.size, sha256: name.padEnd(64, '0'), sm3: name.padEnd(64, '1'),
    original_path: path, original_path_bytes: Buffer.from(path), original_name: `${name}.mp4`, officer_no: r.officerNo, device_serial: 'DSJ', unit_id: r.unit,
    recorded_at: r.recordedAt, received_at: new Date(r.receivedAt), duration_ms: r.durationMs, clock_skew_ms: r.skewMs ?? null, important: false, storage_key: `originals/${upload.id}`,
  }).returning('id').executeTakeFirstOrThrow()).id;
}

async function openCase(name: string, unit: string, createdAt: string, reached: CaseStage[], footage: [string, CaseStage][]) {
  cases[name] = (await p.db.insertInto('cases').values({
    number: `AJ-${name}-${randomUUID().slice(0, 4)}`, title: `案件${name}`, unit_id: unit, stage: reached[reached.length - 1], stages_reached: sql`${sql.val(reached)}::text[]` as never, created_at: new Date(createdAt),
  }).returning('id').executeTakeFirstOrThrow()).id;
  for (const [evidence, stage] of footage) await p.db.insertInto('case_evidence').values({ case_id: cases[name]!, evidence_id: ev[evidence]!, stage }).execute();
}

beforeAll(async () => {
  const no = async (user: string) => (await p.db.selectFrom('users').select('officer_no').where('id', '=', w.users[user]!).executeTakeFirstOrThrow()).officer_no!;
  Object.assign(officer, { a1: await no('handlerA'), a2: await no('handlerA2'), b1: await no('handlerB') });
  // A name a spreadsheet would take for a formula: the CSV must not.
  await p.db.updateTable('users').set({ display_name: '=HYPERLINK("http://evil.example")' }).where('id', '=', w.users.handlerA2!).execute();

  const station = (await p.db.insertInto('stations').values({ code: 'SUP', name: '监督测试站' }).returning('id').executeTakeFirstOrThrow()).id;
  const bay = (await p.db.insertInto('bays').values({ station_id: station, number: 1 }).returning('id').executeTakeFirstOrThrow()).id;
  const rec = await recorder(officer.a1, '2026-08-04T12:00:00Z'); // docked 12 h ago: fine
  await recorder(officer.a1, '2026-08-03T00:00:00Z'); // 48 h: overdue
  await recorder(officer.a2, '2026-08-01T00:00:00Z'); // overdue
  await recorder(officer.b1, null); // never docked: overdue
  session = { id: (await p.db.insertInto('offload_sessions').values({ station_id: station, bay_id: bay, recorder_id: rec }).returning('id').executeTakeFirstOrThrow()).id, recorder: rec };

  const { a, b } = w.units;
  // Unit A, officer A1
  await recording('r1', { unit: a, officerNo: officer.a1, recordedAt: '2026-07-05T02:00:00Z', durationMs: 0.5 * H, receivedAt: '2026-07-05T10:00:00Z', size: 1000 }); // on time
  await recording('r2', { unit: a, officerNo: officer.a1, recordedAt: '2026-07-10T02:00:00Z', durationMs: H, receivedAt: '2026-07-12T04:00:00Z', size: 2000 }); // 49 h: late
  await recording('r3', { unit: a, officerNo: officer.a1, recordedAt: '2026-06-30T20:00:00Z', durationMs: null, receivedAt: '2026-07-01T01:00:00Z', size: 500 }); // first partial day
  await recording('r4', { unit: a, officerNo: officer.a1, recordedAt: '2026-06-30T10:00:00Z', durationMs: H, receivedAt: '2026-07-05T10:00:00Z', size: 7 }); // before the period
  // Unit A, officer A2
  await recording('r5', { unit: a, officerNo: officer.a2, recordedAt: '2026-07-31T10:00:00Z', durationMs: H / 6, receivedAt: '2026-08-02T12:00:00Z', size: 3000 }); // last partial day, late; too young to count unlinked
  // A recorder clock 3 h slow: 26.5 h by its times, 23.5 h in fact: on time, and a clock-skew outlier.
  await recording('r6', { unit: a, officerNo: officer.a2, recordedAt: '2026-07-20T00:00:00Z', durationMs: 2 * H, skewMs: -3 * H, receivedAt: '2026-07-21T04:30:00Z', size: 4000 });
  // Unit A, no officer known
  await recording('r9', { unit: a, officerNo: null, recordedAt: '2026-07-08T00:00:00Z', durationMs: 0, receivedAt: '2026-07-08T01:00:00Z', size: 100 });
  // Unit B
  await recording('r7', { unit: b, officerNo: officer.b1, recordedAt: '2026-07-15T00:00:00Z', durationMs: H, receivedAt: '2026-07-15T02:00:00Z', size: 10000 });
  await recording('r8', { unit: b, officerNo: officer.b1, recordedAt: '2026-07-16T00:00:00Z', durationMs: H, receivedAt: '2026-07-18T02:00:00Z', size: 20000 }); // late

  await p.db.insertInto('unit_recording_rules').values({ unit_id: b, required_stages: sql`array['立案']::text[]` as never }).execute();
  await openCase('A1', a, '2026-07-05T00:00:00Z', ['立案', '调查取证'], [['r1', '调查取证']]); // complete
  await openCase('A2', a, '2026-07-06T00:00:00Z', ['立案', '调查取证', '告知'], []); // missing 调查取证, 告知
  await openCase('A3', a, '2026-06-01T00:00:00Z', ['立案', '调查取证'], []); // opened before the period
  await openCase('B1', b, '2026-07-15T00:00:00Z', ['立案', '调查取证', '告知'], [['r7', '立案'], ['r8', '告知']]); // B requires only 立案
  await openCase('B2', b, '2026-07-16T00:00:00Z', ['立案'], []); // missing 立案
});

const get = (token: string, url: string) => p.app.inject({ url, headers: bearer(token) });
const figuresOf = (recordings: number, hours: number, bytes: number, late: number, unlinked: number) =>
  ({ recordings, hours: expect.closeTo(hours, 9), bytes, onTimeRate: recordings ? expect.closeTo((recordings - late) / recordings, 9) : null, late, unlinked });

describe('the summary', () => {
  const unreviewed = { reviewed: 0, reviewPassRate: null };
  const unitA = () => ({ unitId: w.units.a, name: '城关派出所', ...figuresOf(6, 0.5 + 1 + 0 + 1 / 6 + 2 + 0, 10600, 2, 4), overdueRecorders: 2, casesMissingFootage: 1, ...unreviewed });
  const unitB = () => ({ unitId: w.units.b, name: '东关派出所', ...figuresOf(2, 2, 30000, 1, 0), overdueRecorders: 1, casesMissingFootage: 1, ...unreviewed });

  it('gives each unit in an auditor\'s sight exactly its figures (the supervising organ records nothing and is not listed)', async () => {
    const res = await get(w.tokens.auditor, `/api/supervision/summary?${period}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ units: [unitA(), unitB()] });
  });

  it('with a unit: also its officers (the recordings of no known officer under null)', async () => {
    const res = await get(w.tokens.unitHeadA, `/api/supervision/summary?${period}&unitId=${w.units.a}`);
    expect(res.statusCode, res.body).toBe(200);
    const officers = [
      { officerNo: null, name: null, ...figuresOf(1, 0, 100, 0, 1), overdueRecorders: 0, ...unreviewed },
      { officerNo: officer.a1, name: `handlerA-${officer.a1.slice(2)}`, ...figuresOf(3, 1.5, 3500, 1, 2), overdueRecorders: 1, ...unreviewed },
      { officerNo: officer.a2, name: '=HYPERLINK("http://evil.example")', ...figuresOf(2, 2 + 1 / 6, 7000, 1, 1), overdueRecorders: 1, ...unreviewed },
    ].sort((x, y) => (x.officerNo ?? '').localeCompare(y.officerNo ?? ''));
    expect(res.json()).toEqual({ units: [unitA()], officers });
  });

  it.each([
    ['auditor', ['a', 'b']],
    ['adminA', ['a', 'b']],
    ['unitHeadA', ['a']],
    ['unitHeadB', ['b']],
    ['overseerA', ['a']],
  ] as const)('scoped: a %s sees units %j', async (who, units) => {
    const res = await get(w.tokens[who], `/api/supervision/summary?${period}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().units.map((u: { unitId: string }) => u.unitId)).toEqual(units.map((u) => w.units[u]));
  });

  it('shows how the unit\'s and the officer\'s sampled recordings fared in sample reviews (抽查)', async () => {
    const drawn = await p.app.inject({ method: 'POST', url: '/api/reviews', headers: bearer(w.tokens.auditor), payload: { unitId: w.units.b, from: '2026-07-01T00:00:00Z', to: '2026-08-01T00:00:00Z', size: 2, seed: 'summary' } });
    expect(drawn.statusCode, drawn.body).toBe(201);
    const review = drawn.json() as { id: string; samples: { evidenceId: string }[]; rubric: { items: { key: string }[] } };
    const keys = review.rubric.items.map((i) => i.key);
    const scored = await p.app.inject({
      method: 'PUT', url: `/api/reviews/${review.id}/samples/${review.samples[0]!.evidenceId}`, headers: bearer(w.tokens.auditor),
      payload: { items: keys.map((key, i) => ({ key, pass: i < 3 })) },
    });
    expect(scored.statusCode, scored.body).toBe(200);
    const b = (await get(w.tokens.auditor, `/api/supervision/summary?${period}&unitId=${w.units.b}`)).json();
    expect(b.units[0]).toMatchObject({ reviewed: 1, reviewPassRate: expect.closeTo(3 / 5, 9) });
    expect(b.officers).toEqual([expect.objectContaining({ officerNo: officer.b1, reviewed: 1, reviewPassRate: expect.closeTo(3 / 5, 9) })]);
    const a = (await get(w.tokens.auditor, `/api/supervision/summary?${period}`)).json().units[0];
    expect(a).toMatchObject({ unitId: w.units.a, ...unreviewed });
  });

  it.each(['handlerA', 'complainant', 'station'] as const)('a %s may not read it (403)', async (who) => {
    expect((await get(w.tokens[who], `/api/supervision/summary?${period}`)).statusCode).toBe(403);
    expect((await get(w.tokens[who], `/api/supervision/items?kind=late&${period}`)).statusCode).toBe(403);
  });

  it('a unit out of scope reads as absent (404), for the summary, the rows and for a unit head of another unit', async () => {
    expect((await get(w.tokens.unitHeadA, `/api/supervision/summary?${period}&unitId=${w.units.b}`)).statusCode).toBe(404);
    expect((await get(w.tokens.overseerA, `/api/supervision/items?kind=late&${period}&unitId=${w.units.b}`)).statusCode).toBe(404);
    expect((await get(w.tokens.auditor, `/api/supervision/summary?${period}&unitId=${randomUUID()}`)).statusCode).toBe(404);
  });

  it('refuses a period that ends before it starts, and a bad kind, with 400', async () => {
    expect((await get(w.tokens.auditor, `/api/supervision/summary?from=${encodeURIComponent(PERIOD.to)}&to=${encodeURIComponent(PERIOD.from)}`)).statusCode).toBe(400);
    expect((await get(w.tokens.auditor, `/api/supervision/items?kind=everything&${period}`)).statusCode).toBe(400);
  });
});

describe('the rows behind the figures', () => {
  const items = async (token: string, query: string) => {
    const res = await get(token, `/api/supervision/items?${query}&${period}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Record<string, unknown>[]; nextCursor: string | null };
  };
  const names = (list: Record<string, unknown>[]) => list.map((i) => i.originalName ?? i.caseNumber ?? i.recorderSerial);

  it('late recordings, oldest first, keyset-paged, each with its officer and delay', async () => {
    const first = await items(w.tokens.auditor, 'kind=late&limit=2');
    expect(names(first.items)).toEqual(['r2.mp4', 'r8.mp4']);
    expect(first.items[0]).toMatchObject({ evidenceId: ev.r2, unitId: w.units.a, unitName: '城关派出所', officerNo: officer.a1, delayHours: 49, recordedAt: '2026-07-10T02:00:00.000Z' });
    const second = await items(w.tokens.auditor, `kind=late&limit=2&cursor=${first.nextCursor}`);
    expect(names(second.items)).toEqual(['r5.mp4']);
    expect(second.nextCursor).toBeNull();
  });

  it('scoped like the summary: a unit head sees only their unit\'s', async () => {
    expect(names((await items(w.tokens.unitHeadA, 'kind=late')).items)).toEqual(['r2.mp4', 'r5.mp4']);
    expect(names((await items(w.tokens.unitHeadB, 'kind=late')).items)).toEqual(['r8.mp4']);
  });

  it('footage without a case for 7 days, the cases missing footage (with the stages), the overdue recorders, the clock outliers', async () => {
    expect(names((await items(w.tokens.overseerA, 'kind=unlinked')).items)).toEqual(['r3.mp4', 'r9.mp4', 'r2.mp4', 'r6.mp4']);
    const missing = (await items(w.tokens.auditor, 'kind=casesMissingFootage')).items;
    expect(missing.map((c) => [c.caseId, c.missingStages])).toEqual([[cases.A2, ['调查取证', '告知']], [cases.B2, ['立案']]]);
    const overdue = (await items(w.tokens.auditor, 'kind=overdueRecorders')).items;
    expect(overdue.map((r) => [r.officerNo, r.lastDockedAt, r.hoursSinceDocked])).toEqual([
      [officer.b1, null, null], [officer.a2, '2026-08-01T00:00:00.000Z', 96], [officer.a1, '2026-08-03T00:00:00.000Z', 48],
    ]);
    expect((await items(w.tokens.auditor, 'kind=clockSkew')).items).toEqual([expect.objectContaining({ evidenceId: ev.r6, clockSkewMs: -3 * H, delayHours: 23.5 })]);
  });
});

describe('the report', () => {
  it('opens as a workbook whose summary sheet holds the API\'s figures, and one sheet per figure with its rows', async () => {
    const res = await get(w.tokens.auditor, `/api/supervision/report.xlsx?${period}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="supervision-2026-06-30-2026-07-31.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['汇总', '迟传录像', '未关联案件录像', '缺失录像案件', '超期未入库记录仪', '时钟偏差']);
    const rows = (name: string) => (book.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    const [header, ...units] = rows('汇总');
    expect(header).toEqual(['单位', '录像数', '时长(小时)', '字节数', '按时上传率', '迟传录像数', '超期未入库记录仪', '未关联案件录像', '缺失录像案件']);
    const api = (await get(w.tokens.auditor, `/api/supervision/summary?${period}`)).json().units as Record<string, number>[];
    const column = (i: number) => units.map((u) => u[i]);
    expect(column(1)).toEqual(api.map((u) => u.recordings));
    expect(column(3)).toEqual(api.map((u) => u.bytes));
    expect(column(4)).toEqual(api.map((u) => u.onTimeRate));
    expect(column(5)).toEqual(api.map((u) => u.late));
    expect(column(6)).toEqual(api.map((u) => u.overdueRecorders));
    expect(column(7)).toEqual(api.map((u) => u.unlinked));
    expect(column(8)).toEqual(api.map((u) => u.casesMissingFootage));
    const totals = (i: number) => column(i).reduce((a, b) => (a as number) + (b as number), 0);
    expect([totals(1), totals(5), totals(8)]).toEqual([8, 3, 2]);
    // Each figure's sheet has as many rows as the figure counts.
    expect(rows('迟传录像').length - 1).toBe(totals(5));
    expect(rows('未关联案件录像').length - 1).toBe(totals(7));
    expect(rows('缺失录像案件').length - 1).toBe(totals(8));
    expect(rows('超期未入库记录仪').length - 1).toBe(totals(6));
    expect(rows('迟传录像')[1]).toEqual(['城关派出所', officer.a1, `handlerA-${officer.a1.slice(2)}`, 'r2.mp4', '2026-07-10T02:00:00.000Z', '2026-07-12T04:00:00.000Z', 49, ev.r2]);
  });

  it('as CSV: a byte-order mark, the same sheets, and no cell a spreadsheet would run as a formula', async () => {
    const res = await get(w.tokens.unitHeadA, `/api/supervision/report.csv?${period}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines.slice(0, 4)).toEqual(['汇总', '单位,录像数,时长(小时),字节数,按时上传率,迟传录像数,超期未入库记录仪,未关联案件录像,缺失录像案件', expect.stringMatching(/^城关派出所,6,3\.67,10600,0\.666/), '']);
    expect(lines).toContain(`迟传录像`);
    expect(lines.filter((l) => l.includes('HYPERLINK'))).not.toHaveLength(0);
    expect(lines.filter((l) => l.includes('HYPERLINK')).every((l) => l.includes(`,"'=HYPERLINK(""http://evil.example"")",`))).toBe(true);
    expect(lines.some((l) => l.includes('东关派出所'))).toBe(false);
  });
});

describe('the daily aggregates', () => {
  /** Every figure recomputed in TypeScript from the raw evidence rows, by unit, UTC day and officer. */
  async function recomputed(onTimeHours: number) {
    const rows = await p.db.selectFrom('evidence').selectAll().where('unit_id', 'is not', null).where('recorded_at', 'is not', null).execute();
    const out = new Map<string, Tally>();
    for (const r of rows) {
      const key = `${r.unit_id}|${r.recorded_at!.toISOString().slice(0, 10)}|${r.officer_no ?? ''}`;
      const facts = { recordedAt: r.recorded_at!, receivedAt: r.received_at, durationMs: r.duration_ms === null ? null : Number(r.duration_ms), clockSkewMs: r.clock_skew_ms === null ? null : Number(r.clock_skew_ms), caseLinks: r.case_links, size: Number(r.size) };
      out.set(key, addTallies(out.get(key) ?? EMPTY_TALLY, tallyOf(facts, onTimeHours)));
    }
    return [...out].filter(([, t]) => Object.values(t).some((v) => v !== 0)).sort(([a], [b]) => a.localeCompare(b));
  }
  async function aggregated() {
    const { rows } = await sql<{ key: string; recordings: string; duration_ms: string; bytes: string; late: string; unlinked: string }>`
      select unit_id || '|' || day::text || '|' || officer_no as key, recordings, duration_ms, bytes, late, unlinked from supervision_daily
      where recordings <> 0 or duration_ms <> 0 or bytes <> 0 or late <> 0 or unlinked <> 0`.execute(p.db);
    return rows.map((r) => [r.key, { recordings: Number(r.recordings), durationMs: Number(r.duration_ms), bytes: Number(r.bytes), late: Number(r.late), unlinked: Number(r.unlinked) }] as const).sort(([a], [b]) => a.localeCompare(b));
  }

  /** The recomputation summed by unit and day, as supervision_unit_daily holds it. */
  async function recomputedByUnit(onTimeHours: number) {
    const out = new Map<string, Tally>();
    for (const [key, t] of await recomputed(onTimeHours)) {
      const unitDay = key.split('|').slice(0, 2).join('|');
      out.set(unitDay, addTallies(out.get(unitDay) ?? EMPTY_TALLY, t));
    }
    return [...out].filter(([, t]) => Object.values(t).some((v) => v !== 0)).sort(([a], [b]) => a.localeCompare(b));
  }
  async function unitAggregated() {
    const { rows } = await sql<{ key: string; recordings: string; duration_ms: string; bytes: string; late: string; unlinked: string }>`
      select unit_id || '|' || day::text as key, recordings, duration_ms, bytes, late, unlinked from supervision_unit_daily
      where recordings <> 0 or duration_ms <> 0 or bytes <> 0 or late <> 0 or unlinked <> 0`.execute(p.db);
    return rows.map((r) => [r.key, { recordings: Number(r.recordings), durationMs: Number(r.duration_ms), bytes: Number(r.bytes), late: Number(r.late), unlinked: Number(r.unlinked) }] as const).sort(([a], [b]) => a.localeCompare(b));
  }

  it('equal a full recomputation after links, unlinks, probing, a unit given, a file deleted', async () => {
    expect(await aggregated()).toEqual(await recomputed(24));
    expect(await unitAggregated()).toEqual(await recomputedByUnit(24));
    await p.db.insertInto('case_evidence').values({ case_id: cases.A2!, evidence_id: ev.r2!, stage: '告知' }).execute();
    await p.db.insertInto('case_evidence').values({ case_id: cases.A1!, evidence_id: ev.r2!, stage: '调查取证' }).execute();
    await p.db.deleteFrom('case_evidence').where('case_id', '=', cases.A1!).where('evidence_id', '=', ev.r1!).execute();
    await p.db.updateTable('evidence').set({ duration_ms: 5 * H }).where('id', '=', ev.r3!).execute(); // probed: 5 h long
    await p.db.updateTable('evidence').set({ unit_id: w.units.b, officer_no: null }).where('id', '=', ev.r9!).execute();
    await p.db.updateTable('evidence').set({ playback_progress: 50 }).execute(); // changes nothing counted
    await p.db.deleteFrom('timestamp_leaves').where('evidence_id', '=', ev.r4!).execute();
    await p.db.deleteFrom('evidence').where('id', '=', ev.r4!).execute();
    expect(await aggregated()).toEqual(await recomputed(24));
    expect(await unitAggregated()).toEqual(await recomputedByUnit(24));
    // Each case's stages with footage, as its links say.
    const links = await p.db.selectFrom('case_evidence').select(['case_id', 'stage']).execute();
    for (const c of await p.db.selectFrom('cases').select(['id', 'footage_stages']).execute()) {
      expect([...c.footage_stages].sort(), c.id).toEqual([...new Set(links.filter((l) => l.case_id === c.id).map((l) => l.stage))].sort());
    }
    expect((await p.db.selectFrom('cases').select('footage_stages').where('id', '=', cases.A2!).executeTakeFirstOrThrow()).footage_stages).toEqual(['告知']);
    // The summary from aggregates and edges equals the unaggregated query.
    const range = { from: new Date(PERIOD.from), to: new Date(PERIOD.to) };
    expect(await tallies(p.db, null, range, 24)).toEqual(await rawTallies(p.db, null, range, 24));
    expect(await tallies(p.db, null, range, 24, 'unit')).toEqual(await rawTallies(p.db, null, range, 24, 'unit'));
  });

  it('are rebuilt when the on-time threshold changes, and equal a recomputation with it', async () => {
    expect(await syncOnTimeHours(p.db, 50)).toBe(true);
    expect(await syncOnTimeHours(p.db, 50)).toBe(false);
    expect(await aggregated()).toEqual(await recomputed(50));
    expect(await unitAggregated()).toEqual(await recomputedByUnit(50));
    await syncOnTimeHours(p.db, 24);
    expect(await aggregated()).toEqual(await recomputed(24));
    expect(await unitAggregated()).toEqual(await recomputedByUnit(24));
  });
});
