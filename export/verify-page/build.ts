import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The court package's verify.html. `npm run build` writes it next to the compiled server
 * (dist/verify.html, read here relative to the running module); running from the sources there is
 * no such file beside this one, so it is built on demand (development and tests only: production
 * has no esbuild).
 */
export async function verifyPage(): Promise<string> {
  try {
    return await readFile(new URL('./verify.html', import.meta.url), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return buildVerifyPage();
  }
}

/**
 * Builds verify.html: page.html with main.ts and its libraries bundled inline, and a CSP that
 * allows exactly that script (and the SM3 WebAssembly it compiles from its own bytes) and nothing
 * from the network. Takes well under a second.
 */
export async function buildVerifyPage(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    charset: 'utf8',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]!.text;
  // The script sits inside <script>: it must not be able to close the element early.
  if (/<\/script/i.test(script)) throw new Error('the verify page script contains "</script"');
  const template = await readFile(new URL('./page.html', import.meta.url), 'utf8');
  const hash = createHash('sha256').update(script).digest('base64');
  return template.replace('__SCRIPT_HASH__', hash).replace('__SCRIPT__', () => script);
}
