import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The reviewer page (api/web) as static files in dist/web, which the API server serves at /.
// Everything is bundled: the page loads nothing from another origin at run time.
export default defineConfig({
  root: here('api/web'),
  publicDir: false,
  build: {
    outDir: here('dist/web'),
    emptyOutDir: true,
    // dist/web/.vite/manifest.json: which chunks the page loads at once and which on demand (tests/unit/web-bundle.test.ts).
    manifest: true,
  },
});
