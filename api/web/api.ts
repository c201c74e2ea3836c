/**
 * The API as the page sees it: the typed client generated from /api/openapi.json (api/client), same-origin
 * calls carrying the session cookie, problems as errors. The types below are the document's, by name.
 */
import { ApiProblem as ApiError, apiClient, type Answer, type paths } from '../client';

export { ApiProblem as ApiError, answer } from '../client';

type CaseAnswer = paths['/api/cases/{id}']['get']['responses'][200]['content']['application/json'];

/** The signed-in user; `actions` are what the permission table lets them do, `workUnits` where (null: every unit). */
export type Me = Answer<'getMe'>;
export type Unit = Answer<'listUnits'>['items'][number];
export interface Page<T> { items: T[]; nextCursor: string | null }
export type Evidence = Answer<'searchEvidence'>['items'][number];
export type PlaybackState = Evidence['playbackState'];
export type EvidenceDetail = Answer<'getEvidence'>;
export type Derivative = EvidenceDetail['playback']['derivatives'][number];
export type CaseRef = EvidenceDetail['cases'][number];
export type CustodyEvent = Answer<'listCustodyEvents'>['items'][number];
export type Bookmark = Answer<'listBookmarks'>['items'][number];
export type Still = Answer<'listStills'>['items'][number];
export type AuditEvent = Answer<'searchAudit'>['items'][number];
/** A complainant gets only id, number, title, state and updatedAt: the other fields read as absent. */
export type Case = CaseAnswer & Partial<Extract<CaseAnswer, { evidenceCount: number }>>;
export type StationStatus = Answer<'getStationStatus'>;
export type BayOffload = NonNullable<StationStatus['stations'][number]['bays'][number]['offload']>;

export const PLAYBACK_STATES: readonly PlaybackState[] = ['queued', 'processing', 'ready', 'unplayable', 'failed'];
export const CASE_STATES = ['立案', '办理中', '结案', '移送'] as const;
export type StorageReport = Answer<'getStorageReport'>;
export type UsageSplit = StorageReport['totals'];
export type Usage = UsageSplit['originals'];

let onUnauthorized: () => void = () => {};
/** What to do when the session has ended (the router sends the user to the login page). */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/** The typed client; a 401 (but a failed login) sends the user to the login page. */
export const client = apiClient();
client.use({
  onResponse({ request, response }) {
    if (response.status === 401 && new URL(request.url).pathname !== '/api/auth/login') onUnauthorized();
  },
});

/** A call by path, for pages not yet moved to the typed client (the case pages). */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) {
    const problem = (body ?? {}) as { title?: string; detail?: string };
    if (res.status === 401 && path !== '/api/auth/login') onUnauthorized();
    throw new ApiError(res.status, problem.title ?? res.statusText, problem.detail);
  }
  return body as T;
}

/** A query string from the set values only. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
