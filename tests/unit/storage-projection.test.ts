import { describe, expect, it } from 'vitest';
import { projectStorage } from '../../api/storage-report';

const GB = 1e9;

describe('projectStorage: the size in a year under today\'s rules', () => {
  it.each([
    ['nothing stored, nothing coming in', [], 0],
    ['permanent, no intake: stays as it is', [{ days: null, bytes: 50 * GB, recentBytes: 0, expiringBytes: 0 }], 50 * GB],
    ['permanent: all of a year\'s intake is kept', [{ days: null, bytes: 10 * GB, recentBytes: 30 * GB, expiringBytes: 0 }], 10 * GB + 365 * GB],
    ['180 days: everything stored now expires, 180 days of intake remain', [{ days: 180, bytes: 200 * GB, recentBytes: 30 * GB, expiringBytes: 200 * GB }], 180 * GB],
    ['180 days, intake stopped: the store empties', [{ days: 180, bytes: 200 * GB, recentBytes: 0, expiringBytes: 200 * GB }], 0],
    ['a period longer than the horizon keeps the whole year\'s intake and what does not expire yet', [{ days: 730, bytes: 100 * GB, recentBytes: 3 * GB, expiringBytes: 40 * GB }], 60 * GB + 36.5 * GB],
    [
      'one district: 1,500 recorders at 20 GB a month, 5 % of it important',
      [
        { days: null, bytes: 500_000 * GB, recentBytes: 1_500 * GB, expiringBytes: 0 },
        { days: 180, bytes: 400_000 * GB, recentBytes: 28_500 * GB, expiringBytes: 400_000 * GB },
      ],
      500_000 * GB + 18_250 * GB + 171_000 * GB,
    ],
  ] as const)('%s', (_, groups, expected) => {
    expect(projectStorage(groups, 30, 365)).toBe(Math.round(expected));
  });

  it('is rounded to whole bytes', () => {
    expect(projectStorage([{ days: null, bytes: 0, recentBytes: 1, expiringBytes: 0 }], 30, 365)).toBe(12);
  });
});
