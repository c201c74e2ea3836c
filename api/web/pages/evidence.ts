import { ApiError, answer, client, type Bookmark, type Still } from '../api';
import { formValues, h } from '../dom';
import { auditActor, bytes, clock, dateTime, person, skew } from '../format';
import { t, texts, tx } from '../i18n';
import { can, type View } from '../view';
import { createPlayer, type Player } from '../player';
import { frameStartMs } from '../player-controls';
import { explain, problemNote } from '../problems';

const m = texts({
  edit: '编辑',
  editBookmark: '编辑书签“{label}”',
  editLabel: '新的书签说明',
  save: '保存',
  cancel: '取消',
  delete: '删除',
  deleteBookmark: '删除书签“{label}”',
  confirmDelete: '确定删除这个书签吗？删除后列表中不再显示，审计记录仍保留其内容。',
  confirmDeleteButton: '确认删除',
  bookmarkSaved: '书签已修改。',
  bookmarkDeleted: '书签已删除。',
  stills: '画面截图',
  capture: '截取画面',
  captureHint: '截取播放器当前位置的画面，另存为截图；原始录像不会被改动。',
  capturing: '正在截取 {at} 的画面…',
  captured: '已截取 {at} 的画面。',
  captureFailed: '截取 {at} 的画面失败。',
  pastEnd: '该时间点超出了录像的长度。',
  noStills: '还没有截图。',
  stillAt: '{at} 的画面',
  stillTime: '画面时间',
  jumpToStill: '跳转到 {at}',
  stillBy: '{who} 截取于 {when}',
  stillQueued: '正在截取…',
  stillFailed: '截取失败',
  stillGone: '截图已随录像处置删除',
  download: '下载',
  downloadStill: '下载 {at} 的截图',
}, {
  edit: 'Edit',
  editBookmark: 'Edit bookmark “{label}”',
  editLabel: 'New bookmark note',
  save: 'Save',
  cancel: 'Cancel',
  delete: 'Delete',
  deleteBookmark: 'Delete bookmark “{label}”',
  confirmDelete: 'Delete this bookmark? It leaves the list; the audit trail keeps what it said.',
  confirmDeleteButton: 'Delete it',
  bookmarkSaved: 'Bookmark changed.',
  bookmarkDeleted: 'Bookmark deleted.',
  stills: 'Still frames',
  capture: 'Capture frame',
  captureHint: 'Saves the frame at the player\'s position as a separate picture; the original recording is not changed.',
  capturing: 'Capturing the frame at {at}…',
  captured: 'Captured the frame at {at}.',
  captureFailed: 'Could not capture the frame at {at}.',
  pastEnd: 'That moment lies past the end of the recording.',
  noStills: 'No still frames yet.',
  stillAt: 'Frame at {at}',
  stillTime: 'Frame at',
  jumpToStill: 'Jump to {at}',
  stillBy: 'by {who}, {when}',
  stillQueued: 'Capturing…',
  stillFailed: 'Capture failed',
  stillGone: 'Deleted with the recording\'s disposal',
  download: 'Download',
  downloadStill: 'Download the frame at {at}',
});

