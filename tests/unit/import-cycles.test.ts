import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Production code's runtime imports form no cycle (a cycle makes load order decide what is undefined). */
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const FOLDERS = ['core', 'ingest', 'api', 'cli', 'dock-agent', 'export', 'transcode', 'schema'];
const RUNTIME_IMPORT = /^(?:import|export)\s(?!type\b)[^'"]*?from\s+'(\.[^']+)'/gm;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(RUNTIME_IMPORT)].flatMap((m) => {
    const target = resolve(dirname(file), m[1]!);
    return [`${target}.ts`, join(target, 'index.ts')].filter((candidate) => existsSync(candidate)).slice(0, 1);
  });
}

function cycles(files: string[]): string[] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(ROOT, f)).join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

describe('module dependencies', () => {
  it('have no import cycle in production code', () => {
    expect(cycles(FOLDERS.flatMap((folder) => sources(join(ROOT, folder))))).toEqual([]);
  });
});
