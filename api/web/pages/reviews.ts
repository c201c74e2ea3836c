import type { Answer } from '../../client';
import { ApiError, answer, client, query } from '../api';
import { formValues, h, present } from '../dom';
import { clock, dateTime, person } from '../format';
import { texts } from '../i18n';
import { problemNote } from '../problems';
import { can, type View } from '../view';
import { radio } from './reminders';

/** Sample reviews (抽查, issue 16 item 3): drawing a sample, scoring it against a rubric, the results, the rubrics. */
const m = texts({
  title: '抽查',
  draw: '抽取样本',
  drawTitle: '抽取抽查样本',
  unit: '单位',
  from: '录制日期自',
  to: '录制日期至（含）',
  size: '抽取数量',
  rubric: '评查标准',
  list: '抽查记录',
  none: '还没有抽查记录。',
  period: '录制期间',
  drawnBy: '抽取人',
  sampled: '样本',
  sampledOf: '{size} / {population} 条',
  results: '抽查结果',
  resultsPeriod: '按录制期间统计',
  show: '统计',
  byUnit: '各单位',
  byOfficer: '各民警',
  officer: '民警',
  reviewed: '已评查录像',
  checks: '评查项',
  passed: '合格项',
  passRate: '合格率',
  noResults: '该期间没有抽查样本。',
  rubrics: '评查标准',
  defaultRubric: '（默认）',
  edit: '编辑',
  newRubric: '新建评查标准',
  version: '第 {n} 版',
  reviewTitle: '抽查：{unit}',
  seed: '随机种子',
  seedNote: '用同一随机种子对同一批录像重新抽取，得到的样本相同，可供复核。',
  population: '可抽录像',
  digest: '录像清单摘要',
  overall: '总体',
  samples: '样本录像',
  noSamples: '该期间该单位没有录像可抽。',
  recording: '录像 {n}：{name}',
  play: '播放录像',
  recordedAt: '录制时间',
  pass: '合格',
  fail: '不合格',
  note: '说明',
  bookmark: '时间点（分:秒，可选）',
  save: '保存评分',
  saved: '已保存。',
  notScored: '未评',
  scoredBy: '{who} 于 {time} 评定',
  badTime: '时间点请写成 分:秒，例如 1:05。',
  pickAll: '请为每一项选择“合格”或“不合格”后再保存。',
  editTitle: '编辑评查标准',
  name: '名称',
  items: '评查项',
  itemLabel: '第 {n} 项',
  itemName: '评查内容',
  itemDescription: '说明（可选）',
  addItem: '添加一项',
  removeItem: '删除此项',
  saveRubric: '保存评查标准',
  rubricNote: '修改后成为新版本；已抽取的抽查仍按抽取时的版本评查。',
  back: '返回抽查',
  noUnit: '您没有可抽查的单位。',
}, {
  title: 'Sample reviews',
  draw: 'Draw a sample',
  drawTitle: 'Draw a sample for review',
  unit: 'Unit',
  from: 'Recorded from',
  to: 'Recorded until (inclusive)',
  size: 'Sample size',
  rubric: 'Rubric',
  list: 'Reviews',
  none: 'No reviews yet.',
  period: 'Recorded',
  drawnBy: 'Drawn by',
  sampled: 'Sample',
  sampledOf: '{size} of {population}',
  results: 'Results',
  resultsPeriod: 'By recording period',
  show: 'Show',
  byUnit: 'By unit',
  byOfficer: 'By officer',
  officer: 'Officer',
  reviewed: 'Recordings reviewed',
  checks: 'Items scored',
  passed: 'Passed',
  passRate: 'Pass rate',
  noResults: 'No sampled recordings in this period.',
  rubrics: 'Rubrics',
  defaultRubric: ' (default)',
  edit: 'Edit',
  newRubric: 'New rubric',
  version: 'version {n}',
  reviewTitle: 'Review: {unit}',
  seed: 'Seed',
  seedNote: 'The same seed over the same recordings draws the same sample, so the draw can be checked.',
  population: 'Recordings to draw from',
  digest: 'Digest of the recordings',
  overall: 'Overall',
  samples: 'Sampled recordings',
  noSamples: 'The unit has no recordings in this period.',
  recording: 'Recording {n}: {name}',
  play: 'Play the recording',
  recordedAt: 'Recorded',
  pass: 'Pass',
  fail: 'Fail',
  note: 'Note',
  bookmark: 'Moment (min:sec, optional)',
  save: 'Save scores',
  saved: 'Saved.',
  notScored: 'Not scored',
  scoredBy: 'scored by {who}, {time}',
  badTime: 'Write the moment as min:sec, e.g. 1:05.',
  pickAll: 'Choose pass or fail for every item before saving.',
  editTitle: 'Edit the rubric',
  name: 'Name',
  items: 'Items',
  itemLabel: 'Item {n}',
  itemName: 'What is checked',
  itemDescription: 'Description (optional)',
  addItem: 'Add an item',
  removeItem: 'Remove this item',
  saveRubric: 'Save the rubric',
  rubricNote: 'Saving makes a new version; reviews already drawn keep the version they were drawn with.',
  back: 'Back to the reviews',
  noUnit: 'You have no unit to review.',
});

