import type { LibraryHandle } from 'koffi';
import type { CtrEngine } from './ctr-pool';

/**
 * SM4-CTR from libgcrypt, GnuPG's crypto library (on every Debian machine: apt needs it), called
 * through koffi. Since 1.10 it runs SM4 on AES-NI/AVX2: about 560 MB/s a core
 * here, against about 90 MB/s for OpenSSL's software SM4. The output is the same CTR stream
 * (a 128-bit big-endian counter), which tests/unit/sm4-engines.test.ts checks against node:crypto.
 */
const GCRY_CIPHER_SM4 = 318;
const GCRY_CIPHER_MODE_CTR = 6;
/** SM4 arrived in 1.9; older libraries answer the version check with NULL. */
const MIN_VERSION = '1.9.0';

type Handle = unknown;

/** The engine, or why it cannot run here (no libgcrypt, too old, SM4 refused as in FIPS mode). */
export async function libgcryptSm4(): Promise<CtrEngine | { unavailable: string }> {
  let lib: LibraryHandle;
  try {
    lib = (await import('koffi')).default.load('libgcrypt.so.20');
  } catch (err) {
    return { unavailable: `libgcrypt cannot be loaded (${err instanceof Error ? err.message : String(err)})` };
  }
  const checkVersion = lib.func('const char *gcry_check_version(const char *required)');
  const version = checkVersion(MIN_VERSION) as string | null;
  if (version === null) return { unavailable: `libgcrypt ${checkVersion(null) as string} is older than ${MIN_VERSION}` };
  const open = lib.func('unsigned int gcry_cipher_open(_Out_ void **handle, int algo, int mode, unsigned int flags)');
  const setKey = lib.func('unsigned int gcry_cipher_setkey(void *handle, const void *key, size_t length)');
  const setCounter = lib.func('unsigned int gcry_cipher_setctr(void *handle, const void *counter, size_t length)');
  const encrypt = lib.func('unsigned int gcry_cipher_encrypt(void *handle, void *out, size_t outsize, const void *in, size_t inlen)');
  const close = lib.func('void gcry_cipher_close(void *handle)');
  const describe = lib.func('const char *gcry_strerror(unsigned int code)');
  const check = (code: number, what: string) => {
    if (code !== 0) throw new Error(`libgcrypt ${what}: ${describe(code) as string}`);
  };

  /**
   * One handle per stream: CTR keeps its place between calls, partial blocks included. Each chunk
   * is encrypted on the calling thread (about 0.1 ms for a socket's 64 KiB, 2 ms for a 1 MiB disk
   * read): handing 1 MiB pieces to libuv's threads and back cost more CPU in all (regrouping
   * copies, and the garbage collections they set off) than the cipher itself (docs/encryption.md).
   */
  async function* ctr(key: Buffer, counter: Buffer, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const out: Handle[] = [null];
    check(open(out, GCRY_CIPHER_SM4, GCRY_CIPHER_MODE_CTR, 0) as number, 'SM4-CTR');
    const handle = out[0];
    try {
      check(setKey(handle, key, key.length) as number, 'SM4 key');
      check(setCounter(handle, counter, counter.length) as number, 'SM4 counter');
      for await (const chunk of body) {
        const result = Buffer.allocUnsafe(chunk.length); // never in place: the caller may still hold the chunk
        check(encrypt(handle, result, result.length, chunk, chunk.length) as number, 'SM4-CTR');
        yield result;
      }
    } finally {
      close(handle);
    }
  }
  // A trial run: SM4 may be refused (FIPS mode) although the library loads.
  try {
    for await (const _ of ctr(Buffer.alloc(16), Buffer.alloc(16), oneChunk(Buffer.alloc(16))));
  } catch (err) {
    return { unavailable: err instanceof Error ? err.message : String(err) };
  }
  return { label: `libgcrypt ${version}`, ctr };
}

async function* oneChunk(chunk: Buffer): AsyncGenerator<Buffer> {
  yield chunk;
}
