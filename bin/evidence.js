#!/usr/bin/env node
// The `evidence` command. It runs the compiled server (dist/evidence.js, `npm run build`) when that
// exists and either NODE_ENV=production or the sources are absent (the image); otherwise the
// TypeScript sources through tsx's loader, so a stale dist/ never shadows newer sources in development.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/evidence.js', import.meta.url);
const sources = new URL('../cli/main.ts', import.meta.url);
if (existsSync(compiled) && (process.env.NODE_ENV === 'production' || !existsSync(sources))) {
  process.setSourceMapsEnabled(true);
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
}
