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

export function evidenceScope(p: Principal): EvidenceScope {
  switch (p.role) {
    case 'admin':
    case 'auditor':
      return { kind: 'all' };
    case 'unit_head':
      return p.unitId ? { kind: 'units', unitIds: [p.unitId] } : { kind: 'none' };
    case 'overseer':
      return { kind: 'units', unitIds: p.oversees };
    case 'handler':
      return p.userId ? { kind: 'handler', userId: p.userId, officerNo: p.officerNo } : { kind: 'none' };
    case 'complainant':
    case 'station':
      return { kind: 'none' };
  }
}

export type CaseScope =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'units'; unitIds: string[] }
  | { kind: 'handled'; userId: string }
  /** A complainant sees the cases they reported, status only. */
  | { kind: 'reported'; userId: string };

export function caseScope(p: Principal): CaseScope {
  switch (p.role) {
    case 'admin':
    case 'auditor':
      return { kind: 'all' };
    case 'unit_head':
      return p.unitId ? { kind: 'units', unitIds: [p.unitId] } : { kind: 'none' };
    case 'overseer':
      return { kind: 'units', unitIds: p.oversees };
    case 'handler':
      return p.userId ? { kind: 'handled', userId: p.userId } : { kind: 'none' };
    case 'complainant':
      return p.userId ? { kind: 'reported', userId: p.userId } : { kind: 'none' };
    case 'station':
      return { kind: 'none' };
  }
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
