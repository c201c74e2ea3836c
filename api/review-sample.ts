import { createHash } from 'node:crypto';

/**
 * The draw of a sample review (抽查), a pure function of the population and a seed: anyone holding
 * the seed and the same recordings repeats the draw exactly, so a sample cannot be chosen by hand
 * and passed off as random.
 */

/** The population in its canonical order (by id), duplicates removed: the draw does not depend on how it was queried. */
const canonical = (population: readonly string[]): string[] => [...new Set(population)].sort();

/** SHA-256 over the canonical population: tells whether a later repeat of the draw saw the same recordings. */
export function populationDigest(population: readonly string[]): string {
  return createHash('sha256').update(canonical(population).join('\n')).digest('hex');
}

/** sfc32 (Chris Doty-Humphrey's small fast counting generator), seeded from SHA-256 of the seed text. */
function generator(seed: string): () => number {
  const key = createHash('sha256').update(seed, 'utf8').digest();
  let a = key.readUInt32LE(0), b = key.readUInt32LE(4), c = key.readUInt32LE(8), d = key.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first outputs: they still resemble the key.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** A uniform integer in [0, n) without modulo bias (rejection of the uneven top of the 32-bit range). */
function below(next: () => number, n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const x = next();
    if (x < limit) return x % n;
  }
}

/**
 * `size` recordings drawn without replacement (the whole population when it is smaller), in the
 * order drawn: a partial Fisher–Yates shuffle of the canonical population driven by the seed.
 */
export function drawSample(population: readonly string[], size: number, seed: string): string[] {
  const items = canonical(population);
  const k = Math.max(0, Math.min(size, items.length));
  const next = generator(seed);
  for (let i = 0; i < k; i++) {
    const j = i + below(next, items.length - i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items.slice(0, k);
}
