import { ApiError, answer, client, type BayOffload, type StationStatus } from '../api';
import { problemNote } from '../problems';
import { h } from '../dom';
import { bytes, dateTime } from '../format';
import { t } from '../i18n';
import { can, type View } from '../view';

const REFRESH_MS = 5_000;

function progress(o: BayOffload): Node[] {
  const label = t('offloadProgress', { verified: o.files.verified, total: o.files.total, done: bytes(o.bytes.done), size: bytes(o.bytes.total) });
  return [h('progress', { max: Math.max(o.bytes.total, 1), value: o.bytes.done, 'aria-label': label }), h('span', {}, ` ${label}`)];
}

function render(status: StationStatus, units: Map<string, { name: string }>): Node[] {
  const unit = (id: string | null) => (id && units.get(id)?.name) ?? '—';
  const stations = status.stations.length === 0
    ? [h('p', { class: 'muted' }, t('noStations'))]
    : status.stations.map((s) => h('section', { class: 'panel', 'aria-label': s.name },
      h('h2', {}, s.name === s.code ? s.name : `${s.name} (${s.code})`),
      h('p', { class: 'muted' }, `${t('unit')}: ${unit(s.unitId)} · ${t('lastSeen')}: ${dateTime(s.lastSeenAt)}`),
      h('table', {},
        h('caption', { class: 'visually-hidden' }, t('baysOf', { station: s.name })),
        h('thead', {}, h('tr', {}, [t('bay'), t('recorder'), t('officerNo'), t('dockedAt'), t('progress')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, s.bays.map((b) => h('tr', {},
          h('td', {}, String(b.number)),
          h('td', {}, b.offload?.recorderSerial ?? t('bayIdle')),
          h('td', {}, b.offload?.officerNo ?? '—'),
          h('td', {}, dateTime(b.offload?.openedAt)),
          h('td', {}, b.offload ? progress(b.offload) : '—'),
        ))),
      ),
    ));
  const overdue = status.overdueRecorders;
  return [
    ...stations,
    h('section', { class: 'panel', 'aria-label': t('overdueTitle', { hours: status.overdueAfterHours }) },
      h('h2', {}, t('overdueTitle', { hours: status.overdueAfterHours })),
      overdue.length === 0 ? h('p', { class: 'muted' }, t('noOverdue')) : h('table', {},
        h('caption', { class: 'visually-hidden' }, t('overdueTitle', { hours: status.overdueAfterHours })),
        h('thead', {}, h('tr', {}, [t('recorder'), t('officerNo'), t('unit'), t('lastDocked'), t('hoursSince')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, overdue.map((r) => h('tr', { class: 'warn' },
          h('td', {}, r.serial), h('td', {}, r.officerNo ?? '—'), h('td', {}, unit(r.unitId)), h('td', {}, r.lastDockedAt ? dateTime(r.lastDockedAt) : t('neverDocked')),
          h('td', {}, r.hoursSinceDocked === null ? '—' : r.hoursSinceDocked.toFixed(1)),
        ))),
      ),
    ),
    h('p', { class: 'muted' }, t('updatedAtTime', { time: dateTime(status.generatedAt) })),
  ];
}

/** Stations, bays with live offload progress, and recorders not docked within the deadline; refreshed every 5 s. */
export async function stationsPage(view: View): Promise<Node[]> {
  const units = await view.units();
  const body = h('div', {});
  async function refresh() {
    try {
      body.replaceChildren(...render(await answer(client.GET('/api/stations', { signal: view.signal })), units));
    } catch (error) {
      if (view.signal.aborted) return;
      // Refreshing goes on every 5 s: a platform that cannot be reached clears by itself.
      body.replaceChildren(error instanceof ApiError && (error.status === 403 || error.status === 404)
        ? h('p', { class: 'note', role: 'status' }, t('stationsUnavailable'))
        : problemNote(error));
    }
  }
  await refresh();
  const timer = window.setInterval(() => void refresh(), REFRESH_MS);
  view.signal.addEventListener('abort', () => clearInterval(timer));
  return [h('h1', {}, t('navStations')), ...(await expiringLine(view)), body];
}

const EXPIRING_DAYS = 30;

/** Retention warning (issue 14): what of the caller's units expires within 30 days and is not held or linked. */
async function expiringLine(view: View): Promise<Node[]> {
  if (!can(view.me, 'retention.expiring')) return [];
  const found = await answer(client.GET('/api/retention/expiring', { params: { query: { days: EXPIRING_DAYS } }, signal: view.signal })).catch(() => null);
  if (!found) return [];
  const text = t('expiringSoon', { days: EXPIRING_DAYS, count: found.totals.count, size: bytes(found.totals.bytes, 'GB') });
  // A status line, not a link: the list behind it (to hold or link what expires) comes with the admin pages.
  return [h('p', { id: 'expiring', class: found.totals.count > 0 ? 'note' : 'muted', role: 'status' }, text)];
}
