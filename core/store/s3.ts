import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { Client, LEGAL_HOLD_STATUS, RETENTION_MODES } from 'minio';
import { ConfigError } from '../errors';
import { errorCode, isNetworkError } from '../network';
import { assertRangeWithin, assertSafeKey, assertSafePrefix, exactly } from './fs';
import { ObjectNotFoundError, ObjectRetainedError, StoreUnavailableError } from './port';
import type { ObjectLockInfo } from 'minio';
import type { ByteRange, LockState, ObjectInfo, ObjectLock, ObjectStore } from './port';

export interface S3StoreConfig {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  /**
   * A connection with no traffic for this long counts as a dead server (default 60 s).
   * It also ends a download whose reader stalls that long.
   */
  idleTimeoutMs?: number;
  /**
   * EVIDENCE_S3_OBJECT_LOCK: create the bucket with object lock, and refuse to start on a bucket
   * without it. Without this, object lock is still used when the bucket has it.
   */
  objectLock?: boolean;
}

/** "http://127.0.0.1:9000" -> the endpoint fields of S3StoreConfig. */
export function parseS3Endpoint(url: string): Pick<S3StoreConfig, 'endPoint' | 'port' | 'useSSL'> {
  const parsed = new URL(url);
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.pathname !== '/' || parsed.search) {
    throw new Error(`S3 endpoint must look like http(s)://host[:port], got ${url}`);
  }
  const useSSL = parsed.protocol === 'https:';
  return { endPoint: parsed.hostname, port: parsed.port ? Number(parsed.port) : useSSL ? 443 : 80, useSSL };
}

/**
 * Every request body is a Buffer (the client signs it with its SHA-256), so the part size
 * is what one upload holds in memory: 16 MiB, raised only when S3's limit of 10,000 parts
 * would be exceeded (objects over 160 GB).
 */
const MIN_PART_SIZE = 16 * 1024 * 1024;
const MAX_PARTS = 10_000;
const partSizeFor = (size: number) => Math.max(MIN_PART_SIZE, Math.ceil(size / MAX_PARTS));

const BUSY_CODES = ['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout'];
const NOT_FOUND_CODES = ['NoSuchKey', 'NotFound'];
/** No lock configuration on the bucket, or no retention / legal hold on the object (RGW and AWS say it differently). */
const NO_LOCK_CODES = ['ObjectLockConfigurationNotFoundError', 'NoSuchObjectLockConfiguration', 'InvalidRequest'];


/**
 * Regroups a byte stream into parts of exactly `partSize` bytes (the last may be shorter).
 * Two buffers take turns: the consumer may upload one part while the next fills, and finishes
 * uploading a part before asking for the one after the next.
 */
