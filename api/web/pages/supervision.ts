import { answer, client } from '../api';
import type { Answer } from '../../client';
import { h } from '../dom';
import { dateTime } from '../format';
import { texts } from '../i18n';
import { problemNote } from '../problems';
import { can, type View } from '../view';
import { openRemindersBox } from './reminders';

/** 监督考核: the compliance figures of the caller's units for a period, charts, and the rows behind each figure. */
export const st = texts({
  title: '监督考核',
  period: '统计期间',
  from: '开始日期',
  to: '结束日期',
  show: '查询',
  figures: '各单位指标',
  unit: '单位',
  recordings: '录像数',
  hours: '时长(小时)',
  onTimeRate: '按时上传率',
  late: '迟传录像',
  overdueRecorders: '超期未入库记录仪',
  unlinked: '未关联案件录像',
  casesMissingFootage: '缺失录像案件',
  reviewPassRate: '抽查合格率',
  reviewedCount: '{rate}（{n} 条）',
  noUnits: '没有可查看的单位。',
  chartUnits: '柱状图：各单位按时上传率与缺失录像案件数',
  chartTrend: '折线图：按周的按时上传率',
  trend: '按周趋势',
  week: '周',
  overdueList: '超期未入库的记录仪',
  noOverdue: '没有超期未入库的记录仪。',
  recorder: '记录仪',
  officer: '警员',
  lastDocked: '最后入库',
  never: '从未入库',
  details: '明细：{figure}（{unit}）',
  noItems: '没有记录。',
  file: '文件',
  recordedAt: '录制时间',
  delay: '延迟(小时)',
  caseNumber: '案件编号',
  missing: '缺失阶段',
  more: '加载更多',
  report: '下载报表 (Excel)',
}, {
  title: 'Supervision',
  period: 'Period',
  from: 'From',
  to: 'To',
  show: 'Show',
  figures: 'Figures per unit',
  unit: 'Unit',
  recordings: 'Recordings',
  hours: 'Hours',
  onTimeRate: 'On-time rate',
  late: 'Late',
  overdueRecorders: 'Overdue recorders',
  unlinked: 'Without a case',
  casesMissingFootage: 'Cases missing footage',
  reviewPassRate: 'Review pass rate',
  reviewedCount: '{rate} ({n} reviewed)',
  noUnits: 'No unit to show.',
  chartUnits: 'Bar chart: on-time rate and cases missing footage per unit',
  chartTrend: 'Line chart: on-time rate by week',
  trend: 'Trend by week',
  week: 'Week',
  overdueList: 'Recorders overdue for docking',
  noOverdue: 'No recorder is overdue.',
  recorder: 'Recorder',
  officer: 'Officer',
  lastDocked: 'Last docked',
  never: 'never',
  details: 'Details: {figure} ({unit})',
  noItems: 'Nothing.',
  file: 'File',
  recordedAt: 'Recorded',
  delay: 'Delay (h)',
  caseNumber: 'Case',
  missing: 'Missing stages',
  more: 'More',
  report: 'Download report (Excel)',
});

type Summary = Answer<'getSupervisionSummary'>;
type UnitRow = Summary['units'][number];
type Kind = 'late' | 'unlinked' | 'casesMissingFootage' | 'overdueRecorders';
const DAY = 86_400_000;

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const dayInput = (d: Date) => d.toISOString().slice(0, 10);

/** The week starts (UTC midnights) covering the period, at most 13. */
export function weeks(from: Date, to: Date): { from: Date; to: Date }[] {
  const out: { from: Date; to: Date }[] = [];
  for (let start = from.getTime(); start < to.getTime() && out.length < 13; start += 7 * DAY) out.push({ from: new Date(start), to: new Date(Math.min(start + 7 * DAY, to.getTime())) });
  return out;
}

