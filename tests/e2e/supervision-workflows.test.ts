import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSession, launchBrowser, logIn as signIn, shot } from '../support/browser';
import { dockCalls } from '../support/dock-calls';
import { usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// Issue 16 items 3 and 4 in the browser: a supervision reminder through every state, and a sample review scored.
const p = usePlatform({ listen: true });
const w = useWorld(p);
let browser: Browser;
const username: Record<string, string> = {};
let caseNumber = '';
const TABLET = { width: 768, height: 1024 };

beforeAll(async () => {
  await p.ownerDb.updateTable('users').set({ display_name: '王强', officer_no: '010001' }).where('id', '=', w.users.unitHeadA!).execute();
  await p.ownerDb.updateTable('users').set({ display_name: '张敏', officer_no: '090001' }).where('id', '=', w.users.overseerA!).execute();
  for (const u of await p.db.selectFrom('users').select(['id', 'username']).execute()) {
    const role = Object.entries(w.users).find(([, id]) => id === u.id)?.[0];
    if (role) username[role] = u.username;
  }
  caseNumber = (await p.db.selectFrom('cases').select('number').where('id', '=', w.cases.a).executeTakeFirstOrThrow()).number;
  // Three recordings of unit A's officer, recorded in the last days: the population of the sample.
  const officerNo = (await p.db.selectFrom('evidence').select('officer_no').where('id', '=', w.evidence.a).executeTakeFirstOrThrow()).officer_no!;
  const dock = dockCalls(p.app, p.stationToken, 'ST');
  for (let day = 1; day <= 3; day++) {
    const bytes = randomBytes(512);
    const announced = await dock.announce(`R-${officerNo}`, `DCIM/${randomUUID()}.MP4`, bytes.length, { officerNo, recordedAt: new Date(Date.now() - day * 86_400_000).toISOString() });
    await dock.send(announced.json().uploadId, 0, bytes);
    expect((await dock.complete(announced.json().uploadId, bytes)).statusCode).toBe(200);
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const logIn = (page: Page, who: string, path = '/') => signIn(page, p.url, username[who]!, w.password, path);
const main = (page: Page) => page.getByRole('main');
/** A screenshot at laptop width, and one at tablet width that must not scroll sideways. */
async function shots(page: Page, name: string) {
  await shot(page, name);
  await page.setViewportSize(TABLET);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 768 px`).toBeLessThanOrEqual(TABLET.width);
  await shot(page, `${name}-768`);
  await page.setViewportSize({ width: 1280, height: 800 });
}
const stateOnScreen = (page: Page) => main(page).getByRole('region', { name: '提醒内容' }).getByRole('definition').first().innerText();

describe('supervision workflows in the browser', () => {
  it('a reminder: issued by the overseer, answered by the unit head from the overview, returned, answered again, closed', async () => {
    const sup = await browserSession(browser, p.url);
    await logIn(sup.page, 'overseerA');
    await sup.page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '监督提醒' }).click();
    await sup.page.getByRole('heading', { name: '监督提醒', level: 1 }).waitFor();
    await main(sup.page).getByRole('link', { name: '发出提醒' }).click();
    await sup.page.getByRole('heading', { name: '发出监督提醒' }).waitFor();
    await sup.page.getByLabel('案件编号').fill(caseNumber);
    await sup.page.getByLabel('提醒内容').fill('该案告知阶段缺少执法记录仪视频，请说明原因并补充。');
    await shots(sup.page, 'reminder-issue');
    await sup.page.getByRole('button', { name: '发出', exact: true }).click();
    await sup.page.waitForURL(/\/reminders\/[0-9a-f-]{36}$/);
    const reminderUrl = sup.page.url();
    expect(await stateOnScreen(sup.page)).toBe('待回复');
    expect(await main(sup.page).getByRole('region', { name: '办理经过' }).innerText()).toContain('张敏（警号 090001）');

    // The unit head lands on the overview and sees it there.
    const head = await browserSession(browser, p.url);
    await logIn(head.page, 'unitHeadA');
    await head.page.waitForURL(/\/units$/);
    const box = head.page.getByRole('region', { name: '城关派出所' }).getByRole('region', { name: '待处理的监督提醒' });
    expect(await box.innerText()).toContain('1 条监督提醒待本单位回复');
    await shots(head.page, 'reminder-overview');
    await box.getByRole('link', { name: /该案告知阶段缺少/ }).click();
    await head.page.waitForURL(reminderUrl);
    await head.page.getByLabel('回复内容').fill('已补充告知阶段视频。');
    await head.page.getByLabel(/相关案件或录像/).fill(caseNumber);
    await head.page.getByRole('button', { name: '回复' }).click();
    await head.page.getByRole('region', { name: '办理经过' }).getByText('已补充告知阶段视频。').waitFor();
    expect(await stateOnScreen(head.page)).toBe('已回复');
    expect(await head.page.getByRole('button', { name: '回复' }).count()).toBe(0);

    // The overseer returns it; the unit head answers again; the overseer closes it.
    await sup.page.reload();
    await sup.page.getByLabel('审核意见').fill('说明不充分，请补充民警书面情况说明。');
    await shots(sup.page, 'reminder-decide');
    await sup.page.getByRole('button', { name: '退回' }).click();
    await sup.page.getByRole('region', { name: '办理经过' }).getByText('说明不充分').waitFor();
    expect(await stateOnScreen(sup.page)).toBe('已退回');

    await head.page.reload();
    await head.page.getByLabel('回复内容').fill('已补充民警书面情况说明。');
    await head.page.getByRole('button', { name: '回复' }).click();
    await head.page.getByRole('region', { name: '办理经过' }).getByText('已补充民警书面情况说明。').waitFor();

    await sup.page.reload();
    await sup.page.getByLabel('审核意见').fill('整改到位，予以办结。');
    await sup.page.getByRole('button', { name: '办结' }).click();
    await sup.page.getByRole('region', { name: '办理经过' }).getByText('整改到位').waitFor();
    expect(await stateOnScreen(sup.page)).toBe('已办结');
    const history = await main(sup.page).getByRole('region', { name: '办理经过' }).innerText();
    for (const step of ['发出提醒', '单位回复', '退回', '办结', '王强（警号 010001）']) expect(history).toContain(step);
    expect(history).toContain(`相关材料：案件 ${caseNumber}`);
    await shots(sup.page, 'reminder-closed');

    // The list shows it closed; the unit head's overview has nothing open any more.
    await sup.page.getByRole('link', { name: '返回监督提醒列表' }).click();
    const row = main(sup.page).getByRole('row', { name: /整改|该案告知阶段/ });
    expect(await row.innerText()).toContain('已办结');
    await shots(sup.page, 'reminder-list');
    await head.page.goto(`${p.url}/units`);
    await head.page.getByRole('region', { name: '待处理的监督提醒' }).getByText('没有待回复的监督提醒。').waitFor();
    expect([...sup.problems, ...head.problems]).toEqual([]);
    await sup.context.close();
    await head.context.close();
  });

  it('a sample review: the overseer draws a sample, sees its seed, scores a recording, and the results show it', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, 'overseerA');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '抽查' }).click();
    await page.getByRole('heading', { name: '抽查', level: 1 }).waitFor();
    const draw = page.getByRole('region', { name: '抽取抽查样本' });
    await draw.getByLabel('单位').selectOption({ label: '城关派出所' });
    await draw.getByLabel('抽取数量').fill('2');
    await shots(page, 'review-list');
    await draw.getByRole('button', { name: '抽取样本' }).click();
    await page.getByRole('heading', { name: '抽查：城关派出所' }).waitFor();
    const facts = await main(page).getByRole('region', { name: '抽取抽查样本' }).innerText();
    expect(facts).toMatch(/随机种子\s*[0-9a-f]{32}/);
    expect(facts).toContain('2 / 3 条');
    expect(facts).toContain('张敏（警号 090001）');

    const first = main(page).getByRole('article').first();
    expect(await first.getByRole('link', { name: '播放录像' }).getAttribute('href')).toMatch(/^\/evidence\/[0-9a-f-]{36}$/);
    for (const item of ['表明身份', '告知录音录像', '全程不间断', '用语规范']) await first.getByRole('group', { name: item }).getByLabel('合格', { exact: true }).check();
    const evidence = first.getByRole('group', { name: '证据完整' });
    await evidence.getByLabel('不合格').check();
    await evidence.getByLabel('说明').fill('未拍摄扣押物品');
    await evidence.getByLabel(/时间点/).fill('0:05');
    await first.getByRole('button', { name: '保存评分' }).click();
    await main(page).getByRole('article').first().getByRole('status').getByText('已保存').waitFor();
    await main(page).getByRole('region', { name: '抽查结果' }).getByRole('row', { name: /总体/ }).getByText('1 / 2').waitFor();
    await shots(page, 'review-scored');

    await page.getByRole('link', { name: '返回抽查' }).click();
    const results = page.getByRole('region', { name: '抽查结果' });
    const unitRow = results.getByRole('table', { name: '各单位' }).getByRole('row', { name: /城关派出所/ });
    expect((await unitRow.innerText()).split('\t').map((c) => c.trim())).toEqual(['城关派出所', '1 / 2', '5', '4', '80%']);
    expect(await results.getByRole('table', { name: '各民警' }).innerText()).toContain('80%');
    await shots(page, 'review-results');

    // The rubric gets an item; the list shows the new version.
    await page.getByRole('link', { name: '编辑 执法记录仪使用规范' }).click();
    await page.getByRole('heading', { name: '编辑评查标准' }).waitFor();
    await page.getByRole('button', { name: '添加一项' }).click();
    await page.getByRole('group', { name: '第 6 项' }).getByLabel('评查内容').fill('扣押物品逐一拍摄');
    await shots(page, 'review-rubric');
    await page.getByRole('button', { name: '保存评查标准' }).click();
    const rubrics = page.getByRole('region', { name: '评查标准' });
    await rubrics.getByText('第 2 版').waitFor();
    expect(await rubrics.innerText()).toContain('证据完整、扣押物品逐一拍摄');
    expect(problems).toEqual([]);
    await context.close();
  });
});
