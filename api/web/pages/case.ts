import type { Answer } from '../../client';
import { answer, client, type Case, type Evidence, type Unit } from '../api';
import { formValues, h, present } from '../dom';
import { dateTime } from '../format';
import { t, tx } from '../i18n';
import { problemNote } from '../problems';
import { can, type View } from '../view';
import { exportHistory, exportPanel } from './case-export';
import { ct, personLabel } from './case-texts';
import { evidenceCard } from './search';

/** A case as its staff see it (a complainant gets its status only). */
type FullCase = Extract<Answer<'getCase'>, { evidenceCount: number }>;
type Footage = Answer<'getCaseFootage'>;
type HistoryEntry = Answer<'getCaseHistory'>['items'][number];
type Member = Answer<'listUnitMembers'>['items'][number];

/** The order a case normally goes through (移送 leaves it), for the stage track. */
const TRACK = ['立案', '调查取证', '审查', '告知', '决定', '送达', '执行', '结案'];
const stageName = (stage: string) => tx(`case.${stage}`);
const list = (items: string[]) => items.map(stageName).join(ct('sep'));

/**
 * One case, for the people who work on it: its stage and how to move it on, its footage by stage
 * (stages the unit requires footage for and that lack it stand out), handlers, export and history.
 * Every change redraws the page from the API, so what it shows is what was stored.
 */
export async function casePage(view: View): Promise<Node[]> {
  const id = view.params[0]!;
  const root = h('div', {});
  const draw = async (message?: string) => {
    const nodes = await renderCase(view, id, draw);
    if (view.signal.aborted) return;
    root.replaceChildren(...nodes);
    if (message) {
      const note = root.querySelector<HTMLElement>('#case-message')!;
      note.textContent = message;
      note.focus();
    }
  };
  await draw();
  return [root];
}

async function renderCase(view: View, id: string, draw: (message?: string) => Promise<void>): Promise<Node[]> {
  const { signal } = view;
  const [c, units] = await Promise.all([answer(client.GET('/api/cases/{id}', { params: { path: { id } }, signal })) as Promise<Case>, view.units()]);
  const heading = h('h1', {}, `${c.number} ${c.title}`);
  // A complainant's view of a case is its status; the API gives nothing more.
  if (!('unitId' in c) || !c.unitId || c.evidenceCount === undefined) {
    return [heading, h('dl', { class: 'meta panel' }, h('dt', {}, ct('currentStage')), h('dd', {}, stageName(c.stage)), h('dt', {}, t('updatedAt')), h('dd', {}, dateTime(c.updatedAt))), h('p', { class: 'note' }, t('statusOnly'))];
  }
  const full = c as FullCase;
  const [footage, cards, history, exports] = await Promise.all([
    answer(client.GET('/api/cases/{id}/evidence', { params: { path: { id } }, signal })),
    answer(client.GET('/api/evidence', { params: { query: { caseId: id, limit: 500 } }, signal })).then((r) => new Map(r.items.map((e) => [e.id, e as Evidence]))),
    answer(client.GET('/api/cases/{id}/history', { params: { path: { id } }, signal })).then((r) => r.items, () => null),
    can(view.me, 'export.read') ? exportHistory(id, signal) : null,
  ]);
  const names = new Map([...cards.values()].map((e) => [e.id, e.originalName]));
  const message = h('p', { id: 'case-message', role: 'status', tabindex: -1 });
  let exportList = exports;
  const refreshExports = async () => {
    const fresh = await exportHistory(id, signal);
    exportList?.replaceWith(fresh);
    exportList = fresh;
  };

  // Two columns on a wide screen (the case and its stage, then footage beside export and people, the
  // history below); one column in this order on a tablet, so moving the case on comes before the footage.
  return present(
    heading,
    message,
    h('div', { class: 'case-grid' },
      summary(full, units),
      stagePanel(full, can(view.me, 'case.update'), draw),
      footagePanel(view, full, footage, cards, units, draw),
      h('div', {},
        can(view.me, 'export.create') ? exportPanel(id, full.evidenceCount, full.hiddenEvidenceCount, signal, refreshExports) : null,
        exportList,
        can(view.me, 'case.assign') ? await handlersPanel(full, signal, draw) : null,
        can(view.me, 'case.update') ? editPanel(full, draw) : null),
      historyPanel(history, full, names)),
  );
}

