import { describe, expect, it } from 'vitest';
import { TOKEN_USE_INTERVAL_MS, tokenUseDue } from '../../core/tokens';

describe('tokenUseDue', () => {
  const last = new Date('2026-11-27T08:00:00Z');
  const after = (ms: number) => new Date(last.getTime() + ms);
  it.each([
    ['never used before', null, last, true],
    ['used again the same moment', last, last, false],
    ['used again within the minute', last, after(TOKEN_USE_INTERVAL_MS - 1), false],
    ['used again a minute later', last, after(TOKEN_USE_INTERVAL_MS), true],
    ['used again an hour later', last, after(3_600_000), true],
    ['a clock set back before the last use', last, after(-5_000), false],
  ])('%s: %s, %s', (_what, lastUsedAt, now, due) => {
    expect(tokenUseDue(lastUsedAt, now)).toBe(due);
  });
});
