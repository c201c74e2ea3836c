import { createReadStream } from 'node:fs';
import { stat as statFile, unlink } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { Client, S3Error } from 'minio';
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
  /** A request with no traffic for this long is treated as a dead server. Default 60 s. */
  idleTimeoutMs?: number;
}

/** "http://127.0.0.1:9000" -> the endpoint fields of S3StoreConfig. */
export function parseS3Endpoint(url: string): Pick<S3StoreConfig, 'endPoint' | 'port' | 'useSSL'> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`S3 endpoint must be http:// or https://, got ${url}`);
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.username) {
    throw new Error(`S3 endpoint must be scheme://host[:port] only, got ${url}`);
  }
  const useSSL = parsed.protocol === 'https:';
  return { endPoint: parsed.hostname, port: parsed.port ? Number(parsed.port) : useSSL ? 443 : 80, useSSL };
}

/**
 * Parts are buffered whole (the client signs each body with its SHA-256), so the part size
 * is the memory bound of one upload: 16 MiB, raised only when an object would need more than
 * S3's 10,000 parts (> 160 GB).
 */
const MIN_PART = 16 * 1024 * 1024;
const MAX_PARTS = 10_000;
const partSizeFor = (size: number) => Math.max(MIN_PART, Math.ceil(size / MAX_PARTS));

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];
const SERVER_BUSY_CODES = ['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout'];
const NOT_FOUND_CODES = ['NoSuchKey', 'NotFound'];

function codeOf(err: unknown): string {
  return String((err as { code?: unknown } | undefined)?.code ?? '');
}

/** Yields `size` bytes of `body` as parts of exactly `partSize` bytes (the last one shorter). */
async function* parts(body: Readable, size: number, partSize: number): AsyncGenerator<Buffer> {
  let part = Buffer.allocUnsafe(Math.min(size, partSize));
  let filled = 0;
  for await (let chunk of exactly(body, size)) {
    while (chunk.length > 0) {
      const n = chunk.copy(part, filled);
      filled += n;
      chunk = chunk.subarray(n);
      if (filled === part.length) {
        yield part;
        // a fresh buffer: the client may still hold the previous one (e.g. a retry in flight)
        part = Buffer.allocUnsafe(Math.min(size - filled * 0, partSize));
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}
