import { describe, expect, it } from 'vitest';
import { PRIORITY_BAND, jobPriority, type Placement, type TranscodePriority } from '../../core/jobs';
import { transcodePlacement } from '../../transcode/queue';

describe('transcode placement: tier from who waits, share from the unit', () => {
  it.each<[TranscodePriority | undefined, string | null, Placement]>([
    ['interactive', 'u1', { tier: 0, share: 'u1' }],
    ['linked', 'u1', { tier: 1, share: 'u1' }],
    ['background', 'u2', { tier: 2, share: 'u2' }],
    [undefined, 'u2', { tier: 2, share: 'u2' }],
    ['interactive', null, { tier: 0, share: 'no-unit' }],
  ])('%s, unit %s', (priority, unit, placement) => {
    expect(transcodePlacement(priority, unit)).toEqual(placement);
  });
});

describe('jobPriority (BullMQ: lower runs first, 1 .. 2^21-1)', () => {
  it.each<[number, number, number]>([
    [0, 0, 1],
    [0, 5, 6],
    [1, 0, 1 + PRIORITY_BAND],
    [2, 0, 1 + 2 * PRIORITY_BAND],
    [2, 41, 42 + 2 * PRIORITY_BAND],
    // A backlog beyond the band stays in its tier.
    [0, 10 * PRIORITY_BAND, PRIORITY_BAND],
    [2, 10 * PRIORITY_BAND, 3 * PRIORITY_BAND],
    // A counter that drifted below zero (Redis flushed under running jobs) counts as empty.
    [1, -3, 1 + PRIORITY_BAND],
  ])('tier %i, backlog %i: %i', (tier, backlog, priority) => {
    expect(jobPriority(tier, backlog)).toBe(priority);
    expect(priority).toBeLessThan(2 ** 21);
  });

  it('an interactive job of the busiest unit runs before any background job', () => {
    expect(jobPriority(0, 10 * PRIORITY_BAND)).toBeLessThan(jobPriority(1, 0));
    expect(jobPriority(1, 10 * PRIORITY_BAND)).toBeLessThan(jobPriority(2, 0));
  });

  /** Queues jobs as the dispatcher does (each share's backlog counted up) and answers the run order. */
  function runOrder(arrivals: Array<[TranscodePriority, string]>): string[] {
    const open = new Map<string, number>();
    const queued = arrivals.map(([priority, unit], arrival) => {
      const { tier, share } = transcodePlacement(priority, unit);
      const field = `${tier}/${share}`;
      const backlog = open.get(field) ?? 0;
      open.set(field, backlog + 1);
      return { label: `${unit}:${priority}`, priority: jobPriority(tier, backlog), arrival };
    });
    // BullMQ: by priority, equal priorities in arrival order.
    return queued.sort((x, y) => x.priority - y.priority || x.arrival - y.arrival).map((j) => j.label);
  }

  it.each<[string, Array<[TranscodePriority, string]>, string[]]>([
    [
      "one unit's backlog does not block another's",
      [['background', 'A'], ['background', 'A'], ['background', 'A'], ['background', 'B']],
      ['A:background', 'B:background', 'A:background', 'A:background'],
    ],
    [
      'units take turns',
      [['background', 'A'], ['background', 'A'], ['background', 'B'], ['background', 'B'], ['background', 'C']],
      ['A:background', 'B:background', 'C:background', 'A:background', 'B:background'],
    ],
    [
      'an interactive request overtakes a queue full of background jobs',
      [['background', 'A'], ['background', 'B'], ['linked', 'A'], ['interactive', 'A']],
      ['A:interactive', 'A:linked', 'A:background', 'B:background'],
    ],
  ])('%s', (_, arrivals, order) => {
    expect(runOrder(arrivals)).toEqual(order);
  });
});
