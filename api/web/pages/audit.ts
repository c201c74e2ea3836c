import { ACTION_LABELS_ZH } from '../../../core/labels';
import { answer, client, query, type AuditEvent } from '../api';
import type { Answer } from '../../client';
import { formValues, h, present } from '../dom';
import { auditActor, dateTime, fromLocalInput, toLocalInput } from '../format';
import { texts, tx } from '../i18n';
import { problemNote } from '../problems';
import { can, type View } from '../view';

const m = texts({
  title: '审计日志',
  filters: '筛选条件',
  person: '人员（姓名或警号）',
  unit: '单位',
  action: '操作',
  object: '对象标识（证据或案件）',
  objectHint: '可粘贴证据或案件页面的网址',
  from: '起始时间',
  to: '截止时间',
  any: '不限',
  search: '查询',
  clear: '清除条件',
  csv: '导出 CSV',
  csvHint: '导出当前筛选条件下的全部记录（可用 Excel 打开）；导出本身也会记入审计日志。',
  'group.evidence': '证据',
  'group.case': '案件',
  'group.export': '导出',
  'group.audit': '审计与完整性',
  'group.retention': '保存与处置',
  'group.system': '用户与系统',
  results: '审计记录',
  when: '时间',
  who: '人员',
  what: '操作',
  target: '对象',
  where: '来源地址',
  outcome: '结果',
  count: '已显示 {n} 条记录。',
  countMore: '已显示 {n} 条记录，还有更早的记录。',
  none: '没有符合条件的记录。',
  more: '加载更早的记录',
  evidence: '证据 {id}',
  case: '案件 {id}',
  hidden: '超出您的查看范围',
  system: '系统',
  chain: '审计链状态',
  checking: '正在校验审计链……',
  checkedAt: '校验时间：{time}。',
  recheck: '重新校验',
  intact: '审计链完整：{rows} 条记录逐条校验一致。',
  intactSigned: '审计链完整：{rows} 条记录逐条校验一致，签名检查点均与记录相符。',
  broken: '审计链校验未通过：第 {at} 条记录处不一致。请立即报告系统管理员和上级监督部门。',
  checkpoint: '最新签名检查点',
  checkpointFacts: '{time}，覆盖至第 {seq} 条记录，签名算法：{algorithms}',
  noCheckpoint: '尚无签名检查点（平台每隔一段时间自动签署）。',
  uncovered: '此后新增的 {n} 条记录将由下一个检查点覆盖。',
}, {
  title: 'Audit log',
  filters: 'Filters',
  person: 'Person (name or officer number)',
  unit: 'Unit',
  action: 'Action',
  object: 'Object id (evidence or case)',
  objectHint: 'You can paste the address of an evidence or case page',
  from: 'From',
  to: 'To',
  any: 'Any',
  search: 'Search',
  clear: 'Clear filters',
  csv: 'Export CSV',
  csvHint: 'Exports every record these filters find (opens in Excel); the export itself is recorded in the audit log.',
  'group.evidence': 'Evidence',
  'group.case': 'Cases',
  'group.export': 'Exports',
  'group.audit': 'Audit and fixity',
  'group.retention': 'Retention and disposal',
  'group.system': 'Users and system',
  results: 'Audit records',
  when: 'Time',
  who: 'Person',
  what: 'Action',
  target: 'Object',
  where: 'From address',
  outcome: 'Outcome',
  count: '{n} records shown.',
  countMore: '{n} records shown; there are older ones.',
  none: 'No records match.',
  more: 'Load older records',
  evidence: 'Evidence {id}',
  case: 'Case {id}',
  hidden: 'Outside your scope',
  system: 'System',
  chain: 'Audit chain status',
  checking: 'Verifying the audit chain…',
  checkedAt: 'Checked at {time}.',
  recheck: 'Check again',
  intact: 'The audit chain is intact: {rows} records check out one by one.',
  intactSigned: 'The audit chain is intact: {rows} records check out one by one, and the signed checkpoints match them.',
  broken: 'The audit chain does not verify: record {at} does not match. Report this to the administrator and the supervising body at once.',
  checkpoint: 'Newest signed checkpoint',
  checkpointFacts: '{time}, covering up to record {seq}, signed with {algorithms}',
  noCheckpoint: 'No signed checkpoint yet (the platform signs one periodically).',
  uncovered: 'The {n} records added since will be covered by the next checkpoint.',
});

