import type { Answer } from '../../client';
import { answer, client, query } from '../api';
import { formValues, h, present } from '../dom';
import { dateTime, person } from '../format';
import { texts, tx } from '../i18n';
import { problemNote } from '../problems';
import { can, type View } from '../view';

/** Supervision reminders (监督提醒, issue 16 item 4): the list, issuing one, its thread, answering and deciding. */
const m = texts({
  title: '监督提醒',
  issue: '发出提醒',
  issueTitle: '发出监督提醒',
  filters: '筛选监督提醒',
  state: '状态',
  unit: '单位',
  any: '全部',
  show: '筛选',
  none: '没有符合条件的监督提醒。',
  about: '事项',
  text: '提醒内容',
  due: '回复期限',
  issuedBy: '发出人',
  issuedAt: '发出时间',
  aboutKind: '提醒事项',
  aboutCase: '案件',
  aboutRecording: '录像',
  caseNumber: '案件编号',
  recording: '录像（粘贴录像页面的链接或编号）',
  notRecording: '未能识别录像：请粘贴录像页面的链接（…/evidence/编号）。',
  noCase: '未找到该案件编号，或您无权查看该案件。',
  dueHint: '期限当天 24 时前需回复。',
  send: '发出',
  cancel: '取消',
  caseLabel: '案件 {number}',
  recordingLabel: '录像 {name}',
  thread: '办理经过',
  step_issued: '发出提醒',
  step_responded: '单位回复',
  step_returned: '退回',
  step_closed: '办结',
  newDue: '新的回复期限：{time}',
  links: '相关材料',
  answer: '回复',
  answerTitle: '回复监督提醒',
  answerText: '回复内容',
  answerLinks: '相关案件或录像（可选，每行一个：案件编号或录像页面链接）',
  badLink: '第 {n} 行无法识别：请填写案件编号或录像页面链接。',
  decide: '审核回复',
  decideText: '审核意见',
  returnDue: '新的回复期限（退回时可选）',
  close: '办结',
  return: '退回',
  closed: '已办结，无需再处理。',
  waitingUnit: '等待 {unit} 回复。',
  waitingIssuer: '等待发出人 {who} 审核回复。',
  back: '返回监督提醒列表',
  open: '待处理的监督提醒',
  openCount: '{n} 条监督提醒待本单位回复',
  openCountAll: '{n} 条监督提醒等待单位回复',
  noOpen: '没有待回复的监督提醒。',
  allReminders: '查看本单位全部监督提醒',
  allRemindersAll: '查看全部监督提醒',
  overdueMark: '已逾期',
  otherCase: '相关案件',
}, {
  title: 'Supervision reminders',
  issue: 'Issue a reminder',
  issueTitle: 'Issue a supervision reminder',
  filters: 'Filter reminders',
  state: 'State',
  unit: 'Unit',
  any: 'Any',
  show: 'Filter',
  none: 'No reminders match.',
  about: 'About',
  text: 'Reminder',
  due: 'Answer by',
  issuedBy: 'Issued by',
  issuedAt: 'Issued',
  aboutKind: 'The reminder is about',
  aboutCase: 'A case',
  aboutRecording: 'A recording',
  caseNumber: 'Case number',
  recording: 'Recording (paste the link of its page, or its id)',
  notRecording: 'This is not a recording: paste the link of its page (…/evidence/id).',
  noCase: 'No case with this number, or you may not see it.',
  dueHint: 'To be answered by the end of that day.',
  send: 'Issue',
  cancel: 'Cancel',
  caseLabel: 'Case {number}',
  recordingLabel: 'Recording {name}',
  thread: 'History',
  step_issued: 'Issued',
  step_responded: 'Answered by the unit',
  step_returned: 'Returned',
  step_closed: 'Closed',
  newDue: 'New answer date: {time}',
  links: 'Material',
  answer: 'Answer',
  answerTitle: 'Answer the reminder',
  answerText: 'Answer',
  answerLinks: 'Cases or recordings (optional, one a line: a case number or the link of a recording)',
  badLink: 'Line {n} is neither a case number nor the link of a recording.',
  decide: 'Decide on the answer',
  decideText: 'Decision',
  returnDue: 'New answer date (optional, when returning)',
  close: 'Close',
  return: 'Return',
  closed: 'Closed; nothing more to do.',
  waitingUnit: 'Waiting for {unit} to answer.',
  waitingIssuer: 'Waiting for {who}, who issued it, to decide on the answer.',
  back: 'Back to the reminders',
  open: 'Open supervision reminders',
  openCount: '{n} supervision reminders await an answer from this unit',
  openCountAll: '{n} supervision reminders await the units\' answers',  noOpen: 'No reminders await an answer.',
  allReminders: "All of this unit's reminders",
  allRemindersAll: 'All reminders',
  overdueMark: 'Overdue',
  otherCase: 'A related case',
});

