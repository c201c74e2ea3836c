import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpoints } from '../../core/checkpoints';
import { loadOrCreateSigningKey } from '../../core/signing-key';
import { browserSession, launchBrowser, logIn, shot } from '../support/browser';
import { bearer, usePlatform } from '../support/platform';
import { addPlayableCopy } from '../support/playable';
import { useWorld } from '../support/seed';
import { builtInTimestamps } from '../support/timestamp-fixtures';

// The auditor's journey on the built web app (dist/web): find who watched a clip, download the rows.
const p = usePlatform({ listen: true });
const world = useWorld(p);
let browser: Browser;
const login: Record<'auditor' | 'unitHeadA', string> = { auditor: '', unitHeadA: '' };
let watcher = '';

beforeAll(async () => {
  if (!existsSync('dist/web/index.html')) throw new Error('the web app is not built: run `npm run build:web` (npm run test:e2e does)');
  for (const role of Object.keys(login) as (keyof typeof login)[]) {
    login[role] = (await p.db.selectFrom('users').select('username').where('id', '=', world.users[role]!).executeTakeFirstOrThrow()).username;
  }
  await p.ownerDb.updateTable('users').set({ display_name: '李娜' }).where('id', '=', world.users.handlerA!).execute();
  await p.ownerDb.updateTable('users').set({ display_name: '王强' }).where('id', '=', world.users.handlerB!).execute();
  const officer = (await p.db.selectFrom('users').select('officer_no').where('id', '=', world.users.handlerA!).executeTakeFirstOrThrow()).officer_no!;
  watcher = `李娜（警号 ${officer}）`;
  // A handler watches the clip through the API; other people do other things in both units.
  const watch = await addPlayableCopy(p, world.evidence.a);
  expect((await p.app.inject({ url: watch, headers: bearer(world.tokens.handlerA) })).statusCode).toBe(200);
  await p.app.inject({ url: `/api/evidence/${world.evidence.a}`, headers: bearer(world.tokens.handlerA2) });
  await p.app.inject({ url: `/api/evidence/${world.evidence.b}`, headers: bearer(world.tokens.handlerB) });
  // The platform signs a checkpoint of the chain's head, as it does periodically.
  const { client } = await builtInTimestamps(join(p.scratch, 'tsa'));
  await writeCheckpoints({ db: p.db, store: p.store, signingKey: await loadOrCreateSigningKey(join(p.dir, 'keys')), timestamps: client, now: () => new Date('2026-11-26T08:00:00Z') });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('audit log page', () => {
  it('an auditor finds who watched a clip and downloads the rows as CSV', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, p.url, login.auditor, world.password);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '审计日志' }).click();
    await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
    const chain = page.getByRole('region', { name: '审计链状态' });
    await expect.poll(() => chain.textContent()).toContain('审计链完整');
    await expect.poll(() => chain.textContent()).toMatch(/最新签名检查点：2026年11月26日 16:00:00，覆盖至第 \d+ 条记录，签名算法：Ed25519、SM2/);

    const filters = page.getByRole('search', { name: '筛选条件' });
    // The auditor copies the address of the clip's page into the object field.
    await filters.getByLabel('对象标识（证据或案件）').fill(`${p.url}/evidence/${world.evidence.a}`);
    await filters.getByLabel('操作').selectOption({ label: '观看视频' });
    await filters.getByRole('button', { name: '查询' }).click();
    const results = page.getByRole('region', { name: '审计记录' });
    await expect.poll(() => results.getByRole('status').textContent()).toBe('已显示 1 条记录。');
    const row = results.getByRole('row').nth(1);
    for (const text of [watcher, '办案人员', '观看视频', '允许']) expect(await row.textContent()).toContain(text);
    expect(await row.getByRole('link', { name: `证据 ${world.evidence.a.slice(0, 8)}` }).getAttribute('href')).toBe(`/evidence/${world.evidence.a}`);
    expect(page.url()).toContain(`objectId=${world.evidence.a}`);
    // Searching does not walk the whole chain again (each walk is audited); 重新校验 does.
    const walks = async () => (await p.db.selectFrom('audit_events').select('seq').where('action', '=', 'audit.verify').execute()).length;
    await expect.poll(() => chain.textContent()).toContain('审计链完整');
    expect(await walks()).toBe(1);
    await chain.getByRole('button', { name: '重新校验' }).click();
    await expect.poll(walks).toBe(2);
    await expect.poll(() => chain.textContent()).toContain('审计链完整');
    await shot(page, 'audit-log');

    const [download] = await Promise.all([page.waitForEvent('download'), filters.getByRole('link', { name: '导出 CSV' }).click()]);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('序号,时间（北京时间）,操作人,角色,操作,操作代码,对象类型,对象标识,来源地址,结果,详情,记录哈希');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,${watcher},办案人员,观看视频,evidence.view,evidence,${world.evidence.a},`);

    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await shot(page, 'audit-log-768');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a unit head sees only their unit's rows, and no chain status they may not check", async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    await logIn(page, p.url, login.unitHeadA, world.password, '/audit');
    await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
    const results = page.getByRole('region', { name: '审计记录' });
    await expect.poll(() => results.getByRole('status').textContent()).toMatch(/^已显示 \d+ 条记录/);
    const text = (await results.textContent())!;
    expect(text).toContain(watcher);
    expect(text).not.toContain('王强');
    expect(text).not.toContain(world.evidence.b.slice(0, 8));
    expect(await page.getByRole('region', { name: '审计链状态' }).count()).toBe(0);
    await shot(page, 'audit-log-unit-head');
    expect(problems).toEqual([]);
    await context.close();
  });
});
