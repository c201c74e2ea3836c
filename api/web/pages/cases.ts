import { CASE_STATES, api, query, type Case, type Page } from '../api';
import { formValues, h, present } from '../dom';
import { dateTime } from '../format';
import { t, texts, tx } from '../i18n';
import { can, type View } from '../view';
import { problemNote } from '../problems';
import { ct } from './case-texts';

const said = texts({ caseNumberTaken: '案件编号已存在' }, { caseNumberTaken: 'This case number exists already' });

export async function casesPage(view: View): Promise<Node[]> {
  const s = view.search;
  const [page, units] = await Promise.all([
    api<Page<Case>>(`/api/cases${query({ q: s.get('q'), state: s.get('state'), limit: 200 })}`, { signal: view.signal }),
    view.units(),
  ]);
  const filters = h('form', { class: 'filters panel', role: 'search', 'aria-label': t('caseSearch'), onsubmit: (event) => {
    event.preventDefault();
    view.navigate(`/cases${query(formValues(filters))}`);
  } },
    h('label', {}, t('caseQuery'), h('input', { name: 'q', value: s.get('q'), maxlength: 100 })),
    h('label', {}, t('caseState'), h('select', { name: 'state' }, h('option', { value: '' }, t('any')), CASE_STATES.map((st) => h('option', { value: st, selected: s.get('state') === st }, tx(`case.${st}`))))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('search'))),
  );
  const rows = page.items.map((c) => h('tr', {},
    h('td', {}, h('a', { href: `/cases/${c.id}` }, c.number)),
    h('td', {}, c.title),
    h('td', {}, tx(`case.${c.state}`)),
    h('td', {}, (c.unitId && units.get(c.unitId)?.name) ?? '—'),
    // What the caller can see, as the case page lists it; the rest is said to exist.
    h('td', {}, c.evidenceCount === undefined ? '—' : String(c.evidenceCount), c.hiddenEvidenceCount ? h('span', { class: 'muted' }, ` (${ct('hiddenEvidenceShort', { n: c.hiddenEvidenceCount })})`) : null),
    h('td', {}, dateTime(c.updatedAt)),
  ));
  const list = rows.length === 0
    ? h('p', { role: 'status' }, t('noCasesFound'))
    : h('table', {},
      h('caption', { class: 'visually-hidden' }, t('navCases')),
      h('thead', {}, h('tr', {}, [t('caseNumber'), t('caseTitle'), t('caseState'), t('unit'), t('evidenceCount'), t('updatedAt')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows));
  return present(h('h1', {}, t('navCases')), filters, list, can(view.me, 'case.create') && (await newCaseForm(view)));
}

/** Opening a case, in a unit the user works in or supervises. */
async function newCaseForm(view: View): Promise<HTMLElement | null> {
  const all = await view.units();
  const { workUnits } = view.me;
  const own = [...all.values()].filter((u) => workUnits === null || workUnits.includes(u.id));
  if (own.length === 0) return null;
  const message = h('div', {});
  const form: HTMLFormElement = h('form', { class: 'filters', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const made = await api<Case>('/api/cases', { method: 'POST', body: formValues(form) });
      view.navigate(`/cases/${made.id}`);
    } catch (error) {
      message.replaceChildren(problemNote(error, { 409: said('caseNumberTaken') }));
    }
  } },
    h('label', {}, t('caseNumber'), h('input', { name: 'number', required: true, maxlength: 64 })),
    h('label', {}, t('caseTitle'), h('input', { name: 'title', required: true, maxlength: 500 })),
    h('label', {}, t('unit'), h('select', { name: 'unitId' }, own.map((u) => h('option', { value: u.id }, u.name)))),
    h('label', { class: 'wide' }, t('description'), h('textarea', { name: 'description', rows: 2, maxlength: 10000 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('openCase'))),
    message,
  );
  return h('section', { class: 'panel', 'aria-label': t('newCase') }, h('h2', {}, t('newCase')), form);
}

export { casePage } from './case';
