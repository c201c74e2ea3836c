import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash, merkleTree, rootFromInclusionProof, splitPoint, verifyInclusion } from '../../core/timestamp/merkle';
import { fromHex, toHex } from '../../core/timestamp/pki';

// Reference vectors of the RFC 6962/9162 tree from transparency-dev/merkle
// (testonly/constants.go and proof/verify_test.go).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** [leafIndex, treeSize, audit path]. */
const PROOFS: [number, number, string[]][] = [
  [0, 1, []],
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

/** RFC 9162 section 2.1.1 and 2.1.3.1 transcribed literally, as an independent oracle. */
const sha = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
function mthRef(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Uint8Array.of(0), d[0]!);
  const k = 2 ** Math.floor(Math.log2(d.length - 1));
  return sha(Uint8Array.of(1), mthRef(d.slice(0, k)), mthRef(d.slice(k)));
}
function pathRef(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  const k = 2 ** Math.floor(Math.log2(d.length - 1));
  return m < k ? [...pathRef(m, d.slice(0, k)), mthRef(d.slice(k))] : [...pathRef(m - k, d.slice(k)), mthRef(d.slice(0, k))];
}
const digests = (n: number) => Array.from({ length: n }, (_, i) => sha(Buffer.from(`file ${i}`)));

describe('RFC 9162 Merkle tree', () => {
  it.each([
    [2, 1], [3, 2], [4, 2], [5, 4], [7, 4], [8, 4], [9, 8], [1000, 512], [1024, 512], [1025, 1024],
  ])('splits %i leaves after the first %i', (n, k) => {
    expect(splitPoint(n)).toBe(k);
  });

  it.each(ROOTS.map((root, n) => [n, root] as const))('gives the reference root for the first %i test leaves', async (n, root) => {
    expect(toHex((await merkleTree(LEAVES.slice(0, n))).root)).toBe(root);
  });

  it.each(PROOFS)('gives the reference audit path for leaf %i of %i, and it verifies', async (m, n, path) => {
    const tree = await merkleTree(LEAVES.slice(0, n));
    expect(tree.inclusionProof(m).map(toHex)).toEqual(path);
    expect(await verifyInclusion(LEAVES[m]!, m, n, path.map(fromHex), fromHex(ROOTS[n]!))).toBe(true);
  });

  it('hashes leaves and nodes with the 0x00 / 0x01 prefixes', async () => {
    const a = fromHex('aa'.repeat(32));
    expect(toHex(await leafHash(a))).toBe(toHex(sha(Uint8Array.of(0), a)));
    expect(toHex((await merkleTree([a, a])).root)).toBe(toHex(sha(Uint8Array.of(1), sha(Uint8Array.of(0), a), sha(Uint8Array.of(0), a))));
  });

  it('does not pad or duplicate the last leaf (3 leaves are not 4 with the last repeated)', async () => {
    const [a, b, c] = digests(3) as [Uint8Array, Uint8Array, Uint8Array];
    expect(toHex((await merkleTree([a, b, c])).root)).not.toBe(toHex((await merkleTree([a, b, c, c])).root));
  });

  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17]) {
    it(`matches the literal RFC definition and proves every leaf of a ${n}-leaf tree`, async () => {
      const d = digests(n);
      const tree = await merkleTree(d);
      expect(toHex(tree.root)).toBe(toHex(mthRef(d)));
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m);
        expect(proof.map(toHex)).toEqual(pathRef(m, d).map(toHex));
        expect(await verifyInclusion(d[m]!, m, n, proof, tree.root)).toBe(true);
      }
    });
  }

  it('proves every leaf of a 1000-leaf tree', async () => {
    const d = digests(1000);
    const tree = await merkleTree(d);
    expect(toHex(tree.root)).toBe(toHex(mthRef(d)));
    for (const m of [0, 1, 511, 512, 767, 998, 999]) expect(tree.inclusionProof(m).map(toHex)).toEqual(pathRef(m, d).map(toHex));
    const verified = await Promise.all(d.map((leaf, m) => verifyInclusion(leaf, m, 1000, tree.inclusionProof(m), tree.root)));
    expect(verified.every(Boolean)).toBe(true);
  });

  it('refuses leaf indexes outside the tree', async () => {
    const tree = await merkleTree(digests(3));
    for (const m of [-1, 3, 1.5]) expect(() => tree.inclusionProof(m)).toThrow(RangeError);
  });
});

interface Proved {
  data: Uint8Array;
  m: number;
  n: number;
  proof: Uint8Array[];
  root: Uint8Array;
}

/** The corruptions transparency-dev/merkle's verifierCheck tries, each of which must fail. */
function corruptions(c: Proved): [string, Proved][] {
  const some = randomBytes(32);
  const variants: [string, Partial<Proved>][] = [
    ['index - 1', { m: c.m - 1 }],
    ['index + 1', { m: c.m + 1 }],
    ['index ^ 2', { m: c.m ^ 2 }],
    ['size * 2', { n: c.n * 2 }],
    ['size / 2', { n: Math.floor(c.n / 2) }],
    ['another file', { data: randomBytes(32) }],
    ['another root', { root: some }],
    ['trailing garbage', { proof: [...c.proof, new Uint8Array()] }],
    ['trailing root', { proof: [...c.proof, c.root] }],
    ['preceding garbage', { proof: [new Uint8Array(), ...c.proof] }],
    ['preceding root', { proof: [c.root, ...c.proof] }],
    ...c.proof.map((_, i): [string, Partial<Proved>] => [`a bit flipped in proof[${i}]`, { proof: c.proof.map((p, j) => (j === i ? p.map((b, k) => (k === 0 ? b ^ 8 : b)) : p)) }]),
  ];
  if (c.proof.length > 0) variants.push(['a component removed', { proof: c.proof.slice(0, -1) }]);
  if (c.proof.length > 1) variants.push(['a component inserted', { proof: [c.proof[0]!, some, ...c.proof.slice(1)] }]);
  // index ^ 2 and size / 2 can leave a tiny tree unchanged; those are not corruptions.
  return variants.map(([what, change]): [string, Proved] => [what, { ...c, ...change }]).filter(([, v]) => v.m !== c.m || v.n !== c.n || v.data !== c.data || v.proof !== c.proof || v.root !== c.root);
}

async function expectAllRejected(c: Proved): Promise<void> {
  expect(await verifyInclusion(c.data, c.m, c.n, c.proof, c.root)).toBe(true);
  for (const [what, v] of corruptions(c)) expect(await verifyInclusion(v.data, v.m, v.n, v.proof, v.root), what).toBe(false);
}

describe('RFC 9162 inclusion proof verification rejects', () => {
  it.each(PROOFS)('every corruption of the reference proof for leaf %i of %i', async (m, n, path) => {
    await expectAllRejected({ data: LEAVES[m]!, m, n, proof: path.map(fromHex), root: fromHex(ROOTS[n]!) });
  });

  it.each([[2, 1], [3, 2], [7, 4], [1000, 613]])('every corruption of a proof in a tree of %i, leaf %i', async (n, m) => {
    const d = digests(n);
    const tree = await merkleTree(d);
    await expectAllRejected({ data: d[m]!, m, n, proof: tree.inclusionProof(m), root: tree.root });
  });

  it('a proof for an index at or beyond the tree size, or for an empty tree', async () => {
    const leaf = await leafHash(LEAVES[0]!);
    for (const [m, n] of [[0, 0], [1, 1], [2, 1], [5, 3]] as const) expect(await rootFromInclusionProof(m, n, leaf, [])).toBeUndefined();
  });
});
