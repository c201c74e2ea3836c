import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, tone, video } from '../fixtures/make-clips';
import { browserSession, launchBrowser, logIn as signIn, shot } from '../support/browser';
import { dockClips, waitForPlayable } from '../support/footage';
import { usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// The player (issue 15 item 7) with real footage: speed, frame steps, full screen, shortcuts,
// still-frame capture, and bookmarks their author edits and deletes; people by name and 警号.
const DEVICE = 'DSJ7101';
const p = usePlatform({ listen: true, transcodeJobs: true });
const world = useWorld(p);
let browser: Browser;
const login = { handler: '', unitHead: '' };
let officer = '';
let clipId = '';

beforeAll(async () => {
  if (!existsSync('dist/web/index.html')) throw new Error('the web app is not built: run `npm run build:web`');
  login.handler = (await p.db.updateTable('users').set({ display_name: '李娜' }).where('id', '=', world.users.handlerA!).returning(['username', 'officer_no']).executeTakeFirstOrThrow()).username;
  officer = (await p.db.selectFrom('users').select('officer_no').where('id', '=', world.users.handlerA!).executeTakeFirstOrThrow()).officer_no!;
  login.unitHead = (await p.db.updateTable('users').set({ display_name: '王强' }).where('id', '=', world.users.unitHeadA!).returning('username').executeTakeFirstOrThrow()).username;
  const clip = await makeClip('test-artifacts/clips', 'reviewer-10s', {
    ext: '.mp4',
    steps: [{ ffmpeg: [...video('640x360', 25, 10), ...tone(10), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', '-b:a', '64k', '{out}'] }],
  });
  clipId = Object.values(await dockClips(p, { serial: DEVICE, officerNo: officer }, { [`${officer}_${DEVICE}_20260501093000_0001.mp4`]: clip }))[0]!.evidenceId;
  await waitForPlayable(p.db, [clipId]);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

const logIn = (page: Page, username: string, path: string) => signIn(page, p.url, username, world.password, path);
const videoState = (page: Page) => page.locator('video').evaluate((v) => ({ t: (v as HTMLVideoElement).currentTime, rate: (v as HTMLVideoElement).playbackRate, paused: (v as HTMLVideoElement).paused }));

describe('player', () => {
  it('a handler changes speed, steps frames, goes full screen, captures a still, and edits and deletes their bookmark', async () => {
    const { context, page, problems } = await session();
    await logIn(page, login.handler, `/evidence/${clipId}`);
    const player = page.getByRole('region', { name: '播放器' });
    await expect.poll(() => player.getAttribute('data-source')).toBe('hls.js');
    await expect.poll(() => page.locator('video').evaluate((v) => (v as HTMLVideoElement).duration)).toBeGreaterThan(9);

    // Speed: the labelled select, and ] / [ from the keyboard.
    await player.getByLabel('播放速度').selectOption({ label: '1.5×' });
    expect((await videoState(page)).rate).toBe(1.5);
    await page.locator('h1').click(); // focus on the page, not in a field
    await page.keyboard.press(']');
    expect((await videoState(page)).rate).toBe(2);
    expect(await player.getByLabel('播放速度').inputValue()).toBe('2');
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    expect((await videoState(page)).rate).toBe(1.25);

    // Frame steps at 25 fps: buttons, then . and , from the keyboard.
    await player.getByRole('button', { name: '下一帧' }).click();
    await expect.poll(async () => (await videoState(page)).t).toBeCloseTo(0.06, 3);
    await page.keyboard.press('.');
    await page.keyboard.press('.');
    await expect.poll(async () => (await videoState(page)).t).toBeCloseTo(0.14, 3);
    await player.getByRole('button', { name: '上一帧' }).click();
    await expect.poll(async () => (await videoState(page)).t).toBeCloseTo(0.1, 3);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await videoState(page)).t).toBeCloseTo(5.1, 3);

    // Typing in a field is never a shortcut.
    const note = page.getByLabel('书签说明');
    await note.fill('');
    await note.pressSequentially('f. [x]');
    expect(await note.inputValue()).toBe('f. [x]');
    expect(await videoState(page)).toMatchObject({ rate: 1.25, paused: true });
    await expect.poll(async () => (await videoState(page)).t).toBeCloseTo(5.1, 3);
    expect(await page.evaluate(() => document.fullscreenElement)).toBeNull();

    // Space plays and pauses (from the page, not a button).
    await page.locator('h1').click();
    await page.keyboard.press(' ');
    await expect.poll(async () => (await videoState(page)).t).toBeGreaterThan(5.3);
    await page.keyboard.press(' ');
    await expect.poll(async () => (await videoState(page)).paused).toBe(true);

    // Full screen, and back with F.
    await player.getByRole('button', { name: '全屏' }).click();
    await player.getByRole('button', { name: '退出全屏' }).waitFor();
    expect(await page.evaluate(() => document.fullscreenElement?.getAttribute('aria-label'))).toBe('播放器');
    await page.keyboard.press('f');
    await player.getByRole('button', { name: '全屏', exact: true }).waitFor();

    // The shortcuts are listed.
    await player.getByText('快捷键', { exact: true }).click();
    const help = await player.locator('details.shortcuts').textContent();
    for (const text of ['空格', '播放 / 暂停', '上一帧 / 下一帧', '减速 / 加速', '打字时快捷键不起作用']) expect(help).toContain(text);

    // Capture the frame on screen: it appears in the list with the person, a thumbnail and a download link.
    await page.evaluate(() => ((document.querySelector('video') as HTMLVideoElement).currentTime = 2.02));
    await expect.poll(async () => (await videoState(page)).t).toBeCloseTo(2.02, 3);
    const stills = page.getByRole('region', { name: '画面截图' });
    expect(await stills.textContent()).toContain('还没有截图');
    await stills.getByRole('button', { name: '截取画面' }).click();
    const thumbnail = stills.getByRole('img', { name: '0:02.0 的画面' });
    await thumbnail.waitFor({ timeout: 30_000 });
    await expect.poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(640);
    expect(await stills.textContent()).toContain(`李娜（警号 ${officer}）`);
    const download = stills.getByRole('link', { name: '下载 0:02.0 的截图' });
    const saved = await p.db.selectFrom('stills').select('at_ms').executeTakeFirstOrThrow();
    expect(Number(saved.at_ms)).toBe(2000); // the start of the frame on screen
    expect((await page.request.get(p.url + (await download.getAttribute('href'))!)).headers()['content-type']).toBe('image/png');
    await shot(page, 'player');

    // A bookmark shows its author by name and 警号; the author edits it, then deletes it after confirming.
    await note.fill('嫌疑人出现');
    await page.getByRole('button', { name: '在当前位置添加书签' }).click();
    const bookmarks = page.getByRole('region', { name: '书签' });
    await bookmarks.getByRole('button', { name: /跳转到 .*嫌疑人出现/ }).waitFor();
    expect(await bookmarks.textContent()).toContain(`李娜（警号 ${officer}）`);
    await bookmarks.getByRole('button', { name: '编辑' }).click();
    await bookmarks.getByLabel('新的书签说明').fill('嫌疑人离开现场');
    await shot(page, 'player-bookmark-edit');
    await bookmarks.getByRole('button', { name: '保存' }).click();
    await bookmarks.getByRole('button', { name: /跳转到 .*嫌疑人离开现场/ }).waitFor();
    await bookmarks.getByRole('button', { name: '删除' }).click();
    await bookmarks.getByText('确定删除这个书签吗').waitFor();
    await shot(page, 'player-bookmark-delete');
    await bookmarks.getByRole('button', { name: '确认删除' }).click();
    await bookmarks.getByText('暂无书签').waitFor();
    expect(await bookmarks.textContent()).not.toContain('嫌疑人离开现场');

    // The custody trail names people and records the capture.
    const custody = await page.getByRole('region', { name: '保管链' }).textContent();
    expect(custody).toContain('截取画面');
    expect(custody).toContain(`李娜（警号 ${officer}）`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('another person sees the bookmark and the still but may not edit or delete it; it fits at 768 px', async () => {
    await p.app.inject({ method: 'POST', url: `/api/evidence/${clipId}/bookmarks`, headers: { authorization: `Bearer ${world.tokens.handlerA}` }, payload: { offsetMs: 3000, label: '当事人拒绝签字' } });
    const { context, page, problems } = await session({ width: 768, height: 1024 });
    await logIn(page, login.unitHead, `/evidence/${clipId}`);
    const bookmarks = page.getByRole('region', { name: '书签' });
    await bookmarks.getByRole('button', { name: /跳转到 .*当事人拒绝签字/ }).waitFor();
    expect(await bookmarks.getByRole('button', { name: '编辑' }).count()).toBe(0);
    expect(await bookmarks.getByRole('button', { name: '删除' }).count()).toBe(0);
    await page.getByRole('region', { name: '画面截图' }).getByRole('img', { name: '0:02.0 的画面' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await shot(page, 'player-tablet');
    expect(problems).toEqual([]);
    await context.close();
  });
});

const session = (viewport?: { width: number; height: number }) => browserSession(browser, p.url, viewport);
