import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey } from '../../core/signing-key';
import { buildPackage } from '../../export/package';
import { directorySink } from '../../export/sinks';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
/** What the image's `npm ci --omit=dev` leaves out and production must not need. */
const DEV_ONLY = new Set(['tsx', 'esbuild', '@esbuild', '.bin']);

/** `node bin/evidence.js <args>` in the installed copy, with exactly the environment given. */
async function evidence(app: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(app, 'bin/evidence.js'), ...args], { cwd: app, env: { PATH: process.env.PATH!, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// The image in miniature: bin/, the build's dist/, package.json and the production packages, no sources.
describe('the compiled evidence command', () => {
  let app: string;
  beforeAll(async () => {
    app = await mkdtemp(join(tmpdir(), 'evidence-build-'));
    await run(process.execPath, ['bin/run-ts.js', 'scripts/build.ts', join(app, 'dist')], { cwd: ROOT });
    await mkdir(join(app, 'bin'));
    await cp(join(ROOT, 'bin/evidence.js'), join(app, 'bin/evidence.js'));
    await cp(join(ROOT, 'package.json'), join(app, 'package.json'));
    await mkdir(join(app, 'node_modules'));
    for (const name of await readdir(join(ROOT, 'node_modules'))) {
      if (!DEV_ONLY.has(name)) await symlink(join(ROOT, 'node_modules', name), join(app, 'node_modules', name));
    }
  }, 120_000);
  afterAll(() => rm(app, { recursive: true, force: true }));

  it('builds the server with source maps and the court export page ahead', async () => {
    for (const file of ['evidence.js', 'evidence.js.map', 'verify.html']) expect((await stat(join(app, 'dist', file))).size).toBeGreaterThan(0);
    const page = await readFile(join(app, 'dist/verify.html'), 'utf8');
    expect(page).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page).not.toContain('__SCRIPT__');
    // Only the on-demand fallback for a missing verify.html may name esbuild, and only lazily.
    for (const name of (await readdir(join(app, 'dist'))).filter((n) => n.endsWith('.js'))) {
      expect(await readFile(join(app, 'dist', name), 'utf8'), name).not.toMatch(/^import[^;]*from\s*"(tsx|esbuild)[/"]/m);
    }
  });

  it('runs without tsx or esbuild installed and verifies a court package', async () => {
    const help = await evidence(app, ['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: evidence');

    const pkg = join(app, 'package-out');
    const signingKey = await loadOrCreateSigningKey(join(app, 'keys'));
    const kase = { id: randomUUID(), number: '刑字〔2026〕第 17 号', title: '构建测试', unit: '城关派出所' };
    const verifyPage = await readFile(join(app, 'dist/verify.html'), 'utf8');
    await buildPackage({ case: kase, exporter: { name: '李警官 (010203)', role: 'handler' }, reason: '移送', createdAt: new Date(), files: [] }, directorySink(pkg), { signingKey, verifyPage });
    const verified = await evidence(app, ['verify', pkg]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/result: OK: signature valid/);
    await writeFile(join(pkg, 'manifest.json'), '{}');
    expect((await evidence(app, ['verify', pkg])).code).toBe(1);
  });

  it('prefers the sources in development, the compiled code with NODE_ENV=production', async () => {
    await mkdir(join(app, 'cli'));
    await writeFile(join(app, 'cli/main.ts'), "const from: string = 'sources';\nconsole.log(`from ${from}`);\n");
    await symlink(join(ROOT, 'node_modules/tsx'), join(app, 'node_modules/tsx'));
    await symlink(join(ROOT, 'node_modules/esbuild'), join(app, 'node_modules/esbuild'));
    expect((await evidence(app, ['--help'])).stdout).toBe('from sources\n');
    expect((await evidence(app, ['--help'], { NODE_ENV: 'production' })).stdout).toContain('Usage: evidence');
  });
});
