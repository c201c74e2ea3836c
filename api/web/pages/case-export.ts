import type { Answer } from '../../client';
import { answer, client } from '../api';
import { formValues, h } from '../dom';
import { dateTime } from '../format';
import { problemNote } from '../problems';
import { ct, personLabel } from './case-texts';

type Export = Answer<'getExport'>;

const POLL_MS = 1000;

/** The package's link, with its SHA-256 beside it. */
const packageFacts = (e: Export) => h('dl', { class: 'meta' },
  h('dt', {}, ct('packageFile')), h('dd', {}, 'package.zip ', h('a', { href: e.href, download: 'package.zip' }, ct('download'))),
  h('dt', {}, ct('sha256')), h('dd', {}, h('code', {}, e.sha256 ?? '—')),
);

/**
 * The export panel: a 导出 button opens a form (reason, receiver); submitting queues the package,
 * shows its progress until it is ready, then the download link and its SHA-256. `done` redraws the
 * export history once a package is ready.
 */
export function exportPanel(caseId: string, evidenceCount: number, hiddenCount: number, signal: AbortSignal, done: () => Promise<void>): HTMLElement {
  const body = h('div', {});
  const panel = h('section', { class: 'panel', 'aria-label': ct('exportRegion') }, h('h2', {}, ct('exportRegion')), body);
  if (hiddenCount > 0) {
    body.append(h('p', { class: 'muted' }, ct('exportHidden')));
    return panel;
  }
  if (evidenceCount === 0) {
    body.append(h('p', { class: 'muted' }, ct('exportNone')));
    return panel;
  }
  const open = h('button', { type: 'button', 'aria-expanded': 'false' }, ct('exportOpen'));
  const result = h('div', { 'aria-live': 'polite' });
  const form: HTMLFormElement = h('form', { class: 'stack', hidden: true },
    h('p', { class: 'muted' }, ct('exportIntro')),
    h('label', {}, ct('exportReason'), h('input', { name: 'reason', required: true, minlength: 2, maxlength: 2000, placeholder: ct('reasonExample') })),
    h('label', {}, ct('exportReceiver'), h('input', { name: 'receiver', maxlength: 500, placeholder: ct('receiverExample') })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, ct('exportStart')),
      h('button', { type: 'button', class: 'secondary', onclick: () => toggle(false) }, ct('exportCancel'))),
  );
  const toggle = (show: boolean) => {
    form.hidden = !show;
    open.hidden = show;
    open.setAttribute('aria-expanded', String(show));
    if (show) form.querySelector('input')?.focus();
    else open.focus();
  };
  open.addEventListener('click', () => toggle(true));

  const follow = async (e: Export) => {
    const bar = h('progress', { max: Math.max(e.bytesTotal, 1), value: e.bytesDone, 'aria-label': ct('exportProgress') });
    const line = h('p', { role: 'status' }, ct('exportBuilding'), ' ', bar);
    result.replaceChildren(line);
    while (e.status === 'building' && !signal.aborted) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      e = await answer(client.GET('/api/exports/{id}', { params: { path: { id: e.exportId } }, signal }));
      bar.max = Math.max(e.bytesTotal, 1);
      bar.value = e.bytesDone;
    }
    if (e.status === 'ready') result.replaceChildren(h('p', { role: 'status', class: 'good' }, ct('exportReady')), packageFacts(e));
    else if (e.status === 'failed') result.replaceChildren(h('p', { role: 'alert' }, ct('exportFailed')));
    await done();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    submit.disabled = true;
    const values = formValues(form);
    try {
      const started = await answer(client.POST('/api/cases/{id}/exports', {
        params: { path: { id: caseId } },
        body: { reason: values.reason ?? '', ...(values.receiver ? { receiver: values.receiver } : {}) },
      }));
      form.hidden = true;
      open.hidden = false;
      open.setAttribute('aria-expanded', 'false');
      form.reset();
      await follow(started);
    } catch (error) {
      if (!signal.aborted) result.replaceChildren(problemNote(error, { 403: ct('exportHidden'), 409: ct('export409') }));
    } finally {
      submit.disabled = false;
    }
  });
  body.append(open, form, result);
  return panel;
}

/** The case's exports, newest first: when, who, to whom, why, state, and the package's hash. */
export async function exportHistory(caseId: string, signal: AbortSignal): Promise<HTMLElement> {
  const section = h('section', { class: 'panel', 'aria-label': ct('exportsRegion') }, h('h2', {}, ct('exportsRegion')));
  try {
    const { items } = await answer(client.GET('/api/cases/{id}/exports', { params: { path: { id: caseId } }, signal }));
    if (items.length === 0) section.append(h('p', { class: 'muted' }, ct('noExports')));
    // One block per export (a table is too narrow beside the footage): the facts a receiver asks about.
    else section.append(h('ul', { class: 'plain exports' }, items.map((e) => h('li', {},
      h('dl', { class: 'meta' },
        h('dt', {}, ct('when')), h('dd', {}, dateTime(e.createdAt)),
        h('dt', {}, ct('exporter')), h('dd', {}, personLabel(e.exportedBy, e.exporter)),
        h('dt', {}, ct('exportReceiver')), h('dd', {}, e.receiver ?? '—'),
        h('dt', {}, ct('exportReason')), h('dd', {}, e.reason),
        h('dt', {}, ct('status')), h('dd', {}, e.status === 'ready'
          ? [ct('export.ready'), ' ', h('a', { href: e.href, download: 'package.zip', 'aria-label': `${ct('download')} ${dateTime(e.createdAt)}` }, ct('download'))]
          : ct(`export.${e.status}`)),
        h('dt', {}, ct('sha256')), h('dd', { class: 'hash' }, h('code', {}, e.sha256 ?? '—')),
      )))));
  } catch (error) {
    section.append(problemNote(error));
  }
  return section;
}
