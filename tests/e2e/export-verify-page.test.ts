import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupFingerprint } from '../../export/format';
import { buildPackage, type PackageFile } from '../../export/package';
import { loadOrCreateSigningKey, type SigningKey } from '../../core/signing-key';
import { directorySink } from '../../export/sinks';
import { buildVerifyPage } from '../../export/verify-page/build';

let work: string;
let pkg: string;
let key: SigningKey;
let browser: Browser;

function file(n: number, name: string, bytes: Buffer): PackageFile {
  const at = new Date('2026-11-25T01:30:00Z');
  return {
    evidence: {
      id: `7d0c1f2e-0000-4000-8000-00000000000${n}`, size: bytes.length, originalName: name, originalPath: `DCIM/${name}`,
      sha256: createHash('sha256').update(bytes).digest('hex'), sm3: createHash('sm3').update(bytes).digest('hex'),
      officerNo: '010203', deviceSerial: 'DSJ0001', recordedAt: at, stationTime: at, receivedAt: at, clockSkewMs: 0, important: false,
    },
    custody: [{ seq: n, action: 'ingest.verified', actor: 'station PS-0101', at: at.toISOString(), details: {}, hash: 'ab'.repeat(32) }],
    open: async () => Readable.from([bytes]),
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'export-page-'));
  key = await loadOrCreateSigningKey(join(work, 'keys'));
  pkg = join(work, 'package');
  const files = [
    // Larger than the page's 8 MiB slice, so it is hashed in several pieces.
    file(1, '010203_DSJ0001_20261125093000_0001IMP.mp4', randomBytes(20 * 1024 * 1024 + 123)),
    file(2, '010203_DSJ0001_20261125100000_0002.mp4', randomBytes(200_000)),
    file(3, 'empty.mp4', Buffer.alloc(0)),
  ];
  await buildPackage(
    { case: { id: 'c-1', number: 'A-2026-7', title: '页面校验', unit: '城关派出所' }, exporter: { name: '张三', role: 'handler' }, reason: '移送', createdAt: new Date(), files },
    directorySink(pkg),
    { signingKey: key, verifyPage: await buildVerifyPage() },
  );
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await rm(work, { recursive: true, force: true });
});

async function pickPackage(page: Page) {
  await page.goto(pathToFileURL(join(pkg, 'verify.html')).href);
  await page.getByLabel(/选择导出包文件夹/).setInputFiles(pkg);
  await page.locator('#report').waitFor({ state: 'visible', timeout: 30_000 });
  return {
    verdict: await page.locator('#verdict').textContent(),
    status: await page.getByRole('status').textContent(),
    rows: await page.locator('#files tr').evaluateAll((trs) => trs.map((tr) => `${(tr as HTMLElement).dataset.status} ${(tr as HTMLTableRowElement).cells[1]!.textContent}`)),
    details: new Map(await page.locator('#files tr').evaluateAll((trs) => trs.map((tr) => [(tr as HTMLTableRowElement).cells[1]!.textContent!, (tr as HTMLTableRowElement).cells[3]!.textContent!] as const))),
    facts: await page.locator('#facts').textContent(),
  };
}

describe('verify.html from file://', () => {
  it('reports every file OK offline, then names the altered file', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));

    const intact = await pickPackage(page);
    expect(intact.verdict).toContain('全部通过');
    expect(intact.status).toContain('全部一致');
    expect(intact.facts).toContain('有效 valid');
    expect(intact.facts).toContain(groupFingerprint(key.fingerprint));
    expect(intact.facts).toMatch(/SM2 签名.*有效 valid/);
    expect(intact.facts).toContain(groupFingerprint(key.sm2.fingerprint));
    expect(intact.facts).toContain('Ed25519 OK, SM2 OK');
    expect(intact.rows).toHaveLength(12);
    expect(intact.rows.every((r) => r.startsWith('ok '))).toBe(true);
    // Every file but the SUMS files themselves was held to its SM3 as well as its SHA-256.
    for (const [path, details] of intact.details) expect(details, path).toBe(path.endsWith('SUMS') ? '' : 'SHA-256 一致 OK · SM3 一致 OK');

    const victim = 'files/002-7d0c1f2e-0000-4000-8000-000000000002.mp4';
    const handle = await open(join(pkg, victim), 'r+');
    await handle.write(Buffer.from([0x42]), 0, 1, 99_999);
    await handle.close();
    await writeFile(join(pkg, 'files', 'planted.txt'), 'x');
    const altered = await pickPackage(page);
    expect(altered.verdict).toContain('未通过');
    expect(altered.rows.filter((r) => !r.startsWith('ok '))).toEqual([`altered ${victim}`, 'unexpected files/planted.txt']);
    expect(altered.details.get(victim)).toBe('SHA-256 differs from manifest.json; SM3 differs from manifest.json');
    await page.screenshot({ path: join(tmpdir(), 'export-verify-page.png'), fullPage: true });

    expect(errors).toEqual([]);
    expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
  });
});