export async function supervisionPage(view: View): Promise<Node[]> {
  const to = view.search.get('to') ? new Date(`${view.search.get('to')}T00:00:00Z`) : new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1));
  const from = view.search.get('from') ? new Date(`${view.search.get('from')}T00:00:00Z`) : new Date(to.getTime() - 28 * DAY);
  const period = { from: from.toISOString(), to: to.toISOString() };
  const form = h('form', { class: 'filters', 'aria-label': st('period') },
    h('label', {}, st('from'), h('input', { type: 'date', name: 'from', value: dayInput(from), required: true })),
    h('label', {}, st('to'), h('input', { type: 'date', name: 'to', value: dayInput(to), required: true })),
    h('button', { type: 'submit' }, st('show')),
    h('a', { href: `/api/supervision/report.xlsx?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`, download: '' }, st('report')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    view.navigate(`/supervision?from=${String(data.get('from'))}&to=${String(data.get('to'))}`);
  });
  const heading = h('h1', {}, st('title'));
  let summary: Summary;
  try {
    summary = await answer(client.GET('/api/supervision/summary', { params: { query: period }, signal: view.signal }));
  } catch (error) {
    return [heading, form, problemNote(error)];
  }
  const details = h('section', { class: 'panel', 'aria-label': st('details', { figure: '', unit: '' }), hidden: true });
  const drill = (kind: Kind, unit: UnitRow) => () => void showItems(view, details, kind, unit, period);
  const cell = (kind: Kind, unit: UnitRow, value: number) =>
    h('td', {}, value > 0 ? h('button', { type: 'button', class: 'link', 'aria-label': `${unit.name} ${st(kind)} ${value}`, onclick: drill(kind, unit) }, String(value)) : '0');
  const table = summary.units.length === 0 ? h('p', { class: 'muted' }, st('noUnits')) : h('table', {},
    h('caption', { class: 'visually-hidden' }, st('figures')),
    h('thead', {}, h('tr', {}, ['unit', 'recordings', 'hours', 'onTimeRate', 'late', 'overdueRecorders', 'unlinked', 'casesMissingFootage', 'reviewPassRate'].map((k) => h('th', { scope: 'col' }, st(k as 'unit'))))),
    h('tbody', {}, summary.units.map((u) => h('tr', {},
      h('th', { scope: 'row' }, u.name),
      h('td', {}, String(u.recordings)),
      h('td', {}, u.hours.toFixed(1)),
      h('td', {}, percent(u.onTimeRate)),
      cell('late', u, u.late),
      cell('overdueRecorders', u, u.overdueRecorders),
      cell('unlinked', u, u.unlinked),
      cell('casesMissingFootage', u, u.casesMissingFootage),
      h('td', {}, u.reviewed === 0 ? '—' : h('a', { href: '/reviews' }, st('reviewedCount', { rate: percent(u.reviewPassRate), n: u.reviewed }))),
    ))),
  );
  const unitChart = h('div', { class: 'echart', role: 'img', 'aria-label': st('chartUnits') });
  const trendChart = h('div', { class: 'echart', role: 'img', 'aria-label': st('chartTrend') });
  const [overdue, reminders] = await Promise.all([
    answer(client.GET('/api/supervision/items', { params: { query: { kind: 'overdueRecorders', limit: 100 } }, signal: view.signal })).catch(() => null),
    can(view.me, 'reminder.read') ? openRemindersBox(null, view.signal, 'h2').catch((error: unknown) => problemNote(error)) : null,
  ]);
  void drawCharts(view, summary, unitChart, trendChart, weeks(from, to));
  return [
    heading,
    form,
    h('section', { class: 'panel', 'aria-label': st('figures') }, h('h2', {}, st('figures')), table, unitChart),
    h('section', { class: 'panel', 'aria-label': st('trend') }, h('h2', {}, st('trend')), trendChart),
    h('section', { class: 'panel', 'aria-label': st('overdueList') }, h('h2', {}, st('overdueList')),
      !overdue || overdue.items.length === 0 ? h('p', { class: 'muted' }, st('noOverdue')) : h('table', {},
        h('thead', {}, h('tr', {}, [st('unit'), st('recorder'), st('officer'), st('lastDocked')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, overdue.items.map((r) => h('tr', { class: 'warn' },
          h('td', {}, r.unitName), h('td', {}, r.recorderSerial ?? ''), h('td', {}, [r.officerName, r.officerNo].filter(Boolean).join(' ')), h('td', {}, r.lastDockedAt ? dateTime(r.lastDockedAt) : st('never')),
        ))))),
    reminders,
    details,
  ].filter((n): n is HTMLElement => n !== null);
}

/** The charts: ECharts is loaded only here, as its own chunk. */
async function drawCharts(view: View, summary: Summary, unitEl: HTMLElement, trendEl: HTMLElement, spans: { from: Date; to: Date }[]): Promise<void> {
  const echarts = await import('./supervision-charts');
  if (view.signal.aborted) return;
  const names = summary.units.map((u) => u.name);
  const units = echarts.init(unitEl, null, { renderer: 'svg' });
  units.setOption({
    animation: false,
    tooltip: {},
    legend: { data: [st('onTimeRate'), st('casesMissingFootage')] },
    xAxis: { type: 'category', data: names },
    yAxis: [{ type: 'value', min: 0, max: 100, name: '%' }, { type: 'value', minInterval: 1 }],
    series: [
      { name: st('onTimeRate'), type: 'bar', data: summary.units.map((u) => (u.onTimeRate === null ? null : Math.round(u.onTimeRate * 1000) / 10)) },
      { name: st('casesMissingFootage'), type: 'bar', yAxisIndex: 1, data: summary.units.map((u) => u.casesMissingFootage) },
    ],
  });
  const perWeek = await Promise.all(spans.map((w) => answer(client.GET('/api/supervision/summary', { params: { query: { from: w.from.toISOString(), to: w.to.toISOString() } }, signal: view.signal }))));
  if (view.signal.aborted) return;
  const trend = echarts.init(trendEl, null, { renderer: 'svg' });
  trend.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: names },
    xAxis: { type: 'category', name: st('week'), data: spans.map((w) => dayInput(w.from)) },
    yAxis: { type: 'value', min: 0, max: 100, name: '%' },
    series: summary.units.map((u) => ({
      name: u.name, type: 'line', connectNulls: true,
      data: perWeek.map((s) => {
        const rate = s.units.find((x) => x.unitId === u.unitId)?.onTimeRate ?? null;
        return rate === null ? null : Math.round(rate * 1000) / 10;
      }),
    })),
  });
  // The charts follow their boxes when the window narrows (a tablet turned, a sidebar opened).
  const resize = new ResizeObserver(() => {
    units.resize();
    trend.resize();
  });
  resize.observe(unitEl);
  resize.observe(trendEl);
  view.signal.addEventListener('abort', () => {
    resize.disconnect();
    units.dispose();
    trend.dispose();
  });
}

