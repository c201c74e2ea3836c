import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds verify.html: page.html with main.ts and its libraries bundled inline, and a CSP that
 * allows exactly that script (and the SM3 WebAssembly it compiles from its own bytes) and nothing
 * from the network. Takes well under a second.
 */
export async function buildVerifyPage(): Promise<string> {
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
