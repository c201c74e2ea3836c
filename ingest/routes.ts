import { Type } from 'typebox';
import type { HttpServer } from '../core/http';
import type { FastifyRequest } from 'fastify';
import { knownText } from '../core/names';
import type { Dock, FileRequest, IngestService, SessionRequest } from './service';

const STATION = { action: 'ingest.upload' } as const;
const Hex64 = Type.String({ pattern: '^[0-9a-fA-F]{64}$' });
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ProblemBody = Type.Object({ title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()) }, { additionalProperties: true });
const UploadStatus = Type.Object({
  uploadId: Type.String(),
  offset: Type.Integer(),
  size: Type.Integer(),
  state: Type.String(),
  evidenceId: Type.Union([Type.String(), Type.Null()]),
});
const errors = { 400: ProblemBody, 401: ProblemBody, 403: ProblemBody, 404: ProblemBody, 409: ProblemBody, 413: ProblemBody, 422: ProblemBody, 503: ProblemBody };
const CHUNK_TYPE = 'application/offset+octet-stream';

const dockOf = (request: FastifyRequest): Dock => {
  const p = request.principal!;
  return { credential: p.sessionKey, name: p.name, admin: p.role === 'admin' };
};

/** Blank recorder fields are unknown (null), never "": the platform's fallbacks (bound officer, its unit) then apply. */
function sessionInput(b: SessionRequest): SessionRequest {
  return { ...b, station: { ...b.station, name: knownText(b.station.name) ?? undefined }, recorder: { ...b.recorder, officerNo: knownText(b.recorder.officerNo) ?? undefined } };
}

function fileInput(b: Omit<FileRequest, 'metadata'> & { metadata?: FileRequest['metadata'] }): FileRequest {
  const m = b.metadata ?? {};
  return { ...b, metadata: { ...m, officerNo: knownText(m.officerNo), deviceSerial: knownText(m.deviceSerial) } };
}

/** The dock offload protocol (docs/offload-protocol.md), under /ingest/v1. */
export function ingestRoutes(ingest: IngestService) {
  return async (app: HttpServer) => {
    // Chunk bodies are streamed straight to staging by the handler, never buffered by fastify.
    app.addContentTypeParser(CHUNK_TYPE, (_request, _payload, done) => done(null));

    app.post('/sessions', {
      config: STATION,
      schema: {
        body: Type.Object({
          station: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), name: Type.Optional(Type.String({ maxLength: 200 })) }),
          bay: Type.Integer({ minimum: 0, maximum: 10_000 }),
          recorder: Type.Object({
            serial: Type.String({ minLength: 1, maxLength: 64 }),
            vidPid: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$' })),
            officerNo: Type.Optional(Type.String({ maxLength: 32 })),
            clock: Type.Optional(Type.String({ format: 'date-time' })),
          }),
          stationClock: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: { 201: Type.Object({ sessionId: Type.String(), clockSkewMs: Type.Union([Type.Integer(), Type.Null()]) }), ...errors },
      },
    }, async (request, reply) => {
      reply.code(201);
      return ingest.openSession(sessionInput(request.body), dockOf(request));
    });

    app.post('/sessions/:id/close', {
      config: STATION,
      schema: { params: Id, response: { 204: Type.Null(), ...errors } },
    }, async (request, reply) => {
      await ingest.closeSession(request.params.id, dockOf(request));
      return reply.code(204).send(null);
    });

    app.post('/sessions/:id/files', {
      config: STATION,
      schema: {
        params: Id,
        body: Type.Object({
          pathBase64: Type.String({ minLength: 1, maxLength: 8192 }),
          size: Type.Integer({ minimum: 0 }),
          metadata: Type.Optional(Type.Object({
            officerNo: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
            deviceSerial: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
            recordedAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
            stationTime: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
            important: Type.Optional(Type.Boolean()),
          })),
        }),
        response: { 200: UploadStatus, ...errors },
      },
    }, async (request) => ingest.createUpload(request.params.id, fileInput(request.body), dockOf(request)));

    app.get('/uploads/:id', {
      config: STATION,
      schema: { params: Id, response: { 200: UploadStatus, ...errors } },
    }, async (request, reply) => {
      const status = await ingest.status(request.params.id, dockOf(request));
      reply.header('upload-offset', String(status.offset));
      return status;
    });

    app.patch('/uploads/:id', {
      config: STATION,
      schema: {
        params: Id,
        headers: Type.Object({ 'upload-offset': Type.Integer({ minimum: 0 }), 'content-type': Type.Literal(CHUNK_TYPE) }),
        response: { 200: UploadStatus, ...errors },
      },
    }, async (request, reply) => {
      const status = await ingest.writeChunk(request.params.id, request.headers['upload-offset'], request.raw, dockOf(request));
      reply.header('upload-offset', String(status.offset));
      return status;
    });

    app.post('/uploads/:id/complete', {
      config: STATION,
      schema: {
        params: Id,
        body: Type.Object({ sha256: Hex64, sm3: Hex64 }),
        response: {
          200: Type.Object({ evidenceId: Type.String(), duplicate: Type.Boolean(), mayPurge: Type.Boolean(), sha256: Type.String(), sm3: Type.String() }),
          ...errors,
        },
      },
    }, async (request) => ingest.complete(request.params.id, request.body, dockOf(request)));

    app.post('/uploads/:id/purged', {
      config: { action: 'ingest.purge' },
      schema: {
        params: Id,
        body: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time' })) }),
        response: { 200: Type.Object({ evidenceId: Type.String(), recorded: Type.Boolean() }), ...errors },
      },
    }, async (request) => ingest.recordPurge(request.params.id, request.body.at ? new Date(request.body.at) : undefined, dockOf(request)));
  };
}
