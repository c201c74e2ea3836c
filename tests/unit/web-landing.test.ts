import { describe, expect, it } from 'vitest';
import { afterLogin, landingFor, redirectFor, retryDelaySeconds, searchesEvidence } from '../../api/web/landing';

const SEARCH = ['evidence.search', 'case.search'];
const who = (role: string, actions = SEARCH) => ({ role, actions }) as Parameters<typeof landingFor>[0];

describe('where each role lands', () => {
  it.each([
    ['complainant', '/my-reports'],
    ['handler', '/home'],
    ['unit_head', '/units'],
    ['overseer', '/units'],
    ['auditor', '/audit'],
    ['admin', '/admin'],
  ])('%s → %s', (role, path) => {
    expect(landingFor(who(role))).toBe(path);
    expect(redirectFor(who(role), '/')).toBe(path);
  });

  it.each([
    // [role, path, where instead]
    ['complainant', '/evidence', '/my-reports'],
    ['complainant', '/evidence/0f8fad5b-d9cb-469f-a165-70867728950e', '/my-reports'],
    ['complainant', '/my-reports', null],
    ['complainant', '/cases', '/my-reports'],
    ['handler', '/cases', null],
    ['handler', '/evidence', null],
    ['handler', '/evidence/0f8fad5b-d9cb-469f-a165-70867728950e', null],
    ['unit_head', '/stations', null],
  ])('%s asking for %s goes to %s', (role, path, instead) => {
    expect(redirectFor(who(role), path)).toBe(instead);
  });

  it('evidence search is for staff with the action, never for a complainant', () => {
    expect(searchesEvidence(who('complainant'))).toBe(false);
    expect(searchesEvidence(who('handler'))).toBe(true);
    expect(searchesEvidence(who('handler', []))).toBe(false);
  });

  it.each([
    ['/cases/1?x=2', '/cases/1?x=2'],
    [null, '/units'],
    ['', '/units'],
    ['//evil.example/x', '/units'],
    ['https://evil.example/', '/units'],
    ['/login?next=/x', '/units'],
  ])('after login with next=%s the unit head goes to %s', (next, path) => {
    expect(afterLogin(who('unit_head'), next)).toBe(path);
  });
});

describe('retrying while the platform cannot be reached', () => {
  it.each([[0, 2], [1, 4], [2, 8], [3, 16], [4, 30], [10, 30], [-1, 2]])('try %i waits %i s', (attempt, seconds) => {
    expect(retryDelaySeconds(attempt)).toBe(seconds);
  });
});
