import { verifyInclusion } from './merkle';
import { fromHex, parsePemCertificates } from './pki';
import { verifyTimeStampResponse } from './rfc3161';

/**
 * Offline checks of an export's time-stamps, for `evidence verify` and the package's verify.html.
 * Browser-safe: bytes in as Uint8Array, WebCrypto through pkijs, no node APIs. Every check
 * returns a verdict rather than throwing, since its input is an untrusted package.
 */

/** The `timestamp` object of a file in an export's manifest.json. */
export type ManifestTimestamp = {
  /** Path of the DER TimeStampResp in the package, e.g. "timestamps/17.tsr". */
  token: string;
  /** Hex Merkle tree root (RFC 9162) that the token time-stamps. */
  root: string;
  leafIndex: number;
  treeSize: number;
  /** Hex sibling hashes from the file's leaf up to the root. */
  auditPath: string[];
};

export type Verdict<T = object> = ({ ok: true } & T) | { ok: false; reason: string };

const HEX_DIGEST = /^[0-9a-f]{64}$/i;

/** The file's SHA-256 is leaf `leafIndex` of the tree of `treeSize` leaves whose root the manifest names. */
export async function verifyInclusionProof(sha256Hex: string, timestamp: ManifestTimestamp): Promise<Verdict> {
  const { root, leafIndex, treeSize, auditPath } = timestamp;
  if (!HEX_DIGEST.test(sha256Hex)) return { ok: false, reason: 'the file hash is not a hex SHA-256 digest' };
  if (typeof root !== 'string' || !HEX_DIGEST.test(root)) return { ok: false, reason: 'the timestamp root is not a hex SHA-256 digest' };
  if (!Array.isArray(auditPath) || !auditPath.every((h) => typeof h === 'string' && HEX_DIGEST.test(h))) {
    return { ok: false, reason: 'the audit path is not a list of hex SHA-256 digests' };
  }
  const included = await verifyInclusion(fromHex(sha256Hex), leafIndex, treeSize, auditPath.map(fromHex), fromHex(root));
  return included ? { ok: true } : { ok: false, reason: `the inclusion proof does not lead from this file (leaf ${leafIndex} of ${treeSize}) to root ${root}` };
}

export interface TokenFacts {
  genTime: Date;
  authority: string;
  policy: string;
  serial: string;
}

/**
 * The token (.tsr bytes) time-stamps `rootHex` and is signed by a time-stamping certificate that
 * chains to a certificate in `chainPem` (the package's tsa-chain.pem, trusted as a whole, as
 * `openssl ts -verify -CAfile` does). The same for every file of a batch: callers may cache it.
 */
export async function verifyTokenForRoot(tsr: Uint8Array, rootHex: string, chainPem: string): Promise<Verdict<TokenFacts>> {
  try {
    const trustAnchors = parsePemCertificates(chainPem);
    if (trustAnchors.length === 0) return { ok: false, reason: 'the certificate chain file holds no certificates' };
    const info = await verifyTimeStampResponse(tsr, { digest: fromHex(rootHex), trustAnchors });
    return { ok: true, genTime: info.genTime, authority: info.authority, policy: info.policy, serial: info.serial };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Both checks for one file: it is in the batch, and the batch root was time-stamped. */
export async function verifyFileTimestamp(input: { sha256: string; timestamp: ManifestTimestamp; tsr: Uint8Array; chainPem: string }): Promise<Verdict<TokenFacts>> {
  const inclusion = await verifyInclusionProof(input.sha256, input.timestamp);
  if (!inclusion.ok) return inclusion;
  return verifyTokenForRoot(input.tsr, input.timestamp.root, input.chainPem);
}