/** How often the page looks for a still the worker is still taking. */
const STILL_POLL_MS = 1000;
const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

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

  const requestRendition = () => answer(client.POST('/api/evidence/{id}/renditions', { params: { path: { id } }, body: { codec: 'h264' }, signal: view.signal }));
  const player: Player | null = item.playback.state === 'ready'
    ? createPlayer(item.playback.derivatives, item.playback.frameRate, view.signal, () => void loadAudit(), { passthrough: item.playback.passthrough, requestRendition })
    : null;

  const bookmarkList = h('ol', { class: 'bookmarks' });
  async function loadBookmarks() {
    const { items } = await answer(client.GET('/api/evidence/{id}/bookmarks', { params: { path: { id } }, signal: view.signal }));
    bookmarkList.replaceChildren(...(items.length === 0 ? [h('li', { class: 'muted' }, t('noBookmarks'))] : items.map(bookmarkItem)));
    player?.setMarkers(items.map((b) => b.offsetMs / 1000));
  }
  /** A bookmark: jump to it; its author may edit or delete it (the API refuses anyone else). */
  function bookmarkItem(b: Bookmark): HTMLLIElement {
    const at = clock(b.offsetMs / 1000, true);
    const li = h('li', {});
    const show = (...extra: Node[]) => li.replaceChildren(
      h('button', { type: 'button', class: 'link', disabled: !player, 'aria-label': t('jumpTo', { at, label: b.label }), onclick: () => player?.seek(b.offsetMs / 1000) }, h('span', { class: 'at' }, at), ' ', b.label),
      h('span', { class: 'muted' }, ` · ${person(b.author, b.authorDisplayName, b.authorOfficerNo)}`),
      ...(mine ? [h('span', { class: 'row-actions' }, edit, remove)] : []),
      ...extra,
    );
    const mine = b.authorId !== null && b.authorId === view.me.id && can(view.me, 'evidence.bookmark');
    const edit = h('button', { type: 'button', class: 'small', 'aria-label': m('editBookmark', { label: b.label }), onclick: () => editing() }, m('edit'));
    const remove = h('button', { type: 'button', class: 'small danger', 'aria-label': m('deleteBookmark', { label: b.label }), onclick: () => confirming() }, m('delete'));
    const failed = (error: unknown) => show(problemNote(error));
    function editing() {
      const form: HTMLFormElement = h('form', { class: 'inline', onsubmit: async (event) => {
        event.preventDefault();
        try {
          await answer(client.PATCH('/api/evidence/{id}/bookmarks/{bookmarkId}', { params: { path: { id, bookmarkId: b.id } }, body: { label: formValues(form).label ?? '' } }));
          announce.textContent = m('bookmarkSaved');
          await loadBookmarks();
        } catch (error) {
          failed(error);
        }
      } },
        h('label', {}, m('editLabel'), h('input', { name: 'label', required: true, maxlength: 500, value: b.label })),
        h('button', { type: 'submit' }, m('save')),
        h('button', { type: 'button', class: 'secondary', onclick: () => show() }, m('cancel')),
      );
      li.replaceChildren(h('span', { class: 'at' }, at), ' ', form);
      form.querySelector('input')?.focus();
    }
    function confirming() {
      const yes = h('button', { type: 'button', class: 'danger', onclick: async () => {
        try {
          await answer(client.DELETE('/api/evidence/{id}/bookmarks/{bookmarkId}', { params: { path: { id, bookmarkId: b.id } } }));
          announce.textContent = m('bookmarkDeleted');
          await loadBookmarks();
        } catch (error) {
          failed(error);
        }
      } }, m('confirmDeleteButton'));
      show(h('div', { class: 'confirm', role: 'group', 'aria-label': m('deleteBookmark', { label: b.label }) },
        h('span', {}, m('confirmDelete')), yes, h('button', { type: 'button', class: 'secondary', onclick: () => { show(); remove.focus(); } }, m('cancel'))));
      yes.focus();
    }
    show();
    return li;
  }

  const stillList = h('ul', { class: 'stills' });
  async function loadStills(): Promise<Still[]> {
    const { items } = await answer(client.GET('/api/evidence/{id}/stills', { params: { path: { id } }, signal: view.signal }));
    stillList.replaceChildren(...(items.length === 0 ? [h('li', { class: 'muted' }, m('noStills'))] : items.map((still) => {
      const at = clock(still.atMs / 1000, true);
      return h('li', {},
        still.file
          ? h('a', { href: still.file.href, target: '_blank', rel: 'noopener' }, h('img', { src: still.file.href, alt: m('stillAt', { at }), width: 160, height: 90 }))
          : h('span', { class: `still-placeholder ${still.state}` }, { queued: m('stillQueued'), failed: m('stillFailed'), ready: m('stillGone') }[still.state]),
        h('div', {},
          h('div', {}, m('stillTime'), ' ', h('button', { type: 'button', class: 'link', disabled: !player, 'aria-label': m('jumpToStill', { at }), onclick: () => player?.seek(still.atMs / 1000) }, h('span', { class: 'at' }, at))),
          h('div', { class: 'muted' }, m('stillBy', { who: person(still.requestedBy, still.requestedByDisplayName, still.requestedByOfficerNo), when: dateTime(still.requestedAt) })),
          still.file && h('a', { href: still.file.href, download: `${item.originalName.replace(/\.[^.]+$/, '')}-${at.replace(/:/g, '-')}.png`, 'aria-label': m('downloadStill', { at }) }, m('download')),
        ),
      );
    })));
    return items;
  }
  const captureButton = player && can(view.me, 'evidence.still') && h('button', { type: 'button', onclick: () => void capture() }, m('capture'));
  async function capture() {
    if (!player) return;
    player.element.querySelector('video')?.pause();
    // The last frame at most: at the very end the position is past it.
    const seconds = Math.min(player.currentTime(), Math.max(0, player.duration() - 1 / player.frameRate));
    const atMs = frameStartMs(seconds, player.frameRate);
    const at = clock(atMs / 1000, true);
    try {
      const still = await answer(client.POST('/api/evidence/{id}/stills', { params: { path: { id } }, body: { atMs } }));
      announce.textContent = m('capturing', { at });
      for (let items = await loadStills(); !view.signal.aborted; items = await loadStills()) {
        const state = items.find((s) => s.id === still.id)?.state;
        if (state !== 'queued') {
          announce.textContent = state === 'ready' ? m('captured', { at }) : m('captureFailed', { at });
          return await loadCustody(); // the capture is a custody event
        }
        await sleep(STILL_POLL_MS, view.signal);
      }
    } catch (error) {
      if (!view.signal.aborted) announce.textContent = explain(error, { 422: m('pastEnd') }).message;
    }
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

  const custodyBox = h('div', {});
  async function loadCustody() {
    const custody = await answer(client.GET('/api/evidence/{id}/custody', { params: { path: { id } }, signal: view.signal }));
    custodyBox.replaceChildren(table(t('custodyTrail'), [t('seq'), t('time'), t('action'), t('actor'), t('details')],
      custody.items.map((e) => [String(e.seq), dateTime(e.at), tx(`custody.${e.action}`), person(e.actor, e.actorDisplayName, e.actorOfficerNo), detailText(e.details)])));
  }
  await Promise.all([loadCustody(), loadBookmarks(), loadStills(), loadAudit()]);

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
        section(m('stills'), captureButton && h('p', { class: 'capture' }, captureButton, ' ', h('span', { class: 'muted' }, m('captureHint'))), stillList),
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
    section(t('custodyTrail'), custodyBox),
    section(t('auditTrail'), auditBox),
  ];
}
