import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSession, launchBrowser, logIn as signIn, shot } from '../support/browser';
import { usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// The views issue 15 found broken: "加载更多" on every search, English errors on the page, stations no unit head sees.
const p = usePlatform({ listen: true });
const world = useWorld(p);
let browser: Browser;
const username: Record<string, string> = {};

beforeAll(async () => {
  for (const u of await p.db.selectFrom('users').select(['id', 'username']).execute()) {
    const role = Object.entries(world.users).find(([, id]) => id === u.id)?.[0];
    if (role) username[role] = u.username;
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const logIn = (page: Page, who: string, path = '/') => signIn(page, p.url, username[who]!, world.password, path);
const cards = (page: Page) => page.getByRole('list', { name: '检索结果' }).getByRole('listitem');
const more = (page: Page) => page.locator('button', { hasText: '加载更多' });

describe('search results', () => {
  it('offers "加载更多" only when there is more, and never appends a page twice', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, 'handlerB', '/evidence');
    await page.getByRole('heading', { name: '证据检索' }).waitFor();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('1');
    expect(await cards(page).count()).toBe(1);
    expect(await more(page).isVisible()).toBe(false);

    // 30 more recordings of handler A2, a second apart: one page of 24, then the rest.
    const a2 = await p.ownerDb.selectFrom('evidence').select('officer_no').where('id', '=', world.evidence.a2).executeTakeFirstOrThrow();
    await sql`INSERT INTO evidence (recorder_id, session_id, upload_id, size, sha256, sm3, original_path, original_path_bytes, original_name, officer_no, device_serial, unit_id, recorded_at, storage_key, important, received_at)
      SELECT recorder_id, session_id, upload_id, size, encode(sha256(convert_to('copy' || g, 'UTF8')), 'hex'), sm3, original_path || g, original_path_bytes || convert_to(g::text, 'UTF8'), 'copy-' || g || '.mp4', officer_no, device_serial, unit_id, recorded_at, storage_key || '-' || g, important, date_trunc('second', now()) - g * interval '1 second'
      FROM evidence, generate_series(1, 30) g WHERE id = ${world.evidence.a2}`.execute(p.ownerDb);
    expect(a2.officer_no).not.toBeNull();
    await context.close();

    const second = await browserSession(browser, p.url);
    await logIn(second.page, 'handlerA2', '/evidence');
    await second.page.getByRole('heading', { name: '证据检索' }).waitFor();
    await expect.poll(() => cards(second.page).count()).toBe(24);
    await more(second.page).waitFor();
    // Two clicks before the first page has arrived.
    await more(second.page).evaluate((b) => { (b as HTMLButtonElement).click(); (b as HTMLButtonElement).click(); });
    await expect.poll(() => cards(second.page).count()).toBe(31);
    await expect.poll(() => more(second.page).isVisible()).toBe(false);
    const links = await cards(second.page).locator('a.card-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(new Set(links).size).toBe(31);
    expect([...problems, ...second.problems]).toEqual([]);
    await second.context.close();
  });
});

describe('errors', () => {
  it('a case number that exists reads "案件编号已存在", with no English on the page', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    const taken = (await p.db.selectFrom('cases').select('number').where('id', '=', world.cases.a).executeTakeFirstOrThrow()).number;
    await logIn(page, 'unitHeadA', '/cases');
    await page.getByRole('heading', { name: '案件', level: 1 }).waitFor();
    const form = page.getByRole('region', { name: '新建案件' });
    await form.getByLabel('案件编号').fill(taken);
    await form.getByLabel('案件名称').fill('重复的案件');
    await form.getByRole('button').first().click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('案件编号已存在');
    expect(await page.locator('main').innerText()).not.toMatch(/Conflict|already exists/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('when the platform cannot be reached the page says so in Chinese and loads by itself once it answers', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, 'handlerA', '/cases');
    await page.getByRole('heading', { name: '案件', level: 1 }).waitFor();
    const cut = (url: URL) => url.pathname === '/api/evidence';
    await page.route(cut, (route) => route.abort('internetdisconnected'));
    await page.getByRole('link', { name: '证据检索' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('无法连接平台');
    expect(await page.locator('main').innerText()).not.toContain('Failed to fetch');
    await shot(page, 'offline');
    await page.unroute(cut);
    await page.getByRole('heading', { name: '证据检索' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('main').innerText()).not.toContain('无法连接平台');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('stations', () => {
  it('a unit head and an overseer see the stations bound to their unit; another unit head does not', async () => {
    await p.ownerDb.updateTable('stations').set({ unit_id: world.units.a }).execute();
    const station = await p.db.selectFrom('stations').select('name').executeTakeFirstOrThrow();
    for (const who of ['unitHeadA', 'overseerA']) {
      const { context, page, problems } = await browserSession(browser, p.url);
      await logIn(page, who, '/stations');
      await page.getByRole('heading', { name: '采集站', level: 1 }).waitFor();
      await page.getByRole('region', { name: station.name }).waitFor();
      expect(await page.locator('main').innerText()).toContain('城关派出所');
      expect(problems).toEqual([]);
      await context.close();
    }
    const { context, page } = await browserSession(browser, p.url);
    await logIn(page, 'unitHeadB', '/stations');
    await page.getByRole('heading', { name: '采集站', level: 1 }).waitFor();
    await expect.poll(() => page.locator('main').innerText()).toContain('暂无采集站');
    await context.close();
  });
});
