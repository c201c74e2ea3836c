// `npm run build:server`: the server (cli/main.ts and everything it reaches) compiled by esbuild into
// dist/evidence.js plus lazily loaded chunks, with source maps, and the court export's verify.html
// built once into dist/. Packages stay external (npm ci --omit=dev provides them). The output sits
// one level below the root like the sources' folders, so paths relative to a module
// (cli/server.ts's ../dist/web/) resolve the same; tsc --noEmit does the type checking.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildVerifyPage } from '../export/verify-page/build';

const ROOT = join(import.meta.dirname, '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'dist'));

// Only the previous server build goes; dist/web is vite's.
await mkdir(OUT, { recursive: true });
for (const name of await readdir(OUT)) {
  if (/^(evidence|chunk-).*\.js(\.map)?$|^verify\.html$/.test(name)) await rm(join(OUT, name));
}
await build({
  absWorkingDir: ROOT,
  entryPoints: [{ in: 'cli/main.ts', out: 'evidence' }],
  outdir: OUT,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: true,
  logLevel: 'warning',
});
await writeFile(join(OUT, 'verify.html'), await buildVerifyPage());
console.log(`built ${OUT}/evidence.js and ${OUT}/verify.html`);
