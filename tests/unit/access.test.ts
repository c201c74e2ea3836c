import { describe, expect, it } from 'vitest';
import { auditScope, caseScope, decideHandlers, evidenceScope, may, type HandlerCandidate } from '../../api/access';
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

describe('who may name case handlers, and whom', () => {
  const handler = (id: string, extra: Partial<HandlerCandidate> = {}): HandlerCandidate => ({ id, role: 'handler', unitId: 'unit-a', disabled: false, ...extra });
  const staff = [handler('u1'), handler('h2'), handler('h3'), handler('hb', { unitId: 'unit-b' }), handler('off', { disabled: true }), handler('head', { role: 'unit_head' })];
  const ok = (handlerIds: string[]) => ({ ok: true, handlerIds });
  const refused = (status: 403 | 422, offending: string[]) => expect.objectContaining({ ok: false, status, offending });
  it.each([
    // [who, case unit, current handlers (null: opening), requested, decision]
    ['handler opens, names nobody', person('handler'), 'unit-a', null, undefined, ok(['u1'])],
    ['handler opens, names self', person('handler'), 'unit-a', null, ['u1', 'u1'], ok(['u1'])],
    ['handler opens, names another unit\'s handler', person('handler'), 'unit-a', null, ['hb'], refused(403, ['hb', 'u1'])],
    ['handler opens, names nobody explicitly', person('handler'), 'unit-a', null, [], refused(403, ['u1'])],
    ['handler changes: adds a colleague', person('handler'), 'unit-a', ['u1'], ['u1', 'h2'], refused(403, ['h2'])],
    ['handler changes: removes a colleague', person('handler'), 'unit-a', ['u1', 'h2'], ['u1'], refused(403, ['h2'])],
    ['handler changes: sends them unchanged', person('handler'), 'unit-a', ['u1', 'h2'], ['h2', 'u1'], ok(['h2', 'u1'])],
    ['unit head opens with the unit\'s handlers', person('unit_head'), 'unit-a', null, ['h2', 'h3'], ok(['h2', 'h3'])],
    ['unit head opens with nobody', person('unit_head'), 'unit-a', null, undefined, ok([])],
    ['unit head names another unit\'s handler, a disabled one, a non-handler and a stranger', person('unit_head'), 'unit-a', ['h2'], ['h2', 'hb', 'off', 'head', 'ghost'], refused(422, ['hb', 'off', 'head', 'ghost'])],
    ['unit head of another unit', person('unit_head', { unitId: 'unit-b' }), 'unit-a', ['h2'], ['h3'], refused(403, ['h3', 'h2'])],
    ['overseer of the unit', person('overseer', { unitId: null, oversees: ['unit-a'] }), 'unit-a', ['h2'], ['h3'], ok(['h3'])],
    ['overseer of other units', person('overseer', { unitId: null, oversees: ['unit-b'] }), 'unit-a', ['h2'], ['h3'], refused(403, ['h3', 'h2'])],
    ['admin', person('admin', { unitId: null }), 'unit-a', ['h2'], [], ok([])],
    ['admin names another unit\'s handler', person('admin', { unitId: null }), 'unit-a', [], ['hb'], refused(422, ['hb'])],
    ['auditor', person('auditor'), 'unit-a', ['h2'], ['h3'], refused(403, ['h3', 'h2'])],
  ] as const)('%s', (_, p, unit, current, requested, decision) => {
    expect(decideHandlers(p, unit, current, requested, staff)).toEqual(decision);
  });
});
