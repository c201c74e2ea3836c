import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { TestPlatform } from './platform';

/**
 * Gives a seeded recording a stored MP4 derivative (random bytes, not a real video) so that
 * fetching it is "watching" as far as the audit trail is concerned, without transcoding.
 */
export async function addPlayableCopy(p: TestPlatform, evidenceId: string): Promise<string> {
  const bytes = randomBytes(4096);
  const key = `derived/${evidenceId}/play.mp4`;
  await p.store.put(key, Readable.from([bytes]), bytes.length, 'video/mp4');
  await p.ownerDb.insertInto('derivatives').values({
    evidence_id: evidenceId, kind: 'mp4', name: 'play.mp4', storage_key: key, size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'), mime_type: 'video/mp4', source_sha256: 'b'.repeat(64),
  }).execute();
  return `/api/evidence/${evidenceId}/derivatives/mp4/play.mp4`;
}