async function showItems(view: View, into: HTMLElement, kind: Kind, unit: UnitRow, period: { from: string; to: string }): Promise<void> {
  const title = st('details', { figure: st(kind), unit: unit.name });
  into.hidden = false;
  into.setAttribute('aria-label', title);
  into.replaceChildren(h('h2', {}, title));
  try {
    const page = await answer(client.GET('/api/supervision/items', { params: { query: { kind, unitId: unit.unitId, ...period, limit: 100 } }, signal: view.signal }));
    if (page.items.length === 0) {
      into.append(h('p', { class: 'muted' }, st('noItems')));
      return;
    }
    const recording = kind === 'late' || kind === 'unlinked';
    const heads = recording ? [st('file'), st('officer'), st('recordedAt'), ...(kind === 'late' ? [st('delay')] : [])]
      : kind === 'casesMissingFootage' ? [st('caseNumber'), st('missing')] : [st('recorder'), st('officer'), st('lastDocked')];
    into.append(h('table', {},
      h('thead', {}, h('tr', {}, heads.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, page.items.map((i) => h('tr', {}, ...(recording
        ? [h('td', {}, h('a', { href: `/evidence/${i.evidenceId}` }, i.originalName ?? '')), h('td', {}, [i.officerName, i.officerNo].filter(Boolean).join(' ')), h('td', {}, dateTime(i.recordedAt)), ...(kind === 'late' ? [h('td', {}, String(i.delayHours))] : [])]
        : kind === 'casesMissingFootage'
          ? [h('td', {}, h('a', { href: `/cases/${i.caseId}` }, i.caseNumber ?? '')), h('td', {}, (i.missingStages ?? []).join('、'))]
          : [h('td', {}, i.recorderSerial ?? ''), h('td', {}, [i.officerName, i.officerNo].filter(Boolean).join(' ')), h('td', {}, i.lastDockedAt ? dateTime(i.lastDockedAt) : st('never'))])))),
    ));
    into.scrollIntoView({ block: 'nearest' });
  } catch (error) {
    into.append(problemNote(error));
  }
}
