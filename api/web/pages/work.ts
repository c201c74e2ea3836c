import type { Answer } from '../../client';
import { answer, client, type Evidence, type StationStatus, type Unit } from '../api';
import { h, present } from '../dom';
import { dateTime } from '../format';
import { t, texts, tx } from '../i18n';
import { can, type View } from '../view';
import { openRemindersBox } from './reminders';
import { evidenceCard } from './search';

/** The landing pages of issue 15 item 6: a handler's work, a unit's overview, a complainant's reports. */
const m = texts({
  homeTitle: '我的工作',
  myCases: '我的案件',
  noMyCases: '暂无由您办理的案件。',
  myFootage: '我的近期录像',
  noMyFootage: '暂无您拍摄的录像。',
  noOfficerNo: '您的账户没有警号，无法列出您本人拍摄的录像。',
  allMyFootage: '检索我的全部录像',
  allCases: '查看全部案件',
  unitsTitle: '单位概况',
  noUnits: '您的账户尚未关联单位，请联系系统管理员。',
  casesByStage: '案件（按办理阶段）',
  casesTotal: '共 {n} 件',
  recentCases: '最近的案件',
  noCases: '暂无案件。',
  stations: '采集站与记录仪',
  noStations: '本单位暂无采集站。',
  stationLine: '{busy}/{bays} 个仓位正在上传 · 最后联系 {time}',
  overdue: '{n} 台记录仪超过 {hours} 小时未入站采集',
  noOverdue: '所有记录仪均按时入站采集',
  stationDetails: '查看采集站详情',
  recentFootage: '近期录像',
  noFootage: '暂无录像。',
  unitFootage: '检索本单位录像',
  reportsTitle: '我的举报',
  reportsIntro: '以下是您举报的案件及其办理进度。如需了解详情，请联系办案单位。',
  noReports: '您还没有举报的案件。',
  stage: '办理阶段',
  lastUpdate: '最后更新',
}, {
  homeTitle: 'My work',
  myCases: 'My cases',
  noMyCases: 'No cases assigned to you.',
  myFootage: 'My recent footage',
  noMyFootage: 'No footage recorded by you yet.',
  noOfficerNo: 'Your account has no officer number, so your own footage cannot be listed.',
  allMyFootage: 'Search all my footage',
  allCases: 'All cases',
  unitsTitle: 'Units overview',
  noUnits: 'Your account belongs to no unit yet; contact the administrator.',
  casesByStage: 'Cases by stage',
  casesTotal: '{n} in all',
  recentCases: 'Recent cases',
  noCases: 'No cases.',
  stations: 'Stations and recorders',
  noStations: 'This unit has no docking station yet.',
  stationLine: '{busy}/{bays} bays offloading · last seen {time}',
  overdue: '{n} recorders not docked for more than {hours} hours',
  noOverdue: 'Every recorder docked in time',
  stationDetails: 'Station details',
  recentFootage: 'Recent footage',
  noFootage: 'No footage yet.',
  unitFootage: "Search the unit's footage",
  reportsTitle: 'My reports',
  reportsIntro: 'The cases you reported and how far they have got. For details, contact the unit handling the case.',
  noReports: 'You have reported no cases.',
  stage: 'Stage',
  lastUpdate: 'Last update',
});

type CaseRow = Pick<Answer<'listCases'>['items'][number], 'id' | 'number' | 'title' | 'stage' | 'updatedAt'>;
type Stage = CaseRow['stage'];
/** The stages in their order (schema/db.ts CASE_STAGES, which the page bundle cannot import). */
const STAGES = ['立案', '调查取证', '审查', '告知', '决定', '送达', '执行', '结案', '移送'] as const satisfies readonly Stage[];

/** A labelled panel; `heading` is h3 inside a unit's section (whose own heading is the h2). */
const region = (title: string, heading: 'h2' | 'h3', ...children: (Node | null | false | undefined)[]) =>
  h('section', { class: 'panel', 'aria-label': title }, h(heading, {}, title), ...present(...children));

