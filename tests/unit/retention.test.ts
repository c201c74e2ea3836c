import { describe, expect, it } from 'vitest';
import { caseClosed, effectiveRetention, isDue, mayApprove, shortens, type Category, type LinkedCase, type RetentionFacts } from '../../core/retention';

const DAY = 86_400_000;
const general: Category = { code: 'general', name: '一般', days: 180 };
const important: Category = { code: 'important', name: '重要', days: null };
const anomaly: Category = { code: 'enforcement-anomaly', name: '执法异常', days: null };
const caseEvidence: Category = { code: 'case-evidence', name: '案件证据', days: null };
const recorded = new Date('2024-01-01T08:00:00Z');
const received = new Date('2024-01-03T08:00:00Z');
const at = (days: number, from = recorded) => new Date(from.getTime() + days * DAY);

const open = (): LinkedCase => ({ stage: '办理中', closedAt: at(0), retentionDays: 365 });
const closed = (closedAt: Date, retentionDays: number | null, stage = '结案'): LinkedCase => ({ stage, closedAt, retentionDays });
const facts = (f: Partial<RetentionFacts> = {}): RetentionFacts => ({ category: general, caseEvidence, important: false, recordedAt: recorded, receivedAt: received, cases: [], holds: [], ...f });

describe('effectiveRetention', () => {
  it.each<[string, Partial<RetentionFacts>, { category: string; expiresAt: Date | null; heldBy: string[] }, RegExp]>([
    ['一般, from the recorder time', {}, { category: 'general', expiresAt: at(180), heldBy: [] }, /一般.*180 days from the recording time/],
    ['一般 without recorder time: from receipt', { recordedAt: null }, { category: 'general', expiresAt: at(180, received), heldBy: [] }, /receipt/],
    ['IMP flag: permanent whatever the category', { important: true }, { category: 'general', expiresAt: null, heldBy: [] }, /IMP/],
    ['重要 category: permanent', { category: important }, { category: 'important', expiresAt: null, heldBy: [] }, /重要/],
    ['执法异常: permanent', { category: anomaly }, { category: 'enforcement-anomaly', expiresAt: null, heldBy: [] }, /执法异常/],
    ['linked to an open case: 案件证据, permanent while open', { cases: [open()] }, { category: 'case-evidence', expiresAt: null, heldBy: [] }, /open case/],
    ['closed case, unit keeps permanently (the default)', { cases: [closed(at(30), null)] }, { category: 'case-evidence', expiresAt: null, heldBy: [] }, /closed case \(结案\).*permanently/],
    ['移送 case with 365 days after closing', { cases: [closed(at(30), 365, '移送')] }, { category: 'case-evidence', expiresAt: at(395), heldBy: [] }, /closed case \(移送\)/],
    ['closed case whose retention ends before the category: the category governs', { cases: [closed(at(1), 10)] }, { category: 'general', expiresAt: at(180), heldBy: [] }, /一般.*closed case/],
    ['an open and a closed case: the open one keeps it', { cases: [closed(at(1), 10), open()] }, { category: 'case-evidence', expiresAt: null, heldBy: [] }, /open case/],
    ['two closed cases: the later expiry', { cases: [closed(at(30), 365, '结案'), closed(at(60), 365, '移送')] }, { category: 'case-evidence', expiresAt: at(425), heldBy: [] }, /结案.*移送/],
    ['held: expiry unchanged, heldBy lists the holds', { holds: [{ id: 'h1' }, { id: 'h2' }] }, { category: 'general', expiresAt: at(180), heldBy: ['h1', 'h2'] }, /held \(2\)/],
    ['held and important', { important: true, holds: [{ id: 'h1' }] }, { category: 'general', expiresAt: null, heldBy: ['h1'] }, /IMP.*held/],
    ['a category of 0 days expires at the recording time', { category: { code: 'x', name: '零', days: 0 } }, { category: 'x', expiresAt: recorded, heldBy: [] }, /零/],
  ])('%s', (_, given, expected, reason) => {
    const r = effectiveRetention(facts(given));
    expect({ category: r.category, expiresAt: r.expiresAt, heldBy: r.heldBy }).toEqual(expected);
    expect(r.reason).toMatch(reason);
  });

  // Every combination against the rule as the issue states it.
  const categories = [general, important, anomaly, { code: 'short', name: '短', days: 10 }];
  const caseSets: LinkedCase[][] = [[], [open()], [closed(at(30), null)], [closed(at(30), 365)], [closed(at(30), 365, '移送')], [closed(at(1), 5)], [open(), closed(at(1), 5)]];
  const combos = categories.flatMap((category) => [true, false].flatMap((imp) => [recorded, null].flatMap((rec) => caseSets.flatMap((cases) => [[], [{ id: 'h' }]].map((holds) => facts({ category, important: imp, recordedAt: rec, cases, holds }))))));
  const asOfs = [at(7), at(100), at(200), at(400), at(5000)];
  it(`agrees with the stated rule on all ${combos.length} combinations`, () => {
    for (const f of combos) {
      const r = effectiveRetention(f);
      const permanent = f.important || f.category.days === null || f.cases.some((c) => !caseClosed(c.stage) || c.retentionDays === null);
      expect(r.expiresAt === null, JSON.stringify(f)).toBe(permanent);
      expect(r.heldBy).toEqual(f.holds.map((h) => h.id));
      for (const asOf of asOfs) {
        const start = (f.recordedAt ?? f.receivedAt).getTime();
        const ownOver = !permanent && start + f.category.days! * DAY <= asOf.getTime();
        const casesOver = f.cases.every((c) => caseClosed(c.stage) && c.retentionDays !== null && c.closedAt.getTime() + c.retentionDays * DAY <= asOf.getTime());
        expect(isDue(r, asOf), `${JSON.stringify(f)} as of ${asOf.toISOString()}`).toBe(f.holds.length === 0 && ownOver && casesOver);
      }
      if (f.cases.some((c) => !caseClosed(c.stage))) expect(r.category).toBe('case-evidence');
      if (f.cases.length === 0) expect(r.category).toBe(f.category.code);
    }
  });
});

describe('retention rules', () => {
  it.each([
    [180, 365, false], [180, null, false], [180, 180, false], [365, 180, true], [null, 180, true], [null, null, false], [180, 0, true],
  ] as const)('changing %s days to %s days shortens: %s', (from, to, expected) => {
    expect(shortens(from, to)).toBe(expected);
  });

  it.each([['立案', false], ['办理中', false], ['结案', true], ['移送', true]] as const)('a case in stage %s is closed: %s', (stage, expected) => {
    expect(caseClosed(stage)).toBe(expected);
  });

  it('a request is approved by a second person only', () => {
    expect(mayApprove('u1', 'u1')).toBe(false);
    expect(mayApprove('u1', 'u2')).toBe(true);
  });

  it('is due exactly at expiry, never while held or permanent', () => {
    const r = effectiveRetention(facts());
    expect([isDue(r, at(180)), isDue(r, new Date(at(180).getTime() - 1))]).toEqual([true, false]);
    expect(isDue({ ...r, heldBy: ['h'] }, at(999))).toBe(false);
    expect(isDue({ ...r, expiresAt: null }, at(99_999))).toBe(false);
  });
});
