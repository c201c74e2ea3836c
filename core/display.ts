/**
 * How people and times are written for people to read: the same on the web pages, in the audit CSV
 * and on an export's cover sheet.
 */

/** A person by display name with 警号 where they have one ("李娜（警号 310123）"), else by login or token name. */
export function personLabel(p: { name: string; displayName?: string | null; officerNo?: string | null }): string {
  const name = p.displayName?.trim() || p.name;
  return p.officerNo ? `${name}（警号 ${p.officerNo}）` : name;
}

/** Beijing time (UTC+8) for people, e.g. "2026-05-01 16:00:00"; manifests and the API keep exact UTC instants. */
export function beijingTime(iso: string | null): string {
  if (!iso) return '—';
  const t = new Date(Date.parse(iso) + 8 * 3600_000);
  return Number.isNaN(t.getTime()) ? iso : `${t.toISOString().slice(0, 19).replace('T', ' ')}`;
}
