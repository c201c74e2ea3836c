import { describe, expect, it } from 'vitest';
import { VIEWING_GRANT_MS, grantStands } from '../../api/viewing';

describe('grantStands', () => {
  const at = Date.parse('2026-11-26T08:00:00Z');
  it.each([
    ['the moment it was made', at, true],
    ['just inside its time', at + VIEWING_GRANT_MS - 1, true],
    ['when its time is up', at + VIEWING_GRANT_MS, false],
    ['long after', at + 3_600_000, false],
    ['a clock set back before it was made', at - 1, false],
  ])('%s: %s', (_what, now, stands) => {
    expect(grantStands(at, now)).toBe(stands);
  });
});
