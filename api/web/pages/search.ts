import { PLAYBACK_STATES, answer, api, client, query, type Case, type Evidence, type Page, type Unit } from '../api';
import { formValues, h, present } from '../dom';
import { dateTime, fromLocalInput, toLocalInput } from '../format';
import { t, tx } from '../i18n';
import type { View } from '../view';
import { problemNote } from '../problems';
import { caseLinker } from './case-link';

const FILTERS = ['officerNo', 'deviceSerial', 'unitId', 'caseId', 'from', 'to', 'important', 'state'] as const;
const PAGE_SIZE = 24;

/** Where a ready item's poster is (the transcode pipeline names it poster.webp). */
const posterOf = (e: Evidence) => `/api/evidence/${e.id}/derivatives/poster/poster.webp`;

/** One search result: poster, name and the facts a handler scans for; `action` adds a button. */
export function evidenceCard(e: Evidence, units: Map<string, Unit>, action?: Node): HTMLElement {
  const poster = e.playbackState === 'ready'
    ? h('img', { src: posterOf(e), alt: '', loading: 'lazy', width: 320, height: 180, onerror: (ev) => (ev.target as HTMLElement).replaceWith(h('span', { class: 'no-poster' })) })
    : h('span', { class: 'no-poster' }, tx(`playback.${e.playbackState}`));
  return h('li', { class: 'card' },
    h('a', { href: `/evidence/${e.id}`, class: 'card-link' }, poster, h('span', { class: 'card-title' }, e.originalName)),
    h('dl', { class: 'facts' },
      h('dt', {}, t('officerNo')), h('dd', {}, e.officerNo ?? '—'),
      h('dt', {}, t('device')), h('dd', {}, e.deviceSerial),
      h('dt', {}, t('unit')), h('dd', {}, (e.unitId && units.get(e.unitId)?.name) ?? '—'),
      h('dt', {}, t('recordedAt')), h('dd', {}, dateTime(e.recordedAt)),
    ),
    h('p', { class: 'badges' }, e.important && h('span', { class: 'badge important' }, t('important')), h('span', { class: `badge ${e.playbackState}` }, tx(`playback.${e.playbackState}`))),
    action,
  );
}

/** The search: the API's filters in the URL (so Back and links work), results with posters. */
export async function searchPage(view: View): Promise<Node[]> {
  const s = view.search;
  const linkTo = s.get('linkTo');
  const [units, cases, target] = await Promise.all([
    view.units(),
    answer(client.GET('/api/cases', { params: { query: { limit: 200 } } })).then((r): Case[] => r.items, () => []),
    linkTo ? answer(client.GET('/api/cases/{id}', { params: { path: { id: linkTo } } })) : null,
  ]);

  const field = (label: string, input: HTMLElement) => h('label', {}, label, input);
  const select = (name: string, options: [string, string][]) =>
    h('select', { name }, h('option', { value: '' }, t('any')), options.map(([value, label]) => h('option', { value, selected: s.get(name) === value }, label)));
  const form = h('form', { class: 'filters panel', role: 'search', 'aria-label': t('searchFilters'), onsubmit: (event) => {
    event.preventDefault();
    const values = formValues(form);
    for (const key of ['from', 'to'] as const) if (values[key]) values[key] = fromLocalInput(values[key]);
    view.navigate(`/evidence${query(values)}`);
  } },
    linkTo && h('input', { type: 'hidden', name: 'linkTo', value: linkTo }),
    field(t('officerNo'), h('input', { name: 'officerNo', value: s.get('officerNo'), maxlength: 32 })),
    field(t('device'), h('input', { name: 'deviceSerial', value: s.get('deviceSerial'), maxlength: 64 })),
    units.size > 0 && field(t('unit'), select('unitId', [...units.values()].map((u) => [u.id, u.name]))),
    cases.length > 0 && field(t('case'), select('caseId', cases.map((c) => [c.id, `${c.number} ${c.title}`]))),
    field(t('from'), h('input', { name: 'from', type: 'datetime-local', value: toLocalInput(s.get('from')) })),
    field(t('to'), h('input', { name: 'to', type: 'datetime-local', value: toLocalInput(s.get('to')) })),
    field(t('important'), select('important', [['true', t('yes')], ['false', t('no')]])),
    field(t('playbackState'), select('state', PLAYBACK_STATES.map((st) => [st, tx(`playback.${st}`)]))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('search')), h('a', { href: linkTo ? `/evidence?linkTo=${linkTo}` : '/evidence' }, t('clearFilters'))),
  );

  const filters = Object.fromEntries(FILTERS.map((k) => [k, s.get(k)]));
  const list = h('ul', { class: 'cards', 'aria-label': t('results') });
  // The status line is there before the results, so they do not push the page about when they arrive.
  const status = h('p', { role: 'status', class: 'results-status' });
  const more = h('button', { type: 'button', hidden: true }, t('more'));
  const trouble = h('div', {});
  let cursor: string | null = null;

  const linkButton = await caseLinker(view, target);

  /** The next page of results; one at a time, so a second click while loading cannot append a page twice. */
  let loading = false;
  async function load() {
    loading = true;
    more.disabled = true;
    try {
      const page = await api<Page<Evidence>>(`/api/evidence${query({ ...filters, limit: PAGE_SIZE, cursor })}`, { signal: view.signal });
      list.append(...page.items.map((e) => evidenceCard(e, units, linkButton(e))));
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      status.textContent = list.children.length === 0 ? t('noResults') : t('resultCount', { n: list.children.length, more: cursor ? '+' : '' });
    } finally {
      loading = false;
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => {
    if (loading || cursor === null) return;
    trouble.replaceChildren();
    load().catch((error: unknown) => view.signal.aborted || trouble.replaceChildren(problemNote(error)));
  });
  await load();

  return present(
    h('h1', {}, target ? t('addEvidenceTo', { case: `${target.number} ${target.title}` }) : t('searchTitle')),
    target && h('p', {}, h('a', { href: `/cases/${target.id}` }, t('backToCase'))),
    form,
    status,
    list,
    trouble,
    more,
  );
}
