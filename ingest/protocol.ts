import { Type, type Static, type TSchema } from 'typebox';
import { ProblemBody } from '../core/errors';

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
});

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
});

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
export const CompleteRequest = Type.Object({ sha256: Hex64, sm3: Hex64 });

export const CompleteResult = Type.Object({
  evidenceId: Type.String(),
  duplicate: Type.Boolean(),
  /** True once the server holds a verified copy: the dock may delete the file from the recorder. */
  mayPurge: Type.Boolean(),
  sha256: Type.String(),
  sm3: Type.String(),
});

export const PurgeReport = Type.Object({ at: Type.Optional(DateTime) });
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
}

/** The protocol's routes, in the order a dock calls them. */
export const routes = {
  openSession: { method: 'POST', url: '/sessions', status: 201, body: SessionRequest, response: SessionOpened },
  announceFile: { method: 'POST', url: '/sessions/:id/files', status: 200, params: Id, body: FileRequest, response: UploadStatus },
  uploadStatus: { method: 'GET', url: '/uploads/:id', status: 200, params: Id, response: UploadStatus },
  sendBytes: { method: 'PATCH', url: '/uploads/:id', status: 200, params: Id, headers: ChunkHeaders, response: UploadStatus },
  complete: { method: 'POST', url: '/uploads/:id/complete', status: 200, params: Id, body: CompleteRequest, response: CompleteResult },
  closeSession: { method: 'POST', url: '/sessions/:id/close', status: 204, params: Id, response: Type.Null() },
  purged: { method: 'POST', url: '/uploads/:id/purged', status: 200, params: Id, body: PurgeReport, response: PurgeRecorded },
} as const satisfies Record<string, Route>;

const problems = Object.fromEntries(PROBLEM_STATUSES.map((status) => [status, ProblemBody])) as Record<(typeof PROBLEM_STATUSES)[number], typeof ProblemBody>;

/** A route's fastify schema: its request parts, its answer and the problems it may answer with. */
export function routeSchema<R extends Route>(route: R) {
  const { method: _method, url: _url, status, response, ...parts } = route;
  return { ...parts, response: { ...problems, [status]: response } as Record<R['status'], R['response']> & typeof problems };
}

/** The path of a route for one session or upload, relative to PREFIX. */
export const pathOf = (route: Route, id?: string): string => (id === undefined ? route.url : route.url.replace(':id', encodeURIComponent(id))).slice(1);
