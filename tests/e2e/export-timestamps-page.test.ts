import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvidence } from '../support/evidence-process';
import { usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';
import { stampEverything } from '../support/timestamp-fixtures';

const p = usePlatform({ listen: true });
const w = useWorld(p);
let browser: Browser;

beforeAll(async () => {
  await stampEverything(p.db, join(p.scratch, 'tsa'));
  const exported = await runEvidence(['export', '--server', p.url, '--token', w.tokens.auditor, '--case', w.cases.b, '--reason', '法院调取', '--out', join(p.scratch, 'pkg')]);
  if (exported.code !== 0) throw new Error(`evidence export failed: ${exported.stderr}`);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(() => browser?.close());

async function check(pkg: string) {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(join(pkg, 'verify.html')).href);
  await page.getByLabel(/选择导出包文件夹/).setInputFiles(pkg);
  await page.locator('#report').waitFor({ state: 'visible', timeout: 60_000 });
  const result = { verdict: await page.locator('#verdict').textContent(), facts: await page.locator('#facts').textContent(), problems: await page.locator('#problems').textContent() };
  await page.close();
  return result;
}

describe('verify.html checks trusted timestamps offline', () => {
  it('accepts the stamped file, then names a token that does not hold', async () => {
    const pkg = join(p.scratch, 'pkg');
    const intact = await check(pkg);
    expect(intact.verdict).toContain('全部通过');
    expect(intact.facts).toContain('1 / 1');

    // Swap in a token of another root: the manifest's signature still holds, the timestamp must not.
    const [token] = await readdir(join(pkg, 'timestamps'));
    const manifest = JSON.parse(await readFile(join(pkg, 'manifest.json'), 'utf8'));
    manifest.files[0].timestamp.root = 'ab'.repeat(32);
    await writeFile(join(pkg, 'manifest.json'), JSON.stringify(manifest));
    const forged = await check(pkg);
    expect(forged.verdict).toContain('未通过');
    expect(forged.problems).toMatch(/timestamp does not hold/);
    expect(token).toMatch(/\.tsr$/);
  });
});
