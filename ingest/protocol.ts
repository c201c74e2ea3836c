import { Type, type Static, type TSchema } from 'typebox';
import { ProblemBody, problemResponse } from '../core/errors';

/**
 * The dock offload protocol (docs/offload-protocol.md): every request and answer, written once.
 * The server's routes validate and serialize with these schemas, and the dock client sends these
 * types and checks the platform's answers against them, so neither side can drift alone.
 */

/** Where the protocol is mounted. */
export const PREFIX = '/ingest/v1';
/** The content type of a chunk of file bytes (PATCH). */
export const CHUNK_TYPE = 'application/offset+octet-stream';
/** Request header: where a chunk starts; response header: the bytes the server holds. */
export const OFFSET_HEADER = 'upload-offset';

const Hex64 = Type.String({ pattern: '^[0-9a-fA-F]{64}$' });
const DateTime = Type.String({ format: 'date-time' });
const OrNull = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const SessionRequest = Type.Object({
  station: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), name: Type.Optional(Type.String({ maxLength: 200 })) }),
  bay: Type.Integer({ minimum: 0, maximum: 10_000 }),
  recorder: Type.Object({
    serial: Type.String({ minLength: 1, maxLength: 64 }),
    vidPid: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$' })),
    officerNo: Type.Optional(Type.String({ maxLength: 32 })),
    clock: Type.Optional(DateTime),
  }),
  stationClock: Type.Optional(DateTime),
}, { examples: [{ station: { code: 'PS-0101', name: '城关派出所 1号采集站' }, bay: 3, recorder: { serial: 'DSJ0001', vidPid: '4255:1000', officerNo: '010203', clock: '2026-11-25T09:30:05+08:00' }, stationClock: '2026-11-25T09:30:00+08:00' }] });

export const SessionOpened = Type.Object({ sessionId: Type.String(), clockSkewMs: OrNull(Type.Integer()) });

export const FileMetadata = Type.Object({
  officerNo: Type.Optional(OrNull(Type.String({ maxLength: 32 }))),
  deviceSerial: Type.Optional(OrNull(Type.String({ maxLength: 64 }))),
  recordedAt: Type.Optional(OrNull(DateTime)),
  stationTime: Type.Optional(OrNull(DateTime)),
  important: Type.Optional(Type.Boolean()),
});

export const FileRequest = Type.Object({
  /** Path relative to the volume root, as raw bytes in base64 (names may be GBK or hostile). */
  pathBase64: Type.String({ minLength: 1, maxLength: 8192 }),
  size: Type.Integer({ minimum: 0 }),
  metadata: Type.Optional(FileMetadata),
}, { examples: [{ pathBase64: 'RENJTS8xMDBNRURJQS8yMDI2MTEyNV8wOTMwMDAuTVA0', size: 104857600, metadata: { officerNo: '010203', deviceSerial: 'DSJ0001', recordedAt: '2026-11-25T01:30:00Z', stationTime: '2026-11-25T01:35:12Z', important: true } }] });

export const UploadState = Type.Union([Type.Literal('receiving'), Type.Literal('verified'), Type.Literal('rejected')]);

/** The answer to announcing a file, asking for an upload, and sending bytes. */
export const UploadStatus = Type.Object({
  uploadId: Type.String(),
  offset: Type.Integer(),
  size: Type.Integer(),
  state: UploadState,
  evidenceId: OrNull(Type.String()),
});

export const ChunkHeaders = Type.Object({ [OFFSET_HEADER]: Type.Integer({ minimum: 0 }), 'content-type': Type.Literal(CHUNK_TYPE) });

