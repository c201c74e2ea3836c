import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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

export interface UploadStatus {
  uploadId: string;
  offset: number;
  size: number;
  state: 'receiving' | 'verified' | 'rejected';
  evidenceId: string | null;
}

export interface Completion {
  evidenceId: string;
  duplicate: boolean;
  mayPurge: boolean;
  sha256: string;
  sm3: string;
}

/** The dock side of the offload protocol (docs/offload-protocol.md). */
export class IngestClient {
  private readonly base: URL;

  /** `timeoutMs`: a request with no traffic for this long fails (a platform that hangs counts as unreachable). */
  constructor(server: string, private readonly token: string, private readonly timeoutMs = 60_000) {
    this.base = new URL('/ingest/v1/', server);
  }

  openSession(body: object): Promise<{ sessionId: string; clockSkewMs: number | null }> {
    return this.json('POST', 'sessions', body);
  }

  closeSession(sessionId: string): Promise<unknown> {
    return this.json('POST', `sessions/${sessionId}/close`);
  }

  createUpload(sessionId: string, body: object): Promise<UploadStatus> {
    return this.json('POST', `sessions/${sessionId}/files`, body);
  }

  status(uploadId: string): Promise<UploadStatus> {
    return this.json('GET', `uploads/${uploadId}`);
  }

  /** Streams `body` as the bytes from `offset` on; resolves with the server's new offset. */
  async sendBytes(uploadId: string, offset: number, body: Readable, length: number): Promise<UploadStatus> {
    const headers = { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), 'content-length': String(length) };
    return this.send('PATCH', `uploads/${uploadId}`, headers, (req) => pipeline(body, req));
  }

  complete(uploadId: string, digests: { sha256: string; sm3: string }): Promise<Completion> {
    return this.json('POST', `uploads/${uploadId}/complete`, digests);
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
  purged(uploadId: string, at: Date): Promise<{ evidenceId: string; recorded: boolean }> {
    return this.json('POST', `uploads/${uploadId}/purged`, { at: at.toISOString() });
  }

  private json<T>(method: string, path: string, body?: object): Promise<T> {
    const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
    const headers: Record<string, string> = payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {};
    return this.send(method, path, headers, async (req) => {
      if (payload) req.end(payload);
      else req.end();
    });
  }

  private send<T>(method: string, path: string, headers: Record<string, string>, write: (req: NodeJS.WritableStream) => Promise<unknown>): Promise<T> {
    const url = new URL(path, this.base);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const req = request(url, { method, headers: { ...headers, authorization: `Bearer ${this.token}` } }, (res) => {
        readJson(res).then((parsed) => {
          if ((res.statusCode ?? 500) >= 400) reject(new ServerProblem(res.statusCode ?? 500, parsed));
          else resolve(parsed as T);
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