type ReminderItem = Answer<'listReminders'>['items'][number];
type Reminder = Answer<'getReminder'>;
type State = ReminderItem['state'];
const STATES: readonly State[] = ['待回复', '逾期', '已回复', '已退回', '已办结'];
/** States in which the unit owes an answer. */
const AWAITING: readonly State[] = ['待回复', '已退回', '逾期'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const badge = (state: State) => h('span', { class: `badge${state === '逾期' ? ' warn' : state === '已办结' ? ' ready' : ''}`, style: 'white-space: nowrap' }, state);
const issuer = (r: Pick<ReminderItem, 'issuedBy' | 'issuedByName' | 'issuedByOfficerNo'>) => person(r.issuedBy, r.issuedByName, r.issuedByOfficerNo);
/** What the reminder is about, as a link to the case or the recording. */
const aboutLink = (r: ReminderItem) => r.caseId
  ? h('a', { href: `/cases/${r.caseId}` }, m('caseLabel', { number: r.caseNumber ?? '' }))
  : h('a', { href: `/evidence/${r.evidenceId}` }, m('recordingLabel', { name: r.evidenceName ?? '' }));
/** A radio button with its label on one line (labels are columns elsewhere). */
export const radio = (name: string, value: string, label: string, checked: boolean, onchange?: () => void) =>
  h('label', { style: 'flex-direction: row; align-items: center; gap: .4rem; display: inline-flex; margin-right: 1rem' },
    h('input', { type: 'radio', name, value, checked, onchange, style: 'width: auto; min-height: 0' }), label);
/** The end of the chosen day in the browser's zone (a date input gives the day only). */
const endOfDay = (day: string) => new Date(`${day}T23:59:59`).toISOString();
const dayInput = (daysAhead: number) => {
  const d = new Date(Date.now() + daysAhead * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

function reminderTable(items: ReminderItem[], caption: string): HTMLElement {
  return h('table', {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, [m('state'), m('about'), m('text'), m('unit'), m('due'), m('issuedBy')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((r) => h('tr', { class: r.state === '逾期' ? 'warn' : null },
      h('td', {}, badge(r.state)),
      h('td', {}, aboutLink(r)),
      h('td', {}, h('a', { href: `/reminders/${r.id}` }, r.text.length > 40 ? `${r.text.slice(0, 40)}…` : r.text)),
      h('td', {}, r.unitName),
      h('td', {}, dateTime(r.dueAt)),
      h('td', {}, issuer(r)),
    ))));
}

/** The reminders of the caller's units, filtered by state and unit. */
export async function remindersPage(view: View): Promise<Node[]> {
  const s = view.search;
  const state = STATES.find((x) => x === s.get('state'));
  const unitId = s.get('unitId') ?? undefined;
  const [list, units] = await Promise.all([
    answer(client.GET('/api/reminders', { params: { query: { limit: 200, ...(state ? { state } : {}), ...(unitId ? { unitId } : {}) } }, signal: view.signal })),
    view.units(),
  ]);
  const mine = [...units.values()].filter((u) => view.me.workUnits === null || view.me.workUnits.includes(u.id));
  const filters: HTMLFormElement = h('form', { class: 'filters panel', role: 'search', 'aria-label': m('filters'), onsubmit: (event) => {
    event.preventDefault();
    view.navigate(`/reminders${query(formValues(filters))}`);
  } },
    h('label', {}, m('state'), h('select', { name: 'state' }, h('option', { value: '' }, m('any')), STATES.map((st) => h('option', { value: st, selected: st === state }, st)))),
    h('label', {}, m('unit'), h('select', { name: 'unitId' }, h('option', { value: '' }, m('any')), mine.map((u) => h('option', { value: u.id, selected: u.id === unitId }, u.name)))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, m('show'))),
  );
  return present(
    h('h1', {}, m('title')),
    can(view.me, 'reminder.issue') && h('p', {}, h('a', { href: '/reminders/new', class: 'button' }, m('issue'))),
    filters,
    h('section', { 'aria-label': m('title') }, list.items.length === 0 ? h('p', { role: 'status', class: 'muted' }, m('none')) : reminderTable(list.items, m('title'))),
  );
}

/** Issuing a reminder about a case (by its number) or a recording (by the link of its page). */
export async function newReminderPage(view: View): Promise<Node[]> {
  const message = h('div', { 'aria-live': 'polite' });
  const caseField = h('label', {}, m('caseNumber'), h('input', { name: 'caseNumber', maxlength: 100 }));
  const recordingField = h('label', { hidden: true }, m('recording'), h('input', { name: 'recording', maxlength: 2000 }));
  const pick = (kind: 'case' | 'recording') => () => {
    caseField.hidden = kind !== 'case';
    recordingField.hidden = kind !== 'recording';
  };
  const form: HTMLFormElement = h('form', { class: 'panel', style: 'display: grid; gap: .75rem; max-width: 44rem', 'aria-label': m('issueTitle'), onsubmit: async (event) => {
    event.preventDefault();
    const v = formValues(form);
    message.replaceChildren();
    try {
      let about: { caseId: string } | { evidenceId: string };
      if (v.kind === 'recording') {
        const id = UUID.exec(v.recording ?? '')?.[0];
        if (!id) return void message.replaceChildren(h('p', { role: 'alert' }, m('notRecording')));
        about = { evidenceId: id };
      } else {
        const found = await answer(client.GET('/api/cases/by-number/{number}', { params: { path: { number: v.caseNumber ?? '' } } }))
          .catch((error: unknown) => { message.replaceChildren(problemNote(error, { 404: m('noCase'), 400: m('noCase') })); return null; });
        if (!found) return;
        about = { caseId: found.id };
      }
      const made = await answer(client.POST('/api/reminders', { body: { ...about, text: v.text ?? '', dueAt: endOfDay(v.due ?? '') } }));
      view.navigate(`/reminders/${made.id}`);
    } catch (error) {
      message.replaceChildren(problemNote(error, { 404: m('noCase') }));
    }
  } },
    h('fieldset', {}, h('legend', {}, m('aboutKind')),
      radio('kind', 'case', m('aboutCase'), true, pick('case')),
      radio('kind', 'recording', m('aboutRecording'), false, pick('recording'))),
    caseField,
    recordingField,
    h('label', {}, m('text'), h('textarea', { name: 'text', required: true, maxlength: 4000, rows: 4 })),
    h('label', {}, m('due'), h('input', { type: 'date', name: 'due', required: true, value: dayInput(7), min: dayInput(0) })),
    h('p', { class: 'muted', style: 'margin: -.5rem 0 0' }, m('dueHint')),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, m('send')), ' ', h('a', { href: '/reminders' }, m('cancel'))),
  );
  return [h('h1', {}, m('issueTitle')), form];
}

/** A link a unit head attached: a page of this platform where it is one, else the address as given. */
function materialLink(link: string, r: Reminder): HTMLElement {
  const path = link.replace(/^\/api\//, '/');
  const id = UUID.exec(path)?.[0];
  if (path.startsWith('/evidence/') && id) return h('a', { href: `/evidence/${id}` }, m('recordingLabel', { name: id === r.evidenceId ? (r.evidenceName ?? '') : id.slice(0, 8) }));
  if (path.startsWith('/cases/') && id) return h('a', { href: `/cases/${id}` }, id === r.caseId ? m('caseLabel', { number: r.caseNumber ?? '' }) : m('otherCase'));
  return h('a', { href: link, rel: 'noopener', target: '_blank' }, link);
}

/** The unit head's lines (case numbers, recording links) as links the API takes: /cases/{id}, /evidence/{id}. */
async function linksOf(lines: string): Promise<string[] | number> {
  const links: string[] = [];
  const rows = lines.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of rows.entries()) {
    const id = UUID.exec(line)?.[0];
    if (/\/evidence\//.test(line) && id) links.push(`/evidence/${id}`);
    else if (/\/cases\//.test(line) && id) links.push(`/cases/${id}`);
    else if (/^https?:\/\/\S+$/.test(line)) links.push(line);
    else {
      const found = await answer(client.GET('/api/cases/by-number/{number}', { params: { path: { number: line } } })).catch(() => null);
      if (!found) return i + 1;
      links.push(`/cases/${found.id}`);
    }
  }
  return links;
}

function thread(r: Reminder): HTMLElement {
  return h('section', { class: 'panel', 'aria-label': m('thread') }, h('h2', {}, m('thread')),
    h('ol', { class: 'plain thread' }, r.steps.map((s) => h('li', { style: 'border-left: 3px solid #c5ccd6; padding: .25rem 0 .5rem .75rem; margin-bottom: .5rem' },
      h('p', { style: 'margin: 0' }, h('strong', {}, m(`step_${s.kind}`)), ' · ', person(s.by, s.byName, s.byOfficerNo),
        h('span', { class: 'muted' }, ` · ${tx(`role.${s.role}`)} · ${dateTime(s.at)}`)),
      h('p', { style: 'margin: .25rem 0; white-space: pre-wrap; overflow-wrap: anywhere' }, s.text),
      s.kind !== 'issued' && s.dueAt && h('p', { class: 'muted', style: 'margin: 0' }, m('newDue', { time: dateTime(s.dueAt) })),
      s.links.length > 0 && h('p', { style: 'margin: 0' }, `${m('links')}：`, ...s.links.flatMap((l, i) => (i === 0 ? [materialLink(l, r)] : ['、', materialLink(l, r)])))))));
}

/** One reminder: what, to whom, until when, its history, and the next step for whoever may take it. */
export async function reminderPage(view: View): Promise<Node[]> {
  const id = view.params[0]!;
  const r = await answer(client.GET('/api/reminders/{id}', { params: { path: { id } }, signal: view.signal }));
  const message = h('div', { 'aria-live': 'polite' });
  const after = (call: Promise<unknown>) => call.then(() => view.navigate(`/reminders/${id}`, true), (error: unknown) => message.replaceChildren(problemNote(error, { 409: m('closed') })));
  const mayAnswer = can(view.me, 'reminder.respond') && AWAITING.includes(r.state);
  const mayDecide = can(view.me, 'reminder.decide') && r.state === '已回复' && r.issuedBy === view.me.name;

  const answerForm: HTMLFormElement = h('form', { class: 'panel', 'aria-label': m('answerTitle'), onsubmit: async (event) => {
    event.preventDefault();
    const v = formValues(answerForm);
    const links = await linksOf(v.links ?? '');
    if (typeof links === 'number') return void message.replaceChildren(h('p', { role: 'alert' }, m('badLink', { n: links })));
    await after(answer(client.POST('/api/reminders/{id}/responses', { params: { path: { id } }, body: { text: v.text ?? '', ...(links.length ? { links } : {}) } })));
  } },
    h('h2', {}, m('answerTitle')),
    h('label', {}, m('answerText'), h('textarea', { name: 'text', required: true, maxlength: 4000, rows: 4 })),
    h('label', {}, m('answerLinks'), h('textarea', { name: 'links', rows: 2 })),
    h('p', {}, h('button', { type: 'submit' }, m('answer'))));

  let decision: 'close' | 'return' = 'close';
  const decideForm: HTMLFormElement = h('form', { class: 'panel', 'aria-label': m('decide'), onsubmit: async (event) => {
    event.preventDefault();
    const v = formValues(decideForm);
    const text = v.text ?? '';
    await after(decision === 'close'
      ? answer(client.POST('/api/reminders/{id}/close', { params: { path: { id } }, body: { text } }))
      : answer(client.POST('/api/reminders/{id}/return', { params: { path: { id } }, body: { text, ...(v.due ? { dueAt: endOfDay(v.due) } : {}) } })));
  } },
    h('h2', {}, m('decide')),
    h('label', {}, m('decideText'), h('textarea', { name: 'text', required: true, maxlength: 4000, rows: 3 })),
    h('label', {}, m('returnDue'), h('input', { type: 'date', name: 'due', min: dayInput(1) })),
    h('p', { style: 'display: flex; gap: .75rem; flex-wrap: wrap' },
      h('button', { type: 'submit', onclick: () => { decision = 'close'; } }, m('close')),
      h('button', { type: 'submit', onclick: () => { decision = 'return'; } }, m('return'))));

  const waiting = r.state === '已办结' ? m('closed') : AWAITING.includes(r.state) ? m('waitingUnit', { unit: r.unitName }) : m('waitingIssuer', { who: issuer(r) });
  return present(
    h('h1', {}, m('title'), ' ', badge(r.state)),
    h('section', { class: 'panel', 'aria-label': m('text') },
      h('dl', { class: 'meta' },
        h('dt', {}, m('state')), h('dd', {}, r.state),
        h('dt', {}, m('about')), h('dd', {}, aboutLink(r)),
        h('dt', {}, m('unit')), h('dd', {}, r.unitName),
        h('dt', {}, m('due')), h('dd', { class: r.state === '逾期' ? 'warn' : null }, `${dateTime(r.dueAt)}${r.state === '逾期' ? `（${m('overdueMark')}）` : ''}`),
        h('dt', {}, m('issuedBy')), h('dd', {}, `${issuer(r)} · ${dateTime(r.createdAt)}`),
        h('dt', {}, m('text')), h('dd', { style: 'white-space: pre-wrap' }, r.text)),
      h('p', { class: 'note', role: 'status', style: 'margin: .75rem 0 0' }, waiting)),
    thread(r),
    message,
    mayAnswer && answerForm,
    mayDecide && decideForm,
    h('p', {}, h('a', { href: '/reminders' }, m('back'))),
  );
}

/**
 * Open reminders: one unit's on the overview (单位概况), where a unit head lands; every unit in the
 * caller's scope (unitId null) on the 监督考核 dashboard, under a heading of the given level.
 */
export async function openRemindersBox(unitId: string | null, signal: AbortSignal, heading: 'h2' | 'h3' = 'h3'): Promise<HTMLElement> {
  const { items } = await answer(client.GET('/api/reminders', { params: { query: { limit: 200, ...(unitId ? { unitId } : {}) } }, signal }));
  const open = items.filter((r) => AWAITING.includes(r.state));
  return h('section', { class: 'panel', 'aria-label': m('open') },
    h(heading, {}, m('open')),
    open.length === 0 ? h('p', { class: 'muted' }, m('noOpen')) : h('p', { class: 'note' }, m(unitId ? 'openCount' : 'openCountAll', { n: open.length })),
    open.length > 0 && h('ul', { class: 'plain' }, open.slice(0, 5).map((r) => h('li', {},
      badge(r.state), ' ', h('a', { href: `/reminders/${r.id}` }, r.text.length > 30 ? `${r.text.slice(0, 30)}…` : r.text),
      h('span', { class: 'muted' }, ` · ${m('due')} ${dateTime(r.dueAt)}`)))),
    h('p', {}, unitId ? h('a', { href: `/reminders?unitId=${unitId}` }, m('allReminders')) : h('a', { href: '/reminders' }, m('allRemindersAll'))));
}
