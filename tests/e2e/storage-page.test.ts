import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSession, launchBrowser, logIn, shot } from '../support/browser';
import { usePlatform } from '../support/platform';
import { useWorld } from '../support/seed';

// The storage page of the built reviewer page (dist/web), driven by Chromium from Debian.
const p = usePlatform({ listen: true });
const world = useWorld(p);
let browser: Browser;
const GB = 1e9;

beforeAll(async () => {
  // A year of footage: the seeded recordings spread over months, sized as real ones are.
  const ids = [world.evidence.a, world.evidence.a2, world.evidence.b];
  for (const [i, id] of ids.entries()) {
    await p.ownerDb.updateTable('evidence').set({ size: (i + 2) * 3 * GB, important: i === 0, category: i === 0 ? 'important' : 'general', recorded_at: new Date(Date.UTC(2026, 4 + i * 2, 10)) }).where('id', '=', id).execute();
    await p.ownerDb.insertInto('derivatives').values({
      evidence_id: id, kind: 'video', name: 'play.mp4', storage_key: `derived/${id}/play.mp4`, size: (i + 1) * 600_000_000, sha256: 'a'.repeat(64), mime_type: 'video/mp4', source_sha256: 'b'.repeat(64),
    }).execute();
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('storage page', () => {
  it('an auditor sees bytes per month as a bar chart, with the totals and the projection', async () => {
    const { context, page, problems } = await browserSession(browser, p.url);
    const username = (await p.db.selectFrom('users').select('username').where('id', '=', world.users.auditor!).executeTakeFirstOrThrow()).username;
    await logIn(page, p.url, username, world.password);
    await page.getByRole('link', { name: '存储' }).click();
    await page.getByRole('heading', { name: '存储', level: 1 }).waitFor();

    const chart = page.getByRole('img', { name: '柱状图：各录制月份原始文件与派生文件的存储量' });
    await chart.waitFor();
    // three months, two stacked bars each, plus the two legend swatches
    expect(await chart.locator('rect').count()).toBe(8);
    for (const label of ['2026-05', '2026-07', '2026-09', '录制月份', '存储量']) await expect.poll(() => chart.textContent()).toContain(label);
    const summary = page.getByRole('region', { name: '存储概况' });
    await expect.poll(() => summary.textContent()).toContain('3 个，27.0 GB');
    await expect.poll(() => page.getByRole('region', { name: '按单位' }).textContent()).toContain('东关派出所');
    await shot(page, 'storage');
    // A tablet-width office screen: the chart and tables must still fit without sideways scrolling.
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await shot(page, 'storage-768');
    expect(problems).toEqual([]);
    await context.close();
  });
});
