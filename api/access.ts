import { PUBLIC } from '../core/http';
import type { Principal } from '../core/principal';
import { ROLES, type Role } from '../schema/db';

export type { Principal };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route does: a row of ACTIONS, enforced by the shell (core/http.ts), or PUBLIC. */
    action: Action | typeof PUBLIC;
  }
}

/** The route groups an API token may be limited to (POST /api/tokens `scopes`); empty means all its role allows. */
export const TOKEN_SCOPES = ['ingest', 'evidence', 'cases', 'audit', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Which scope rule below limits the objects of an action; null when it touches no scoped objects. */
type Objects = 'evidence' | 'cases' | 'audit' | 'units' | null;

interface Rule {
  /** The roles that may do it at all; their scope then decides which objects they do it to. */
  roles: readonly Role[];
  /** The token scope that covers it; null: no scoped token may. */
  token: TokenScope | null;
  objects: Objects;
}

const EVERYONE = ROLES;
/** Everyone but the station credential: case reads (a complainant sees the cases they reported). */
const PEOPLE = ['handler', 'unit_head', 'overseer', 'auditor', 'complainant', 'admin'] as const;
/** The people who work with evidence. */
const STAFF = ['handler', 'unit_head', 'overseer', 'auditor', 'admin'] as const;
/** Who opens, changes and links cases. */
const CASE_WORKERS = ['handler', 'unit_head', 'overseer', 'admin'] as const;

/**
 * THE permission table: every action a route or a handler decision needs, the roles that may do
 * it, the token scope that covers it, and the scope rule that limits its objects. No role list
 * exists anywhere else; routes name their action in `config.action`.
 */
export const ACTIONS = {
  // Evidence: every role may ask; the evidence scope decides what exists for them (a complainant or a station: nothing).
  'evidence.search': { roles: EVERYONE, token: 'evidence', objects: 'evidence' },
  'evidence.read': { roles: EVERYONE, token: 'evidence', objects: 'evidence' },
  'evidence.custody': { roles: EVERYONE, token: 'evidence', objects: 'evidence' },
  /** The exact bytes that left the recorder. */
  'evidence.original': { roles: EVERYONE, token: 'evidence', objects: 'evidence' },
  /** Browser derivatives: video, playlist, poster, thumbnails. */
  'evidence.stream': { roles: EVERYONE, token: 'evidence', objects: 'evidence' },
  'evidence.bookmarks': { roles: EVERYONE, token: 'evidence', objects: 'evidence' },
  'evidence.bookmark': { roles: STAFF, token: 'evidence', objects: 'evidence' },
  /** Still frames captured from a recording: listing them, and capturing one (a derivative; the original is only read). */
  'evidence.stills': { roles: EVERYONE, token: 'evidence', objects: 'evidence' },
  'evidence.still': { roles: STAFF, token: 'evidence', objects: 'evidence' },
  /** Learn how many linked cases one cannot see (a handler learns nothing of them). */
  'evidence.hidden-cases': { roles: ['unit_head', 'overseer', 'auditor', 'admin'], token: 'evidence', objects: 'evidence' },
  /** The work queue of footage no unit can see, and giving a file its unit. */
  'evidence.unassigned': { roles: ['admin'], token: 'admin', objects: null },
  'evidence.assign-unit': { roles: ['admin'], token: 'admin', objects: null },

  'case.search': { roles: PEOPLE, token: 'cases', objects: 'cases' },
  'case.read': { roles: PEOPLE, token: 'cases', objects: 'cases' },
  /** In a unit the caller works in or supervises. */
  'case.create': { roles: CASE_WORKERS, token: 'cases', objects: 'units' },
  'case.update': { roles: CASE_WORKERS, token: 'cases', objects: 'cases' },
  'case.link': { roles: CASE_WORKERS, token: 'cases', objects: 'cases' },
  'case.unlink': { roles: CASE_WORKERS, token: 'cases', objects: 'cases' },
  /** Who changed a case's stage, fields, handlers and links; and its footage grouped by stage. Not a complainant's: they see the status. */
  'case.history': { roles: STAFF, token: 'cases', objects: 'cases' },
  'case.footage': { roles: STAFF, token: 'cases', objects: 'cases' },
  /** Take a case out of 结案 or 移送 (api/case-stages.ts), in the unit one heads; an admin anywhere. */
  'case.reopen': { roles: ['unit_head', 'admin'], token: 'cases', objects: 'units' },
  /** The stages a unit's cases must have footage of: read by whoever reads the unit's cases, set by its head, overseers, admins. */
  'unit.recording-rules.read': { roles: STAFF, token: 'cases', objects: 'units' },
  'unit.recording-rules.write': { roles: ['unit_head', 'overseer', 'admin'], token: 'cases', objects: 'units' },
  /** Choose a case's handlers (they see the case and its files): for the unit's head, its overseers, admins. */
  'case.assign': { roles: ['unit_head', 'overseer', 'admin'], token: 'cases', objects: 'units' },

  'export.create': { roles: STAFF, token: 'cases', objects: 'cases' },
  /** A case's exports and their status. */
  'export.read': { roles: STAFF, token: 'cases', objects: 'cases' },
  'export.download': { roles: STAFF, token: 'cases', objects: 'cases' },
  /** The public key court packages are signed with. */
  'export.signing-key': { roles: EVERYONE, token: null, objects: null },

  'audit.read': { roles: ['auditor', 'admin', 'unit_head'], token: 'audit', objects: 'audit' },
  'audit.verify': { roles: ['auditor', 'admin'], token: 'audit', objects: null },
  'audit.cross-check': { roles: ['auditor', 'admin'], token: 'audit', objects: null },
  /** How far behind trusted time-stamping is. */
  'audit.timestamps': { roles: ['auditor', 'admin'], token: 'audit', objects: null },
  'fixity.read': { roles: ['auditor', 'admin'], token: 'audit', objects: null },
  'fixity.run': { roles: ['auditor', 'admin'], token: 'audit', objects: null },
  /** Storage used by category, unit and month, and its projection (sizes only, across every unit). */
  'storage.read': { roles: ['overseer', 'auditor', 'admin'], token: 'audit', objects: null },

  /** Retention (issue 14): categories, the due list, disposal requests and category changes. */
  'retention.read': { roles: ['overseer', 'auditor', 'admin'], token: 'admin', objects: null },
  /** Categories and per-unit case retention; a shortening waits for a second person. */
  'retention.configure': { roles: ['admin'], token: 'admin', objects: null },
  'retention.request': { roles: ['admin'], token: 'admin', objects: null },
  /** The second person of a disposal or a shortening (never its requester), and cancelling before it runs. */
  'retention.approve': { roles: ['overseer', 'admin'], token: 'admin', objects: null },
  /** Put a recording one can see in an equal or longer category (e.g. 执法异常). */
  'retention.classify': { roles: STAFF, token: 'evidence', objects: 'evidence' },
  /** Holds on recordings and cases in one's scope, and what of one's units expires soon. */
  'retention.hold': { roles: ['unit_head', 'overseer', 'auditor', 'admin'], token: 'evidence', objects: 'evidence' },
  'retention.expiring': { roles: ['unit_head', 'overseer', 'auditor', 'admin'], token: 'evidence', objects: 'units' },

  /** Docking stations, their bays' offloads and overdue recorders, of the units one works in or supervises. */
  'station.status': { roles: STAFF, token: 'evidence', objects: 'units' },
  /** Unit names are not secret: the page needs them. */
  'unit.list': { roles: STAFF, token: 'cases', objects: null },
  'unit.create': { roles: ['admin'], token: 'admin', objects: null },
  'user.list': { roles: ['admin'], token: 'admin', objects: null },
  'user.create': { roles: ['admin'], token: 'admin', objects: null },
  'user.unlock': { roles: ['admin'], token: 'admin', objects: null },
  'recorder.bind': { roles: ['admin'], token: 'admin', objects: null },
  'token.create': { roles: ['admin'], token: 'admin', objects: null },
  'token.revoke': { roles: ['admin'], token: 'admin', objects: null },
  /** Administration (issue 15): change an account, set its password, list recorders and tokens, bind a station to a unit. */
  'user.update': { roles: ['admin'], token: 'admin', objects: null },
  'user.password': { roles: ['admin'], token: 'admin', objects: null },
  'recorder.list': { roles: ['admin'], token: 'admin', objects: null },
  'station.bind': { roles: ['admin'], token: 'admin', objects: null },
  'token.list': { roles: ['admin'], token: 'admin', objects: null },

  /** Webhooks (issue 13): receivers of the events the creator's scope covers; a supervisor manages their own, an admin every one. */
  'webhook.manage': { roles: ['unit_head', 'overseer', 'admin'], token: 'cases', objects: 'units' },
  /** The pull feed of platform events, of the objects the caller may read (staff and system accounts). */
  'event.read': { roles: STAFF, token: 'cases', objects: null },

  'auth.me': { roles: EVERYONE, token: null, objects: null },
  'auth.logout': { roles: EVERYONE, token: null, objects: null },

  /** Supervision figures, their rows and the report (issue 16): unit heads of their unit, overseers of theirs, auditors and admins of all. */
  'supervision.read': { roles: ['unit_head', 'overseer', 'auditor', 'admin'], token: 'audit', objects: 'units' },

  /** The dock offload protocol: open and close sessions, upload, complete. */
  'ingest.upload': { roles: ['station', 'admin'], token: 'ingest', objects: null },
  /** Continue any dock's sessions and uploads, not only one's own (an administrator standing in for a station). */
  'ingest.every-dock': { roles: ['admin'], token: 'ingest', objects: null },
  /** Only the station that holds the recorder reports that it deleted the file there. */
  'ingest.purge': { roles: ['station'], token: 'ingest', objects: null },

  /** Sample reviews (抽查, issue 16): drawn and scored by overseers (units they oversee) and auditors (all); read also by the unit's head. */
  'review.create': { roles: ['overseer', 'auditor'], token: 'audit', objects: 'units' },
  'review.score': { roles: ['overseer', 'auditor'], token: 'audit', objects: 'units' },
  'review.read': { roles: ['unit_head', 'overseer', 'auditor', 'admin'], token: 'audit', objects: 'units' },
  /** Rubrics are shared by every unit; an edit makes a new version and leaves scores given as they were. */
  'review.rubrics.read': { roles: ['unit_head', 'overseer', 'auditor', 'admin'], token: 'audit', objects: null },
  'review.rubrics.write': { roles: ['overseer', 'auditor'], token: 'audit', objects: null },
  /** Supervision reminders (监督提醒, issue 16): issued, returned and closed by supervisors, answered by the unit's head. */
  'reminder.issue': { roles: ['overseer', 'auditor'], token: 'cases', objects: 'units' },
  'reminder.read': { roles: ['unit_head', 'overseer', 'auditor', 'admin'], token: 'cases', objects: 'units' },
  'reminder.respond': { roles: ['unit_head'], token: 'cases', objects: 'units' },
  'reminder.decide': { roles: ['overseer', 'auditor'], token: 'cases', objects: 'units' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof ACTIONS;

const isAction = (name: string): name is Action => Object.hasOwn(ACTIONS, name);

/** What a route may name in `config.action`: a row of the table, or PUBLIC (checked when the server starts). */
export const declarable = (name: string | undefined): boolean => name === PUBLIC || (name !== undefined && isAction(name));

/** Whether the table lets the role do the action (to objects its scope allows). */
const roleMay = (role: Role, action: Action): boolean => (ACTIONS[action].roles as readonly Role[]).includes(role);

/** Why the caller may not do the action (its role, then a token's scopes), or undefined when they may. */
export function refusal(p: Principal, action: string | undefined): string | undefined {
  if (action === undefined || !isAction(action) || !roleMay(p.role, action)) return `the ${p.role} role may not do this`;
  const token: TokenScope | null = ACTIONS[action].token;
  if (p.scopes.length > 0 && !(token && p.scopes.includes(token))) return `this token is limited to: ${p.scopes.join(', ')}`;
  return undefined;
}

export const permits = (p: Principal, action: Action): boolean => refusal(p, action) === undefined;

/** What the caller may do to something: allowed by the table, with a scope that is not empty (GET /api/auth/me). */
export function allowedActions(p: Principal): Action[] {
  const empty: Record<Exclude<Objects, null>, () => boolean> = {
    evidence: () => evidenceScope(p).kind === 'none',
    cases: () => caseScope(p).kind === 'none',
    audit: () => auditScope(p).kind === 'none',
    units: () => unitScope(p).kind === 'none',
  };
  return (Object.keys(ACTIONS) as Action[]).filter((a) => {
    const objects: Objects = ACTIONS[a].objects;
    return permits(p, a) && !(objects && empty[objects]());
  });
}

/**
 * Who may see what: pure decisions from the caller's identity, never from ids the client sent.
 * The data layer turns a scope into WHERE clauses (api/scoped.ts); every route goes through it.
 */
export type UnitScope = { kind: 'all' } | { kind: 'none' } | { kind: 'units'; unitIds: string[] };

export type EvidenceScope =
  | UnitScope
  /** A case handler: what they recorded, and what is linked to cases they handle. */
  | { kind: 'handler'; userId: string; officerNo: string | null };

const NONE = { kind: 'none' } as const;

/** What follows from the supervision level alone; undefined for roles scoped to their own work. */
function supervised(p: Principal): UnitScope | undefined {
  switch (p.role) {
    case 'admin':
    case 'auditor':
      return { kind: 'all' };
    case 'unit_head':
      return p.unitId ? { kind: 'units', unitIds: [p.unitId] } : NONE;
    case 'overseer':
      return { kind: 'units', unitIds: p.oversees };
    case 'station':
      return NONE;
    case 'handler':
    case 'complainant':
      return undefined;
  }
}

/** What an account of the role needs for its scope to mean anything: its unit, or the units in its charge. */
export function accountNeeds(role: Role): 'unit' | 'oversees' | null {
  return role === 'handler' || role === 'unit_head' ? 'unit' : role === 'overseer' ? 'oversees' : null;
}

/** The units the caller works in or supervises: where they open cases, assign handlers, watch stations. */
export function unitScope(p: Principal): UnitScope {
  return supervised(p) ?? (p.unitId ? { kind: 'units', unitIds: [p.unitId] } : NONE);
}

/** The unit ids of a scope; null for every unit. */
export function unitIdsOf(scope: UnitScope): string[] | null {
  return scope.kind === 'all' ? null : scope.kind === 'units' ? scope.unitIds : [];
}

export function covers(scope: UnitScope, unitId: string): boolean {
  return scope.kind === 'all' || (scope.kind === 'units' && scope.unitIds.includes(unitId));
}

export function evidenceScope(p: Principal): EvidenceScope {
  const byLevel = supervised(p);
  if (byLevel) return byLevel;
  // A complainant never sees footage.
  return p.role === 'handler' && p.userId ? { kind: 'handler', userId: p.userId, officerNo: p.officerNo } : NONE;
}

export type CaseScope =
  | UnitScope
  | { kind: 'handled'; userId: string }
  /** A complainant sees the cases they reported, status only. */
  | { kind: 'reported'; userId: string };

export function caseScope(p: Principal): CaseScope {
  const byLevel = supervised(p);
  if (byLevel) return byLevel;
  if (!p.userId) return NONE;
  return p.role === 'handler' ? { kind: 'handled', userId: p.userId } : { kind: 'reported', userId: p.userId };
}

/** Audit trail readers: auditors everything; a unit head events by or about their unit. */
export function auditScope(p: Principal): UnitScope {
  return roleMay(p.role, 'audit.read') ? (supervised(p) ?? NONE) : NONE;
}

/** A user named as a case handler, as the database knows them. */
export interface HandlerCandidate {
  id: string;
  role: Role;
  unitId: string | null;
  disabled: boolean;
}

export type HandlerDecision = { ok: true; handlerIds: string[] } | { ok: false; status: 403 | 422; detail: string; offending: string[] };

/**
 * Who handles a case: handlers see the case and every file linked to it, so only a caller the
 * table lets assign them in the case's unit chooses them (its unit head, an overseer of it, an
 * admin), and only among the active handlers of that unit. A caller who sees only the cases they
 * handle becomes the handler of a case they open and names nobody else; they may send the
 * handlers of a case they change unchanged, never a different set.
 * `current` is null when the case is being opened; `requested` undefined means "not given".
 */
export function decideHandlers(
  p: Principal,
  caseUnitId: string,
  current: readonly string[] | null,
  requested: readonly string[] | undefined,
  candidates: readonly HandlerCandidate[],
): HandlerDecision {
  const own = caseScope(p);
  const opener = current === null && own.kind === 'handled' ? [own.userId] : [];
  const base = current ?? opener;
  const wanted = [...new Set(requested ?? base)];
  const assigns = permits(p, 'case.assign') && covers(unitScope(p), caseUnitId);
  const changed = [...wanted.filter((id) => !base.includes(id)), ...base.filter((id) => !wanted.includes(id))];
  if (!assigns && changed.length > 0) {
    return { ok: false, status: 403, detail: `the ${p.role} role may not add or remove case handlers (${changed.join(', ')}); the unit head, an overseer of the unit or an admin assigns them`, offending: changed };
  }
  // A handler is a user of the role whose scope is the cases they handle.
  const active = new Set(candidates.filter((c) => c.role === 'handler' && c.unitId === caseUnitId && !c.disabled).map((c) => c.id));
  const invalid = wanted.filter((id) => !active.has(id));
  if (invalid.length > 0) {
    return { ok: false, status: 422, detail: `not active handlers of the case's unit ${caseUnitId}: ${invalid.join(', ')}`, offending: invalid };
  }
  return { ok: true, handlerIds: wanted };
}
