import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSession, launchBrowser, logIn, shot } from '../support/browser';
import { bearer, usePlatform } from '../support/platform';
import { dockFile, useWorld } from '../support/seed';

// Issue 15 item 4: the admin's journey through 系统管理 in the built web app (dist/web), in Chromium.
const p = usePlatform({ listen: true });
const world = useWorld(p);
let browser: Browser;
const adminName = 'wang.admin';
const password = 'a long admin passphrase';
let loose: string;

beforeAll(async () => {
  const made = await p.app.inject({ method: 'POST', url: '/api/users', headers: bearer(p.adminToken), payload: { username: adminName, password, role: 'admin', displayName: '王管理' } });
  expect(made.statusCode, made.body).toBe(201);
  // Footage whose officer number belongs to nobody: no unit sees it until an admin gives it one.
  loose = (await dockFile(p, 'X-9999', 'DCIM/VID_20261126_0930.mp4', 'ST-E2E')).id;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const audited = async (objectId: string, action: string) =>
  ((await p.app.inject({ url: `/api/audit?objectId=${objectId}`, headers: bearer(world.tokens.auditor) })).json().items as { action: string; outcome: string; actorName: string }[])
    .filter((e) => e.action === action && e.outcome === 'allowed');

describe('系统管理', () => {
  it('the admin creates a user who can then sign in, binds a station to a unit and gives unattributed footage its unit; each change is audited', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, p.url, adminName, password);
    await page.getByRole('link', { name: '系统管理' }).click();
    await page.getByRole('heading', { name: '系统管理 · 用户', level: 1 }).waitFor();

    // A new case handler with name, role, unit and 警号.
    const form = page.getByRole('form', { name: '新建用户' });
    await form.getByLabel('姓名').fill('李娜');
    await form.getByLabel('登录用户名').fill('li.na');
    await form.getByLabel('初始密码').fill('her first passphrase');
    await form.getByLabel('角色').selectOption({ label: '办案人员' });
    await form.getByLabel('所属单位').selectOption(world.units.a);
    await form.getByLabel('警号').fill('310123');
    await form.getByRole('button', { name: '创建用户' }).click();
    await page.getByRole('status').filter({ hasText: '已创建用户 李娜，可用用户名 li.na 登录。' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'li.na' });
    for (const text of ['李娜', '310123', '办案人员', '城关派出所', '正常']) await expect.poll(() => row.textContent()).toContain(text);
    await shot(page, 'admin-users');

    const other = await browserSession(browser, p.url);
    await logIn(other.page, p.url, 'li.na', 'her first passphrase');
    await other.page.getByRole('button', { name: '退出' }).waitFor();
    expect(other.problems).toEqual([]);
    await other.context.close();

    // The station that docked the footage belongs to no unit yet.
    await page.getByRole('navigation', { name: '系统管理分区' }).getByRole('link', { name: '采集站与记录仪' }).click();
    await page.getByRole('heading', { name: '系统管理 · 采集站与记录仪', level: 1 }).waitFor();
    const station = page.getByRole('row').filter({ hasText: 'ST-E2E' });
    await station.getByLabel('ST-E2E 的所属单位').selectOption(world.units.a);
    await station.getByRole('button', { name: '绑定' }).click();
    await page.getByRole('status').filter({ hasText: '采集站 ST-E2E 已绑定到 城关派出所。' }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'R-X-9999' }).textContent()).toContain('—');
    await shot(page, 'admin-devices');

    // The work queue: the file, its officer number and recorder, given a unit with a reason.
    await page.getByRole('link', { name: '待分配单位的录像' }).click();
    await page.getByRole('heading', { name: '系统管理 · 待分配单位的录像', level: 1 }).waitFor();
    const file = page.getByRole('row').filter({ hasText: 'VID_20261126_0930.mp4' });
    for (const text of ['X-9999', 'R-X-9999']) await expect.poll(() => file.textContent()).toContain(text);
    expect(await page.getByRole('button', { name: '加载更多' }).count()).toBe(0);
    await shot(page, 'admin-queue');
    await file.getByLabel('VID_20261126_0930.mp4 的所属单位').selectOption(world.units.a);
    await file.getByLabel('VID_20261126_0930.mp4 的分配理由').fill('记录仪借给城关派出所使用');
    await file.getByRole('button', { name: '分配' }).click();
    await page.getByRole('status').filter({ hasText: 'VID_20261126_0930.mp4 已分配给 城关派出所。' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'VID_20261126_0930.mp4' }).count()).toBe(0);

    // The unit head now sees both the station and the footage.
    expect((await p.app.inject({ url: `/api/evidence/${loose}`, headers: bearer(world.tokens.unitHeadA) })).statusCode).toBe(200);
    const stations = (await p.app.inject({ url: '/api/stations', headers: bearer(world.tokens.unitHeadA) })).json().stations as { id: string; code: string }[];
    const bound = stations.find((s) => s.code === 'ST-E2E');
    expect(bound).toBeDefined();

    // One audit row per change, by the admin.
    const users = (await p.app.inject({ url: '/api/users', headers: bearer(p.adminToken) })).json().items as { id: string; username: string }[];
    const liNa = users.find((u) => u.username === 'li.na')!.id;
    for (const [id, action] of [[liNa, 'user.create'], [bound!.id, 'station.bind'], [loose, 'evidence.assign-unit']] as const) {
      const rows = await audited(id, action);
      expect(rows, action).toHaveLength(1);
      expect(rows[0]!.actorName).toBe(adminName);
    }

    // A tablet-width screen: each section fits without sideways scrolling.
    await page.setViewportSize({ width: 768, height: 1024 });
    for (const [tab, name] of [['用户', 'users'], ['采集站与记录仪', 'devices'], ['API 令牌', 'tokens']] as const) {
      await page.getByRole('navigation', { name: '系统管理分区' }).getByRole('link', { name: tab }).click();
      await page.getByRole('heading', { name: `系统管理 · ${tab}`, level: 1 }).waitFor();
      expect(await fitsWidth(page), tab).toBeLessThanOrEqual(768);
      await shot(page, `admin-${name}-768`);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
