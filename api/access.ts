import type { Principal } from '../core/principal';

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

/** What a role may change. */
export const may = {
  administer: (p: Principal) => p.role === 'admin',
  manageCases: (p: Principal) => ['handler', 'unit_head', 'overseer', 'admin'].includes(p.role),
  bookmark: (p: Principal) => ['handler', 'unit_head', 'overseer', 'auditor', 'admin'].includes(p.role),
  export: (p: Principal) => ['handler', 'unit_head', 'overseer', 'auditor', 'admin'].includes(p.role),
};
