import { describe, expect, it } from 'vitest';
import { drawSample, populationDigest } from '../../api/review-sample';

const ten = Array.from({ length: 10 }, (_, i) => `e${String(i).padStart(2, '0')}`);

describe('drawing a sample review', () => {
  // Fixed outcomes: a change to the generator or the shuffle would make earlier draws impossible to repeat.
  it.each([
    ['3 of 10, seed-1', ten, 3, 'seed-1', ['e04', 'e08', 'e06']],
    ['3 of 10, seed-2', ten, 3, 'seed-2', ['e08', 'e09', 'e03']],
    ['3 of 10 given in another order: the same draw', [...ten].reverse(), 3, 'seed-1', ['e04', 'e08', 'e06']],
    ['3 of 10 with repeats in the population: the same draw', [...ten, 'e04', 'e00'], 3, 'seed-1', ['e04', 'e08', 'e06']],
    ['all 10, shuffled', ten, 10, 'abc', ['e01', 'e03', 'e06', 'e08', 'e00', 'e05', 'e02', 'e07', 'e09', 'e04']],
    ['more than there are: all of them', ['z', 'x', 'y'], 5, 's', ['y', 'x', 'z']],
    ['an empty population', [], 5, 's', []],
    ['size 0', ten, 0, 's', []],
  ])('%s', (_, population, size, seed, expected) => {
    expect(drawSample(population, size, seed)).toEqual(expected);
  });

  it('the same seed over the same population gives the same sample; the sample has no repeats and comes from the population', () => {
    const population = Array.from({ length: 500 }, (_, i) => `rec-${i}`);
    for (const seed of ['a', 'b', '0123456789abcdef', '抽查-2026Q3']) {
      const sample = drawSample(population, 40, seed);
      expect(drawSample([...population].reverse(), 40, seed)).toEqual(sample);
      expect(new Set(sample).size).toBe(40);
      expect(sample.every((id) => population.includes(id))).toBe(true);
    }
    expect(drawSample(population, 40, 'a')).not.toEqual(drawSample(population, 40, 'b'));
  });

  it('every recording can be drawn: over many seeds each of 20 is drawn about as often as the others', () => {
    const population = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const counts = new Map(population.map((id) => [id, 0]));
    for (let s = 0; s < 4000; s++) for (const id of drawSample(population, 2, `seed-${s}`)) counts.set(id, counts.get(id)! + 1);
    // 8000 draws over 20: 400 each expected; a biased shuffle would leave some far off.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(300);
      expect(n).toBeLessThan(500);
    }
  });

  it.each([
    [['b', 'a'], '7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78'],
    [['a', 'b', 'a'], '7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78'],
  ])('the population %j has the digest of its sorted ids, one per line', (population, digest) => {
    expect(populationDigest(population)).toBe(digest);
  });
});
