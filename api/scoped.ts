import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import { notFound } from '../core/errors';
import { UUID_TEXT } from '../core/ids';
import type { Principal } from '../core/principal';
import type { Db } from '../schema/database';
import type { Database } from '../schema/db';
import { auditScope, caseScope, evidenceScope, type UnitScope } from './access';

/**
 * The data layer of access control: every query for evidence, cases or audit events starts
 * from one of these, so a route cannot forget the caller's scope. Out of scope reads as absent.
 */
type EvidenceEb = ExpressionBuilder<Database, 'evidence'>;
type CaseEb = ExpressionBuilder<Database, 'cases'>;

/** The clause for scopes that follow from the supervision level: everything, nothing, or some units. */
function levelClause(eb: EvidenceEb | CaseEb, scope: UnitScope, unitColumn: 'evidence.unit_id' | 'cases.unit_id') {
  if (scope.kind === 'all') return eb.lit(true);
  if (scope.kind === 'none' || scope.unitIds.length === 0) return eb.lit(false);
  return (eb as ExpressionBuilder<Database, 'evidence' | 'cases'>)(unitColumn, 'in', scope.unitIds);
}

export function evidenceFilter(p: Principal) {
  const scope = evidenceScope(p);
  return (eb: EvidenceEb) => {
    if (scope.kind !== 'handler') return levelClause(eb, scope, 'evidence.unit_id');
    // IN (subquery), not a correlated EXISTS: under OR, PostgreSQL hashes the subquery once. The
    // handler's linked recordings are one index range of handler_evidence (kept by triggers from
    // case links and handlers), not a join of both.
    const linked = eb('evidence.id', 'in', eb.selectFrom('handler_evidence as hv').select('hv.evidence_id').where('hv.user_id', '=', scope.userId));
    return scope.officerNo ? eb.or([eb('evidence.officer_no', '=', scope.officerNo), linked]) : linked;
  };
}

export function visibleEvidence(db: Db, p: Principal): SelectQueryBuilder<Database, 'evidence', {}> {
  return db.selectFrom('evidence').where(evidenceFilter(p));
}

/**
 * A query of evidence refined to one page: filters, keyset, order and limit. `keyset` names the
 * columns the keyset bound goes on: evidence's, or those of the index a part walks (equal to them).
 */
export type EvidencePage = (query: SelectQueryBuilder<Database, 'evidence', {}>, keyset: EvidenceKeyset) => SelectQueryBuilder<Database, 'evidence', {}>;
export type EvidenceKeyset = { receivedAt: 'evidence.received_at' | 'hv.received_at'; id: 'evidence.id' | 'hv.evidence_id' };
const EVIDENCE_KEYSET: EvidenceKeyset = { receivedAt: 'evidence.received_at', id: 'evidence.id' };

/**
 * One page of the caller's evidence. A handler's scope (own recordings or linked to a case they
 * handle) is a union of its two parts, each paged on its own index, then paged once more: under one
 * OR the planner can only walk every recording newest first and test each. The linked part walks
 * handler_evidence (migration 0029) newest first; joining on received_at as well lets the page's
 * order by evidence's keyset come from that index.
 */
export function searchableEvidence(db: Db, p: Principal, page: EvidencePage): SelectQueryBuilder<Database, 'evidence', {}> {
  const scope = evidenceScope(p);
  if (scope.kind !== 'handler') return page(visibleEvidence(db, p), EVIDENCE_KEYSET);
  const linked = db.selectFrom('evidence')
    .innerJoin('handler_evidence as hv', (join) => join.onRef('hv.evidence_id', '=', 'evidence.id').onRef('hv.received_at', '=', 'evidence.received_at'))
    .where('hv.user_id', '=', scope.userId);
  // The page refines evidence's columns only; the join adds no rows (one per recording and handler).
  // The linked part's keyset bound goes on handler_evidence's columns, so a deeper page starts its
  // index range at the cursor instead of walking every newer link.
  const parts = [
    { query: linked as unknown as SelectQueryBuilder<Database, 'evidence', {}>, keyset: { receivedAt: 'hv.received_at', id: 'hv.evidence_id' } as const },
    ...(scope.officerNo ? [{ query: db.selectFrom('evidence').where('evidence.officer_no', '=', scope.officerNo), keyset: EVIDENCE_KEYSET }] : []),
  ];
  const ids = parts.map((part) => db.selectFrom(page(part.query, part.keyset).select('evidence.id').as('part')).select('part.id')).reduce((all, part) => all.unionAll(part));
  return page(db.selectFrom('evidence').where('evidence.id', 'in', ids), EVIDENCE_KEYSET);
}

export const loadEvidence = (db: Db, p: Principal, id: string) => found(visibleEvidence(db, p).selectAll('evidence').where('evidence.id', '=', id).executeTakeFirst(), `evidence ${id}`);