function summary(c: FullCase, units: Map<string, Unit>): HTMLElement {
  return h('dl', { class: 'meta panel' },
    h('dt', {}, ct('currentStage')), h('dd', {}, h('strong', {}, stageName(c.stage)), c.transferTo ? `（${ct('transferTo')}：${c.transferTo}）` : ''),
    h('dt', {}, t('unit')), h('dd', {}, units.get(c.unitId)?.name ?? '—'),
    h('dt', {}, ct('handlers')), h('dd', {}, c.handlers.length ? c.handlers.map((p) => personLabel(p)).join(ct('sep')) : ct('noHandlers')),
    c.description ? [h('dt', {}, ct('description')), h('dd', {}, c.description)] : null,
    h('dt', {}, t('updatedAt')), h('dd', {}, dateTime(c.updatedAt)),
  );
}

/** Where the case is in the procedure, and the form to move it: only the stages the API will accept, a reason where needed. */
function stagePanel(c: FullCase, mayChange: boolean, draw: (message?: string) => Promise<void>): HTMLElement {
  const track = h('ol', { class: 'stage-track', 'aria-label': ct('stageTrack') },
    // Only the current stage stands out: stages a case skips are not marked as done.
    [...TRACK, ...(c.stage === '移送' ? ['移送'] : [])].map((s) => h('li', { class: s === c.stage ? 'current' : null, 'aria-current': s === c.stage ? 'step' : null }, stageName(s))));
  const section = h('section', { class: 'panel', 'aria-label': ct('stageRegion') }, h('h2', {}, ct('stageRegion')), track);
  if (c.nextStages.length === 0) {
    if (mayChange && (c.stage === '结案' || c.stage === '移送')) section.append(h('p', { class: 'muted' }, ct('noStageChange', { stage: stageName(c.stage) })));
    return section;
  }
  const needs = new Map<string, string[]>(c.nextStages.map((o) => [o.stage, o.needs]));
  const select = h('select', { name: 'stage', required: true }, h('option', { value: '' }, ct('chooseStage')), c.nextStages.map((o) => h('option', { value: o.stage }, stageName(o.stage))));
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 2000 });
  const transfer = h('label', { hidden: true }, ct('transferTo'), h('input', { name: 'transferTo', maxlength: 500, disabled: true }));
  const problem = h('div', {});
  const form: HTMLFormElement = h('form', { class: 'stack' },
    h('label', {}, ct('moveTo'), select),
    h('label', {}, ct('reason'), reason),
    transfer,
    h('p', { class: 'hint' }, ct('reasonHint')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, ct('changeStage'))),
    problem,
  );
  select.addEventListener('change', () => {
    const wanted = needs.get(select.value) ?? [];
    reason.required = wanted.includes('reason');
    reason.placeholder = reason.required ? ct('requiredField') : '';
    const input = transfer.querySelector('input')!;
    transfer.hidden = !wanted.includes('transferTo');
    input.disabled = transfer.hidden;
    input.required = !transfer.hidden;
    input.placeholder = input.required ? ct('requiredField') : '';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(form);
    try {
      await answer(client.PATCH('/api/cases/{id}', {
        params: { path: { id: c.id } },
        body: { stage: v.stage as FullCase['stage'], ...(v.reason ? { reason: v.reason } : {}), ...(v.transferTo ? { transferTo: v.transferTo } : {}) },
      }));
      await draw(ct('stageChanged', { stage: stageName(v.stage!) }));
    } catch (error) {
      problem.replaceChildren(problemNote(error, { 422: ct('stageRefused422') }));
    }
  });
  section.append(form);
  return section;
}