type Review = Answer<'getReview'>;
type Sample = Review['samples'][number];
type Rubric = Answer<'listReviewRubrics'>['items'][number];
type Scores = Review['results'];

const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const startOf = (value: string) => new Date(`${value}T00:00:00`).toISOString();
/** The day after, so an inclusive last day becomes the API's exclusive `to`. */
const endOf = (value: string) => new Date(new Date(`${value}T00:00:00`).getTime() + 86_400_000).toISOString();
const dateOnly = (iso: string) => new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium' }).format(new Date(iso));
const periodOf = (from: string, to: string) => `${dateOnly(from)} – ${dateOnly(new Date(new Date(to).getTime() - 1).toISOString())}`;
const rate = (s: Pick<Scores, 'passRate'>) => (s.passRate === null ? '—' : `${Math.round(s.passRate * 1000) / 10}%`);
const section = (title: string, ...body: (Node | false | null | undefined)[]) => h('section', { class: 'panel', 'aria-label': title }, h('h2', {}, title), ...present(...body));

function scoresTable(caption: string, first: string, rows: { label: string; scores: Scores }[]): HTMLElement {
  return h('table', {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, [first, m('reviewed'), m('checks'), m('passed'), m('passRate')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {},
      h('th', { scope: 'row' }, r.label),
      h('td', {}, `${r.scores.reviewed} / ${r.scores.sampled}`),
      h('td', {}, String(r.scores.checks)),
      h('td', {}, String(r.scores.passed)),
      h('td', {}, rate(r.scores))))));
}
const drawer = (r: Pick<Review, 'createdBy' | 'createdByName' | 'createdByOfficerNo'>) => person(r.createdBy, r.createdByName, r.createdByOfficerNo);
const officerLabel = (o: { officerNo: string | null; officerName: string | null }) => (o.officerNo ? `${o.officerName ?? ''}（${o.officerNo}）` : '—');

