import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { browserSession, launchBrowser, logIn } from '../support/browser';
import { dockOriginal } from './range-read';
import { startServer } from './server';

const PASSWORD = 'bench password 1';

/**
 * Seconds from the reviewer page's request for an H.264 rendition to the first decodable frame,
 * for a recording docked into a fresh `evidence up` (default policy: smart, so nothing but its
 * passthrough exists) and opened in Chromium, which cannot decode H.265 and so asks for it.
 */
export async function onDemandFirstFrame(clip: string, port: number): Promise<number> {
  const home = await mkdtemp(join(tmpdir(), 'bench-first-frame-'));
  await chmod(home, 0o755); // the embedded PostgreSQL runs as the postgres user
  const server = await startServer(home, port, {});
  const db = new pg.Client({ connectionString: `postgres://evidence:evidence-local@127.0.0.1:${port + 1}/postgres` });
  const browser = await launchBrowser();
  try {
    await db.connect();
    const api = async (method: string, path: string, body?: object) => {
      const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, any>>;
    };
    await api('POST', '/api/users', { username: 'viewer', password: PASSWORD, role: 'auditor' });
    const { evidenceId } = await dockOriginal({ url: server.url, token: server.token, db }, Buffer.from(await readFile(clip)), 'DSJFIRSTFRAME');
    for (const deadline = Date.now() + 120_000; !(await api('GET', `/api/evidence/${evidenceId}`)).playback?.passthrough; await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > deadline) throw new Error('no passthrough within 2 minutes of docking');
    }
    const { page } = await browserSession(browser, server.url);
    await logIn(page, server.url, 'viewer', PASSWORD, `/evidence/${evidenceId}`);
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, undefined, { timeout: 120_000, polling: 50 });
    const seconds = await page.evaluate(() => {
      const asked = performance.getEntriesByType('resource').find((e) => e.name.includes('/renditions'));
      return asked ? (performance.now() - asked.startTime) / 1000 : null;
    });
    if (seconds === null) throw new Error('the player did not ask for a rendition (did Chromium decode H.265?)');
    return seconds;
  } finally {
    await browser.close();
    await db.end().catch(() => {});
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    // The stopped server's rendition ffmpeg may still be writing its last segment for a moment.
    await rm(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
