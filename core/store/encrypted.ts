import { createCipheriv, createDecipheriv, randomBytes, randomUUID, type Cipher } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { CtrEngine } from './ctr-pool';
import { assertSafeKey, exactly } from './fs';
import { ObjectNotFoundError } from './port';
import type { ByteRange, ObjectInfo, ObjectStore, SealedFiles } from './port';

/**
 * Encryption at rest (issue 19 item 3), as a decorator around any ObjectStore: every caller
 * (ingest, transcode, exports, fixity, Range streaming) keeps reading and writing plaintext.
 *
 * Each object is `HEADER_SIZE` bytes of header followed by the plaintext encrypted with SM4-CTR or
 * AES-256-CTR under a random data key of its own. CTR keeps the object seekable: a Range read
 * fetches only the blocks it needs and starts the counter at the first one. The header names the
 * cipher, the IV and the data key's id; the data key itself lives in a DataKeyRepository, wrapped
 * by the master key, so rotating the master key re-wraps small rows and never rewrites objects.
 */

export type EncryptionCipher = 'sm4' | 'aes';

const CIPHERS: Record<EncryptionCipher, { code: number; name: string; keyBytes: number; label: string }> = {
  sm4: { code: 1, name: 'sm4-ctr', keyBytes: 16, label: 'SM4-CTR' },
  aes: { code: 2, name: 'aes-256-ctr', keyBytes: 32, label: 'AES-256-CTR' },
};

export const BLOCK_SIZE = 16;
export const HEADER_SIZE = 64;
const MAGIC = Buffer.from('EVSTORE1', 'latin1');

/** A master key: 32 bytes and the id objects' data keys record (a fingerprint, never the key). */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** One data key wrapped by one master key. */
export interface DataKeyWrapping {
  masterKeyId: string;
  wrapped: Buffer;
}

/** Where wrapped data keys are kept (PostgreSQL: core/encryption-keys.ts). */
export interface DataKeyRepository {
  save(keyId: string, wrapping: DataKeyWrapping): Promise<void>;
  /** Every wrapping of the data key (more than one while a master key is being rotated). */
  wrappings(keyId: string): Promise<DataKeyWrapping[]>;
  remove(keyId: string): Promise<void>;
}

export interface StoreEncryption {
  cipher: EncryptionCipher;
  masterKey: MasterKey;
  keys: DataKeyRepository;
}

interface Header {
  cipher: EncryptionCipher;
  iv: Buffer;
  keyId: string;
}

export function encodeHeader(header: Header): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(out, 0);
  out[8] = CIPHERS[header.cipher].code;
  header.iv.copy(out, 16);
  Buffer.from(header.keyId.replaceAll('-', ''), 'hex').copy(out, 32);
  return out;
}