/** The reviews, the roll-up for a period, drawing a sample, and the rubrics. */
export async function reviewsPage(view: View): Promise<Node[]> {
  const s = view.search;
  const today = new Date();
  const from = s.get('from') ?? day(new Date(today.getFullYear(), 0, 1));
  const to = s.get('to') ?? day(today);
  const [reviews, results, rubrics, units] = await Promise.all([
    answer(client.GET('/api/reviews', { params: { query: { limit: 100 } }, signal: view.signal })),
    answer(client.GET('/api/reviews/results', { params: { query: { from: startOf(from), to: endOf(to) } }, signal: view.signal })),
    answer(client.GET('/api/reviews/rubrics', { signal: view.signal })),
    view.units(),
  ]);
  const period: HTMLFormElement = h('form', { class: 'filters', 'aria-label': m('resultsPeriod'), onsubmit: (event) => {
    event.preventDefault();
    view.navigate(`/reviews${query(formValues(period))}`);
  } },
    h('label', {}, m('from'), h('input', { type: 'date', name: 'from', value: from, required: true })),
    h('label', {}, m('to'), h('input', { type: 'date', name: 'to', value: to, required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, m('show'))));
  const list = reviews.items.length === 0 ? h('p', { class: 'muted', role: 'status' }, m('none')) : h('table', {},
    h('caption', { class: 'visually-hidden' }, m('list')),
    h('thead', {}, h('tr', {}, [m('unit'), m('period'), m('sampled'), m('rubric'), m('drawnBy')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, reviews.items.map((r) => h('tr', {},
      h('td', {}, h('a', { href: `/reviews/${r.id}` }, r.unitName)),
      h('td', {}, periodOf(r.from, r.to)),
      h('td', {}, m('sampledOf', { size: Math.min(r.size, r.population), population: r.population })),
      h('td', {}, r.rubric.name),
      h('td', {}, `${drawer(r)} · ${dateTime(r.createdAt)}`)))));
  return present(
    h('h1', {}, m('title')),
    can(view.me, 'review.create') && drawForm(view, units, rubrics.items),
    section(m('list'), list),
    section(m('results'), period,
      results.units.length === 0 ? h('p', { class: 'muted', role: 'status' }, m('noResults')) : h('div', {},
        h('h3', { style: 'margin-top: 1rem' }, m('byUnit')),
        scoresTable(m('byUnit'), m('unit'), results.units.map((u) => ({ label: u.unitName, scores: u }))),
        h('h3', { style: 'margin-top: 1rem' }, m('byOfficer')),
        scoresTable(m('byOfficer'), m('officer'), results.officers.map((o) => ({ label: `${officerLabel(o)} · ${units.get(o.unitId)?.name ?? ''}`, scores: o }))))),
    rubricList(view, rubrics.items),
  );
}

function drawForm(view: View, units: Map<string, { id: string; name: string }>, rubrics: Rubric[]): HTMLElement {
  const mine = [...units.values()].filter((u) => view.me.workUnits === null || view.me.workUnits.includes(u.id));
  if (mine.length === 0) return h('p', { class: 'muted' }, m('noUnit'));
  const today = new Date();
  const message = h('div', { 'aria-live': 'polite' });
  const form: HTMLFormElement = h('form', { class: 'filters', onsubmit: async (event) => {
    event.preventDefault();
    const v = formValues(form);
    try {
      const made = await answer(client.POST('/api/reviews', { body: {
        unitId: v.unitId ?? '', from: startOf(v.from ?? ''), to: endOf(v.to ?? ''), size: Number(v.size), ...(v.rubricId ? { rubricId: v.rubricId } : {}),
      } }));
      view.navigate(`/reviews/${made.id}`);
    } catch (error) {
      message.replaceChildren(problemNote(error));
    }
  } },
    h('label', {}, m('unit'), h('select', { name: 'unitId', required: true }, mine.map((u) => h('option', { value: u.id }, u.name)))),
    h('label', {}, m('from'), h('input', { type: 'date', name: 'from', required: true, value: day(new Date(today.getFullYear(), today.getMonth() - 3, 1)) })),
    h('label', {}, m('to'), h('input', { type: 'date', name: 'to', required: true, value: day(today) })),
    h('label', {}, m('size'), h('input', { type: 'number', name: 'size', required: true, min: 1, max: 500, value: 10 })),
    h('label', {}, m('rubric'), h('select', { name: 'rubricId' }, rubrics.map((r) => h('option', { value: r.id, selected: r.isDefault }, r.name)))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, m('draw'))));
  return h('section', { class: 'panel', 'aria-label': m('drawTitle') }, h('h2', {}, m('drawTitle')), form, message);
}

function rubricList(view: View, rubrics: Rubric[]): HTMLElement {
  const editable = can(view.me, 'review.rubrics.write');
  return section(m('rubrics'),
    h('ul', { class: 'plain' }, rubrics.map((r) => h('li', { style: 'margin-bottom: .75rem' },
      h('strong', {}, r.name), r.isDefault ? m('defaultRubric') : '', h('span', { class: 'muted' }, ` · ${m('version', { n: r.version })} · ${r.updatedBy} · ${dateTime(r.updatedAt)}`),
      editable && [' ', h('a', { href: `/reviews/rubrics/${r.id}`, 'aria-label': `${m('edit')} ${r.name}` }, m('edit'))],
      h('p', { style: 'margin: .25rem 0 0' }, r.items.map((i) => i.label).join('、'))))),
    editable && h('p', {}, h('a', { href: '/reviews/rubrics/new', class: 'button' }, m('newRubric'))));
}

/** "1:05" → 65000 ms; empty → undefined; anything else → null. */
export function offsetMs(value: string): number | undefined | null {
  if (value.trim() === '') return undefined;
  const match = /^(?:(\d+):)?(\d{1,2})(?:\.(\d))?$/.exec(value.trim());
  if (!match) return null;
  return (Number(match[1] ?? 0) * 60 + Number(match[2])) * 1000 + Number(match[3] ?? 0) * 100;
}

/** One sampled recording: a link to play it, and each rubric item to score, saved together. */
function sampleCard(view: View, review: Review, sample: Sample): HTMLElement {
  const editable = can(view.me, 'review.score');
  const message = h('div', { 'aria-live': 'polite' });
  const title = m('recording', { n: sample.position + 1, name: sample.originalName });
  const rows = review.rubric.items.map((item) => {
    const score = sample.scores.find((sc) => sc.key === item.key);
    const name = `${item.key}`;
    const group = h('fieldset', { style: 'border: 1px solid var(--line); border-radius: 4px; margin: 0 0 .5rem; padding: .5rem .75rem' },
      h('legend', {}, item.label),
      item.description && h('p', { class: 'muted', style: 'margin: 0 0 .25rem' }, item.description),
      editable
        ? [
          h('div', {}, radio(`pass-${name}`, 'yes', m('pass'), score?.pass === true), radio(`pass-${name}`, 'no', m('fail'), score?.pass === false)),
          h('div', { class: 'filters' },
            h('label', {}, m('note'), h('input', { name: `note-${name}`, value: score?.note ?? '', maxlength: 2000 })),
            h('label', {}, m('bookmark'), h('input', { name: `at-${name}`, inputmode: 'decimal', placeholder: '0:00', value: score?.bookmarkOffsetMs != null ? clock(score.bookmarkOffsetMs / 1000) : '' }))),
        ]
        : h('p', { style: 'margin: 0' }, score ? `${score.pass ? m('pass') : m('fail')}${score.note ? `：${score.note}` : ''}` : m('notScored')),
      score && h('p', { class: 'muted', style: 'margin: .25rem 0 0; font-size: .85rem' }, m('scoredBy', { who: person(score.scoredBy, score.scoredByName, score.scoredByOfficerNo), time: dateTime(score.scoredAt) })));
    return group;
  });
  const form: HTMLFormElement = h('form', { onsubmit: async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const items = [];
    for (const item of review.rubric.items) {
      const pass = v[`pass-${item.key}`];
      if (!pass) return void message.replaceChildren(h('p', { role: 'alert' }, m('pickAll')));
      const at = offsetMs(v[`at-${item.key}`] ?? '');
      if (at === null) return void message.replaceChildren(h('p', { role: 'alert' }, m('badTime')));
      const before = sample.scores.find((sc) => sc.key === item.key)?.bookmarkOffsetMs ?? undefined;
      items.push({ key: item.key, pass: pass === 'yes', note: v[`note-${item.key}`] ?? '', ...(at !== undefined && at !== before ? { bookmarkOffsetMs: at } : {}) });
    }
    try {
      const saved = await answer(client.PUT('/api/reviews/{id}/samples/{evidenceId}', { params: { path: { id: review.id, evidenceId: sample.evidenceId } }, body: { items } }));
      Object.assign(sample, saved);
      card.replaceWith(sampleCard(view, review, sample));
      // The results above count this recording now.
      const fresh = await answer(client.GET('/api/reviews/{id}', { params: { path: { id: review.id } } }));
      document.getElementById('review-results')?.replaceWith(resultsSection(fresh));
      document.getElementById(`saved-${sample.evidenceId}`)?.replaceChildren(m('saved'));
    } catch (error) {
      message.replaceChildren(problemNote(error));
    }
  } }, rows, message, h('p', {}, h('button', { type: 'submit' }, m('save')), ' ', h('span', { id: `saved-${sample.evidenceId}`, role: 'status' })));
  const card = h('article', { class: 'panel', 'aria-label': title },
    h('h3', {}, title),
    h('p', {}, h('a', { href: `/evidence/${sample.evidenceId}` }, m('play')),
      h('span', { class: 'muted' }, ` · ${m('officer')} ${sample.officerNo ?? '—'} · ${m('recordedAt')} ${dateTime(sample.recordedAt)}`)),
    editable ? form : h('div', {}, rows));
  return card;
}

function resultsSection(review: Review): HTMLElement {
  const results = section(m('results'), scoresTable(m('results'), m('officer'), [
    { label: m('overall'), scores: review.results },
    ...review.officers.map((o) => ({ label: officerLabel(o), scores: o })),
  ]));
  results.id = 'review-results';
  return results;
}

/** A review: the draw (seed and all), its results, and every sampled recording to score. */
export async function reviewPage(view: View): Promise<Node[]> {
  const review = await answer(client.GET('/api/reviews/{id}', { params: { path: { id: view.params[0]! } }, signal: view.signal }));
  return [
    h('h1', {}, m('reviewTitle', { unit: review.unitName })),
    h('section', { class: 'panel', 'aria-label': m('drawTitle') },
      h('dl', { class: 'meta' },
        h('dt', {}, m('period')), h('dd', {}, periodOf(review.from, review.to)),
        h('dt', {}, m('sampled')), h('dd', {}, m('sampledOf', { size: review.samples.length, population: review.population })),
        h('dt', {}, m('rubric')), h('dd', {}, `${review.rubric.name}（${m('version', { n: review.rubric.version })}）：${review.rubric.items.map((i) => i.label).join('、')}`),
        h('dt', {}, m('drawnBy')), h('dd', {}, `${drawer(review)} · ${dateTime(review.createdAt)}`),
        h('dt', {}, m('seed')), h('dd', {}, h('code', {}, review.seed)),
        h('dt', {}, m('digest')), h('dd', {}, h('code', {}, review.populationDigest))),
      h('p', { class: 'muted', style: 'margin: .5rem 0 0' }, m('seedNote'))),
    resultsSection(review),
    h('section', { 'aria-label': m('samples') }, h('h2', {}, m('samples')),
      review.samples.length === 0 ? h('p', { class: 'muted' }, m('noSamples')) : review.samples.map((sample) => sampleCard(view, review, sample))),
    h('p', {}, h('a', { href: '/reviews' }, m('back'))),
  ];
}

/** The editor of a rubric's items (a new rubric at /reviews/rubrics/new). */
export async function rubricPage(view: View): Promise<Node[]> {
  const id = view.params[0];
  const existing = id ? (await answer(client.GET('/api/reviews/rubrics', { signal: view.signal }))).items.find((r) => r.id === id) : undefined;
  if (id && !existing) throw new ApiError(404, 'Not Found');
  const message = h('div', { 'aria-live': 'polite' });
  const list = h('ol', { class: 'plain' });
  const keys = new Set((existing?.items ?? []).map((i) => i.key));
  const freshKey = () => {
    let n = keys.size + 1;
    while (keys.has(`item-${n}`)) n++;
    keys.add(`item-${n}`);
    return `item-${n}`;
  };
  const renumber = () => list.querySelectorAll('li').forEach((li, i) => { li.querySelector('legend')!.textContent = m('itemLabel', { n: i + 1 }); });
  const row = (item: { key: string; label: string; description?: string }) => {
    const li: HTMLLIElement = h('li', { 'data-key': item.key },
      h('fieldset', { style: 'border: 1px solid var(--line); border-radius: 4px; margin: 0 0 .5rem; padding: .5rem .75rem' }, h('legend', {}),
        h('div', { class: 'filters' },
          h('label', {}, m('itemName'), h('input', { name: `label-${item.key}`, value: item.label, required: true, maxlength: 100 })),
          h('label', {}, m('itemDescription'), h('input', { name: `description-${item.key}`, value: item.description ?? '', maxlength: 1000 })),
          h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => { li.remove(); renumber(); } }, m('removeItem'))))));
    return li;
  };
  list.append(...(existing?.items ?? [{ key: freshKey(), label: '' }]).map(row));
  renumber();
  const form: HTMLFormElement = h('form', { class: 'panel', 'aria-label': m('editTitle'), onsubmit: async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const items = Array.from(list.querySelectorAll('li')).map((li) => {
      const key = li.dataset.key!;
      const description = v[`description-${key}`];
      return { key, label: v[`label-${key}`] ?? '', ...(description ? { description } : {}) };
    });
    const body = { name: v.name ?? '', items };
    try {
      await answer(existing
        ? client.PUT('/api/reviews/rubrics/{id}', { params: { path: { id: existing.id } }, body })
        : client.POST('/api/reviews/rubrics', { body }));
      view.navigate('/reviews');
    } catch (error) {
      message.replaceChildren(problemNote(error));
    }
  } },
    h('label', {}, m('name'), h('input', { name: 'name', value: existing?.name ?? '', required: true, maxlength: 200 })),
    h('h2', {}, m('items')),
    list,
    h('p', {}, h('button', { type: 'button', onclick: () => { list.append(row({ key: freshKey(), label: '' })); renumber(); } }, m('addItem'))),
    h('p', { class: 'muted' }, m('rubricNote')),
    message,
    h('p', {}, h('button', { type: 'submit' }, m('saveRubric')), ' ', h('a', { href: '/reviews' }, m('back'))));
  return [h('h1', {}, existing ? m('editTitle') : m('newRubric')), form];
}
