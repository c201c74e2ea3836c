/**
 * Retention decisions (issue 14), pure: how long a recording is kept, what holds it, whether it is
 * due for disposal, whether a change of period shortens it. The SQL selection of due recordings
 * (core/disposal.ts) must agree with `effectiveRetention` + `isDue`; a test compares the two.
 */

/** The seeded categories' codes (migration 0013). */
export const CATEGORY = { general: 'general', important: 'important', caseEvidence: 'case-evidence', anomaly: 'enforcement-anomaly' } as const;

export interface Category {
  code: string;
  name: string;
  /** null: permanent. */
  days: number | null;
}

/** Stages after which a case is closed (结案, 移送): its evidence is kept for the unit's case retention from then. */
export const CLOSED_CASE_STAGES: readonly string[] = ['结案', '移送'];

/** Whether a case in this stage is closed. The one place that says so (the SQL uses CLOSED_CASE_STAGES too). */
export function caseClosed(stage: string): boolean {
  return CLOSED_CASE_STAGES.includes(stage);
}

export interface LinkedCase {
  stage: string;
  /** When it was closed; only read for a closed case. */
  closedAt: Date;
  /** The case unit's retention after closing, in days; null: permanent. */
  retentionDays: number | null;
}

export interface RetentionFacts {
  /** The recording's own category. */
  category: Category;
  /** The 案件证据 category, named while a case governs. */
  caseEvidence: Category;
  /** The recorder's IMP flag. */
  important: boolean;
  /** Recorder time (GA/T 947 file name); received time when the recorder gave none. */
  recordedAt: Date | null;
  receivedAt: Date;
  cases: readonly LinkedCase[];
  /** Active holds on the recording or on a case it is linked to. */
  holds: readonly { id: string }[];
}

export interface Retention {
  /** The governing category's code. */
  category: string;
  /** null: kept permanently. */
  expiresAt: Date | null;
  /** Ids of the active holds. */
  heldBy: string[];
  reason: string;
}

const DAY_MS = 86_400_000;
const after = (start: Date, days: number | null): Date | null => (days === null ? null : new Date(start.getTime() + days * DAY_MS));
/** The later of two expiries; null (permanent) is later than any time. */
const later = (a: Date | null, b: Date | null): Date | null => (a === null || b === null ? null : a > b ? a : b);
const until = (d: Date | null) => (d === null ? 'permanently' : `until ${d.toISOString()}`);

/** How long a recording is kept and why; the longest of its category, its IMP flag and every linked case. */
export function effectiveRetention(f: RetentionFacts): Retention {
  const start = f.recordedAt ?? f.receivedAt;
  const from = f.recordedAt ? 'the recording time' : 'receipt (no recorder time)';
  let expiresAt = f.important ? null : after(start, f.category.days);
  const reasons = [f.important ? `IMP flag: ${f.category.name} kept permanently` : `${f.category.name}: kept ${until(expiresAt)} (${f.category.days ?? '∞'} days from ${from})`];
  let category = f.category.code;
  if (f.cases.length > 0) {
    let caseExpiry: Date | null = new Date(-8.64e15);
    for (const c of f.cases) {
      const expiry = caseClosed(c.stage) ? after(c.closedAt, c.retentionDays) : null;
      caseExpiry = later(caseExpiry, expiry);
      // No case number: the reader may not see every linked case.
      reasons.push(caseClosed(c.stage) ? `linked to a closed case (${c.stage}): kept ${until(expiry)}` : 'linked to an open case: kept while it is open');
    }
    if (caseExpiry === null || (expiresAt !== null && caseExpiry >= expiresAt)) category = f.caseEvidence.code;
    expiresAt = later(expiresAt, caseExpiry);
  }
  const heldBy = f.holds.map((h) => h.id);
  if (heldBy.length > 0) reasons.push(`held (${heldBy.length}): never disposed of while held`);
  return { category, expiresAt, heldBy, reason: reasons.join('; ') };
}

/** Whether a recording may be disposed of as of `asOf`: expired, and nothing holds it. */
export function isDue(r: Retention, asOf: Date): boolean {
  return r.heldBy.length === 0 && r.expiresAt !== null && r.expiresAt <= asOf;
}

/** Whether a period change shortens retention (null: permanent): that needs a second person's approval. */
export function shortens(fromDays: number | null, toDays: number | null): boolean {
  return toDays !== null && (fromDays === null || toDays < fromDays);
}

/** Who approves a request: a second person, never the one who made it. */
export function mayApprove(requestedBy: string, approver: string): boolean {
  return requestedBy !== approver;
}