/** The action list's groups, by the action's first word. */
const GROUPS = { evidence: ['evidence'], case: ['case'], export: ['export'], audit: ['audit', 'fixity', 'checkpoint'], retention: ['retention'], system: ['user', 'token', 'unit', 'recorder', 'station', 'webhook'] } as const;

const FILTERS = ['person', 'unitId', 'action', 'objectId', 'from', 'to'] as const;
const PAGE_SIZE = 50;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Evidence and cases link to their pages; other objects (users, exports, trails) are shown as they are. */
function objectCell(e: AuditEvent): Node | string {
  if (!e.objectId) return '—';
  if (e.objectId === 'outside-your-scope') return m('hidden');
  const short = e.objectId.slice(0, 8);
  if (UUID.test(e.objectId) && e.objectType === 'evidence') return h('a', { href: `/evidence/${e.objectId}`, title: e.objectId }, m('evidence', { id: short }));
  if (UUID.test(e.objectId) && e.objectType === 'case') return h('a', { href: `/cases/${e.objectId}`, title: e.objectId }, m('case', { id: short }));
  return h('span', { title: e.objectId }, `${e.objectType ?? ''} ${UUID.test(e.objectId) ? short : e.objectId}`.trim());
}

const row = (e: AuditEvent) => h('tr', { class: e.outcome === 'allowed' ? null : 'warn' },
  h('td', {}, dateTime(e.at)),
  h('td', {}, e.actorId ? auditActor(e) : `${m('system')}（${e.actorName}）`, e.role && h('div', { class: 'muted' }, tx(`role.${e.role}`))),
  h('td', { class: 'nowrap' }, tx(`action.${e.action}`)),
  h('td', {}, objectCell(e)),
  h('td', {}, e.client ?? '—'),
  h('td', { class: 'nowrap' }, tx(`outcome.${e.outcome}`)),
);

type ChainCheck = Promise<[Answer<'verifyTrail'>, Answer<'getNewestCheckpoint'>]>;
/**
 * Walking the whole chain is slow and is itself audited: it runs when the page is opened (or on
 * 重新校验), not again on every change of the filters.
 */
let lastCheck: { user: string; at: Date; result: ChainCheck } | null = null;

function checkChain(user: string, again: boolean): { at: Date; result: ChainCheck } {
  if (again || lastCheck?.user !== user) {
    const result: ChainCheck = Promise.all([
      answer(client.GET('/api/audit/verify', { params: { query: { chain: 'audit' } } })),
      answer(client.GET('/api/audit/checkpoint', { params: { query: { chain: 'audit' } } })),
    ]);
    lastCheck = { user, at: new Date(), result };
    result.catch(() => (lastCheck = null));
  }
  return lastCheck!;
}

/** The chain's verification and its newest signed checkpoint, filled in when the walk finishes. */
function chainPanel(view: View): HTMLElement {
  const status = h('p', { role: 'status' });
  const point = h('p', {});
  const again = h('button', { type: 'button', class: 'link' }, m('recheck'));
  const show = (fresh: boolean) => {
    const { at, result } = checkChain(view.me.id, fresh);
    status.className = '';
    status.textContent = m('checking');
    point.replaceChildren();
    again.disabled = true;
    void result.then(([verdict, { checkpoint }]) => {
      status.className = verdict.ok ? 'good' : 'bad';
      status.textContent = verdict.ok ? `✓ ${m(verdict.checkpoints > 0 ? 'intactSigned' : 'intact', { rows: verdict.rows })}` : `✗ ${m('broken', { at: verdict.brokenAt ?? '?' })}`;
      point.replaceChildren(
        h('strong', {}, `${m('checkpoint')}：`),
        checkpoint ? m('checkpointFacts', { time: dateTime(checkpoint.at), seq: checkpoint.seq, algorithms: checkpoint.algorithms.join('、') }) : m('noCheckpoint'),
        checkpoint && verdict.rows > checkpoint.seq ? h('span', { class: 'muted' }, ` ${m('uncovered', { n: verdict.rows - checkpoint.seq })}`) : '',
        h('br', {}),
        h('span', { class: 'muted' }, `${m('checkedAt', { time: dateTime(at.toISOString()) })} `),
      );
      point.append(again);
    }, (error: unknown) => {
      status.replaceChildren(problemNote(error));
      point.replaceChildren(again);
    }).finally(() => (again.disabled = false));
  };
  again.addEventListener('click', () => show(true));
  show(false);
  return h('section', { class: 'panel chain', 'aria-label': m('chain') }, h('h2', {}, m('chain')), status, point);
}

