import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIPS, makeClip, tone, video } from '../fixtures/make-clips';
import { browserSession, launchBrowser, logIn as signIn, shot } from '../support/browser';
import { dockClips, waitForPlayable } from '../support/footage';
import { usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// The reviewer page (dist/web, built by `npm run build:web`) served by a real server, with footage
// that was really docked and transcoded; Chromium from Debian drives it.
const CLIP_DIR = 'test-artifacts/clips';
const DEVICE = 'DSJ7001';

const p = usePlatform({ listen: true, transcodeJobs: true });
const world = useWorld(p);
let browser: Browser;
const login: Record<'handlerA' | 'handlerB' | 'auditor', string> = { handlerA: '', handlerB: '', auditor: '' };
/** Evidence ids: a 10 s clip (transcoded to MP4 and HLS) and a 3 s one (MP4 only). */
const clip = { long: '', short: '', longName: '', sha256: '' };
let caseLabel = '';

beforeAll(async () => {
  if (!existsSync('dist/web/index.html')) throw new Error('the reviewer page is not built: run `npm run build:web` (npm run test:e2e does)');
  for (const role of Object.keys(login) as (keyof typeof login)[]) {
    login[role] = (await p.db.selectFrom('users').select('username').where('id', '=', world.users[role]!).executeTakeFirstOrThrow()).username;
  }
  const caseA = await p.db.selectFrom('cases').select(['number', 'title']).where('id', '=', world.cases.a).executeTakeFirstOrThrow();
  caseLabel = `${caseA.number} ${caseA.title}`;
  const officer = (await p.db.selectFrom('users').select('officer_no').where('id', '=', world.users.handlerA!).executeTakeFirstOrThrow()).officer_no!;

  // Two clips on one recorder of handler A, named as GA/T 947 recorders name them.
  const long = await makeClip(CLIP_DIR, 'reviewer-10s', {
    ext: '.mp4',
    steps: [{ ffmpeg: [...video('640x360', 25, 10), ...tone(10), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', '-b:a', '64k', '{out}'] }],
  });
  const short = await makeClip(CLIP_DIR, 'h264-aac', CLIPS['h264-aac']);
  clip.longName = `${officer}_${DEVICE}_20260501093000_0001IMP.mp4`;
  const docked = await dockClips(p, { serial: DEVICE, officerNo: officer }, { [clip.longName]: long, [`${officer}_${DEVICE}_20260501094500_0002.mp4`]: short });
  clip.long = docked[clip.longName]!.evidenceId;
  clip.sha256 = docked[clip.longName]!.sha256;
  clip.short = Object.values(docked).find((r) => r.evidenceId !== clip.long)!.evidenceId;
  await waitForPlayable(p.db, [clip.long, clip.short]);

  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

const session = (viewport?: { width: number; height: number }) => browserSession(browser, p.url, viewport);
const logIn = (page: Page, username: string, path = '/') => signIn(page, p.url, username, world.password, path);
const currentTime = (page: Page) => page.locator('video').evaluate((v) => (v as HTMLVideoElement).currentTime);

describe('reviewer page', () => {
  it('a handler logs in, finds the footage, watches it with hls.js, bookmarks a moment and jumps back to it', async () => {
    const { context, page, problems } = await session();
    await page.goto(p.url + '/');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await shot(page, 'login');
    await logIn(page, login.handlerA, '/evidence');
    await page.getByRole('heading', { name: '证据检索' }).waitFor();

    // Search with the API's filters; results show posters.
    await page.getByLabel('设备编号').fill(DEVICE);
    await page.getByRole('button', { name: '检索', exact: true }).click();
    await page.waitForURL(/deviceSerial=DSJ7001/);
    const results = page.getByRole('list', { name: '检索结果' }).getByRole('listitem');
    await expect.poll(() => results.count()).toBe(2);
    await expect.poll(() => page.locator('.card img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)).toBe(2);
    await shot(page, 'search');

    // The evidence page: metadata, then the player on hls.js (Chromium has Media Source Extensions).
    await page.getByRole('link', { name: clip.longName }).click();
    await page.getByRole('heading', { name: clip.longName }).waitFor();
    await expect.poll(() => page.locator('.player').getAttribute('data-source')).toBe('hls.js');
    const facts = await page.locator('dl.meta').textContent();
    expect(facts).toContain(clip.sha256);
    for (const label of ['警号', '设备编号', '记录仪时间', '采集站时间', '服务器接收时间', '时钟偏差', 'SM3']) expect(facts).toContain(label);
    await page.getByRole('button', { name: '播放', exact: true }).click();
    await expect.poll(() => currentTime(page), { timeout: 15_000 }).toBeGreaterThan(1);

    // Hovering the seek bar previews a frame from the thumbnail sprite.
    const seek = page.getByRole('slider', { name: '播放进度' });
    await seek.hover({ position: { x: 200, y: 5 } });
    await expect.poll(() => page.locator('.preview').evaluate((el) => !(el as HTMLElement).hidden && (el as HTMLElement).style.backgroundImage)).toContain('sprite.webp');

    // Bookmark a moment five seconds on (keyboard on the seek bar), go back to the start, jump to it.
    await page.getByRole('button', { name: '暂停' }).click();
    await seek.focus();
    await page.keyboard.press('ArrowRight');
    const marked = await currentTime(page);
    expect(marked).toBeGreaterThan(5);
    await page.getByLabel('书签说明').fill('嫌疑人出现');
    await page.getByRole('button', { name: '在当前位置添加书签' }).click();
    const bookmark = page.getByRole('button', { name: /跳转到 .*嫌疑人出现/ });
    await bookmark.waitFor();
    await seek.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => currentTime(page)).toBeLessThan(1);
    await bookmark.click();
    await expect.poll(async () => Math.abs((await currentTime(page)) - marked)).toBeLessThan(0.2);
    await page.getByRole('button', { name: '播放', exact: true }).click();
    await expect.poll(() => currentTime(page)).toBeGreaterThan(marked + 0.5);
    await page.getByRole('button', { name: '暂停' }).click();

    // A handler may not read the audit trail: the page says so and shows the custody trail.
    await expect.poll(() => page.getByRole('region', { name: '审计记录' }).textContent()).toContain('监督角色');
    expect(await page.getByRole('region', { name: '保管链' }).textContent()).toContain('入库并校验一致');
    await shot(page, 'evidence');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('plays an MP4-only clip with Range requests', async () => {
    const { context, page, problems } = await session();
    const ranges: number[] = [];
    page.on('response', (r) => r.url().includes(`/evidence/${clip.short}/derivatives/mp4/`) && ranges.push(r.status()));
    await logIn(page, login.handlerA, `/evidence/${clip.short}`);
    await expect.poll(() => page.locator('.player').getAttribute('data-source')).toBe('mp4');
    await page.getByRole('button', { name: '播放', exact: true }).click();
    await expect.poll(() => currentTime(page), { timeout: 15_000 }).toBeGreaterThan(0.5);
    expect(ranges).toContain(206);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('attaches the footage to a case and detaches it on the case page', async () => {
    const { context, page, problems } = await session();
    await logIn(page, login.handlerA, `/evidence/${clip.long}`);
    const cases = page.getByRole('region', { name: '关联案件' });
    await cases.getByLabel('关联到案件').selectOption({ label: caseLabel });
    await cases.getByRole('button', { name: '关联', exact: true }).click();
    await cases.getByRole('link', { name: /盗窃案/ }).click();
    await page.getByRole('heading', { name: /盗窃案/ }).waitFor();
    const evidence = page.getByRole('region', { name: '案件证据' });
    await evidence.getByRole('link', { name: clip.longName }).waitFor();
    await shot(page, 'case');
    await evidence.getByRole('button', { name: `取消关联 ${clip.longName}` }).click();
    await evidence.getByRole('button', { name: '确认取消关联' }).click();
    await expect.poll(() => evidence.getByRole('link', { name: clip.longName }).count()).toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: /盗窃案/ }).waitFor();
    expect(await page.getByRole('region', { name: '案件证据' }).textContent()).toContain('此案件尚无证据');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an auditor sees who watched it, and the station page', async () => {
    const { context, page, problems } = await session();
    await logIn(page, login.auditor, `/evidence/${clip.long}`);
    await page.getByRole('heading', { name: clip.longName }).waitFor();
    const audit = page.getByRole('region', { name: '审计记录' });
    // The viewers line names handlerA with their 警号 (no display name set); the auditor's own viewing may be listed too, in either order.
    const viewers = audit.locator('p').filter({ hasText: '观看人员：' });
    await expect.poll(async () => (await viewers.textContent())?.replace('观看人员：', '').trim().split('、')).toContain(`${login.handlerA}（警号 ${clip.longName.split('_')[0]}）`);
    const viewRows = audit.getByRole('row').filter({ hasText: '观看视频' }).filter({ hasText: login.handlerA });
    expect(await viewRows.count()).toBeGreaterThan(0);
    await shot(page, 'evidence-audit');

    await page.getByRole('link', { name: '采集站' }).click();
    await page.getByRole('heading', { name: '采集站', level: 1 }).waitFor();
    await expect.poll(() => page.locator('main').textContent()).toMatch(/E2E-ST|暂无采集站/);
    // Retention warning (issue 14): the fresh footage expires in months, not within 30 days.
    expect(await page.locator('#expiring').textContent()).toBe('30 天内到期：0 条 (0.0 GB)');
    await shot(page, 'stations');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a handler of another unit gets no trace of it', async () => {
    const { context, page, problems } = await session();
    await logIn(page, login.handlerB, '/evidence');
    await page.getByRole('heading', { name: '证据检索' }).waitFor();
    await page.getByLabel('设备编号').fill(DEVICE);
    await page.getByRole('button', { name: '检索', exact: true }).click();
    await page.getByText('没有符合条件的证据。').waitFor();

    await page.goto(`${p.url}/evidence/${clip.long}`);
    await page.getByRole('heading', { name: '未找到' }).waitFor();
    const html = await page.content();
    expect(html).not.toContain(clip.sha256);
    expect(html).not.toContain(clip.longName);
    const poster = await page.request.get(`${p.url}/api/evidence/${clip.long}/derivatives/poster/poster.webp`);
    expect(poster.status()).toBe(404);
    await shot(page, 'not-found');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('switches to English, works at tablet width and from the keyboard', async () => {
    const { context, page, problems } = await session({ width: 800, height: 1100 });
    await logIn(page, login.handlerA, '/evidence');
    await page.getByRole('heading', { name: '证据检索' }).waitFor();
    await page.reload(); // a fresh load: focus starts at the top of the page
    await page.getByRole('heading', { name: '证据检索' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到主要内容');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Evidence search' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lang');
    // The layout fits the width: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await page.getByRole('link', { name: clip.longName }).click();
    await page.getByRole('heading', { name: clip.longName }).waitFor();
    await page.getByRole('region', { name: 'Bookmarks' }).getByRole('button', { name: /Jump to .*嫌疑人出现/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await shot(page, 'evidence-tablet-en');
    expect(problems).toEqual([]);
    await context.close();
  });
});
