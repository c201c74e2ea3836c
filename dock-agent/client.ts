import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Static } from 'typebox';
import Value from 'typebox/value';
import {
  CHUNK_TYPE,
  OFFSET_HEADER,
  PREFIX,
  pathOf,
  routes,
  type CompleteRequest,
  type CompleteResult,
  type FileRequest,
  type PurgeRecorded,
  type Route,
  type SessionOpened,
  type SessionRequest,
  type UploadStatus,
} from '../ingest/protocol';

/** What the server said when it refused a request (application/problem+json). */
export class ServerProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(`${status} ${String(body.title ?? '')}: ${String(body.detail ?? '')}`);
    this.name = 'ServerProblem';
  }
  get retryable(): boolean {
    return this.status >= 500 || this.body.retryable === true;
  }
}

/** The platform answered with something the protocol does not define (another version, or a proxy's page). */
export class ProtocolMismatch extends Error {
  override name = 'ProtocolMismatch';
}

/** The dock side of the offload protocol (docs/offload-protocol.md). */
export class IngestClient {
  private readonly base: URL;

  /** `timeoutMs`: a request with no traffic for this long fails (a platform that hangs counts as unreachable). */
  constructor(server: string, private readonly token: string, private readonly timeoutMs = 60_000) {
    this.base = new URL(`${PREFIX}/`, server);
  }

  openSession(body: SessionRequest): Promise<SessionOpened> {
    return this.json(routes.openSession, undefined, body);
  }

  async closeSession(sessionId: string): Promise<void> {
    await this.json(routes.closeSession, sessionId);
  }

  createUpload(sessionId: string, body: FileRequest): Promise<UploadStatus> {
    return this.json(routes.announceFile, sessionId, body);
  }

  status(uploadId: string): Promise<UploadStatus> {
    return this.json(routes.uploadStatus, uploadId);
  }

  /** Streams `body` as the bytes from `offset` on; resolves with the server's new offset. */
  async sendBytes(uploadId: string, offset: number, body: Readable, length: number): Promise<UploadStatus> {
    const headers = { 'content-type': CHUNK_TYPE, [OFFSET_HEADER]: String(offset), 'content-length': String(length) };
    return this.send(routes.sendBytes, uploadId, headers, (req) => pipeline(body, req));
  }

  complete(uploadId: string, digests: CompleteRequest): Promise<CompleteResult> {
    return this.json(routes.complete, uploadId, digests);
  }

  /** Asks something harmless; resolves with the HTTP status answered (404 from a platform that accepts the token), rejects when unreachable. */
  async probe(): Promise<number> {
    try {
      await this.status('00000000-0000-0000-0000-000000000000');
      return 200;
    } catch (error) {
      if (error instanceof ServerProblem) return error.status;
      throw error;
    }
  }

  /** Tells the platform a verified file was deleted from the recorder (a custody event). */
  purged(uploadId: string, at: Date): Promise<PurgeRecorded> {
    return this.json(routes.purged, uploadId, { at: at.toISOString() });
  }

  private json<R extends Route>(route: R, id?: string, body?: Static<NonNullable<R['body']>>): Promise<Static<R['response']>> {
    const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
    const headers: Record<string, string> = payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {};
    return this.send(route, id, headers, async (req) => {
      if (payload) req.end(payload);
      else req.end();
    });
  }

  /** One call; a success is checked against the route's answer schema before anyone relies on it. */
  private send<R extends Route>(route: R, id: string | undefined, headers: Record<string, string>, write: (req: NodeJS.WritableStream) => Promise<unknown>): Promise<Static<R['response']>> {
    const url = new URL(pathOf(route, id), this.base);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: route.method, headers: { ...headers, authorization: `Bearer ${this.token}` } }, (res) => {
        readJson(res).then((parsed) => {
          const status = res.statusCode ?? 500;
          if (status >= 400) return reject(new ServerProblem(status, parsed));
          const answer = status === 204 ? null : parsed;
          const wrong = Value.Check(route.response, answer) ? undefined : Value.Errors(route.response, answer)[0];
          if (wrong) reject(new ProtocolMismatch(`${route.method} ${url.pathname} answered ${status} with a body the offload protocol does not define (${wrong.instancePath || 'body'} ${wrong.message})`));
          else resolve(answer as Static<R['response']>);
        }, reject);
      });
      req.on('error', reject);
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer from ${url.host} in ${this.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
      write(req).catch((error: unknown) => {
        req.destroy(error as Error);
        reject(error);
      });
    });
  }
}

async function readJson(res: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { title: 'Unreadable response', detail: text.slice(0, 200) };
  }
}
