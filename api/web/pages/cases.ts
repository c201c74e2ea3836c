import { CASE_STATES, api, query, type Case, type Evidence, type Page } from '../api';
import { formValues, h, present } from '../dom';
import { dateTime } from '../format';
import { t, texts, tx } from '../i18n';
import { can, type View } from '../view';
import { problemNote } from '../problems';
import { evidenceCard } from './search';

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
    h('td', {}, c.evidenceCount === undefined ? '—' : String(c.evidenceCount)),
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

export async function casePage(view: View): Promise<Node[]> {
  const id = view.params[0]!;
  const [c, units] = await Promise.all([api<Case>(`/api/cases/${id}`, { signal: view.signal }), view.units()]);
  const head = [
    h('h1', {}, `${c.number} ${c.title}`),
    h('dl', { class: 'meta panel' },
      h('dt', {}, t('caseState')), h('dd', {}, tx(`case.${c.state}`)),
      c.unitId && [h('dt', {}, t('unit')), h('dd', {}, units.get(c.unitId)?.name ?? '—')],
      c.description && [h('dt', {}, t('description')), h('dd', {}, c.description)],
      h('dt', {}, t('updatedAt')), h('dd', {}, dateTime(c.updatedAt)),
    ),
  ];
  // A complainant's view of a case is its status; the API gives nothing more.
  if (!c.unitId) return [...head, h('p', { class: 'note' }, t('statusOnly'))];

  const { items } = await api<Page<Evidence>>(`/api/evidence${query({ caseId: id, limit: 500 })}`, { signal: view.signal });
  const announce = h('p', { role: 'status' });
  const unlink = (e: Evidence) => {
    if (!can(view.me, 'case.unlink')) return undefined;
    const button = h('button', { type: 'button', 'aria-label': t('unlinkNamed', { name: e.originalName }) }, t('unlink'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api(`/api/cases/${id}/evidence/${e.id}`, { method: 'DELETE' });
        button.closest('li')?.remove();
        announce.textContent = t('unlinked', { name: e.originalName });
      } catch (error) {
        button.disabled = false;
        announce.replaceChildren(problemNote(error));
      }
    });
    return button;
  };
  return [
    ...head,
    h('section', { class: 'panel', 'aria-label': t('caseEvidence') },
      h('h2', {}, t('caseEvidence')),
      can(view.me, 'case.link') && h('p', {}, h('a', { href: `/evidence?linkTo=${id}`, class: 'button' }, t('addEvidence'))),
      announce,
      items.length === 0 ? h('p', { class: 'muted' }, t('noCaseEvidence')) : h('ul', { class: 'cards' }, items.map((e) => evidenceCard(e, units, unlink(e)))),
    ),
  ];
}
