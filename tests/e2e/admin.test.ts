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
    for (const [tab, name] of [['用户', 'users'], ['单位', 'units'], ['采集站与记录仪', 'devices'], ['API 令牌', 'tokens'], ['待分配单位的录像', 'queue']] as const) {
      await page.getByRole('navigation', { name: '系统管理分区' }).getByRole('link', { name: tab, exact: true }).click();
      await page.getByRole('heading', { name: `系统管理 · ${tab}`, level: 1 }).waitFor();
      expect(await fitsWidth(page), tab).toBeLessThanOrEqual(768);
      await shot(page, `admin-${name}-768`);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the admin gives an officer their 警号 (their earlier footage joins the unit), resets the password, disables the account, and issues and revokes an API token', async () => {
    const early = (await dockFile(p, 'Z-7777', 'DCIM/VID_20261120_0800.mp4', 'ST-E2E')).id;
    const zhao = await p.app.inject({ method: 'POST', url: '/api/users', headers: bearer(p.adminToken), payload: { username: 'zhao.qiang', password: 'his first passphrase', role: 'handler', unitId: world.units.b, displayName: '赵强' } });
    expect(zhao.statusCode, zhao.body).toBe(201);
    const { context, page, problems } = await browserSession(browser, p.url);
    page.on('dialog', (dialog) => void dialog.accept());
    await logIn(page, p.url, adminName, password, '/admin');
    await page.getByRole('heading', { name: '系统管理 · 用户', level: 1 }).waitFor();

    await page.getByRole('button', { name: '编辑 赵强' }).click();
    const editor = page.getByRole('region', { name: '编辑用户：赵强 · 办案人员' });
    await editor.getByLabel('警号').fill('Z-7777');
    await editor.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存；该警号的 1 个无单位录像已归入此单位。' }).waitFor();
    expect((await p.app.inject({ url: `/api/evidence/${early}`, headers: bearer(world.tokens.unitHeadB) })).statusCode).toBe(200);

    await page.getByRole('button', { name: '编辑 赵强（警号 Z-7777）' }).click();
    await page.getByLabel('新密码').fill('his second passphrase');
    await page.getByRole('button', { name: '设置新密码' }).click();
    await page.getByRole('status').filter({ hasText: '已为赵强（警号 Z-7777）设置新密码，其登录会话已结束。' }).waitFor();
    const login = (pw: string) => p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhao.qiang', password: pw }, remoteAddress: '10.1.2.3' });
    expect((await login('his first passphrase')).statusCode).toBe(401);
    expect((await login('his second passphrase')).statusCode).toBe(200);

    const row = page.getByRole('row').filter({ hasText: 'zhao.qiang' });
    await row.getByRole('button', { name: '停用' }).click();
    await page.getByRole('status').filter({ hasText: '已停用赵强（警号 Z-7777）。' }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'zhao.qiang' }).textContent()).toContain('已停用');
    expect((await login('his second passphrase')).statusCode).toBe(401);

    await page.getByRole('link', { name: 'API 令牌' }).click();
    const form = page.getByRole('form', { name: '新建 API 令牌' });
    await form.getByLabel('令牌名称').fill('执法办案平台');
    await form.getByLabel('系统账号的角色').selectOption({ label: '办案人员' });
    await form.getByLabel('案件').check();
    await form.getByRole('button', { name: '创建令牌' }).click();
    const secret = page.getByRole('region', { name: '新令牌' });
    await secret.getByText('令牌只显示这一次，请立即复制并妥善保存。').waitFor();
    const token = (await secret.locator('code').textContent())!;
    expect(token).toMatch(/^evd_/);
    await secret.getByRole('button', { name: '复制' }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: '执法办案平台' }).textContent()).toContain('案件');
    await shot(page, 'admin-tokens');
    expect((await p.app.inject({ url: '/api/units', headers: bearer(token) })).statusCode).toBe(200);

    await page.getByRole('button', { name: '吊销 执法办案平台' }).click();
    await page.getByRole('status').filter({ hasText: '已吊销令牌“执法办案平台”。' }).waitFor();
    expect((await p.app.inject({ url: '/api/units', headers: bearer(token) })).statusCode).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });
});