async function* parts(chunks: AsyncIterable<Buffer>, partSize: number): AsyncGenerator<Buffer> {
  const buffers = [Buffer.allocUnsafe(partSize), Buffer.allocUnsafe(partSize)] as const;
  let turn = 0;
  let filled = 0;
  for await (let chunk of chunks) {
    while (chunk.length > 0) {
      const copied = chunk.copy(buffers[turn]!, filled);
      filled += copied;
      chunk = chunk.subarray(copied);
      if (filled === partSize) {
        yield buffers[turn]!;
        turn = 1 - turn;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffers[turn]!.subarray(0, filled);
}

/** Whether an S3 answer's Content-Range (`bytes a-b/size`) is exactly the asked range, within the object. */
export function rangeAnswered(range: ByteRange, contentRange: string | undefined): boolean {
  const answered = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange ?? '');
  if (!answered) return false;
  const [start, end, size] = answered.slice(1).map(Number) as [number, number, number];
  return start === range.start && end === range.end && end < size;
}

/** minio has no request timeout; sockets that go quiet are destroyed instead, failing the request. */
function agentWithIdleTimeout(useSSL: boolean, timeoutMs: number): http.Agent {
  // `timeout` makes Node arm the timer on every use and drop idle pooled sockets itself.
  const agent = useSSL ? new https.Agent({ keepAlive: true, timeout: timeoutMs }) : new http.Agent({ keepAlive: true, timeout: timeoutMs });
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = connect(options, callback);
    socket?.on('timeout', () =>
      socket.destroy(Object.assign(new Error(`no traffic for ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    return socket;
  };
  return agent;
}

export class S3Store implements ObjectStore {
  readonly description: string;
  private readonly client: Client;
  private readonly bucket: string;
  private readonly region: string;
  private readonly requireLock: boolean;
  /** Whether the bucket has object lock: found out by ensureReady. */
  private locked = false;
  private readonly lock: ObjectLock = {
    protect: (key, lock) => this.protect(key, lock),
    state: (key) => this.lockState(key),
  };

  constructor(config: S3StoreConfig) {
    const { endPoint, port, useSSL, accessKey, secretKey, region, bucket } = config;
    this.bucket = bucket;
    this.region = region;
    this.requireLock = config.objectLock ?? false;
    this.description = `S3 ${useSSL ? 'https' : 'http'}://${endPoint}:${port} bucket ${bucket}`;
    this.client = new Client({
      endPoint, port, useSSL, accessKey, secretKey,
      region, // known up front, so no GetBucketLocation round trip before the first request
      transportAgent: agentWithIdleTimeout(useSSL, config.idleTimeoutMs ?? 60_000),
    });
  }

  get objectLock(): ObjectLock | undefined {
    return this.locked ? this.lock : undefined;
  }

  async ensureReady(): Promise<void> {
    try {
      if (!(await this.client.bucketExists(this.bucket))) {
        await this.client.makeBucket(this.bucket, this.region, this.requireLock ? { ObjectLocking: true } : undefined);
      }
    } catch (err) {
      // BucketAlreadyOwnedByYou: another process created it meanwhile
      if (errorCode(err) !== 'BucketAlreadyOwnedByYou') throw this.failure(err);
    }
    this.locked = await this.bucketHasLock();
    if (this.requireLock && !this.locked) {
      throw new ConfigError(
        `EVIDENCE_S3_OBJECT_LOCK=1 but ${this.description} exists without object lock; object lock can only be chosen when a bucket is created: use a new bucket name (S3_BUCKET) or unset EVIDENCE_S3_OBJECT_LOCK`,
      );
    }
  }

  async put(key: string, body: Readable, size: number, contentType?: string): Promise<void> {
    assertSafeKey(key);
    const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
    try {
      if (size <= MIN_PART_SIZE) await this.putSingle(key, body, size, headers);
      else await this.putMultipart(key, body, size, headers);
    } catch (err) {
      body.destroy(); // release the caller's stream even when we failed before reading it
      throw this.failure(err);
    }
  }

  async putFile(key: string, localPath: string, size: number, contentType?: string): Promise<void> {
    assertSafeKey(key);
    await this.put(key, createReadStream(localPath), size, contentType);
    await unlink(localPath);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeKey(key);
    if (range) assertRangeWithin(range);
    let source: Readable;
    try {
      source = range
        ? await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1)
        : await this.client.getObject(this.bucket, key);
    } catch (err) {
      if (NOT_FOUND_CODES.includes(errorCode(err))) throw new ObjectNotFoundError(key);
      if (range && errorCode(err) === 'InvalidRange') throw new RangeError(`range ${range.start}-${range.end} is outside object ${key}`);
      throw this.failure(err);
    }
    // S3 silently shortens a range running past the end; refuse it like the filesystem does. The
    // answer's Content-Range says so, which spares a HEAD request before every Range read.
    if (range && !rangeAnswered(range, (source as IncomingMessage).headers?.['content-range'])) {
      source.destroy();
      throw new RangeError(`range ${range.start}-${range.end} is outside object ${key}`);
    }
    return this.mapStreamErrors(source);
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertSafeKey(key);
    try {
      const { size } = await this.client.statObject(this.bucket, key);
      return { size };
    } catch (err) {
      if (NOT_FOUND_CODES.includes(errorCode(err))) return null;
      throw this.failure(err);
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    if (this.locked) return this.deleteVersions(key);
    try {
      await this.client.removeObject(this.bucket, key); // S3 answers 204 for a missing key too
    } catch (err) {
      throw this.failure(err);
    }
  }

  /**
   * A bucket with object lock is versioned: a plain delete only adds a delete marker and keeps
   * the bytes. Every version goes, one by one; the server refuses those under retention or legal
   * hold (their delete markers are removed too, so the object stays readable), and so do we.
   */
  private async deleteVersions(key: string): Promise<void> {
    let refused: unknown;
    try {
      const versions: string[] = [];
      for await (const item of this.client.listObjects(this.bucket, key, true, { IncludeVersion: true })) {
        if (item.name === key && item.versionId) versions.push(item.versionId);
      }
      for (const versionId of versions) {
        await this.client.removeObject(this.bucket, key, { versionId }).catch((err: unknown) => {
          if (errorCode(err) !== 'AccessDenied') throw err;
          refused = err;
        });
      }
    } catch (err) {
      throw this.failure(err);
    }
    if (refused) throw new ObjectRetainedError(key, { cause: refused });
  }

  private async bucketHasLock(): Promise<boolean> {
    try {
      // the overloads pick the callback form's void; the promise form returns ObjectLockInfo
      const config = (await (this.client.getObjectLockConfig(this.bucket) as unknown as Promise<ObjectLockInfo>));
      return config.objectLockEnabled === 'Enabled';
    } catch (err) {
      if (NO_LOCK_CODES.includes(errorCode(err))) return false;
      throw this.failure(err);
    }
  }

  /** Extends retention only (COMPLIANCE: the server refuses to shorten it, so we never ask). */
  private async protect(key: string, want: LockState): Promise<void> {
    assertSafeKey(key);
    const current = await this.lockState(key);
    try {
      if (want.retainUntil && (!current.retainUntil || want.retainUntil > current.retainUntil)) {
        await this.client.putObjectRetention(this.bucket, key, {
          mode: RETENTION_MODES.COMPLIANCE,
          retainUntilDate: want.retainUntil.toISOString(),
          versionId: '', // none: the current version
        });
      }
      if (want.legalHold !== current.legalHold) {
        await this.client.setObjectLegalHold(this.bucket, key, { status: want.legalHold ? LEGAL_HOLD_STATUS.ENABLED : LEGAL_HOLD_STATUS.DISABLED });
      }
    } catch (err) {
      throw this.failure(err);
    }
  }

  private async lockState(key: string): Promise<LockState> {
    assertSafeKey(key);
    const orNone = <T>(call: Promise<T>) =>
      call.catch((err: unknown) => {
        if (NO_LOCK_CODES.includes(errorCode(err))) return null;
        if (NOT_FOUND_CODES.includes(errorCode(err))) throw new ObjectNotFoundError(key);
        throw this.failure(err);
      });
    const [retention, hold] = await Promise.all([
      orNone(this.client.getObjectRetention(this.bucket, key)),
      orNone(this.client.getObjectLegalHold(this.bucket, key)),
    ]);
    return {
      retainUntil: retention?.retainUntilDate ? new Date(retention.retainUntilDate) : null,
      // typed as the status, but minio returns the parsed <LegalHold> element
      legalHold: (hold as { Status?: string } | null)?.Status === LEGAL_HOLD_STATUS.ENABLED,
    };
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertSafePrefix(prefix);
    try {
      for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
        if (item.name !== undefined) yield item.name;
      }
    } catch (err) {
      throw this.failure(err);
    }
  }

  private async putSingle(key: string, body: Readable, size: number, headers: Record<string, string>): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of exactly(body, size)) chunks.push(chunk);
    await this.client.putObject(this.bucket, key, Buffer.concat(chunks, size), size, headers);
  }

  /**
   * Our own multipart loop rather than putObject's: putObject never notices a source stream
   * that errors (its pipe hangs), and it silently resumes an older unfinished upload of the
   * same key. Here the object appears only if exactly `size` bytes arrived.
   */
  private async putMultipart(key: string, body: Readable, size: number, headers: Record<string, string>): Promise<void> {
    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
    try {
      const etags: { part: number; etag: string }[] = [];
      // One part on the wire while the next one is read: the source (a dock's upload) keeps flowing.
      let sending: Promise<void> = Promise.resolve();
      let part = 0;
      for await (const chunk of parts(exactly(body, size), partSizeFor(size))) {
        await sending;
        const number = ++part;
        sending = this.client
          .uploadPart({ bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber: number, headers: {} }, chunk)
          .then(({ etag }) => void etags.push({ part: number, etag }));
        sending.catch(() => {}); // awaited before the next part or after the last; not unhandled meanwhile
      }
      await sending;
      // RGW answers this with an empty ETag; nothing here depends on it.
      await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
    } catch (err) {
      // Best effort: with the server gone this fails too, and the parts stay invisible
      // until a lifecycle rule (or an operator) aborts the upload.
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => {});
      throw err;
    }
  }

  /** A download cut off midway fails with StoreUnavailableError, like every other call. */
  private mapStreamErrors(source: Readable): Readable {
    const out = new PassThrough();
    source.on('error', (err) => out.destroy(this.failure(err) as Error));
    out.on('close', () => source.destroy());
    return source.pipe(out);
  }

  /** Transport failures and server trouble become StoreUnavailableError; the rest is the caller's problem. */
  private failure(err: unknown): unknown {
    const code = errorCode(err);
    const message = err instanceof Error ? err.message : String(err);
    // minio retries 5xx once, then throws a plain Error naming the status
    if (isNetworkError(err) || BUSY_CODES.includes(code) || /Retryable HTTP status/.test(message)) {
      return new StoreUnavailableError(`${this.description} is unavailable: ${message}`, { cause: err });
    }
    return err;
  }
}
