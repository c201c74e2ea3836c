/**
 * Merkle tree hashes and inclusion proofs exactly as RFC 9162 section 2.1 defines them (the
 * Certificate Transparency tree): leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right),
 * and a tree of n > 1 leaves splits at the largest power of two smaller than n. Nothing is padded
 * or duplicated, so any RFC 9162 implementation recomputes the same root.
 *
 * Pure and browser-safe (WebCrypto), so the offline verifier in a court export runs this same code.
 */

export type Hash = Uint8Array;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

async function sha256(...parts: Uint8Array[]): Promise<Hash> {
  const input = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    input.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', input));
}

export function leafHash(data: Uint8Array): Promise<Hash> {
  return sha256(Uint8Array.of(LEAF_PREFIX), data);
}

function nodeHash(left: Hash, right: Hash): Promise<Hash> {
  return sha256(Uint8Array.of(NODE_PREFIX), left, right);
}

/** k: the largest power of two smaller than n (n > 1), where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export interface MerkleTree {
  size: number;
  root: Hash;
  /** PATH(m, D[n]) of RFC 9162 section 2.1.3.1: sibling hashes from the leaf up to the root. */
  inclusionProof(leafIndex: number): Hash[];
}

/**
 * Builds the tree over `leaves` (the leaf data, e.g. 32-byte file digests). Every subtree hash
 * MTH(D[lo:hi]) is computed once and kept, so proofs for all leaves cost O(n log n) in total.
 */
export async function merkleTree(leaves: readonly Uint8Array[]): Promise<MerkleTree> {
  const nodes = new Map<string, Hash>();
  const key = (lo: number, hi: number) => `${lo}:${hi}`;

  async function mth(lo: number, hi: number): Promise<Hash> {
    let hash: Hash;
    if (hi - lo === 1) {
      hash = await leafHash(leaves[lo]!);
    } else {
      const mid = lo + splitPoint(hi - lo);
      const [left, right] = await Promise.all([mth(lo, mid), mth(mid, hi)]);
      hash = await nodeHash(left, right);
    }
    nodes.set(key(lo, hi), hash);
    return hash;
  }

  function path(m: number, lo: number, hi: number): Hash[] {
    const n = hi - lo;
    if (n === 1) return [];
    const mid = lo + splitPoint(n);
    return m < mid ? [...path(m, lo, mid), nodes.get(key(mid, hi))!] : [...path(m, mid, hi), nodes.get(key(lo, mid))!];
  }

  const size = leaves.length;
  const root = size === 0 ? await sha256() : await mth(0, size);
  return {
    size,
    root,
    inclusionProof(leafIndex: number): Hash[] {
      if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= size) throw new RangeError(`leaf ${leafIndex} is not in a tree of ${size}`);
      return path(leafIndex, 0, size);
    },
  };
}

/**
 * The root hash an inclusion proof leads to, by the verification algorithm of RFC 9162 section
 * 2.1.3.2; undefined when the proof cannot belong to a tree of `treeSize` leaves at `leafIndex`.
 */
export async function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Hash, proof: readonly Hash[]): Promise<Hash | undefined> {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return undefined;
  // Plain numbers with Math.floor instead of bit operators: those wrap at 2^31.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== leaf.length) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** True when `data` is leaf `leafIndex` of the tree of `treeSize` leaves whose root is `root`. */
export async function verifyInclusion(data: Uint8Array, leafIndex: number, treeSize: number, proof: readonly Hash[], root: Hash): Promise<boolean> {
  const computed = await rootFromInclusionProof(leafIndex, treeSize, await leafHash(data), proof);
  return computed !== undefined && computed.length === root.length && computed.every((b, i) => b === root[i]);
}
