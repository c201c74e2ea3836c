import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where the browser suites leave their screenshots (kept by CI as artifacts). */
export const SHOTS = 'test-artifacts/screenshots';

/** Debian's Chromium, headless, with nothing phoning home. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A fresh browser session at laptop size, in Chinese and China's time zone. `problems` collects what
 * should never happen: a request to another origin, a page error, a console error (HTTP errors the
 * page handles are logged by Chromium as "Failed to load resource" and are left out).
 */
export async function browserSession(browser: Browser, origin: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('request', (r) => !r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:') && problems.push(`request to ${r.url()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  return { context, page, problems };
}

/** Signs in through the login form, starting at `path` (the page sends the user there afterwards). */
export async function logIn(page: Page, origin: string, username: string, password: string, path = '/'): Promise<void> {
  await page.goto(origin + path);
  await page.getByRole('heading', { name: '登录' }).waitFor();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/** A full-page screenshot in test-artifacts/screenshots/NAME.png. */
export const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
