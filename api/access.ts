import type { Principal } from '../core/principal';
import type { Role } from '../schema/db';

export type { Principal };

/**
 * Who may see what: pure decisions from the caller's identity, never from ids the client sent.
 * The data layer turns a scope into WHERE clauses (api/scoped.ts); every route goes through it.
 */
export type EvidenceScope =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'units'; unitIds: string[] }
  /** A case handler: what they recorded, and what is linked to cases they handle. */
  | { kind: 'handler'; userId: string; officerNo: string | null };

/** What follows from the supervision level alone; undefined for roles scoped to their own work. */
function supervised(p: Principal): { kind: 'all' } | { kind: 'none' } | { kind: 'units'; unitIds: string[] } | undefined {
  switch (p.role) {
    case 'admin':
    case 'auditor':
      return { kind: 'all' };
    case 'unit_head':
      return p.unitId ? { kind: 'units', unitIds: [p.unitId] } : { kind: 'none' };
    case 'overseer':
      return { kind: 'units', unitIds: p.oversees };
    case 'station':
      return { kind: 'none' };
    case 'handler':
    case 'complainant':
      return undefined;
  }
}

export function evidenceScope(p: Principal): EvidenceScope {
  const byLevel = supervised(p);
  if (byLevel) return byLevel;
  // A complainant never sees footage.
  return p.role === 'handler' && p.userId ? { kind: 'handler', userId: p.userId, officerNo: p.officerNo } : { kind: 'none' };
}

export type CaseScope =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'units'; unitIds: string[] }
  | { kind: 'handled'; userId: string }
  /** A complainant sees the cases they reported, status only. */
  | { kind: 'reported'; userId: string };

export function caseScope(p: Principal): CaseScope {
  const byLevel = supervised(p);
  if (byLevel) return byLevel;
  if (!p.userId) return { kind: 'none' };
  return p.role === 'handler' ? { kind: 'handled', userId: p.userId } : { kind: 'reported', userId: p.userId };
}

/** Audit trail readers: auditors everything; a unit head events by or about their unit. */
export type AuditScope = { kind: 'all' } | { kind: 'none' } | { kind: 'units'; unitIds: string[] };

export function auditScope(p: Principal): AuditScope {
  if (p.role === 'auditor' || p.role === 'admin') return { kind: 'all' };
  if (p.role === 'unit_head' && p.unitId) return { kind: 'units', unitIds: [p.unitId] };
  return { kind: 'none' };
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
 * Who handles a case: handlers see the case and every file linked to it, so only the unit head of
 * the case's unit, an overseer of that unit or an admin chooses them, and only among the active
 * handlers of that unit. A handler who opens a case becomes its handler and names nobody else;
 * a handler may send the handlers of a case they change unchanged, never a different set.
 * `current` is null when the case is being opened; `requested` undefined means "not given".
 */
export function decideHandlers(
  p: Principal,
  caseUnitId: string,
  current: readonly string[] | null,
  requested: readonly string[] | undefined,
  candidates: readonly HandlerCandidate[],
): HandlerDecision {
  const opener = current === null && p.role === 'handler' && p.userId ? [p.userId] : [];
  const base = current ?? opener;
  const wanted = [...new Set(requested ?? base)];
  const assigns = p.role === 'admin' || (p.role === 'unit_head' && p.unitId === caseUnitId) || (p.role === 'overseer' && p.oversees.includes(caseUnitId));
  const changed = [...wanted.filter((id) => !base.includes(id)), ...base.filter((id) => !wanted.includes(id))];
  if (!assigns && changed.length > 0) {
    return { ok: false, status: 403, detail: `the ${p.role} role may not add or remove case handlers (${changed.join(', ')}); the unit head, an overseer of the unit or an admin assigns them`, offending: changed };
  }
  const active = new Set(candidates.filter((c) => c.role === 'handler' && c.unitId === caseUnitId && !c.disabled).map((c) => c.id));
  const invalid = wanted.filter((id) => !active.has(id));
  if (invalid.length > 0) {
    return { ok: false, status: 422, detail: `not active handlers of the case's unit ${caseUnitId}: ${invalid.join(', ')}`, offending: invalid };
  }
  return { ok: true, handlerIds: wanted };
}

/** What a role may change. */
export const may = {
  administer: (p: Principal) => p.role === 'admin',
  manageCases: (p: Principal) => ['handler', 'unit_head', 'overseer', 'admin'].includes(p.role),
  bookmark: (p: Principal) => ['handler', 'unit_head', 'overseer', 'auditor', 'admin'].includes(p.role),
  export: (p: Principal) => ['handler', 'unit_head', 'overseer', 'auditor', 'admin'].includes(p.role),
  /** Supervising roles learn how many linked cases they cannot see; a handler learns nothing of them. */
  countHiddenLinks: (p: Principal) => ['unit_head', 'overseer', 'auditor', 'admin'].includes(p.role),
};
