import { personLabel } from '../../core/display';
import type { AuditEvent } from './api';
import { lang } from './i18n';

/** Sizes read the same on the page as in the dock's status and the cover sheet. */
export { humanBytes as bytes } from '../../core/bytes';

const dash = '—';

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return dash;
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
}

/** 75.3 → "1:15"; with tenths for bookmarks → "1:15.3". */
export function clock(seconds: number, tenths = false): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const sec = tenths ? rest.toFixed(1).padStart(4, '0') : String(Math.floor(rest)).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Recorder minus station clock, e.g. "+3.2 s". */
export function skew(ms: number | null): string {
  if (ms === null) return dash;
  return `${ms > 0 ? '+' : ms < 0 ? '−' : '±'}${(Math.abs(ms) / 1000).toFixed(1)} s`;
}

/** ISO time → the value of an <input type="datetime-local"> in the browser's zone, and back. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
export const fromLocalInput = (value: string): string => new Date(value).toISOString();

/** A person as the page names them: display name with 警号 ("李娜（警号 310001）"); the login name when the account has no display name. */
export function person(login: string, displayName: string | null | undefined, officerNo: string | null | undefined): string {
  if (lang() !== 'en' || !officerNo) return personLabel({ name: login, displayName, officerNo });
  return `${displayName?.trim() || login} (No. ${officerNo})`;
}
/** Who did it, as people know them. */
export const auditActor = (e: AuditEvent): string => person(e.actorName, e.actorDisplayName, e.actorOfficerNo);