export function caseFilter(p: Principal) {
  const scope = caseScope(p);
  return (eb: CaseEb) => {
    switch (scope.kind) {
      case 'all':
      case 'none':
      case 'units':
        return levelClause(eb, scope, 'cases.unit_id');
      case 'handled':
        return eb.exists(eb.selectFrom('case_handlers as ch').select(eb.lit(1).as('one')).whereRef('ch.case_id', '=', 'cases.id').where('ch.user_id', '=', scope.userId));
      case 'reported':
        return eb('cases.reporter_id', '=', scope.userId);
    }
  };
}

export function visibleCases(db: Db, p: Principal): SelectQueryBuilder<Database, 'cases', {}> {
  return db.selectFrom('cases').where(caseFilter(p));
}

export const loadCase = (db: Db, p: Principal, id: string) => found(visibleCases(db, p).selectAll('cases').where('cases.id', '=', id).executeTakeFirst(), `case ${id}`);

/** A case by its id or by its number (the key of the platform's case system). */
export type CaseRef = { id: string } | { number: string };
export const loadCaseByRef = (db: Db, p: Principal, ref: CaseRef) =>
  'id' in ref ? loadCase(db, p, ref.id) : found(visibleCases(db, p).selectAll('cases').where('cases.number', '=', ref.number).executeTakeFirst(), `case ${ref.number}`);

/** A row out of the caller's scope is a 404 like a missing one. */
async function found<T>(row: Promise<T | undefined>, what: string): Promise<T> {
  const value = await row;
  if (!value) throw notFound(what);
  return value;
}

/** Which of these ids name evidence or cases the caller may not see (other ids are not looked at). */
async function outOfScopeIds(db: Db, p: Principal, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0 || (evidenceScope(p).kind === 'all' && caseScope(p).kind === 'all')) return new Set();
  // Existing minus visible, not NOT(filter): the filters are NULL for a file without an officer or unit.
  const existing = [
    ...(await db.selectFrom('evidence').select('id').where('id', 'in', ids).execute()),
    ...(await db.selectFrom('cases').select('id').where('id', 'in', ids).execute()),
  ];
  const visible = new Set([
    ...(await visibleEvidence(db, p).select('evidence.id').where('evidence.id', 'in', ids).execute()),
    ...(await visibleCases(db, p).select('cases.id').where('cases.id', 'in', ids).execute()),
  ].map((r) => r.id));
  return new Set(existing.map((r) => r.id).filter((id) => !visible.has(id)));
}

const UUIDS = new RegExp(UUID_TEXT, 'gi');
export const OUT_OF_SCOPE = 'outside-your-scope';
export type Redactor = <T>(value: T) => { value: T; redacted: boolean };

/**
 * Trail rows (audit and custody details) name other objects, which may be files or cases the caller
 * may not see. The redactor replaces those ids in a value with OUT_OF_SCOPE and says whether it did.
 */
export async function scopeRedactor(db: Db, p: Principal, values: unknown[]): Promise<Redactor> {
  const mentioned = values.flatMap((v) => JSON.stringify(v ?? null).match(UUIDS) ?? []);
  const hidden = await outOfScopeIds(db, p, [...new Set(mentioned.map((id) => id.toLowerCase()))]);
  return <T>(value: T) => {
    let redacted = false;
    const text = JSON.stringify(value ?? null).replace(UUIDS, (id) => (hidden.has(id.toLowerCase()) ? ((redacted = true), OUT_OF_SCOPE) : id));
    return { value: redacted ? (JSON.parse(text) as T) : value, redacted };
  };
}

export function visibleAudit(db: Db, p: Principal): SelectQueryBuilder<Database, 'audit_events', {}> {
  const scope = auditScope(p);
  return db.selectFrom('audit_events').where((eb) => {
    if (scope.kind === 'all') return eb.lit(true);
    if (scope.kind === 'none' || scope.unitIds.length === 0) return eb.lit(false);
    return eb.or([eb('audit_events.unit_id', 'in', scope.unitIds), eb('audit_events.object_unit_id', 'in', scope.unitIds)]);
  });
}

/**
 * Platform events of the given types about what the caller may see now: a case's events while the
 * case is visible, a file's while the file is (webhooks and the pull feed share this rule).
 */
export function visibleEvents(db: Db, p: Principal, types: readonly string[]): SelectQueryBuilder<Database, 'platform_events', {}> {
  return db.selectFrom('platform_events').where((eb) => {
    if (types.length === 0) return eb.lit(false);
    return eb.and([
      eb('platform_events.type', 'in', [...types]),
      eb.or([
        eb.and([eb('platform_events.case_id', 'is not', null), eb('platform_events.case_id', 'in', visibleCases(db, p).select('cases.id'))]),
        eb.and([eb('platform_events.case_id', 'is', null), eb('platform_events.evidence_id', 'in', visibleEvidence(db, p).select('evidence.id'))]),
      ]),
    ]);
  });
}
