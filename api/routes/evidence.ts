import type { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import { appendCustody } from '../../core/chain';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import type { ObjectStore } from '../../core/store/port';
import type { Db } from '../../schema/database';
import { PLAYBACK_STATES, type DerivativeRow, type EvidenceRow, type PlaybackState } from '../../schema/db';
import { sendObject } from '../send-object';

const READERS = { roles: ['admin', 'auditor'] } as const;
const ProblemBody = Type.Object({ title: Type.String(), status: Type.Integer() }, { additionalProperties: true });
const errors = { 400: ProblemBody, 401: ProblemBody, 403: ProblemBody, 404: ProblemBody };
const Bytes = Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

// Field names are a contract other tools rely on (issue 2).
const EvidenceItem = Type.Object({
  id: Type.String(),
  sha256: Type.String(),
  sm3: Type.String(),
  size: Type.Integer(),
  originalPath: Type.String(),
  originalName: Type.String(),
  officerNo: Nullable(Type.String()),
  deviceSerial: Type.String(),
  recordedAt: Nullable(Type.String()),
  stationTime: Nullable(Type.String()),
  receivedAt: Type.String(),
  clockSkewMs: Nullable(Type.Integer()),
  important: Type.Boolean(),
  state: Type.String(),
});
type EvidenceItem = Static<typeof EvidenceItem>;

const DerivativeFile = Type.Object({ name: Type.String(), href: Type.String(), sha256: Type.String(), size: Type.Integer(), mimeType: Type.String() });
const Playback = Type.Object({
  state: Type.Unsafe<PlaybackState>({ type: 'string', enum: [...PLAYBACK_STATES] }),
  reason: Type.Optional(Type.String()),
  progress: Type.Integer(),
  derivatives: Type.Array(Type.Object({ kind: Type.String(), href: Type.String(), sha256: Type.String(), size: Type.Integer(), mimeType: Type.String(), files: Type.Array(DerivativeFile) })),
});
const EvidenceDetail = Type.Intersect([EvidenceItem, Type.Object({ playback: Playback })]);

/** The file a player opens first for each kind of derivative; the others are reached from it. */
const MAIN_FILE: Record<string, string> = { mp4: 'video.mp4', hls: 'index.m3u8', poster: 'poster.webp', thumbnails: 'thumbnails.json' };

function playbackOf(row: EvidenceRow, files: DerivativeRow[]): Static<typeof Playback> {
  const href = (f: DerivativeRow) => `/api/evidence/${row.id}/derivatives/${f.kind}/${encodeURIComponent(f.name)}`;
  const kinds = [...new Set(files.map((f) => f.kind))];
  return {
    state: row.playback_state,
    ...(row.playback_reason ? { reason: row.playback_reason } : {}),
    progress: row.playback_progress,
    derivatives: kinds.map((kind) => {
      const own = files.filter((f) => f.kind === kind);
      const main = own.find((f) => f.name === MAIN_FILE[kind]) ?? own[0]!;
      const describe = (f: DerivativeRow) => ({ name: f.name, href: href(f), sha256: f.sha256, size: Number(f.size), mimeType: f.mime_type });
      const { name: _name, ...mainFields } = describe(main);
      return { kind, ...mainFields, files: own.map(describe) };
    }),
  };
}

const CustodyItem = Type.Object({
  seq: Type.Integer(),
  action: Type.String(),
  actor: Type.String(),
  at: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
});

export function toEvidenceItem(row: EvidenceRow): EvidenceItem {
  return {
    id: row.id,
    sha256: row.sha256,
    sm3: row.sm3,
    size: Number(row.size),
    originalPath: row.original_path,
    originalName: row.original_name,
    officerNo: row.officer_no,
    deviceSerial: row.device_serial,
    recordedAt: row.recorded_at?.toISOString() ?? null,
    stationTime: row.station_time?.toISOString() ?? null,
    receivedAt: row.received_at.toISOString(),
    clockSkewMs: row.clock_skew_ms === null ? null : Number(row.clock_skew_ms),
    important: row.important,
    state: row.state,
  };
}

const encodeCursor = (row: EvidenceRow) => Buffer.from(`${row.received_at.toISOString()}|${row.id}`).toString('base64url');

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const receivedAt = new Date(at ?? '');
  if (!id || Number.isNaN(receivedAt.getTime())) throw new Problem(400, 'Bad Request', 'the cursor is not one this server gave out');
  return { receivedAt, id };
}