/** The footage, by the stage the case was in when each clip was linked; required stages without footage stand out. */
function footagePanel(view: View, c: FullCase, footage: Footage, cards: Map<string, Evidence>, units: Map<string, Unit>, draw: (message?: string) => Promise<void>): HTMLElement {
  const missing = new Set(footage.missingStages);
  const mayUnlink = can(view.me, 'case.unlink');
  const unlink = (e: { id: string; originalName: string }) => {
    if (!mayUnlink) return undefined;
    const box = h('div', { class: 'unlink' });
    const ask = h('button', { type: 'button', class: 'secondary', 'aria-label': t('unlinkNamed', { name: e.originalName }) }, t('unlink'));
    ask.addEventListener('click', () => {
      const confirm = h('button', { type: 'button', class: 'danger' }, ct('confirmUnlink'));
      const keep = h('button', { type: 'button', class: 'secondary' }, ct('keep'));
      const question = h('div', { role: 'group', 'aria-label': t('unlinkNamed', { name: e.originalName }) }, h('p', {}, ct('unlinkConfirm', { name: e.originalName })), confirm, ' ', keep);
      keep.addEventListener('click', () => {
        question.replaceWith(ask);
        ask.focus();
      });
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          await answer(client.DELETE('/api/cases/{id}/evidence/{evidenceId}', { params: { path: { id: c.id, evidenceId: e.id } } }));
          await draw(t('unlinked', { name: e.originalName }));
        } catch (error) {
          confirm.disabled = false;
          question.append(problemNote(error));
        }
      });
      ask.replaceWith(question);
      confirm.focus();
    });
    box.append(ask);
    return box;
  };
  const groups = footage.stages.map((s) => h('section', { class: `stage-group${missing.has(s.stage) ? ' missing' : ''}`, 'aria-label': stageName(s.stage) },
    h('h3', {}, stageName(s.stage), ' ',
      missing.has(s.stage) ? h('span', { class: 'badge warn' }, ct('missingBadge')) : s.required ? h('span', { class: 'badge' }, ct('requiredBadge')) : null),
    s.evidence.length === 0
      ? h('p', { class: 'muted' }, s.hasFootage ? ct('hiddenInStage') : missing.has(s.stage) ? ct('noFootageInStage') : ct('notReached'))
      : h('ul', { class: 'cards' }, s.evidence.map((e) => {
        const card = cards.get(e.id);
        return card
          ? evidenceCard(card, units, unlink(e))
          : h('li', { class: 'card' }, h('a', { href: `/evidence/${e.id}` }, e.originalName), unlink(e));
      }))));
  const total = footage.stages.reduce((n, s) => n + s.evidence.length, 0);
  return h('section', { class: 'panel', 'aria-label': t('caseEvidence') },
    h('h2', {}, t('caseEvidence')),
    can(view.me, 'case.link') && h('p', {}, h('a', { href: `/evidence?linkTo=${c.id}`, class: 'button' }, t('addEvidence'))),
    footage.requiredStages.length > 0 && h('p', { class: 'muted' }, ct('requiredStages', { stages: list(footage.requiredStages) })),
    missing.size > 0 && h('p', { class: 'note', role: 'note' }, ct('missing', { stages: list([...missing]) })),
    c.hiddenEvidenceCount > 0 && h('p', { class: 'note' }, ct('hiddenEvidence', { n: c.hiddenEvidenceCount })),
    total === 0 && h('p', { class: 'muted' }, t('noCaseEvidence')),
    groups,
  );
}

/** What one history entry changed, in words. */
function describeEntry(e: HistoryEntry, c: FullCase, names: Map<string, string>): string[] {
  const d = e.details as { changes?: Record<string, { from?: unknown; to?: unknown } | unknown>; evidenceId?: string; stage?: string; transferTo?: string | null };
  const file = (id?: string) => e.evidenceName ?? ((id && names.get(id)) || ct('aFile'));
  if (e.action === 'case.link') return [ct('linkedEvidence', { name: file(d.evidenceId), stage: stageName(d.stage ?? '') })];
  if (e.action === 'case.unlink') return [ct('unlinkedEvidence', { name: file(d.evidenceId) })];
  const opening = e.action === 'case.create' || (e.action === 'case.upsert' && !isChange(d.changes?.title));
  const lines: string[] = opening ? [ct('opened')] : [];
  const changes = d.changes ?? {};
  const people = new Map(c.handlers.map((p) => [p.id, personLabel(p)]));
  for (const [field, value] of Object.entries(changes)) {
    const to = isChange(value) ? value.to : opening ? value : undefined;
    if (field === 'stage' && isChange(value)) lines.push(ct('stageFromTo', { from: stageName(String(value.from)), to: stageName(String(value.to)) }));
    else if (field === 'title' && isChange(value)) lines.push(ct('titleChanged', { to: String(to) }));
    else if (field === 'description' && isChange(value)) lines.push(ct('descriptionChanged'));
    else if (field === 'handlerIds' && Array.isArray(to) && (isChange(value) || to.length > 0)) lines.push(ct('handlersChanged', { names: to.map((id: string) => people.get(id) ?? '—').join(ct('sep')) || ct('noHandlers') }));
    else if (field === 'reporterId' && isChange(value)) lines.push(ct('reporterChanged'));
  }
  if (d.transferTo) lines.push(ct('transferredTo', { to: d.transferTo }));
  return lines.length ? lines : [ct('updated')];
}
const isChange = (v: unknown): v is { from: unknown; to: unknown } => typeof v === 'object' && v !== null && 'from' in v && 'to' in v;