/** The audit log: filters in the URL (Back and links work), newest first, older on demand, the same rows as CSV. */
export async function auditPage(view: View): Promise<Node[]> {
  const s = view.search;
  const units = await view.units();
  const field = (label: string, input: HTMLElement, hint?: string) => h('label', {}, label, input, hint && h('small', { class: 'muted' }, hint));
  const select = (name: string, options: [string, string][]) =>
    h('select', { name }, h('option', { value: '' }, m('any')), options.map(([value, label]) => h('option', { value, selected: s.get(name) === value }, label)));
  const actions = Object.keys(ACTION_LABELS_ZH).map((key) => key.slice('action.'.length));
  const actionSelect = h('select', { name: 'action' }, h('option', { value: '' }, m('any')),
    Object.entries(GROUPS).map(([group, words]) => h('optgroup', { label: m(`group.${group as keyof typeof GROUPS}`) },
      actions.filter((a) => (words as readonly string[]).includes(a.split('.')[0]!)).map((a) => h('option', { value: a, selected: s.get('action') === a }, tx(`action.${a}`))))));

  const filters: Partial<Record<(typeof FILTERS)[number], string>> = Object.fromEntries(FILTERS.flatMap((k) => (s.get(k) ? [[k, s.get(k)!]] : [])));
  const form = h('form', { class: 'filters panel audit-filters', role: 'search', 'aria-label': m('filters'), onsubmit: (event) => {
    event.preventDefault();
    const values = formValues(form);
    for (const key of ['from', 'to'] as const) if (values[key]) values[key] = fromLocalInput(values[key]);
    if (values.objectId) values.objectId = UUID.exec(values.objectId)?.[0].toLowerCase() ?? values.objectId;
    view.navigate(`/audit${query(values)}`);
  } },
    field(m('person'), h('input', { name: 'person', value: s.get('person'), maxlength: 100 })),
    units.size > 0 && field(m('unit'), select('unitId', [...units.values()].map((u) => [u.id, u.name]))),
    field(m('action'), actionSelect),
    field(m('object'), h('input', { name: 'objectId', value: s.get('objectId'), maxlength: 100 }), m('objectHint')),
    field(m('from'), h('input', { name: 'from', type: 'datetime-local', value: toLocalInput(s.get('from')) })),
    field(m('to'), h('input', { name: 'to', type: 'datetime-local', value: toLocalInput(s.get('to')) })),
    h('div', { class: 'actions wide' },
      h('button', { type: 'submit' }, m('search')),
      h('a', { href: '/audit' }, m('clear')),
      h('a', { href: `/api/audit.csv${query(filters)}`, download: 'audit-log.csv', class: 'button', 'aria-describedby': 'csv-hint' }, m('csv')),
      h('small', { id: 'csv-hint', class: 'muted' }, m('csvHint')),
    ),
  );

  const body = h('tbody', {});
  const status = h('p', { role: 'status' });
  const more = h('button', { type: 'button' }, m('more'));
  const results = h('section', { class: 'panel', 'aria-label': m('results') },
    h('h2', {}, m('results')),
    h('div', { class: 'table-scroll' }, h('table', { class: 'audit-log' },
      h('caption', { class: 'visually-hidden' }, m('results')),
      h('thead', {}, h('tr', {}, [m('when'), m('who'), m('what'), m('target'), m('where'), m('outcome')].map((c) => h('th', { scope: 'col' }, c)))),
      body)),
    status);
  let before: number | null = null;
  let shown = 0;

  async function load(): Promise<void> {
    more.disabled = true;
    try {
      const page = await answer(client.GET('/api/audit', { params: { query: { ...filters, limit: PAGE_SIZE, ...(before === null ? {} : { before }) } }, signal: view.signal }));
      body.append(...page.items.map(row));
      shown += page.items.length;
      before = page.nextBefore;
      status.textContent = shown === 0 ? m('none') : m(before === null ? 'count' : 'countMore', { n: shown });
      if (before === null) more.remove();
      else if (!more.isConnected) results.append(more);
    } catch (error) {
      if (!view.signal.aborted) status.replaceChildren(problemNote(error));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => void load());
  await load();

  return present(
    h('h1', {}, m('title')),
    can(view.me, 'audit.verify') && chainPanel(view),
    form,
    results,
  );
}

/** The menu entry's label. */
export const auditNavLabel = () => m('title');