export function evidenceRoutes(deps: { db: Db; store: ObjectStore }) {
  const { db, store } = deps;
  const load = async (id: string) => {
    const row = await db.selectFrom('evidence').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`evidence ${id}`);
    return row;
  };

  return async (app: HttpServer) => {
    app.get('/evidence', {
      config: READERS,
      schema: {
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), cursor: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: Type.Object({ items: Type.Array(EvidenceItem), nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const { limit, cursor } = request.query;
      let query = db.selectFrom('evidence').selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit + 1);
      if (cursor) {
        const after = decodeCursor(cursor);
        query = query.where((eb) =>
          eb.or([eb('received_at', '<', after.receivedAt), eb.and([eb('received_at', '=', after.receivedAt), eb('id', '<', after.id)])]),
        );
      }
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      return { items: page.map(toEvidenceItem), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
    });

    app.get('/evidence/:id', {
      config: READERS,
      schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: EvidenceDetail, ...errors } },
    }, async (request) => {
      const row = await load(request.params.id);
      const files = await db.selectFrom('derivatives').selectAll().where('evidence_id', '=', row.id).orderBy('kind').orderBy('name').execute();
      return { ...toEvidenceItem(row), playback: playbackOf(row, files) };
    });

    app.get('/evidence/:id/custody', {
      config: READERS,
      schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: Type.Object({ items: Type.Array(CustodyItem) }), ...errors } },
    }, async (request) => {
      await load(request.params.id);
      const rows = await db.selectFrom('custody_events').selectAll().where('evidence_id', '=', request.params.id).orderBy('seq').execute();
      return { items: rows.map((r) => ({ seq: Number(r.seq), action: r.action, actor: r.actor, at: r.at.toISOString(), details: r.details, hash: r.hash })) };
    });

    // The exact bytes that left the recorder. Every read is a custody event.
    app.get('/evidence/:id/original', {
      config: READERS,
      schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: Bytes, 206: Bytes, 416: ProblemBody, ...errors } },
    }, async (request, reply) => {
      const row = await load(request.params.id);
      return sendObject(store, reply, request.headers.range, {
        key: row.storage_key,
        size: Number(row.size),
        sha256: row.sha256,
        contentType: 'application/octet-stream',
        disposition: `attachment; filename*=UTF-8''${encodeURIComponent(row.original_name)}`,
        beforeSend: (range) =>
          db.transaction().execute((trx) =>
            appendCustody(trx, {
              evidenceId: row.id,
              action: 'original.read',
              actor: request.principal!.name,
              details: { client: request.ip, range },
            }),
          ),
      });
    });

    // Browser derivatives (MP4, HLS playlist and segments, poster, thumbnail sprite), with Range.
    app.get('/evidence/:id/derivatives/:kind/:name', {
      config: READERS,
      schema: {
        params: Type.Object({ id: Type.String({ format: 'uuid' }), kind: Type.String({ maxLength: 20 }), name: Type.String({ maxLength: 200 }) }),
        response: { 200: Bytes, 206: Bytes, 416: ProblemBody, ...errors },
      },
    }, async (request, reply) => {
      const { id, kind, name } = request.params;
      await load(id);
      const file = await db.selectFrom('derivatives').selectAll().where('evidence_id', '=', id).where('kind', '=', kind).where('name', '=', name).executeTakeFirst();
      if (!file) throw notFound(`derivative ${kind}/${name} of evidence ${id}`);
      return sendObject(store, reply, request.headers.range, { key: file.storage_key, size: Number(file.size), sha256: file.sha256, contentType: file.mime_type });
    });
  };
}
