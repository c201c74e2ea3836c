import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSession, launchBrowser, logIn, shot } from '../support/browser';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// The 监督考核 page of the built web application (dist/web), driven by Chromium from Debian.
const p = usePlatform({ listen: true });
const world = useWorld(p);
let browser: Browser;
const DAY = 86_400_000;
const H = 3_600_000;

beforeAll(async () => {
  const now = Date.now();
  // Unit A's two recordings of the last days: one received within the hour, one three days after its end.
  await p.ownerDb.updateTable('evidence').set({ recorded_at: new Date(now - 5 * DAY), received_at: new Date(now - 5 * DAY + H), duration_ms: 600_000 }).where('id', '=', world.evidence.a).execute();
  await p.ownerDb.updateTable('evidence').set({ recorded_at: new Date(now - 6 * DAY), received_at: new Date(now - 3 * DAY), duration_ms: 0 }).where('id', '=', world.evidence.a2).execute();
  const officerNo = (await p.db.selectFrom('users').select('officer_no').where('id', '=', world.users.handlerA!).executeTakeFirstOrThrow()).officer_no;
  await p.ownerDb.insertInto('recorders').values({ serial: 'DSJ-OVERDUE-1', officer_no: officerNo, last_docked_at: new Date(now - 3 * DAY) }).execute();
  // A supervision reminder awaiting unit A's answer, and a sample review of unit A with one recording scored 4 of 5.
  const call = async (token: string, method: 'POST' | 'PUT', url: string, payload: object) => {
    const res = await p.app.inject({ method, url, headers: bearer(token), payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };
  await call(world.tokens.auditor, 'POST', '/api/reminders', { evidenceId: world.evidence.a2, text: '该录像迟传三天，请说明原因。', dueAt: new Date(now + 7 * DAY).toISOString() });
  const review = await call(world.tokens.overseerA, 'POST', '/api/reviews', { unitId: world.units.a, from: new Date(now - 10 * DAY).toISOString(), to: new Date(now).toISOString(), size: 1, seed: 'dashboard' });
  const keys = review.rubric.items.map((i: { key: string }) => i.key) as string[];
  await call(world.tokens.overseerA, 'PUT', `/api/reviews/${review.id}/samples/${review.samples[0].evidenceId}`, { items: keys.map((key, i) => ({ key, pass: i > 0 })) });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('supervision page', () => {
  it('an overseer sees their unit\'s figures, the charts, the overdue recorders, and drills down to the late recording', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    const username = (await p.db.selectFrom('users').select('username').where('id', '=', world.users.overseerA!).executeTakeFirstOrThrow()).username;
    await logIn(page, p.url, username, world.password);
    await page.getByRole('link', { name: '监督考核' }).click();
    await page.getByRole('heading', { name: '监督考核', level: 1 }).waitFor();

    const figures = page.getByRole('region', { name: '各单位指标' });
    const row = figures.getByRole('row', { name: /城关派出所/ });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(['2', '0.2', '50.0%', '1', '1', '0', '0', '80.0%（1 条）']);
    expect(await figures.textContent()).not.toContain('东关派出所'); // not a unit the overseer oversees
    await page.getByRole('img', { name: '柱状图：各单位按时上传率与缺失录像案件数' }).locator('svg').waitFor();
    await page.getByRole('img', { name: '折线图：按周的按时上传率' }).locator('svg').waitFor();
    await expect.poll(() => page.getByRole('region', { name: '超期未入库的记录仪' }).textContent()).toContain('DSJ-OVERDUE-1');
    const reminders = page.getByRole('region', { name: '待处理的监督提醒' });
    expect(await reminders.textContent()).toContain('1 条监督提醒等待单位回复');
    expect(await reminders.getByRole('link', { name: /该录像迟传三天/ }).count()).toBe(1);

    await row.getByRole('button', { name: '城关派出所 迟传录像 1' }).click();
    const details = page.getByRole('region', { name: '明细：迟传录像（城关派出所）' });
    await expect.poll(() => details.textContent()).toContain('a2.mp4');
    await expect.poll(() => details.textContent()).toContain('72');
    await shot(page, 'supervision');
    await page.setViewportSize({ width: 768, height: 1024 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await shot(page, 'supervision-768');
    expect(problems).toEqual([]);
    await context.close();
  });
});
