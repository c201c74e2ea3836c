import { ApiError, answer, client } from '../api';
import { formValues, h } from '../dom';
import { auditActor, bytes, clock, dateTime, skew } from '../format';
import { t, tx } from '../i18n';
import { can, type View } from '../view';
import { createPlayer, type Player } from '../player';
import { problemNote } from '../problems';

/** Recorder and station clocks further apart than this are flagged. */
const SKEW_FLAG_MS = 60_000;

const section = (title: string, ...children: (Node | null | false)[]) => h('section', { class: 'panel', 'aria-label': title }, h('h2', {}, title), ...children);

function table(caption: string, head: string[], rows: (string | Node)[][]): HTMLTableElement {
  return h('table', { class: 'trail' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
  );
}

/** Primitive details of a custody event as "key: value" pairs. */
const detailText = (details: Record<string, unknown>) =>
  Object.entries(details).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)).map(([k, v]) => `${k}: ${String(v)}`).join(', ');

export async function evidencePage(view: View): Promise<Node[]> {
  const id = view.params[0]!;
  const [item, units] = await Promise.all([answer(client.GET('/api/evidence/{id}', { params: { path: { id } }, signal: view.signal })), view.units()]);
  const announce = h('p', { class: 'visually-hidden', role: 'status' });
  const trouble = h('div', {});

  const auditBox = h('div', {});
  async function loadAudit() {
    try {
      const { items } = await answer(client.GET('/api/audit', { params: { query: { objectId: id, limit: 200 } }, signal: view.signal }));
      const viewers = [...new Set(items.filter((e) => e.action === 'evidence.view' && e.outcome === 'allowed').map(auditActor))];
      auditBox.replaceChildren(
        h('p', {}, t('watchedBy'), ' ', viewers.length > 0 ? viewers.join('、') : t('nobody')),
        table(t('auditTrail'), [t('time'), t('person'), t('role'), t('action'), t('outcome'), t('client')],
          items.map((e) => [dateTime(e.at), auditActor(e), e.role ? tx(`role.${e.role}`) : '—', tx(`action.${e.action}`), tx(`outcome.${e.outcome}`), e.client ?? '—'])),
      );
    } catch (error) {
      const forbidden = error instanceof ApiError && error.status === 403;
      auditBox.replaceChildren(forbidden ? h('p', { class: 'note' }, t('auditNeedsSupervisor')) : problemNote(error));
    }
  }

  const player: Player | null = item.playback.state === 'ready' ? createPlayer(item.playback.derivatives, view.signal, () => void loadAudit()) : null;

  const bookmarkList = h('ol', { class: 'bookmarks' });
  async function loadBookmarks() {
    const { items } = await answer(client.GET('/api/evidence/{id}/bookmarks', { params: { path: { id } }, signal: view.signal }));
    bookmarkList.replaceChildren(...(items.length === 0 ? [h('li', { class: 'muted' }, t('noBookmarks'))] : items.map((b) => {
      const at = clock(b.offsetMs / 1000, true);
      return h('li', {},
        h('button', { type: 'button', class: 'link', disabled: !player, 'aria-label': t('jumpTo', { at, label: b.label }), onclick: () => player?.seek(b.offsetMs / 1000) }, h('span', { class: 'at' }, at), ' ', b.label),
        h('span', { class: 'muted' }, ` · ${b.author}`),
      );
    })));
    player?.setMarkers(items.map((b) => b.offsetMs / 1000));
  }
  const bookmarkForm = player && h('form', { class: 'inline', onsubmit: (event) => void addBookmark(event) },
    h('label', {}, t('bookmarkLabel'), h('input', { name: 'label', required: true, maxlength: 500 })),
    h('button', { type: 'submit' }, t('addBookmark')),
  );
  async function addBookmark(event: Event) {
    event.preventDefault();
    if (!player || !bookmarkForm) return;
    const offsetMs = Math.round(player.currentTime() * 1000);
    try {
      await answer(client.POST('/api/evidence/{id}/bookmarks', { params: { path: { id } }, body: { offsetMs, label: formValues(bookmarkForm).label ?? '' } }));
      bookmarkForm.reset();
      announce.textContent = t('bookmarkAdded', { at: clock(offsetMs / 1000, true) });
      await loadBookmarks();
    } catch (error) {
      trouble.replaceChildren(problemNote(error));
    }
  }

  const caseList = h('ul', { class: 'plain' }, item.cases.length === 0
    ? h('li', { class: 'muted' }, t('noCases'))
    : item.cases.map((c) => h('li', {}, h('a', { href: `/cases/${c.id}` }, `${c.number} ${c.title}`), ` · ${tx(`case.${c.state}`)}`)));
  let attachForm: HTMLFormElement | null = null;
  if (can(view.me, 'case.link')) {
    const linked = new Set(item.cases.map((c) => c.id));
    const open = (await answer(client.GET('/api/cases', { params: { query: { limit: 200 } }, signal: view.signal }))).items.filter((c) => !linked.has(c.id) && 'unitId' in c);
    if (open.length > 0) {
      const form: HTMLFormElement = h('form', { class: 'inline', onsubmit: async (event) => {
        event.preventDefault();
        const caseId = formValues(form).caseId;
        try {
          await answer(client.POST('/api/cases/{id}/evidence', { params: { path: { id: caseId! } }, body: { evidenceId: id } }));
          view.navigate(location.pathname, true); // show the new link
        } catch (error) {
          trouble.replaceChildren(problemNote(error));
        }
      } },
        h('label', {}, t('attachToCase'), h('select', { name: 'caseId', required: true }, open.map((c) => h('option', { value: c.id }, `${c.number} ${c.title}`)))),
        h('button', { type: 'submit' }, t('attach')),
      );
      attachForm = form;
    }
  }

  const custody = await answer(client.GET('/api/evidence/{id}/custody', { params: { path: { id } }, signal: view.signal }));
  await Promise.all([loadBookmarks(), loadAudit()]);

  const skewed = item.clockSkewMs !== null && Math.abs(item.clockSkewMs) >= SKEW_FLAG_MS;
  const fact = (label: string, value: Node | string, cls?: string) => [h('dt', {}, label), h('dd', cls ? { class: cls } : {}, value)];
  const ts = item.timestamp;
  const playbackNote = {
    ready: null,
    queued: t('playbackQueued'),
    processing: t('playbackProcessing', { progress: item.playback.progress }),
    unplayable: t('playbackUnplayable', { reason: item.playback.reason ?? '' }),
    failed: t('playbackFailed', { reason: item.playback.reason ?? '' }),
  }[item.playback.state];

  return [
    h('h1', {}, item.originalName),
    h('p', { class: 'badges' }, item.important && h('span', { class: 'badge important' }, t('important')), h('span', { class: `badge ${item.playback.state}` }, tx(`playback.${item.playback.state}`)), skewed && h('span', { class: 'badge warn' }, t('skewFlag'))),
    announce,
    trouble,
    h('div', { class: 'evidence-grid' },
      h('div', {},
        player ? player.element : h('p', { class: 'note', role: 'status' }, playbackNote),
        section(t('bookmarks'), bookmarkList, bookmarkForm),
      ),
      h('div', {},
        section(t('metadata'), h('dl', { class: 'meta' },
          fact(t('officerNo'), item.officerNo ?? '—'),
          fact(t('device'), item.deviceSerial),
          fact(t('unit'), (item.unitId && units.get(item.unitId)?.name) ?? '—'),
          fact(t('recorderTime'), dateTime(item.recordedAt)),
          fact(t('stationTime'), dateTime(item.stationTime)),
          fact(t('serverTime'), dateTime(item.receivedAt)),
          fact(t('clockSkew'), skew(item.clockSkewMs), skewed ? 'warn' : undefined),
          fact(t('size'), bytes(item.size)),
          fact('SHA-256', h('code', {}, item.sha256), 'hash'),
          fact('SM3', h('code', {}, item.sm3), 'hash'),
          fact(t('trustedTime'), !ts ? '—' : ts.state === 'stamped' ? `${dateTime(ts.time)} · ${ts.authority ?? ''}` : t('timestampPending')),
        )),
        section(t('linkedCases'), caseList, attachForm),
      ),
    ),
    section(t('custodyTrail'), table(t('custodyTrail'), [t('seq'), t('time'), t('action'), t('actor'), t('details')],
      custody.items.map((e) => [String(e.seq), dateTime(e.at), tx(`custody.${e.action}`), e.actor, detailText(e.details)]))),
    section(t('auditTrail'), auditBox),
  ];
}
