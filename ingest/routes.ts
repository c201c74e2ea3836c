import type { HttpServer } from '../core/http';
import type { FastifyRequest } from 'fastify';
import { knownText } from '../core/names';
import type { Principal } from '../core/principal';
import { CHUNK_TYPE, OFFSET_HEADER, routeSchema, routes, type FileRequest, type SessionRequest } from './protocol';
import type { Dock, IngestService } from './service';

const STATION = { action: 'ingest.upload' } as const;


/** Blank recorder fields are unknown (null), never "": the platform's fallbacks (bound officer, its unit) then apply. */
function sessionInput(b: SessionRequest): SessionRequest {
  return { ...b, station: { ...b.station, name: knownText(b.station.name) ?? undefined }, recorder: { ...b.recorder, officerNo: knownText(b.recorder.officerNo) ?? undefined } };
}

function fileInput(b: FileRequest): FileRequest {
  const m = b.metadata ?? {};
  return { ...b, metadata: { ...m, officerNo: knownText(m.officerNo), deviceSerial: knownText(m.deviceSerial) } };
}

/** The dock offload protocol (ingest/protocol.ts, docs/offload-protocol.md), under /ingest/v1; `seesEveryDock` from the permission table. */
export function ingestRoutes(ingest: IngestService, seesEveryDock: (p: Principal) => boolean) {
  const dockOf = (request: FastifyRequest): Dock => {
    const p = request.principal!;
    return { credential: p.sessionKey, name: p.name, admin: seesEveryDock(p) };
  };
  return async (app: HttpServer) => {
    // Chunk bodies are streamed straight to staging by the handler, never buffered by fastify.
    app.addContentTypeParser(CHUNK_TYPE, (_request, _payload, done) => done(null));

    app.post(routes.openSession.url, {
      config: STATION,
      schema: routeSchema(routes.openSession),
    }, async (request, reply) => {
      reply.code(routes.openSession.status);
      return ingest.openSession(sessionInput(request.body), dockOf(request));
    });

    app.post(routes.closeSession.url, {
      config: STATION,
      schema: routeSchema(routes.closeSession),
    }, async (request, reply) => {
      await ingest.closeSession(request.params.id, dockOf(request));
      return reply.code(routes.closeSession.status).send(null);
    });

    app.post(routes.announceFile.url, {
      config: STATION,
      schema: routeSchema(routes.announceFile),
    }, async (request) => ingest.createUpload(request.params.id, fileInput(request.body), dockOf(request)));

    app.get(routes.uploadStatus.url, {
      config: STATION,
      schema: routeSchema(routes.uploadStatus),
    }, async (request, reply) => {
      const status = await ingest.status(request.params.id, dockOf(request));
      reply.header(OFFSET_HEADER, String(status.offset));
      return status;
    });

    app.patch(routes.sendBytes.url, {
      config: STATION,
      schema: routeSchema(routes.sendBytes),
    }, async (request, reply) => {
      const status = await ingest.writeChunk(request.params.id, request.headers[OFFSET_HEADER], request.raw, dockOf(request));
      reply.header(OFFSET_HEADER, String(status.offset));
      return status;
    });

    app.post(routes.complete.url, {
      config: STATION,
      schema: routeSchema(routes.complete),
    }, async (request) => ingest.complete(request.params.id, request.body, dockOf(request)));

    app.post(routes.purged.url, {
      config: { action: 'ingest.purge' },
      schema: routeSchema(routes.purged),
    }, async (request) => ingest.recordPurge(request.params.id, request.body.at ? new Date(request.body.at) : undefined, dockOf(request)));
  };
}
