import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { errorCode, isNetworkError } from '../network';
import { assertRangeWithin, assertSafeKey, assertSafePrefix, exactly } from './fs';
import { ObjectNotFoundError, StoreUnavailableError } from './port';
import type { ByteRange, ObjectInfo, ObjectStore } from './port';

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


/**
 * Regroups a byte stream into parts of exactly `partSize` bytes (the last may be shorter).
 * One buffer is reused: the consumer finishes uploading a part before asking for the next.
 */
async function* parts(chunks: AsyncIterable<Buffer>, partSize: number): AsyncGenerator<Buffer> {
  const part = Buffer.allocUnsafe(partSize);
  let filled = 0;
  for await (let chunk of chunks) {
    while (chunk.length > 0) {
      const copied = chunk.copy(part, filled);
      filled += copied;
      chunk = chunk.subarray(copied);
      if (filled === partSize) {
        yield part;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
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

  constructor(config: S3StoreConfig) {
    const { endPoint, port, useSSL, accessKey, secretKey, region, bucket } = config;
    this.bucket = bucket;
    this.region = region;
    this.description = `S3 ${useSSL ? 'https' : 'http'}://${endPoint}:${port} bucket ${bucket}`;
    this.client = new Client({
      endPoint, port, useSSL, accessKey, secretKey,
      region, // known up front, so no GetBucketLocation round trip before the first request
      transportAgent: agentWithIdleTimeout(useSSL, config.idleTimeoutMs ?? 60_000),
    });
  }

  async ensureReady(): Promise<void> {
    try {
      if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket, this.region);
    } catch (err) {
      if (errorCode(err) === 'BucketAlreadyOwnedByYou') return; // another process created it meanwhile
      throw this.failure(err);
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
    if (range) {
      // S3 would silently shorten a range running past the end; refuse it like the filesystem does.
      const info = await this.stat(key);
      if (!info) throw new ObjectNotFoundError(key);
      assertRangeWithin(range, info.size);
    }
    try {
      const source = range
        ? await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1)
        : await this.client.getObject(this.bucket, key);
      return this.mapStreamErrors(source);
    } catch (err) {
      if (NOT_FOUND_CODES.includes(errorCode(err))) throw new ObjectNotFoundError(key);
      throw this.failure(err);
    }
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
    try {
      await this.client.removeObject(this.bucket, key); // S3 answers 204 for a missing key too
    } catch (err) {
      throw this.failure(err);
    }
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
      for await (const chunk of parts(exactly(body, size), partSizeFor(size))) {
        const part = etags.length + 1;
        const { etag } = await this.client.uploadPart(
          { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: {} },
          chunk,
        );
        etags.push({ part, etag });
      }
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
