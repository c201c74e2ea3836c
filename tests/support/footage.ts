import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { offloadVolume } from '../../dock-agent/offload';
import type { Db } from '../../schema/database';
import type { TestPlatform } from './platform';

/**
 * Docks real clip files as one recorder's volume through the offload protocol (the dock agent's own
 * code over a socket): `files` maps the name on the recorder (GA/T 947 style, e.g.
 * `310001_DSJ7001_20260501093000_0001IMP.mp4`) to a clip on disk. Answers each name's evidence id and SHA-256.
 */
export async function dockClips(
  p: TestPlatform,
  recorder: { serial: string; officerNo: string; station?: string; bay?: number },
  files: Record<string, string>,
): Promise<Record<string, { evidenceId: string; sha256: string }>> {
  const work = await mkdtemp(join(tmpdir(), 'dock-clips-'));
  try {
    await mkdir(join(work, 'DCIM'), { recursive: true });
    for (const [name, source] of Object.entries(files)) await copyFile(source, join(work, 'DCIM', name));
    const summary = await offloadVolume(work, {
      server: p.url, token: p.stationToken, station: { code: recorder.station ?? 'E2E-ST' }, bay: recorder.bay ?? 3,
      recorder: { serial: recorder.serial, officerNo: recorder.officerNo }, utcOffsetMinutes: 480,
    });
    if (summary.failed.length > 0) throw new Error(`docking failed: ${JSON.stringify(summary.failed)}`);
    return Object.fromEntries(summary.results.map((r) => [basename(r.path), { evidenceId: r.evidenceId, sha256: r.sha256 }]));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Waits until the transcode pipeline has made every one of `ids` playable (a platform with `transcodeJobs: true`). */
export async function waitForPlayable(db: Db, ids: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rows = await db.selectFrom('evidence').select(['id', 'playback_state']).where('id', 'in', ids).execute();
    if (rows.every((r) => r.playback_state === 'ready')) return;
    if (rows.some((r) => r.playback_state === 'unplayable' || r.playback_state === 'failed') || Date.now() > deadline) throw new Error(`not playable: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
