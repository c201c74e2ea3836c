import { describe, expect, it } from 'vitest';
import { crossCheck, describeUnmatched, type AuditEntry, type CustodyEntry } from '../../core/cross-check';

const read = (seq: number, id: string, actor: string, range = 'full'): CustodyEntry => ({ seq, action: 'original.read', evidenceId: id, actor, details: { range } });
const viewed = (seq: number, id: string, actor: string, range?: string): AuditEntry => ({ seq, action: 'evidence.view-original', objectId: id, actorName: actor, details: range ? { range } : {} });
const fixityC = (seq: number, id: string, key: string): CustodyEntry => ({ seq, action: 'fixity.failed', evidenceId: id, actor: 'fixity-scrub', details: { storageKey: key } });
const fixityA = (seq: number, id: string, key: string): AuditEntry => ({ seq, action: 'fixity.failed', objectId: id, actorName: 'fixity-scrub', details: { storageKey: key } });

describe('crossCheck', () => {
  it.each<[string, CustodyEntry[], AuditEntry[], { pairs: number; unmatched: [string, number][] }]>([
    ['nothing recorded', [], [], { pairs: 0, unmatched: [] }],
    ['each read in both trails', [read(1, 'e1', 'u'), read(2, 'e1', 'u', '0-9')], [viewed(5, 'e1', 'u', '0-9'), viewed(6, 'e1', 'u', 'full')], { pairs: 2, unmatched: [] }],
    ['a read the audit trail lost', [read(1, 'e1', 'u'), read(2, 'e2', 'u')], [viewed(5, 'e1', 'u', 'full')], { pairs: 1, unmatched: [['custody', 2]] }],
    ['an audited read custody lost', [], [viewed(5, 'e1', 'u', 'full')], { pairs: 0, unmatched: [['audit', 5]] }],
    ['a continued viewing (no bytes recorded) needs no twin', [], [viewed(5, 'e1', 'u')], { pairs: 0, unmatched: [] }],
    ['the same read twice needs two audit events', [read(1, 'e1', 'u'), read(2, 'e1', 'u')], [viewed(5, 'e1', 'u', 'full')], { pairs: 1, unmatched: [['custody', 2]] }],
    ['another reader does not match', [read(1, 'e1', 'u')], [viewed(5, 'e1', 'v', 'full')], { pairs: 0, unmatched: [['audit', 5], ['custody', 1]] }],
    ['fixity failures pair by object', [fixityC(3, 'e1', 'k1')], [fixityA(7, 'e1', 'k1'), fixityA(8, 'e1', 'k2')], { pairs: 1, unmatched: [['audit', 8]] }],
    ['other actions are not paired', [{ seq: 1, action: 'ingested', evidenceId: 'e', actor: 's', details: {} }], [{ seq: 2, action: 'evidence.read', objectId: 'e', actorName: 'u', details: {} }], { pairs: 0, unmatched: [] }],
  ])('%s', (_name, custody, audit, expected) => {
    const result = crossCheck(custody, audit);
    expect({ pairs: result.pairs, unmatched: result.unmatched.map((u) => [u.trail, u.seq]) }).toEqual(expected);
    expect(result.ok).toBe(expected.unmatched.length === 0);
  });

  it('names the unmatched row, its trail and what is missing', () => {
    const [u] = crossCheck([read(12, 'e1', '张三')], []).unmatched;
    expect(describeUnmatched(u!)).toBe('custody row 12 (original.read of e1 by 张三) has no audit event');
  });
});
