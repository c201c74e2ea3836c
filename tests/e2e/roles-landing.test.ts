import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSession, launchBrowser, logIn as signIn, shot } from '../support/browser';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// Issue 15 item 6: every role starts where its work is, and people are named as people know them.
const p = usePlatform({ listen: true });
const world = useWorld(p);
let browser: Browser;
const username: Record<string, string> = {};
let caseA = { number: '', title: '' };
let stationName = '';
const TABLET = { width: 768, height: 1024 };

beforeAll(async () => {
  // An administrator who logs in (the seed's admin is a token), and names with 警号 for the header.
  const admin = await p.app.inject({ method: 'POST', url: '/api/users', headers: bearer(p.adminToken), payload: { username: 'admin-landing', password: world.password, role: 'admin' } });
  expect(admin.statusCode, admin.body).toBe(201);
  world.users.admin = admin.json().id;
  await p.ownerDb.updateTable('users').set({ display_name: '李明' }).where('id', '=', world.users.handlerA!).execute();
  await p.ownerDb.updateTable('users').set({ display_name: '王强', officer_no: '010001' }).where('id', '=', world.users.unitHeadA!).execute();
  for (const u of await p.db.selectFrom('users').select(['id', 'username']).execute()) {
    const role = Object.entries(world.users).find(([, id]) => id === u.id)?.[0];
    if (role) username[role] = u.username;
  }
  caseA = await p.db.selectFrom('cases').select(['number', 'title']).where('id', '=', world.cases.a).executeTakeFirstOrThrow();
  // The station binding is the admin pages' job; here it is made in the database.
  const station = await p.ownerDb.updateTable('stations').set({ unit_id: world.units.a }).returning('name').executeTakeFirstOrThrow();
  stationName = station.name;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const logIn = (page: Page, who: string, path = '/') => signIn(page, p.url, username[who]!, world.password, path);
const main = (page: Page) => page.getByRole('main');
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** Logs in from the start page, checks the landing URL and heading, and screenshots it (also at tablet width). */
async function land(who: string, role: string, path: RegExp, heading: string | null, tablet = false) {
  const session = await browserSession(browser, p.url);
  await logIn(session.page, who);
  await session.page.waitForURL(path);
  if (heading) await session.page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  else await session.page.getByRole('heading', { level: 1 }).waitFor();
  await shot(session.page, `landing-${role}`);
  if (tablet) {
    await session.page.setViewportSize(TABLET);
    expect(await fitsWidth(session.page)).toBeLessThanOrEqual(TABLET.width);
    await shot(session.page, `landing-${role}-768`);
    await session.page.setViewportSize({ width: 1280, height: 800 });
  }
  return session;
}

describe('where each role lands', () => {
  it('the unit head lands on the overview of their unit: its station, its cases, its footage', async () => {
    const { context, page, problems } = await land('unitHeadA', 'unit_head', /\/units$/, '单位概况', true);
    expect(await page.getByRole('banner').innerText()).toContain('王强（警号 010001） · 单位负责人');
    expect(await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '单位概况' }).getAttribute('aria-current')).toBe('page');
    expect(await main(page).getAttribute('aria-label')).toBe('单位概况');
    const unit = page.getByRole('region', { name: '城关派出所' });
    await unit.getByRole('region', { name: '采集站与记录仪' }).getByText(stationName, { exact: true }).waitFor();
    const cases = unit.getByRole('region', { name: '案件（按办理阶段）' });
    await cases.getByRole('link', { name: caseA.number }).waitFor();
    expect(await cases.innerText()).toContain('立案');
    expect(await unit.getByRole('list', { name: '近期录像' }).getByRole('listitem').count()).toBe(2);
    expect(await page.getByRole('region', { name: '东关派出所' }).count()).toBe(0);
    // and through to the case
    await cases.getByRole('link', { name: caseA.number }).click();
    await page.getByRole('heading', { name: `${caseA.number} ${caseA.title}` }).waitFor();
    // From the keyboard: on a fresh load the first Tab reaches the skip link.
    await page.reload();
    await page.getByRole('heading', { name: `${caseA.number} ${caseA.title}` }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到主要内容');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the overseer lands on the overview of the units in their charge', async () => {
    const { context, page, problems } = await land('overseerA', 'overseer', /\/units$/, '单位概况');
    await page.getByRole('region', { name: '城关派出所' }).getByText(stationName, { exact: true }).waitFor();
    // The English switch is kept on the new pages.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Units overview', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Stations and recorders' }).getByText(stationName, { exact: true }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the handler lands on their work: their cases and their own recent footage', async () => {
    const { context, page, problems } = await land('handlerA', 'handler', /\/home$/, '我的工作', true);
    const officer = (await p.db.selectFrom('users').select('officer_no').where('id', '=', world.users.handlerA!).executeTakeFirstOrThrow()).officer_no;
    expect(await page.getByRole('banner').innerText()).toContain(`李明（警号 ${officer}） · 办案人员`);
    await page.getByRole('region', { name: '我的案件' }).getByRole('link', { name: caseA.number }).waitFor();
    const footage = page.getByRole('list', { name: '我的近期录像' }).getByRole('listitem');
    expect(await footage.count()).toBe(1);
    expect(await footage.innerText()).toContain('a.mp4');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the complainant sees only their case and its stage, and no evidence search anywhere', async () => {
    const { context, page, problems } = await land('complainant', 'complainant', /\/my-reports$/, '我的举报');
    const table = page.getByRole('table', { name: '我的举报' });
    expect(await table.getByRole('row').count()).toBe(2);
    const row = await table.getByRole('row').nth(1).innerText();
    expect(row).toContain(caseA.number);
    expect(row).toContain('立案');
    expect(await page.getByRole('navigation', { name: '主导航' }).getByRole('link').allInnerTexts()).toEqual(['我的举报']);
    expect(await page.getByRole('search').count()).toBe(0);
    for (const path of ['/evidence', `/evidence/${world.evidence.a}`, '/cases']) {
      await page.goto(p.url + path);
      await page.waitForURL(/\/my-reports$/);
      await page.getByRole('heading', { name: '我的举报', level: 1 }).waitFor();
      expect(await main(page).innerText()).not.toMatch(/a\.mp4|检索/);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the auditor lands on the audit log, the admin on 系统管理', async () => {
    for (const [who, role, path] of [['auditor', 'auditor', /\/audit$/], ['admin', 'admin', /\/admin$/]] as const) {
      const { context } = await land(who, role, path, null);
      await context.close();
    }
  });

  it('after login with a page asked for, the user still goes there', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, 'unitHeadA', '/stations');
    await page.waitForURL(/\/stations$/);
    await page.getByRole('heading', { name: '采集站', level: 1 }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('every page at office and tablet width', () => {
  it('fits 1280 px and 768 px without sideways scrolling, with labelled landmarks, and search results do not shift the page', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, 'unitHeadA');
    await page.waitForURL(/\/units$/);
    const pages = ['/units', '/evidence', '/cases', `/cases/${world.cases.a}`, `/evidence/${world.evidence.a}`, '/stations'];
    for (const viewport of [{ width: 1280, height: 800 }, TABLET]) {
      await page.setViewportSize(viewport);
      for (const path of pages) {
        await page.goto(p.url + path);
        const title = await page.getByRole('heading', { level: 1 }).innerText();
        expect(await main(page).getAttribute('aria-label'), path).toBe(title);
        expect(await page.getByRole('navigation', { name: '主导航' }).count()).toBe(1);
        expect(await fitsWidth(page), `${path} at ${viewport.width} px`).toBeLessThanOrEqual(viewport.width);
      }
    }
    await page.goto(p.url + '/evidence');
    await page.getByRole('search', { name: '检索条件' }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: '检索结果' }).getByRole('listitem').count()).toBe(2);
    const shift = await page.evaluate(() => new Promise<number>((resolve) => {
      new PerformanceObserver((list) => resolve(list.getEntries().reduce((sum, e) => sum + (e as unknown as { value: number }).value, 0)))
        .observe({ type: 'layout-shift', buffered: true });
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(0)));
    }));
    expect(shift).toBeLessThan(0.01);
    expect(problems).toEqual([]);
    await context.close();
  });
});
