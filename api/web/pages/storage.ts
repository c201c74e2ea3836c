import { ApiError, answer, client, type StorageReport, type Usage, type UsageSplit } from '../api';
import { h } from '../dom';
import { bytes, dateTime } from '../format';
import { t } from '../i18n';
import type { View } from '../view';

/** Axis ticks from 0: a step of 1, 2 or 5 × 10^k, so labels read as round sizes (decimal units, as `bytes` prints). */
export function axisTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

/** Stacked bars per month (originals below, derivatives on top), with labelled axes; no chart library. */
function monthChart(months: StorageReport['byMonth']): SVGElement {
  const width = 860;
  const height = 320;
  const m = { left: 80, right: 16, top: 16, bottom: 64 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const ticks = axisTicks(Math.max(...months.map((x) => x.originals.bytes + x.derivatives.bytes)));
  const top = ticks[ticks.length - 1]!;
  const y = (v: number) => m.top + plotH - (v / top) * plotH;
  const slot = plotW / months.length;
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.ceil(months.length / 12);
  const bar = (x: number, from: number, to: number, cls: string, title: string) =>
    s('rect', { x, y: y(to), width: barW, height: Math.max(0, y(from) - y(to)), class: cls }, s('title', {}, title));
  return s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': t('storageChartLabel'), class: 'chart' },
    ...ticks.map((v) => s('g', {},
      s('line', { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: m.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, bytes(v)),
    )),
    ...months.flatMap((x, i) => {
      const left = m.left + i * slot + (slot - barW) / 2;
      const o = x.originals.bytes;
      const d = x.derivatives.bytes;
      return [
        bar(left, 0, o, 'originals', `${x.month} ${t('storageOriginals')}: ${bytes(o)}`),
        bar(left, o, o + d, 'derivatives', `${x.month} ${t('storageDerivatives')}: ${bytes(d)}`),
        ...(i % labelEvery === 0 ? [s('text', { x: left + barW / 2, y: m.top + plotH + 18, 'text-anchor': 'middle' }, x.month)] : []),
      ];
    }),
    s('line', { x1: m.left, x2: width - m.right, y1: m.top + plotH, y2: m.top + plotH, class: 'axis' }),
    s('line', { x1: m.left, x2: m.left, y1: m.top, y2: m.top + plotH, class: 'axis' }),
    s('text', { x: m.left + plotW / 2, y: height - 24, 'text-anchor': 'middle', class: 'axis-title' }, t('storageAxisMonth')),
    s('text', { x: 16, y: m.top + plotH / 2, 'text-anchor': 'middle', class: 'axis-title', transform: `rotate(-90 16 ${m.top + plotH / 2})` }, t('storageAxisBytes')),
    s('rect', { x: m.left, y: height - 14, width: 12, height: 12, class: 'originals' }),
    s('text', { x: m.left + 18, y: height - 4 }, t('storageOriginals')),
    s('rect', { x: m.left + 140, y: height - 14, width: 12, height: 12, class: 'derivatives' }),
    s('text', { x: m.left + 158, y: height - 4 }, t('storageDerivatives')),
  );
}

const files = (u: Usage) => t('storageFiles', { count: u.count, size: bytes(u.bytes) });

function splitTable(caption: string, first: string, rows: { label: string; extra?: string; usage: UsageSplit }[], extraHeading?: string): HTMLElement {
  return h('table', {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, [first, ...(extraHeading ? [extraHeading] : []), t('storageOriginals'), t('storageDerivatives')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {},
      h('th', { scope: 'row' }, r.label),
      ...(extraHeading ? [h('td', {}, r.extra ?? '')] : []),
      h('td', {}, files(r.usage.originals)),
      h('td', {}, files(r.usage.derivatives)),
    ))),
  );
}

function render(report: StorageReport): Node[] {
  const section = (title: string, ...body: Node[]) => h('section', { class: 'panel', 'aria-label': title }, h('h2', {}, title), ...body);
  const p = report.projection;
  return [
    section(t('storageSummary'), h('dl', { class: 'meta' },
      h('dt', {}, t('storageOriginals')), h('dd', {}, files(report.totals.originals)),
      h('dt', {}, t('storageDerivatives')), h('dd', {}, files(report.totals.derivatives)),
      h('dt', {}, t('storageGrowth', { days: report.growth.days })), h('dd', {}, bytes(report.growth.originals.bytes + report.growth.derivatives.bytes)),
      h('dt', {}, t('storageProjection', { days: p.days })), h('dd', {}, `${bytes(p.bytes)} (${t('storageOriginals')} ${bytes(p.originalsBytes)}, ${t('storageDerivatives')} ${bytes(p.derivativesBytes)})`),
    ), h('p', { class: 'muted' }, t('storageProjectionNote'))),
    section(t('storageByMonth'), report.byMonth.length === 0 ? h('p', { class: 'muted' }, t('storageEmpty')) : monthChart(report.byMonth)),
    section(t('storageByCategory'), splitTable(t('storageByCategory'), t('storageCategory'), report.byCategory.map((c) => ({
      label: c.category, extra: c.days === null ? t('storagePermanent') : t('storageDaysValue', { days: c.days }), usage: c,
    })), t('storageDays'))),
    section(t('storageByUnit'), splitTable(t('storageByUnit'), t('unit'), report.byUnit.map((u) => ({ label: u.unitName ?? t('storageNoUnit'), usage: u })))),
    h('p', { class: 'muted' }, t('storageAsOf', { time: dateTime(report.asOf) })),
  ];
}

/** What the store holds by month, category and unit, its growth and where it is heading. */
export async function storagePage(view: View): Promise<Node[]> {
  try {
    return [h('h1', {}, t('navStorage')), ...render(await answer(client.GET('/api/storage', { signal: view.signal })))];
  } catch (error) {
    if (!(error instanceof ApiError && (error.status === 403 || error.status === 404))) throw error;
    return [h('h1', {}, t('navStorage')), h('p', { class: 'note', role: 'status' }, t('storageUnavailable'))];
  }
}