/** The dock's own hashes, computed while it read the file. */
export const CompleteRequest = Type.Object({ sha256: Hex64, sm3: Hex64 }, { examples: [{ sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', sm3: '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b' }] });

export const CompleteResult = Type.Object({
  evidenceId: Type.String(),
  duplicate: Type.Boolean(),
  /** True once the server holds a verified copy: the dock may delete the file from the recorder. */
  mayPurge: Type.Boolean(),
  sha256: Type.String(),
  sm3: Type.String(),
});

export const PurgeReport = Type.Object({ at: Type.Optional(DateTime) }, { examples: [{ at: '2026-11-25T01:40:00Z' }] });
export const PurgeRecorded = Type.Object({ evidenceId: Type.String(), recorded: Type.Boolean() });

/** Every status a route may refuse with (application/problem+json, core/errors.ts ProblemBody; `offset`, `retryable`, `retryAt`, `declared`, `computed` and `state` where they help). */
export const PROBLEM_STATUSES = [400, 401, 403, 404, 409, 413, 422, 503, 507] as const;

export type SessionRequest = Static<typeof SessionRequest>;
export type SessionOpened = Static<typeof SessionOpened>;
export type FileRequest = Static<typeof FileRequest>;
export type UploadStatus = Static<typeof UploadStatus>;
export type CompleteRequest = Static<typeof CompleteRequest>;
export type CompleteResult = Static<typeof CompleteResult>;
export type PurgeReport = Static<typeof PurgeReport>;
export type PurgeRecorded = Static<typeof PurgeRecorded>;

/** A session or an upload, by id. */
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });

export interface Route {
  method: 'GET' | 'POST' | 'PATCH';
  /** Under PREFIX; `:id` is the session's or the upload's id. */
  url: string;
  /** The status of success. */
  status: 200 | 201 | 204;
  params?: typeof Id;
  body?: TSchema;
  headers?: TSchema;
  response: TSchema;
  /** The API document's words for the route (/api/openapi.json). */
  summary: string;
  description: string;
  operationId: string;
}

/** The protocol's routes, in the order a dock calls them. */
export const routes = {
  openSession: { method: 'POST', url: '/sessions', status: 201, body: SessionRequest, response: SessionOpened,
    summary: 'Open an offload session', operationId: 'openOffloadSession',
    description: 'One docking of one recorder in a bay; stations, bays and recorders are registered on first use. The recorder clock minus the station clock is kept as the clock skew of the session\'s files.' },
  announceFile: { method: 'POST', url: '/sessions/:id/files', status: 200, params: Id, body: FileRequest, response: UploadStatus,
    summary: 'Announce a file', operationId: 'announceFile',
    description: 'Names a file of the recorder (its path as raw bytes in base64) and its size; answers the upload and the offset the server holds, so a dock that crashed resumes. 409 while another dock holds the upload (retry at `retryAt`); 413 above the platform\'s file size limit.' },
  uploadStatus: { method: 'GET', url: '/uploads/:id', status: 200, params: Id, response: UploadStatus,
    summary: 'Status of an upload', operationId: 'getUploadStatus',
    description: 'The bytes the server holds (also in the Upload-Offset header) and the upload\'s state.' },
  sendBytes: { method: 'PATCH', url: '/uploads/:id', status: 200, params: Id, headers: ChunkHeaders, response: UploadStatus,
    summary: 'Send file bytes', operationId: 'sendUploadBytes',
    description: 'Appends a chunk (application/offset+octet-stream) at Upload-Offset, which must equal the bytes the server holds (else 409 with the right `offset`). 507 when staging space is low.' },
  complete: { method: 'POST', url: '/uploads/:id/complete', status: 200, params: Id, body: CompleteRequest, response: CompleteResult,
    summary: 'Complete an upload', operationId: 'completeUpload',
    description: 'The dock\'s SHA-256 and SM3 of the file; the server compares them with its own (422 and the upload rejected when they differ) and stores the evidence. `mayPurge` says the dock may delete the file from the recorder.' },
  closeSession: { method: 'POST', url: '/sessions/:id/close', status: 204, params: Id, response: Type.Null(),
    summary: 'Close an offload session', operationId: 'closeOffloadSession',
    description: 'The docking ended (the recorder was taken out, or every file is done).' },
  purged: { method: 'POST', url: '/uploads/:id/purged', status: 200, params: Id, body: PurgeReport, response: PurgeRecorded,
    summary: 'Report a file deleted from the recorder', operationId: 'reportPurge',
    description: 'The dock deleted the verified file from the recorder; recorded in the custody trail, once.' },
} as const satisfies Record<string, Route>;

const problems = Object.fromEntries(PROBLEM_STATUSES.map((status) => [status, problemResponse(status)])) as Record<(typeof PROBLEM_STATUSES)[number], typeof ProblemBody>;

/** A route's fastify schema: its request parts, its answer and the problems it may answer with. */
export function routeSchema<R extends Route>(route: R) {
  const { method: _method, url: _url, status, response, ...parts } = route;
  return { ...parts, tags: ['ingest'], response: { ...problems, [status]: response } as Record<R['status'], R['response']> & typeof problems };
}

/** The path of a route for one session or upload, relative to PREFIX. */
export const pathOf = (route: Route, id?: string): string => (id === undefined ? route.url : route.url.replace(':id', encodeURIComponent(id))).slice(1);