export function decodeHeader(bytes: Buffer, key: string): Header {
  const cipher = (Object.keys(CIPHERS) as EncryptionCipher[]).find((c) => CIPHERS[c].code === bytes[8]);
  if (bytes.length < HEADER_SIZE || !bytes.subarray(0, MAGIC.length).equals(MAGIC) || !cipher) {
    throw new Error(`object ${key} has no encryption header: it was not written by this platform with encryption on`);
  }
  const id = bytes.subarray(32, 48).toString('hex');
  return { cipher, iv: Buffer.from(bytes.subarray(16, 32)), keyId: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}` };
}

/**
 * Where a CTR decryption starting at plaintext `offset` begins: the counter block of the 16-byte
 * block holding it (IV + floor(offset / 16), big-endian, modulo 2^128 as OpenSSL counts) and how
 * many decrypted bytes to drop before `offset`.
 */
export function counterAt(iv: Buffer, offset: number): { counter: Buffer; skip: number } {
  const blocks = BigInt(Math.floor(offset / BLOCK_SIZE));
  const value = (BigInt(`0x${iv.toString('hex')}`) + blocks) % (1n << 128n);
  return { counter: Buffer.from(value.toString(16).padStart(32, '0'), 'hex'), skip: offset % BLOCK_SIZE };
}

/** The stored bytes a plaintext range needs: from the start of its first block to its last byte. */
export function storedRange(range: ByteRange): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`range ${start}-${end} is not a byte range`);
  }
  return { start: HEADER_SIZE + start - (start % BLOCK_SIZE), end: HEADER_SIZE + end };
}

/** How many data keys stay unwrapped in memory: a video played by Range requests unwraps its key once. */
const KEY_CACHE_SIZE = 1024;

class EncryptedStore implements ObjectStore {
  readonly description: string;
  /** Encrypting copies every byte, whatever the inner store does with files. */
  readonly putFileMoves = false;
  readonly sealedFiles?: SealedFiles;
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly inner: ObjectStore,
    private readonly encryption: StoreEncryption,
    /** Where SM4 runs (OpenSSL's is slow); none for AES, which node:crypto runs on AES-NI. */
    private readonly engine: CtrEngine | null,
  ) {
    this.description = `${inner.description}, encrypted with ${CIPHERS[encryption.cipher].label}${engine ? ` (${engine.label})` : ''}`;
    if (inner.putFileMoves) this.sealedFiles = this.sealed();
  }

  ensureReady(): Promise<void> {
    return this.inner.ensureReady();
  }

  async put(key: string, body: Readable, size: number, contentType?: string): Promise<void> {
    let keyId: string | undefined;
    try {
      assertSafeKey(key);
      const replaced = await this.existingKeyId(key);
      const { header, dataKey } = await this.newDataKey();
      keyId = header.keyId;
      const encrypted = this.ctr(header, dataKey, 0, exactly(body, size));
      const stored = Readable.from(prepend(encodeHeader(header), encrypted), { objectMode: false });
      await this.inner.put(key, stored, HEADER_SIZE + size, contentType);
      if (replaced && replaced !== header.keyId) await this.forget(replaced);
    } catch (err) {
      body.destroy();
      if (keyId) await this.forget(keyId).catch(() => {});
      throw err;
    }
  }

  async putFile(key: string, localPath: string, size: number, contentType?: string): Promise<void> {
    assertSafeKey(key);
    // A plaintext file is encrypted while it is copied (a sealed one is moved: sealedFiles).
    const actual = (await stat(localPath)).size;
    if (actual !== size) throw new Error(`${localPath} has ${actual} bytes, expected ${size}`);
    await this.put(key, createReadStream(localPath), size, contentType);
    await unlink(localPath);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeKey(key);
    if (!range) {
      const source = await this.inner.get(key);
      return Readable.from(this.plaintext(source, key), { objectMode: false });
    }
    const stored = storedRange(range);
    // The header and the range are fetched at once (one round trip on S3, not two): the range's place does not depend on it.
    const [header, source] = await Promise.allSettled([
      this.headerOf(key),
      this.inner.get(key, stored).catch((err: unknown) => {
        throw err instanceof RangeError ? new RangeError(`range ${range.start}-${range.end} is outside object ${key}`) : err;
      }),
    ]);
    try {
      if (header.status === 'rejected') throw header.reason;
      if (source.status === 'rejected') throw source.reason;
      const plain = this.ctr(header.value, await this.dataKey(header.value.keyId, key), stored.start - HEADER_SIZE, source.value);
      return Readable.from(dropFirst(plain, range.start % BLOCK_SIZE), { objectMode: false });
    } catch (err) {
      if (source.status === 'fulfilled') source.value.destroy();
      throw err;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    const info = await this.inner.stat(key);
    if (!info) return null;
    if (info.size < HEADER_SIZE) throw new Error(`object ${key} is shorter than its encryption header`);
    return { size: info.size - HEADER_SIZE };
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    const header = await this.headerOf(key).catch(() => null);
    await this.inner.delete(key);
    if (header) await this.forget(header.keyId);
  }

  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }

  /** A random data key and the header naming it; the wrapped key is saved first, so an object is never in the store without its key. */
  private async newDataKey(): Promise<{ header: Header; dataKey: Buffer }> {
    const { cipher, masterKey, keys } = this.encryption;
    const dataKey = randomBytes(CIPHERS[cipher].keyBytes);
    const header = { cipher, iv: randomBytes(BLOCK_SIZE), keyId: randomUUID() };
    await keys.save(header.keyId, { masterKeyId: masterKey.id, wrapped: wrapDataKey(masterKey, header.keyId, dataKey) });
    return { header, dataKey };
  }

  /** The data key id of the object now at `key`, or null when there is none. */
  private existingKeyId(key: string): Promise<string | null> {
    return this.headerOf(key).then(
      (header) => header.keyId,
      (err: unknown) => {
        if (err instanceof ObjectNotFoundError) return null;
        throw err;
      },
    );
  }

  /**
   * Sealed local files: a file staged in the stored form is moved in by the inner store's rename.
   * Only where the inner store renames: elsewhere a staged file is copied anyway, and a writer
   * sealing its staging too would encrypt every byte twice.
   */
  private sealed(): SealedFiles {
    const what = 'a staged file';
    return {
      headerSize: HEADER_SIZE,
      newHeader: async () => {
        const { header, dataKey } = await this.newDataKey();
        this.remember(header.keyId, dataKey); // the file's bytes follow at once
        return encodeHeader(header);
      },
      isHeader(bytes) {
        try {
          decodeHeader(bytes, what);
          return true;
        } catch {
          return false;
        }
      },
      cipher: (header, offset, body) => this.cipherFrom(decodeHeader(header, what), offset, body),
      putFile: async (key, localPath, size) => {
        assertSafeKey(key);
        const replaced = await this.existingKeyId(key);
        const header = decodeHeader(await readHead(localPath), localPath);
        await this.inner.putFile(key, localPath, HEADER_SIZE + size);
        if (replaced && replaced !== header.keyId) await this.forget(replaced);
      },
      forget: (header) => this.forget(decodeHeader(header, what).keyId),
    };
  }

  /** CTR from any plaintext `offset`: the counter of its block, the keystream bytes before it dropped. */
  private async *cipherFrom(header: Header, offset: number, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const skip = offset % BLOCK_SIZE;
    const dataKey = await this.dataKey(header.keyId, 'a staged file');
    yield* dropFirst(this.ctr(header, dataKey, offset - skip, skip > 0 ? prepend(Buffer.alloc(skip), body) : body), skip);
  }

  private async headerOf(key: string): Promise<Header> {
    const chunks: Buffer[] = [];
    for await (const chunk of (await this.inner.get(key, { start: 0, end: HEADER_SIZE - 1 }).catch((err: unknown) => {
      throw err instanceof RangeError ? new Error(`object ${key} is shorter than its encryption header`) : err;
    })) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    return decodeHeader(Buffer.concat(chunks), key);
  }

  /** Plaintext of a whole stored object: the header first, then the ciphertext from counter IV. */
  private async *plaintext(source: Readable, key: string): AsyncGenerator<Buffer> {
    const chunks = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    try {
      let head = Buffer.alloc(0);
      while (head.length < HEADER_SIZE) {
        const next = await chunks.next();
        if (next.done) throw new Error(`object ${key} is shorter than its encryption header`);
        head = Buffer.concat([head, next.value]);
      }
      const header = decodeHeader(head, key);
      async function* ciphertext(): AsyncGenerator<Buffer> {
        if (head.length > HEADER_SIZE) yield head.subarray(HEADER_SIZE);
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
      }
      yield* this.ctr(header, await this.dataKey(header.keyId, key), 0, ciphertext());
    } finally {
      await chunks.return?.(); // a reader that stops early releases the stored stream
    }
  }

  /** CTR (encryption and decryption alike) of `body`, which starts at block-aligned plaintext `offset`. */
  private ctr(header: Header, dataKey: Buffer, offset: number, body: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
    const counter = counterAt(header.iv, offset).counter;
    return this.engine && header.cipher === 'sm4' ? this.engine.ctr(dataKey, counter, body) : inlineCiphertext(body, createCipheriv(CIPHERS[header.cipher].name, dataKey, counter));
  }

  private async dataKey(keyId: string, key: string): Promise<Buffer> {
    const cached = this.cache.get(keyId);
    if (cached) return cached;
    const { masterKey, keys } = this.encryption;
    const wrapping = (await keys.wrappings(keyId)).find((w) => w.masterKeyId === masterKey.id);
    if (!wrapping) throw new Error(`the data key of object ${key} is not wrapped by master key ${masterKey.id}: its key is missing or was rotated to another master key`);
    return this.remember(keyId, unwrapDataKey(masterKey, keyId, wrapping.wrapped));
  }

  private remember(keyId: string, dataKey: Buffer): Buffer {
    if (this.cache.size >= KEY_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(keyId, dataKey);
    return dataKey;
  }

  private async forget(keyId: string): Promise<void> {
    this.cache.delete(keyId);
    await this.encryption.keys.remove(keyId);
  }
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

/** The first HEADER_SIZE bytes of a local file (fewer if it is shorter). */
async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await file.read(Buffer.alloc(HEADER_SIZE), 0, HEADER_SIZE, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function* inlineCiphertext(body: AsyncIterable<Buffer>, encrypt: Cipher): AsyncGenerator<Buffer> {
  for await (const chunk of body) yield encrypt.update(chunk);
}

/** Drops the first `skip` bytes: a range decrypted from its block boundary, up to the asked offset. */
async function* dropFirst(plain: AsyncIterable<Buffer>, skip: number): AsyncGenerator<Buffer> {
  let left = skip;
  for await (let out of plain) {
    if (left > 0) {
      const dropped = Math.min(left, out.length);
      out = out.subarray(dropped);
      left -= dropped;
    }
    if (out.length > 0) yield out;
  }
}

/** Additional data binding a wrapped key to its data key id and master key: a wrapping cannot be moved to another object. */
const wrapAad = (masterKey: MasterKey, keyId: string) => Buffer.from(`evidence data key ${keyId} under ${masterKey.id}`);

/** AES-256-GCM (node has no SM4-GCM): nonce (12) | tag (16) | wrapped key. A wrong master key fails the tag. */
export function wrapDataKey(masterKey: MasterKey, keyId: string, dataKey: Buffer): Buffer {
  const nonce = randomBytes(12);
  const gcm = createCipheriv('aes-256-gcm', masterKey.key, nonce).setAAD(wrapAad(masterKey, keyId));
  const sealed = Buffer.concat([gcm.update(dataKey), gcm.final()]);
  return Buffer.concat([nonce, gcm.getAuthTag(), sealed]);
}

export function unwrapDataKey(masterKey: MasterKey, keyId: string, wrapped: Buffer): Buffer {
  try {
    const gcm = createDecipheriv('aes-256-gcm', masterKey.key, wrapped.subarray(0, 12)).setAAD(wrapAad(masterKey, keyId));
    gcm.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([gcm.update(wrapped.subarray(28)), gcm.final()]);
  } catch {
    throw new Error(`data key ${keyId} does not open with master key ${masterKey.id}`);
  }
}

/**
 * The encrypting decorator. Optional capabilities of the port (such as object lock) act on whole
 * stored objects, so whatever the inner store offers beyond the core methods is forwarded unchanged.
 */
export function encryptedStore(inner: ObjectStore, encryption: StoreEncryption, engine: CtrEngine | null): ObjectStore {
  const store = new EncryptedStore(inner, encryption, engine);
  return new Proxy(store, {
    has: (target, name) => name in target || name in inner,
    get(target, name, receiver) {
      if (name in target) return Reflect.get(target, name, receiver);
      const value: unknown = Reflect.get(inner, name);
      return typeof value === 'function' ? value.bind(inner) : value;
    },
  });
}