function historyPanel(items: HistoryEntry[] | null, c: FullCase, names: Map<string, string>): HTMLElement | null {
  if (items === null) return null;
  return h('section', { class: 'panel wide', 'aria-label': ct('historyRegion') },
    h('h2', {}, ct('historyRegion')),
    items.length === 0 ? h('p', { class: 'muted' }, ct('noHistory')) : h('table', { class: 'history' },
      h('thead', {}, h('tr', {}, [ct('when'), ct('who'), ct('what'), ct('reason')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, [...items].reverse().map((e) => h('tr', {},
        h('td', {}, dateTime(e.at)),
        h('td', {}, personLabel(e.actor, e.actorName)),
        h('td', {}, describeEntry(e, c, names).map((line) => h('div', {}, line))),
        h('td', {}, e.reason ?? '—'),
      )))));
}

/** Who handles the case: the unit head (an overseer, an admin) chooses among the unit's case handlers. */
async function handlersPanel(c: FullCase, signal: AbortSignal, draw: (message?: string) => Promise<void>): Promise<HTMLElement> {
  const section = h('section', { class: 'panel', 'aria-label': ct('assignRegion') }, h('h2', {}, ct('assignRegion')));
  let members: Member[];
  try {
    members = (await answer(client.GET('/api/units/{id}/members', { params: { path: { id: c.unitId } }, signal }))).items.filter((m) => m.role === 'handler');
  } catch (error) {
    section.append(problemNote(error));
    return section;
  }
  if (members.length === 0) {
    section.append(h('p', { class: 'muted' }, ct('noMembers')));
    return section;
  }
  const problem = h('div', {});
  const form: HTMLFormElement = h('form', { class: 'stack' },
    h('fieldset', {}, h('legend', {}, ct('assignHint')),
      members.map((m) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'handler', value: m.id, checked: c.handlerIds.includes(m.id) }), personLabel(m)))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, ct('saveHandlers'))),
    problem,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const handlerIds = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="handler"]:checked'), (i) => i.value);
    try {
      await answer(client.PATCH('/api/cases/{id}', { params: { path: { id: c.id } }, body: { handlerIds } }));
      await draw(ct('handlersSaved'));
    } catch (error) {
      problem.replaceChildren(problemNote(error));
    }
  });
  section.append(form);
  return section;
}

/** Title and description, behind a button so the page reads as a case first. */
function editPanel(c: FullCase, draw: (message?: string) => Promise<void>): HTMLElement {
  const problem = h('div', {});
  const form: HTMLFormElement = h('form', { class: 'stack' },
    h('label', {}, ct('title'), h('input', { name: 'title', required: true, maxlength: 500, value: c.title })),
    h('label', {}, ct('description'), h('textarea', { name: 'description', rows: 3, maxlength: 10000 }, c.description ?? '')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, ct('save'))),
    problem,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(form);
    try {
      await answer(client.PATCH('/api/cases/{id}', { params: { path: { id: c.id } }, body: { title: v.title ?? c.title, description: v.description ?? '' } }));
      await draw(ct('saved'));
    } catch (error) {
      problem.replaceChildren(problemNote(error));
    }
  });
  return h('section', { class: 'panel', 'aria-label': ct('editRegion') }, h('details', {}, h('summary', {}, ct('editOpen')), form));
}
