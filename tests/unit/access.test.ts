import { describe, expect, it } from 'vitest';
import { auditScope, caseScope, evidenceScope, may } from '../../api/access';
import type { Principal } from '../../core/principal';
import type { Role } from '../../schema/db';

const person = (role: Role, extra: Partial<Principal> = {}): Principal => ({
  kind: 'user', id: 'u1', name: 'x', role, userId: 'u1', unitId: 'unit-a', officerNo: '010203', oversees: [], sessionKey: 's', scopes: [], ...extra,
});

describe('who may see what', () => {
  it.each([
    [person('admin'), { kind: 'all' }, { kind: 'all' }, { kind: 'all' }],
    [person('auditor', { unitId: 'procuratorate' }), { kind: 'all' }, { kind: 'all' }, { kind: 'all' }],
    [person('unit_head'), { kind: 'units', unitIds: ['unit-a'] }, { kind: 'units', unitIds: ['unit-a'] }, { kind: 'units', unitIds: ['unit-a'] }],
    [person('unit_head', { unitId: null }), { kind: 'none' }, { kind: 'none' }, { kind: 'none' }],
    [person('overseer', { unitId: null, oversees: ['unit-a', 'unit-b'] }), { kind: 'units', unitIds: ['unit-a', 'unit-b'] }, { kind: 'units', unitIds: ['unit-a', 'unit-b'] }, { kind: 'none' }],
    [person('handler'), { kind: 'handler', userId: 'u1', officerNo: '010203' }, { kind: 'handled', userId: 'u1' }, { kind: 'none' }],
    [person('complainant', { unitId: null, officerNo: null }), { kind: 'none' }, { kind: 'reported', userId: 'u1' }, { kind: 'none' }],
    [person('station', { kind: 'token', userId: null }), { kind: 'none' }, { kind: 'none' }, { kind: 'none' }],
  ])('%o', (p, evidence, cases, audit) => {
    expect(evidenceScope(p)).toEqual(evidence);
    expect(caseScope(p)).toEqual(cases);
    expect(auditScope(p)).toEqual(audit);
  });

  it.each([
    ['handler', true, true, true, false],
    ['unit_head', true, true, true, false],
    ['overseer', true, true, true, false],
    ['auditor', false, true, true, false],
    ['admin', true, true, true, true],
    ['complainant', false, false, false, false],
    ['station', false, false, false, false],
  ] as const)('%s: manage cases %s, bookmark %s, export %s, administer %s', (role, manage, bookmark, exp, administer) => {
    const p = person(role);
    expect([may.manageCases(p), may.bookmark(p), may.export(p), may.administer(p)]).toEqual([manage, bookmark, exp, administer]);
  });
});
