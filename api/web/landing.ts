/**
 * Where each role's work is (issue 15 item 6): the page a user lands on, the pages a role has no business
 * on, and how people are named. Pure: no DOM, no texts, so tests/unit/web-landing.test.ts can table it.
 */
import type { Me } from './api';

type Who = Pick<Me, 'role' | 'actions'>;

/** The page a user starts on: their own work, not a police evidence search for everyone. */
export function landingFor(me: Who): string {
  switch (me.role) {
    case 'complainant':
      return '/my-reports';
    case 'handler':
      return '/home';
    case 'unit_head':
    case 'overseer':
      return '/units';
    case 'auditor':
      return '/audit';
    case 'admin':
      return '/admin';
    default:
      return '/evidence';
  }
}

/** Whether footage search is for the user at all: a complainant never sees it, whatever the API would answer. */
export const searchesEvidence = (me: Who) => me.role !== 'complainant' && me.actions.includes('evidence.search');

/** Where to send a user instead of `pathname`; null: render it. */
export function redirectFor(me: Who, pathname: string): string | null {
  if (pathname === '/') return landingFor(me);
  if (!searchesEvidence(me) && (pathname === '/evidence' || pathname.startsWith('/evidence/'))) return landingFor(me);
  // A complainant's cases are 我的举报; the staff case list is not theirs.
  if (me.role === 'complainant' && pathname === '/cases') return landingFor(me);
  return null;
}

/** After signing in: the page they asked for (a path on this site only), else their landing page. */
export function afterLogin(me: Who, next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : landingFor(me);
}

/** Seconds to wait before the next try while the platform cannot be reached: 2, 4, 8, … at most 30. */
export const retryDelaySeconds = (attempt: number) => Math.min(30, 2 ** (Math.max(0, attempt) + 1));
