import { describe, expect, it } from 'vitest';
import { ACTIONS, TOKEN_SCOPES, accountNeeds, allowedActions, auditScope, caseScope, covers, decideHandlers, declarable, evidenceScope, permits, refusal, unitIdsOf, unitScope, type Action, type HandlerCandidate } from '../../api/access';
import type { Principal } from '../../core/principal';
import { ROLES, type Role } from '../../schema/db';

const person = (role: Role, extra: Partial<Principal> = {}): Principal => ({
  kind: 'user', id: 'u1', name: 'x', displayName: null, role, userId: 'u1', unitId: 'unit-a', officerNo: '010203', oversees: [], sessionKey: 's', scopes: [], ...extra,
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
    for (const action of ['case.create', 'case.update', 'case.link', 'case.unlink'] as const) expect(permits(p, action)).toBe(manage);
    expect([permits(p, 'evidence.bookmark'), permits(p, 'export.create'), permits(p, 'user.create')]).toEqual([bookmark, exp, administer]);
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

describe('the permission table', () => {
  // One column per role, in this order; Y: the role may do the action (to what its scope allows).
  const columns: Role[] = ['handler', 'unit_head', 'overseer', 'auditor', 'complainant', 'admin', 'station'];
  const table: Record<Action, [string, string | null]> = {
    //                        hUoaCAs     token scope
    'evidence.search':       ['YYYYYYY', 'evidence'],
    'evidence.read':         ['YYYYYYY', 'evidence'],
    'evidence.custody':      ['YYYYYYY', 'evidence'],
    'evidence.original':     ['YYYYYYY', 'evidence'],
    'evidence.stream':       ['YYYYYYY', 'evidence'],
    'evidence.bookmarks':    ['YYYYYYY', 'evidence'],
    'evidence.bookmark':     ['YYYY.Y.', 'evidence'],
    'evidence.stills':       ['YYYYYYY', 'evidence'],
    'evidence.still':        ['YYYY.Y.', 'evidence'],
    'evidence.hidden-cases': ['.YYY.Y.', 'evidence'],
    'evidence.unassigned':   ['.....Y.', 'admin'],
    'evidence.assign-unit':  ['.....Y.', 'admin'],
    'case.search':           ['YYYYYY.', 'cases'],
    'case.read':             ['YYYYYY.', 'cases'],
    'case.create':           ['YYY..Y.', 'cases'],
    'case.update':           ['YYY..Y.', 'cases'],
    'case.link':             ['YYY..Y.', 'cases'],
    'case.unlink':           ['YYY..Y.', 'cases'],
    'case.assign':           ['.YY..Y.', 'cases'],
    'case.history':          ['YYYY.Y.', 'cases'],
    'case.footage':          ['YYYY.Y.', 'cases'],
    'case.reopen':           ['.Y...Y.', 'cases'],
    'unit.recording-rules.read':  ['YYYY.Y.', 'cases'],
    'unit.recording-rules.write': ['.YY..Y.', 'cases'],
    'export.create':         ['YYYY.Y.', 'cases'],
    'export.read':           ['YYYY.Y.', 'cases'],
    'export.download':       ['YYYY.Y.', 'cases'],
    'export.signing-key':    ['YYYYYYY', null],
    'audit.read':            ['.Y.Y.Y.', 'audit'],
    'audit.verify':          ['...Y.Y.', 'audit'],
    'audit.cross-check':     ['...Y.Y.', 'audit'],
    'audit.timestamps':      ['...Y.Y.', 'audit'],
    'fixity.read':           ['...Y.Y.', 'audit'],
    'fixity.run':            ['...Y.Y.', 'audit'],
    'storage.read':          ['..YY.Y.', 'audit'],
    'retention.read':        ['..YY.Y.', 'admin'],
    'retention.configure':   ['.....Y.', 'admin'],
    'retention.request':     ['.....Y.', 'admin'],
    'retention.approve':     ['..Y..Y.', 'admin'],
    'retention.classify':    ['YYYY.Y.', 'evidence'],
    'retention.hold':        ['.YYY.Y.', 'evidence'],
    'retention.expiring':    ['.YYY.Y.', 'evidence'],
    'station.status':        ['YYYY.Y.', 'evidence'],
    'unit.list':             ['YYYY.Y.', 'cases'],
    'unit.create':           ['.....Y.', 'admin'],
    'user.list':             ['.....Y.', 'admin'],
    'user.create':           ['.....Y.', 'admin'],
    'user.unlock':           ['.....Y.', 'admin'],
    'recorder.bind':         ['.....Y.', 'admin'],
    'token.create':          ['.....Y.', 'admin'],
    'token.revoke':          ['.....Y.', 'admin'],
    'user.update':           ['.....Y.', 'admin'],
    'user.password':         ['.....Y.', 'admin'],
    'recorder.list':         ['.....Y.', 'admin'],
    'station.bind':          ['.....Y.', 'admin'],
    'token.list':            ['.....Y.', 'admin'],
    'webhook.manage':        ['.YY..Y.', 'cases'],
    'event.read':            ['YYYY.Y.', 'cases'],
    'auth.me':               ['YYYYYYY', null],
    'auth.logout':           ['YYYYYYY', null],
    'supervision.read':      ['.YYY.Y.', 'audit'],
    'ingest.upload':         ['.....YY', 'ingest'],
    'ingest.every-dock':     ['.....Y.', 'ingest'],
    'ingest.purge':          ['......Y', 'ingest'],
    'review.create':         ['..YY...', 'audit'],
    'review.score':          ['..YY...', 'audit'],
    'review.read':           ['.YYY.Y.', 'audit'],
    'review.rubrics.read':   ['.YYY.Y.', 'audit'],
    'review.rubrics.write':  ['..YY...', 'audit'],
    'reminder.issue':        ['..YY...', 'cases'],
    'reminder.read':         ['.YYY.Y.', 'cases'],
    'reminder.respond':      ['.Y.....', 'cases'],
    'reminder.decide':       ['..YY...', 'cases'],
  };

  it('has a row here for every action, and a column for every role', () => {
    expect(Object.keys(table).sort()).toEqual(Object.keys(ACTIONS).sort());
    expect([...columns].sort()).toEqual([...ROLES].sort());
  });

  const cells = (Object.entries(table) as [Action, [string, string | null]][]).flatMap(([action, [allowed, token]]) =>
    columns.map((role, i) => [action, role, allowed[i] === 'Y', token] as const));
  it.each(cells)('%s by a %s: %s (token scope %s)', (action, role, allowed, token) => {
    expect(permits(person(role), action)).toBe(allowed);
    expect(refusal(person(role), action)).toBe(allowed ? undefined : `the ${role} role may not do this`);
    if (!allowed) return;
    // A scoped token: only the scope that covers the action opens it.
    for (const scope of TOKEN_SCOPES) {
      expect(permits(person(role, { scopes: [scope] }), action), scope).toBe(scope === token);
    }
    expect(refusal(person(role, { scopes: ['audit', 'admin'].filter((s) => s !== token) }), action)).toBe(`this token is limited to: ${['audit', 'admin'].filter((s) => s !== token).join(', ')}`);
  });

  it('refuses an action that is not in the table, and a route may declare only table rows or public', () => {
    expect(refusal(person('admin'), 'evidence.delete')).toBe('the admin role may not do this');
    expect(refusal(person('admin'), undefined)).toBe('the admin role may not do this');
    expect([declarable('public'), declarable('evidence.read'), declarable('evidence.delete'), declarable(undefined)]).toEqual([true, true, false, false]);
  });

  it.each([
    // What /api/auth/me offers: the table, less actions whose scope is empty for the caller.
    ['complainant', person('complainant', { unitId: null, officerNo: null }), ['auth.logout', 'auth.me', 'case.read', 'case.search', 'export.signing-key']],
    ['station', person('station', { kind: 'token', userId: null, unitId: null }), ['auth.logout', 'auth.me', 'export.signing-key', 'ingest.purge', 'ingest.upload']],
    ['handler', person('handler'), Object.keys(table).filter((a) => table[a as Action][0][0] === 'Y').sort()],
    ['unit head without a unit', person('unit_head', { unitId: null }), ['auth.logout', 'auth.me', 'event.read', 'export.signing-key', 'review.rubrics.read', 'unit.list']],
  ] as const)('%s may do %j', (_, p, actions) => {
    expect(allowedActions(p).sort()).toEqual(actions);
  });

  it.each([
    [person('admin', { unitId: null }), { kind: 'all' }, null],
    [person('auditor'), { kind: 'all' }, null],
    [person('unit_head'), { kind: 'units', unitIds: ['unit-a'] }, ['unit-a']],
    [person('overseer', { unitId: null, oversees: ['unit-a', 'unit-b'] }), { kind: 'units', unitIds: ['unit-a', 'unit-b'] }, ['unit-a', 'unit-b']],
    [person('handler'), { kind: 'units', unitIds: ['unit-a'] }, ['unit-a']],
    [person('handler', { unitId: null }), { kind: 'none' }, []],
    [person('station', { kind: 'token', userId: null, unitId: null }), { kind: 'none' }, []],
  ])('the units %o works in or supervises: %o', (p, scope, ids) => {
    expect(unitScope(p)).toEqual(scope);
    expect(unitIdsOf(unitScope(p))).toEqual(ids);
    expect(covers(unitScope(p), 'unit-a')).toBe(scope.kind === 'all' || scope.kind === 'units');
    expect(covers(unitScope(p), 'unit-c')).toBe(scope.kind === 'all');
  });

  it.each([
    ['handler', 'unit'], ['unit_head', 'unit'], ['overseer', 'oversees'], ['auditor', null], ['complainant', null], ['admin', null], ['station', null],
  ] as const)('a %s account needs %s', (role, needs) => {
    expect(accountNeeds(role)).toBe(needs);
  });
});
