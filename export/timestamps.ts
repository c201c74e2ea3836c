import { verifyFileTimestamp } from '../core/timestamp/verify';
import type { Manifest } from './format';

export const TSA_CHAIN = 'tsa-chain.pem';
export const isTimestampDocument = (path: string) => path === TSA_CHAIN || /^timestamps\/[\w-]+\.tsr$/.test(path);

/**
 * Each stamped file of a package: its hash is in the Merkle tree whose root the token time-stamps,
 * and the token's signature chains to tsa-chain.pem. Browser-safe: used by evidence verify and verify.html.
 */
export async function checkTimestamps(manifest: Manifest, read: (path: string) => Promise<Uint8Array | undefined>): Promise<{ problems: string[]; stamped: number }> {
  const problems: string[] = [];
  let stamped = 0;
  const chain = await read(TSA_CHAIN);
  const chainPem = chain ? new TextDecoder().decode(chain) : undefined;
  for (const file of manifest.files ?? []) {
    const timestamp = file.timestamp;
    if (!timestamp) continue;
    const tsr = await read(timestamp.token);
    if (!tsr || !chainPem) {
      problems.push(`${file.path}: its timestamp token ${timestamp.token} or ${TSA_CHAIN} is missing`);
      continue;
    }
    const verdict = await verifyFileTimestamp({ sha256: file.sha256, timestamp, tsr, chainPem });
    if (verdict.ok) stamped += 1;
    else problems.push(`${file.path}: timestamp does not hold: ${verdict.reason}`);
  }
  return { problems, stamped };
}
