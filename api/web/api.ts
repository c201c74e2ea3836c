/** The API as the page sees it: same-origin fetches carrying the session cookie, problems as errors. */

export type PlaybackState = 'queued' | 'processing' | 'ready' | 'unplayable' | 'failed';
export const PLAYBACK_STATES: readonly PlaybackState[] = ['queued', 'processing', 'ready', 'unplayable', 'failed'];
export const CASE_STATES = ['立案', '办理中', '结案', '移送'] as const;

/** The signed-in user; `actions` are what the permission table lets them do, `workUnits` where (null: every unit). */
export interface Me { id: string; name: string; role: string; unitId: string | null; officerNo: string | null; oversees: string[]; actions: string[]; workUnits: string[] | null }
export interface Unit { id: string; code: string; name: string }
export interface Page<T> { items: T[]; nextCursor: string | null }

export interface Evidence {
  id: string;
  sha256: string;
  sm3: string;
  size: number;
  originalName: string;
  officerNo: string | null;
  deviceSerial: string;
  unitId: string | null;
  recordedAt: string | null;
  stationTime: string | null;
  receivedAt: string;
  clockSkewMs: number | null;
  important: boolean;
  playbackState: PlaybackState;
}
export interface Derivative { kind: string; href: string; mimeType: string; files: { name: string; href: string }[] }
export interface CaseRef { id: string; number: string; title: string; state: string }
export interface EvidenceDetail extends Evidence {
  playback: { state: PlaybackState; reason?: string; progress: number; derivatives: Derivative[] };
  timestamp: { state: 'pending' | 'stamped'; time?: string; authority?: string } | null;
  cases: CaseRef[];
}
export interface CustodyEvent { seq: number; action: string; actor: string; at: string; details: Record<string, unknown> }
export interface Bookmark { id: string; offsetMs: number; label: string; author: string; createdAt: string }
export interface AuditEvent { seq: number; at: string; actorName: string; role: string | null; action: string; client: string | null; outcome: string }
/** A complainant gets only id, number, title, state and updatedAt. */
export interface Case extends CaseRef { updatedAt: string; description?: string | null; unitId?: string; evidenceCount?: number }

export interface BayOffload {
  sessionId: string;
  recorderSerial: string;
  officerNo: string | null;
  openedAt: string;
  files: { total: number; verified: number; receiving: number; rejected: number };
  bytes: { total: number; done: number };
}
export interface StationStatus {
  generatedAt: string;
  overdueAfterHours: number;
  stations: { id: string; code: string; name: string; unitId: string | null; lastSeenAt: string | null; bays: { number: number; offload: BayOffload | null }[] }[];
  overdueRecorders: { serial: string; officerNo: string | null; unitId: string | null; lastDockedAt: string | null; hoursSinceDocked: number | null }[];
}

export interface Usage { count: number; bytes: number }
export interface UsageSplit { originals: Usage; derivatives: Usage }
/** GET /api/storage */
export interface StorageReport {
  asOf: string;
  totals: UsageSplit;
  byCategory: ({ code: string; category: string; days: number | null } & UsageSplit)[];
  byUnit: ({ unitId: string | null; unitName: string | null } & UsageSplit)[];
  byMonth: ({ month: string } & UsageSplit)[];
  growth: { days: number } & UsageSplit;
  projection: { days: number; originalsBytes: number; derivativesBytes: number; bytes: number };
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail?: string) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

let onUnauthorized: () => void = () => {};
/** What to do when the session has ended (the router sends the user to the login page). */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

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
