import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import type { HttpServer } from '../../core/http';
import { bearer } from './platform';

export const digests = (bytes: Buffer) => ({
  sha256: createHash('sha256').update(bytes).digest('hex'),
  sm3: createHash('sm3').update(bytes).digest('hex'),
});

/** The offload protocol, step by step, as one station's token (for tests that stop between steps). */
export function dockCalls(app: HttpServer, token: string, station: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: object | Buffer, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      headers: { ...bearer(token), ...(Buffer.isBuffer(body) ? { 'content-type': 'application/offset+octet-stream' } : {}), ...headers },
      ...(body === undefined ? {} : Buffer.isBuffer(body) ? { body } : { payload: body }),
    });
  return {
    /** Opens a session for the recorder and announces one file; the answer as it came. */
    announce: async (serial: string, path: string, size: number, metadata?: { officerNo?: string; recordedAt?: string }) => {
      const session = await call('POST', '/ingest/v1/sessions', { station: { code: station }, bay: 1, recorder: { serial } });
      expect(session.statusCode, session.body).toBe(201);
      return call('POST', `/ingest/v1/sessions/${session.json().sessionId}/files`, { pathBase64: Buffer.from(path).toString('base64'), size, ...(metadata ? { metadata } : {}) });
    },
    send: (uploadId: string, offset: number, bytes: Buffer) => call('PATCH', `/ingest/v1/uploads/${uploadId}`, bytes, { 'upload-offset': String(offset) }),
    status: (uploadId: string) => call('GET', `/ingest/v1/uploads/${uploadId}`),
    complete: (uploadId: string, bytes: Buffer) => call('POST', `/ingest/v1/uploads/${uploadId}/complete`, digests(bytes)),
  };
}

/** Sends `first` as the start of a PATCH from offset 0 whose body then never ends (its server is killed under it). */
export function hangingPatch(url: string, token: string, uploadId: string, first: Buffer, total: number): void {
  const body = new Readable({ read() {} });
  body.push(first);
  const req = request(`${url}/ingest/v1/uploads/${uploadId}`, {
    method: 'PATCH',
    headers: { ...bearer(token), 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'content-length': String(total) },
  });
  req.on('error', () => {}); // the server dies under it
  body.pipe(req);
}
