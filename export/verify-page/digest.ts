/**
 * SHA-256 and SM3 of a file, from one streamed read of its slices: the browser's WebCrypto can hash
 * neither a stream nor SM3. SHA-256 is @noble/hashes (not @aws-crypto/sha256-js: v5.2.0 writes the
 * high word of the message length little-endian, so every file of 512 MiB or more gets a wrong
 * SHA-256). SM3 is hash-wasm's: no pure-JS SM3 package hashes incrementally (sm-crypto, sm-crypto-v2,
 * gm-crypto and sm3 take the whole input at once; crypto-api re-slices a string per block), and
 * hash-wasm is maintained, dependency-free and streams. Both are checked against node:crypto
 * beyond 512 MiB in tests/unit/verify-page-digest.test.ts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createSM3 } from 'hash-wasm';

export interface Digests {
  sha256: string;
  sm3: string;
}

export async function digestChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Digests> {
  const sha = sha256.create();
  const sm3 = (await createSM3()).init();
  for await (const chunk of chunks) {
    sha.update(chunk);
    sm3.update(chunk);
  }
  return { sha256: bytesToHex(sha.digest()), sm3: sm3.digest('hex') };
}
