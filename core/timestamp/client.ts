import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFile } from 'node:fs/promises';
import { openBuiltInAuthority, type BuiltInAuthority } from './authority';
import type { TimestampConfig } from './config';
import { timestampClient, type TimestampClient, type Transport } from './rfc3161';

/** Answers bigger than this are not time-stamp responses (a token with a long chain is a few KiB). */
const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * RFC 3161 section 3.4: POST the DER query as application/timestamp-query and read the
 * application/timestamp-reply. The whole exchange must finish within `timeoutMs`. Credentials in
 * the URL (https://user:password@host/…) are sent as HTTP basic authentication.
 */
export function httpTransport(url: string, timeoutMs: number): Transport {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
  if (!send) throw new Error(`the time-stamping authority URL must be http(s): ${url}`);
  const shown = `${target.origin}${target.pathname}`; // never log the credentials
  return (query) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply', 'content-length': query.length },
          signal: AbortSignal.timeout(timeoutMs),
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`${shown} answered HTTP ${res.statusCode}`));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`${shown} sent more than ${MAX_RESPONSE_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
          res.on('error', reject);
        },
      );
      req.on('error', (error) => {
        reject(error.name === 'AbortError' ? new Error(`no answer from ${shown} within ${timeoutMs / 1000} s`) : new Error(`${shown}: ${error.message}`));
      });
      req.end(query);
    });
}

export interface Timestamping {
  client: TimestampClient;
  /** Present when the platform runs its own authority: mount `authority.handle` at POST /tsa. */
  authority?: BuiltInAuthority;
}

/** The client the configuration asks for; the built-in authority is opened (made on first start) and called in-process. */
export async function openTimestamping(config: Readonly<TimestampConfig>): Promise<Timestamping> {
  if (config.authority.kind === 'built-in') {
    const authority = await openBuiltInAuthority({ dir: config.authority.dir, platformName: config.authority.platformName });
    return { authority, client: timestampClient({ transport: (query) => authority.respond(query), trustAnchorsPem: authority.caPem, policy: config.policy }) };
  }
  const trustAnchorsPem = await readFile(config.authority.trustAnchorsFile, 'utf8');
  return { client: timestampClient({ transport: httpTransport(config.authority.url, config.requestTimeoutMs), trustAnchorsPem, policy: config.policy }) };
}
