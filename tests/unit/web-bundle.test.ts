import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Manifest } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 15 item 9: the page stays under 200 kB of JavaScript before hls.js is loaded on demand.
// Built here from the sources (a second or two), into a directory of its own.
const BUDGET = 200_000;
let out = '';
let manifest: Manifest;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'web-bundle-'));
  await build({ configFile: 'vite.config.ts', logLevel: 'silent', build: { outDir: out, emptyOutDir: true, manifest: true } });
  manifest = JSON.parse(await readFile(join(out, '.vite/manifest.json'), 'utf8')) as Manifest;
}, 120_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

/** The chunks loaded with the page: the entry and, transitively, what it imports statically. */
function loadedAtOnce(): string[] {
  const entry = Object.entries(manifest).find(([, c]) => c.isEntry)?.[0];
  if (!entry) throw new Error('no entry chunk in the manifest');
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const next of manifest[key]?.imports ?? []) visit(next);
  };
  visit(entry);
  return [...seen];
}

describe('the page JavaScript', () => {
  it(`loads under ${BUDGET / 1000} kB (uncompressed) before any page asks for more`, async () => {
    const files = loadedAtOnce().map((key) => manifest[key]!.file).filter((f) => f.endsWith('.js'));
    const sizes = await Promise.all(files.map(async (f) => (await stat(join(out, f))).size));
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total, files.join(', ')).toBeGreaterThan(0);
    expect(total, `${files.join(', ')}: ${total} bytes`).toBeLessThan(BUDGET);
  });

  it('keeps hls.js in a chunk of its own, loaded only on demand', () => {
    const atOnce = new Set(loadedAtOnce());
    const hls = Object.keys(manifest).filter((key) => key.includes('hls.js'));
    expect(hls.length).toBeGreaterThan(0);
    for (const key of hls) expect(atOnce.has(key), key).toBe(false);
    expect(Object.values(manifest).some((c) => c.dynamicImports?.some((d) => hls.includes(d)))).toBe(true);
  });
});
