import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, video, type ClipSpec } from '../fixtures/make-clips';
import { browserSession, launchBrowser, logIn as signIn, shot } from '../support/browser';
import { runEvidence } from '../support/evidence-process';
import { dockClips, waitForPlayable } from '../support/footage';
import { bearer, usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// The handler's journey in the browser (issue 15): from login to a verified court package, on footage
// that was really docked and transcoded; then the unit head's view of the same case.
const CLIP_DIR = 'test-artifacts/clips';
const DEVICE = 'DSJ8001';
/** Polls wait for the page's calls to the API (on two shared cores), not for a clock. */
const SLOW = { timeout: 15_000 };

const p = usePlatform({ listen: true, transcodeJobs: true });
const world = useWorld(p);
let browser: Browser;
const login = { handlerA: '', unitHeadA: '' };
let officerNo = '';
let caseNumber = '';
/** The three clips the handler links, by their names on the recorder. */
const clips: string[] = [];
/** Footage docked from a recorder whose officer has no account yet: it has no unit. */
let orphan = '';

/** A small H.264 clip of its own length, so each docked file has its own bytes. */
const small = (seconds: number): ClipSpec => ({
  ext: '.mp4',
  steps: [{ ffmpeg: [...video('320x240', 15, seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '15', '-movflags', '+faststart', '{out}'] }],
});

beforeAll(async () => {
  if (!existsSync('dist/web/index.html')) throw new Error('the web application is not built: run `npm run build:web`');
  for (const role of Object.keys(login) as (keyof typeof login)[]) {
    login[role] = (await p.db.selectFrom('users').select('username').where('id', '=', world.users[role]!).executeTakeFirstOrThrow()).username;
  }
  officerNo = (await p.db.selectFrom('users').select('officer_no').where('id', '=', world.users.handlerA!).executeTakeFirstOrThrow()).officer_no!;
  caseNumber = (await p.db.selectFrom('cases').select('number').where('id', '=', world.cases.a).executeTakeFirstOrThrow()).number;
  const files: Record<string, string> = {};
  for (const [i, seconds] of [2, 3, 4].entries()) {
    const name = `${officerNo}_${DEVICE}_2026050109${30 + i}00_000${i + 1}.mp4`;
    files[name] = await makeClip(CLIP_DIR, `case-workflow-${seconds}s`, small(seconds));
    clips.push(name);
  }
  const docked = await dockClips(p, { serial: DEVICE, officerNo }, files);
  const unattributed = await dockClips(p, { serial: 'DSJ8999', officerNo: '999777', bay: 4 }, { '999777_DSJ8999_20260501080000_0001.mp4': await makeClip(CLIP_DIR, 'case-workflow-5s', small(5)) });
  orphan = Object.values(unattributed)[0]!.evidenceId;
  await waitForPlayable(p.db, Object.values(docked).map((d) => d.evidenceId));
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

const logIn = (page: Page, username: string, path = '/') => signIn(page, p.url, username, world.password, path);
const caseHeading = (page: Page) => page.getByRole('heading', { level: 1, name: /盗窃案/ });

async function changeStage(page: Page, stage: string, reason?: string) {
  const panel = page.getByRole('region', { name: '办案阶段' });
  await panel.getByLabel('变更为').selectOption({ label: stage });
  if (reason) await panel.getByLabel('理由').fill(reason);
  await panel.getByRole('button', { name: '变更阶段' }).click();
  await expect.poll(() => page.locator('#case-message').textContent(), SLOW).toBe(`案件阶段已变更为“${stage}”。`);
}

describe('the case workflow in the browser', () => {
  it('the handler opens a case, links three clips, moves it to 调查取证 then 决定, exports it and verifies the downloaded package', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, login.handlerA);
    await page.getByRole('heading', { name: '我的工作', level: 1 }).waitFor(); // a handler lands on their own work
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '案件' }).click();
    await page.getByRole('link', { name: caseNumber }).click();
    await caseHeading(page).waitFor();

    // 立案 → 调查取证: forward, no reason asked. The stage now lacks footage and says so.
    const stagePanel = page.getByRole('region', { name: '办案阶段' });
    expect(await stagePanel.getByLabel('变更为').locator('option').allTextContents()).not.toContain('立案');
    await changeStage(page, '调查取证');
    const evidence = page.getByRole('region', { name: '案件证据' });
    await expect.poll(() => evidence.getByRole('region', { name: '调查取证' }).textContent(), SLOW).toContain('缺少录像');

    // Link the three clips from the search.
    await evidence.getByRole('link', { name: '从证据检索中添加' }).click();
    await page.getByRole('heading', { name: /为案件 .* 添加证据/ }).waitFor();
    await page.getByLabel('设备编号').fill(DEVICE);
    await page.getByRole('button', { name: '检索', exact: true }).click();
    await page.waitForURL(/deviceSerial=DSJ8001/);
    const results = page.getByRole('list', { name: '检索结果' });
    await expect.poll(() => results.getByRole('listitem').count(), SLOW).toBe(3);
    for (const name of clips) await results.getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: '关联到此案件' }).click();
    await expect.poll(() => results.getByRole('button', { name: '已关联' }).count(), SLOW).toBe(3);

    // Coming back to the search, the linked clips say 已关联 and offer nothing to click (issue 15 item 1).
    await page.reload();
    await expect.poll(() => results.getByRole('listitem').count(), SLOW).toBe(3);
    expect(await results.getByRole('button', { name: '已关联' }).count()).toBe(3);
    expect(await results.getByRole('button', { name: '关联到此案件' }).count()).toBe(0);
    await shot(page, 'case-link-search');

    await page.getByRole('link', { name: '返回案件' }).click();
    await caseHeading(page).waitFor();
    const investigation = evidence.getByRole('region', { name: '调查取证' });
    for (const name of clips) await investigation.getByRole('link', { name }).waitFor();
    expect(await investigation.textContent()).not.toContain('缺少录像');

    // 调查取证 → 决定 (forward); going back would need a reason, and the form asks for one.
    await changeStage(page, '决定');
    await stagePanel.getByLabel('变更为').selectOption({ label: '调查取证' });
    expect(await stagePanel.getByLabel('理由').evaluate((el) => (el as HTMLTextAreaElement).required)).toBe(true);
    await stagePanel.getByLabel('变更为').selectOption({ label: '移送' });
    await stagePanel.getByLabel('移送至').waitFor();
    await stagePanel.getByLabel('变更为').selectOption({ label: '送达' });
    expect(await stagePanel.getByLabel('移送至').isVisible()).toBe(false);
    expect((await page.getByRole('list', { name: '办案流程' }).locator('[aria-current="step"]').textContent())?.trim()).toMatch(/决定/);

    // Export: the form, Enter to start, progress, then the package and its hash.
    const exporting = page.getByRole('region', { name: '导出', exact: true });
    await exporting.getByRole('button', { name: '导出' }).click();
    await exporting.getByLabel('导出事由').fill('移送法院审理');
    await exporting.getByLabel('接收单位').fill('区人民法院');
    await page.keyboard.press('Enter');
    const link = exporting.getByRole('link', { name: '下载' });
    await link.waitFor({ timeout: 60_000 });
    const shown = (await exporting.locator('code').textContent())!.trim();
    expect(shown).toMatch(/^[0-9a-f]{64}$/);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const saved = join(p.scratch, 'package.zip');
    await download.saveAs(saved);
    expect(createHash('sha256').update(await readFile(saved)).digest('hex')).toBe(shown);
    const verified = await runEvidence(['verify', saved]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/result: OK/);

    // The export history and the case history name who did it, by 警号.
    const exportsRegion = page.getByRole('region', { name: '导出记录' });
    await expect.poll(() => exportsRegion.textContent(), SLOW).toContain(shown);
    const row = exportsRegion.getByRole('listitem').filter({ hasText: '区人民法院' });
    expect(await row.textContent()).toContain(officerNo);
    const history = page.getByRole('region', { name: '案件记录' });
    expect(await history.getByRole('row').filter({ hasText: '阶段：调查取证 → 决定' }).textContent()).toContain(`警号 ${officerNo}`);
    expect(await history.textContent()).toContain(`关联证据 ${clips[0]}（调查取证阶段）`);

    await shot(page, 'case-page');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('at tablet width the case page fits without sideways scrolling', async () => {
    const { context, page, problems } = await browserSession(browser, p.url, { width: 768, height: 1024 });
    await logIn(page, login.handlerA, `/cases/${world.cases.a}`);
    await caseHeading(page).waitFor();
    await page.getByRole('region', { name: '导出记录' }).getByRole('listitem').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await shot(page, 'case-page-768');
    // In English too: the same page, the server's stage names translated.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('region', { name: 'Stage' }).getByRole('button', { name: 'Change stage' }).waitFor();
    expect(await page.getByRole('list', { name: 'Case procedure' }).locator('[aria-current="step"]').textContent()).toMatch(/Decision/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await shot(page, 'case-page-768-en');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the unit head sees the same count in the list as on the page, is told of footage they may not see, assigns handlers and unlinks with a confirmation', async () => {
    // Footage with no unit, linked by an admin: the unit head cannot see it (issue 15 item 1).
    const linked = await p.app.inject({ method: 'POST', url: `/api/cases/${world.cases.a}/evidence`, headers: bearer(p.adminToken), payload: { evidenceId: orphan } });
    expect(linked.statusCode, linked.body).toBe(200);

    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, login.unitHeadA, '/cases');
    await page.getByRole('heading', { name: '案件', level: 1 }).waitFor();
    const listed = page.getByRole('row').filter({ has: page.getByRole('link', { name: caseNumber }) });
    const count = (await listed.locator('td').nth(4).textContent())!;
    expect(count).toMatch(/^3\b/);
    expect(count).toContain('另有 1 条无权查看');
    await shot(page, 'cases-unit-head');
    await listed.getByRole('link', { name: caseNumber }).click();
    await caseHeading(page).waitFor();
    const evidence = page.getByRole('region', { name: '案件证据' });
    await expect.poll(() => evidence.getByRole('listitem').count(), SLOW).toBe(3);
    expect(await evidence.textContent()).toContain('另有 1 条关联证据您无权查看');
    expect(await evidence.getByRole('region', { name: '决定' }).textContent()).toContain('此阶段的录像您无权查看');

    // Assign a second handler of the unit, shown by 警号.
    const assign = page.getByRole('region', { name: '指定办案人员' });
    const second = (await p.db.selectFrom('users').select('officer_no').where('id', '=', world.users.handlerA2!).executeTakeFirstOrThrow()).officer_no!;
    await assign.getByLabel(new RegExp(second)).check();
    await assign.getByRole('button', { name: '保存办案人员' }).click();
    await expect.poll(() => page.locator('#case-message').textContent(), SLOW).toBe('办案人员已更新。');
    expect(await page.locator('dl.meta').first().textContent()).toContain(`警号 ${second}`);

    // Unlink asks first; 保留 keeps the clip.
    await evidence.getByRole('button', { name: `取消关联 ${clips[2]}` }).click();
    await evidence.getByRole('button', { name: '保留' }).click();
    expect(await evidence.getByRole('link', { name: clips[2] }).count()).toBe(1);
    await evidence.getByRole('button', { name: `取消关联 ${clips[2]}` }).click();
    await evidence.getByRole('button', { name: '确认取消关联' }).click();
    await expect.poll(() => page.locator('#case-message').textContent(), SLOW).toBe(`已取消关联 ${clips[2]}。`);
    expect(await evidence.getByRole('link', { name: clips[2] }).count()).toBe(0);
    expect(await page.getByRole('region', { name: '案件记录' }).textContent()).toContain(`取消关联证据 ${clips[2]}`);
    await shot(page, 'case-page-unit-head');
    expect(problems).toEqual([]);
    await context.close();
  });
});