/** Cases as a table: number (a link where the reader may open the case), title, stage, last update. */
function caseTable(caption: string, cases: CaseRow[], linked: boolean): HTMLElement {
  return h('table', {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, [t('caseNumber'), t('caseTitle'), m('stage'), m('lastUpdate')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, cases.map((c) => h('tr', {},
      h('td', {}, linked ? h('a', { href: `/cases/${c.id}` }, c.number) : c.number),
      h('td', {}, c.title),
      h('td', {}, c.stage),
      h('td', {}, dateTime(c.updatedAt)),
    ))),
  );
}


/** A handler's start: the cases they handle and what they recorded lately. */
export async function homePage(view: View): Promise<Node[]> {
  const { me, signal } = view;
  const [cases, footage, units] = await Promise.all([
    answer(client.GET('/api/cases', { params: { query: { limit: 20 } }, signal })),
    me.officerNo ? answer(client.GET('/api/evidence', { params: { query: { officerNo: me.officerNo, limit: 8 } }, signal })) : null,
    view.units(),
  ]);
  return [
    h('h1', {}, m('homeTitle')),
    region(m('myCases'), 'h2',
      cases.items.length === 0 ? h('p', { class: 'muted' }, m('noMyCases')) : caseTable(m('myCases'), cases.items, true),
      h('p', {}, h('a', { href: '/cases' }, m('allCases')))),
    region(m('myFootage'), 'h2',
      !footage ? h('p', { class: 'muted' }, m('noOfficerNo'))
        : footage.items.length === 0 ? h('p', { class: 'muted' }, m('noMyFootage')) : h('ul', { class: 'cards', 'aria-label': m('myFootage') }, footage.items.map((e) => evidenceCard(e, units))),
      footage && h('p', {}, h('a', { href: `/evidence?officerNo=${encodeURIComponent(me.officerNo!)}` }, m('allMyFootage')))),
  ];
}

/** Per unit in the caller's charge: its cases by stage, its stations and recorders, its latest footage. */
export async function unitsPage(view: View): Promise<Node[]> {
  const { me, signal } = view;
  const all = await view.units();
  const mine = [...all.values()].filter((u) => me.workUnits === null || me.workUnits.includes(u.id));
  const stations: StationStatus | null = can(me, 'station.status') ? await answer(client.GET('/api/stations', { signal })) : null;
  const sections = await Promise.all(mine.map(async (unit) => {
    const [cases, footage, reminders] = await Promise.all([
      answer(client.GET('/api/cases', { params: { query: { unitId: unit.id, limit: 500 } }, signal })),
      answer(client.GET('/api/evidence', { params: { query: { unitId: unit.id, limit: 4 } }, signal })),
      can(me, 'reminder.read') ? openRemindersBox(unit.id, signal) : null,
    ]);
    return unitSection(unit, cases.items, cases.nextCursor !== null, stations, footage.items, reminders);
  }));
  return [h('h1', {}, m('unitsTitle')), ...(sections.length === 0 ? [h('p', { class: 'note' }, m('noUnits'))] : sections)];
}

/** Footage in a few words a line (the overview has no room for posters): name, 警号, when, playback state. */
const footageList = (items: Evidence[]) =>
  h('ul', { class: 'plain footage-list', 'aria-label': m('recentFootage') }, items.map((e) => h('li', {},
    h('a', { href: `/evidence/${e.id}` }, e.originalName),
    h('span', { class: 'muted' }, ` · ${e.officerNo ?? '—'} · ${dateTime(e.recordedAt ?? e.receivedAt)} · ${tx(`playback.${e.playbackState}`)}`))));

function unitSection(unit: Unit, cases: CaseRow[], moreCases: boolean, status: StationStatus | null, footage: Evidence[], reminders: HTMLElement | null): HTMLElement {
  const count = new Map<Stage, number>();
  for (const c of cases) count.set(c.stage, (count.get(c.stage) ?? 0) + 1);
  const stations = status?.stations.filter((s) => s.unitId === unit.id) ?? [];
  const overdue = status?.overdueRecorders.filter((r) => r.unitId === unit.id) ?? [];
  const total = `${cases.length}${moreCases ? '+' : ''}`;
  return h('section', { class: 'unit-overview', 'aria-label': unit.name },
    h('h2', {}, unit.name),
    h('div', { class: 'overview' },
      reminders,
      region(m('casesByStage'), 'h3',
        h('p', { class: 'muted' }, m('casesTotal', { n: total })),
        h('ul', { class: 'stage-counts' }, STAGES.filter((s) => count.has(s)).map((s) => h('li', {}, h('span', {}, s), h('strong', {}, String(count.get(s)))))),
        h('h4', {}, m('recentCases')),
        cases.length === 0 ? h('p', { class: 'muted' }, m('noCases')) : caseTable(m('recentCases'), cases.slice(0, 5), true),
        h('p', {}, h('a', { href: '/cases' }, m('allCases')))),
      status && region(m('stations'), 'h3',
        stations.length === 0 ? h('p', { class: 'muted' }, m('noStations')) : h('ul', { class: 'plain' }, stations.map((s) => h('li', {},
          h('strong', {}, s.name === s.code ? s.name : `${s.name} (${s.code})`), ' ',
          h('span', { class: 'muted' }, m('stationLine', { busy: s.bays.filter((b) => b.offload).length, bays: s.bays.length, time: dateTime(s.lastSeenAt) }))))),
        h('p', { class: overdue.length > 0 ? 'note' : 'muted' }, overdue.length > 0 ? m('overdue', { n: overdue.length, hours: status.overdueAfterHours }) : m('noOverdue')),
        h('p', {}, h('a', { href: '/stations' }, m('stationDetails')))),
      region(m('recentFootage'), 'h3',
        footage.length === 0 ? h('p', { class: 'muted' }, m('noFootage')) : footageList(footage),
        h('p', {}, h('a', { href: `/evidence?unitId=${unit.id}` }, m('unitFootage')))),
    ),
  );
}

/** A complainant's start: the cases they reported, their stage and last update, nothing more. */
export async function reportsPage(view: View): Promise<Node[]> {
  const { items } = await answer(client.GET('/api/cases', { params: { query: { limit: 100 } }, signal: view.signal }));
  return [
    h('h1', {}, m('reportsTitle')),
    h('p', {}, m('reportsIntro')),
    items.length === 0 ? h('p', { class: 'muted', role: 'status' }, m('noReports')) : caseTable(m('reportsTitle'), items, false),
  ];
}
