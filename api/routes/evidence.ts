import { Type, type Static } from 'typebox';
import { appendCustody } from '../../core/chain';
import { Problem, notFound } from '../../core/errors';
import { enqueue } from '../../core/jobs';
import type { HttpServer } from '../../core/http';
import type { ObjectStore } from '../../core/store/port';
import type { Db } from '../../schema/database';
import { PLAYBACK_STATES, type Database, type DerivativeRow, type EvidenceRow } from '../../schema/db';
import { sql, type SqlBool, type Transaction } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../core/principal';
import { timestampOf } from '../../core/timestamp/batcher';
import { derivativeWithFixity, fixityOfEvidence, fixityVerdict, recordFixity, verifiedOk } from '../../core/fixity';
import { permits } from '../access';
import { auditedChange, recordedClient, startsViewing } from '../audit';
import { loadEvidence, scopeRedactor, searchableEvidence, visibleCases } from '../scoped';
import { BoundedInt, Bytes, Cursor, DateTime, IdParams, Limit, Nullable, StringEnum, Text, Uuid, cursorAfter, errors, keysetPage, problemResponse } from '../schemas';
import { sendObject } from '../send-object';
import type { ViewingGrants } from '../viewing';
import { transcodeIfLikely } from '../../core/transcode-requests';
import type { TranscodePolicy } from '../../transcode/policy';
import { HLS_INIT, HLS_PLAYLIST, RENDITION_SEGMENT_SECONDS } from '../../transcode/args';
import { renditionPlaylist } from '../../transcode/playlist';
import { disposalRecord, refuseDisposed } from '../../core/disposal';
import { DisposalRecord, RetentionView, retentionView } from './retention';

/** Originals and derivatives: never cached, never read by another origin's page on a cookie (core/http.ts). */
const EVIDENCE_BYTES = { noStore: true, sameOriginReads: true } as const;

// Field names are a contract other tools rely on (issue 2).
export const EvidenceItem = Type.Object({
  id: Type.String(),
  sha256: Type.String(),
  sm3: Type.String(),
  size: Type.Integer(),
  originalPath: Type.String(),
  originalName: Type.String(),
  officerNo: Nullable(Type.String()),
  deviceSerial: Type.String(),
  unitId: Nullable(Type.String()),
  recordedAt: Nullable(Type.String()),
  stationTime: Nullable(Type.String()),
  receivedAt: Type.String(),
  clockSkewMs: Nullable(Type.Integer()),
  important: Type.Boolean(),
  state: Type.String(),
  playbackState: StringEnum(PLAYBACK_STATES),
});
type EvidenceItem = Static<typeof EvidenceItem>;

const DerivativeFile = Type.Object({ name: Type.String(), href: Type.String(), sha256: Type.String(), size: Type.Integer(), mimeType: Type.String() });
const Playback = Type.Object({
  state: StringEnum(PLAYBACK_STATES),
  reason: Type.Optional(Type.String()),
  progress: Type.Integer(),
  /** Of the playable derivative, from its probe; null when unknown (the player then assumes 25 fps). */
  durationMs: Nullable(Type.Integer()),
  frameRate: Nullable(Type.Number()),
  derivatives: Type.Array(Type.Object({ kind: Type.String(), href: Type.String(), sha256: Type.String(), size: Type.Integer(), mimeType: Type.String(), files: Type.Array(DerivativeFile) })),
  /**
   * The original's video stream-copied into HLS (fMP4), with the RFC 6381 codecs to ask the browser
   * about (MediaSource.isTypeSupported('video/mp4; codecs="…"')); null: none (not H.264/H.265, or not made yet).
   */
  passthrough: Nullable(Type.Object({ href: Type.String(), codecs: Type.String() })),
});
/** The H.264 rendition made for a browser that cannot play the passthrough (issue 18). */
const Rendition = Type.Object({
  /** queued: waiting for a worker; running: segments appear as they are made; ready: complete (and kept); failed: see reason. */
  state: StringEnum(['queued', 'running', 'ready', 'failed'] as const),
  /** The HLS playlist to play: it grows while running (EVENT) and ends once ready. */
  href: Type.String(),
  /** Media segments stored so far; a player may start once there is one. */
  segments: Type.Integer(),
  reason: Type.Optional(Type.String()),
});
/** When the original provably existed: its RFC 3161 time-stamp, or why it has none yet. */
const Timestamp = Type.Object({
  state: StringEnum(['pending', 'stamped'] as const),
  time: Type.Optional(Type.String()),
  authority: Type.Optional(Type.String()),
  tokenRef: Type.Optional(Type.String()),
  root: Type.Optional(Type.String()),
  leafIndex: Type.Optional(Type.Integer()),
  treeSize: Type.Optional(Type.Integer()),
  auditPath: Type.Optional(Type.Array(Type.String())),
  pendingSince: Type.Optional(Type.String()),
  attempts: Type.Optional(Type.Integer()),
  lastError: Type.Optional(Nullable(Type.String())),
});
const EvidenceDetail = Type.Intersect([
  EvidenceItem,
  Type.Object({
    playback: Playback,
    timestamp: Nullable(Timestamp),
    /** Whether the stored bytes were re-read and still match (fixity scrub, full reads). */
    fixity: Type.Object({ state: StringEnum(['unchecked', 'ok', 'altered', 'missing'] as const), checkedAt: Type.Optional(Type.String()), detail: Type.Optional(Type.String()) }),
    /** Only the linked cases the caller may see. */
    cases: Type.Array(Type.Object({ id: Type.String(), number: Type.String(), title: Type.String(), state: Type.String() })),
    /** How many linked cases the caller may not see; for supervising roles only. */
    hiddenCaseCount: Type.Optional(Type.Integer()),
    /** How long it is kept and why (core/retention.ts effectiveRetention). */
    retention: RetentionView,
    /** Only for a disposed recording (a tombstone): its disposal request and the two people. */
    disposal: Type.Optional(DisposalRecord),
  }),
]);

async function timestampView(db: Db, id: string): Promise<Static<typeof Timestamp> | null> {
  const t = await timestampOf(db, id);
  if (!t) return null;
  const position = t.tokenRef ? { tokenRef: t.tokenRef, root: t.root, leafIndex: t.leafIndex, treeSize: t.treeSize, auditPath: t.auditPath } : {};
  return t.state === 'stamped'
    ? { state: 'stamped', time: t.genTime.toISOString(), authority: t.authority, ...position }
    : { state: 'pending', pendingSince: t.pendingSince.toISOString(), attempts: t.attempts, lastError: t.lastError, ...position };
}
const CustodyItem = Type.Object({
  seq: Type.Integer(), action: Type.String(), actor: Type.String(), at: Type.String(), details: Type.Record(Type.String(), Type.Unknown()), hash: Type.String(),
  /** The details named a case or file outside the reader's scope (e.g. another unit's court export) and are withheld. */
  redacted: Type.Optional(Type.Boolean()),
  /** When the actor is a user: their name and 警号 for display (the event itself keeps the login name it was hashed with). */
  actorDisplayName: Type.Optional(Nullable(Type.String())),
  actorOfficerNo: Type.Optional(Nullable(Type.String())),
});
const Bookmark = Type.Object({
  id: Type.String(), offsetMs: Type.Integer(), label: Type.String(),
  /** The author's login name; authorId, authorDisplayName and authorOfficerNo say who for display (null: an account without them). */
  author: Type.String(), authorId: Nullable(Type.String()), authorDisplayName: Nullable(Type.String()), authorOfficerNo: Nullable(Type.String()),
  createdAt: Type.String(), updatedAt: Nullable(Type.String()),
});
type Bookmark = Static<typeof Bookmark>;
const BookmarkParams = Type.Object({ id: Uuid, bookmarkId: Uuid });
const Still = Type.Object({
  id: Type.String(),
  /** The moment captured, in milliseconds from the start of the recording. */
  atMs: Type.Integer(),
  /** queued until the worker has taken the frame from the original; failed when it could not (e.g. past the end). */
  state: StringEnum(['queued', 'ready', 'failed'] as const),
  requestedBy: Type.String(), requestedByDisplayName: Nullable(Type.String()), requestedByOfficerNo: Nullable(Type.String()),
  requestedAt: Type.String(),
  /** The PNG, a derivative of the recording (kind `still`), once ready. */
  file: Type.Optional(Type.Object({ href: Type.String(), sha256: Type.String(), size: Type.Integer(), mimeType: Type.String() })),
});
type Still = Static<typeof Still>;

/** Display names and 警号 of the accounts with these login names (custody actors are stored by login name). */
async function peopleNamed(db: Db, names: string[]): Promise<Map<string, { displayName: string | null; officerNo: string | null }>> {
  const unique = [...new Set(names)];
  const rows = unique.length === 0 ? [] : await db.selectFrom('users').select(['username', 'display_name', 'officer_no']).where('username', 'in', unique).execute();
  return new Map(rows.map((u) => [u.username, { displayName: u.display_name, officerNo: u.officer_no }]));
}

/** A bookmark row as listed, with its author's display name and 警号 (joined from users). */
function bookmarksOf(db: Db) {
  return db
    .selectFrom('bookmarks')
    .leftJoin('users', 'users.id', 'bookmarks.author_id')
    .selectAll('bookmarks')
    .select(['users.display_name', 'users.officer_no'])
    .where('bookmarks.deleted_at', 'is', null);
}
function toBookmark(b: { id: string; offset_ms: string; label: string; author_id: string | null; author_name: string; display_name: string | null; officer_no: string | null; created_at: Date; updated_at: Date | null }): Bookmark {
  return {
    id: b.id, offsetMs: Number(b.offset_ms), label: b.label,
    author: b.author_name, authorId: b.author_id, authorDisplayName: b.display_name, authorOfficerNo: b.officer_no,
    createdAt: b.created_at.toISOString(), updatedAt: b.updated_at?.toISOString() ?? null,
  };
}

/** Stills of a recording with who asked for them and their file once made. */
function stillsOf(db: Db) {
  return db
    .selectFrom('stills')
    .leftJoin('users', 'users.id', 'stills.requested_by')
    .leftJoin('derivatives', 'derivatives.id', 'stills.derivative_id')
    .select(['stills.id', 'stills.evidence_id', 'stills.at_ms', 'stills.state', 'stills.requested_by_name', 'stills.requested_at', 'users.display_name', 'users.officer_no',
      'derivatives.name', 'derivatives.sha256', 'derivatives.size', 'derivatives.mime_type']);
}
function toStill(r: { id: string; evidence_id: string; at_ms: string; state: Still['state']; requested_by_name: string; requested_at: Date; display_name: string | null; officer_no: string | null; name: string | null; sha256: string | null; size: string | null; mime_type: string | null }): Still {
  return {
    id: r.id, atMs: Number(r.at_ms), state: r.state,
    requestedBy: r.requested_by_name, requestedByDisplayName: r.display_name, requestedByOfficerNo: r.officer_no, requestedAt: r.requested_at.toISOString(),
    ...(r.name && r.sha256 && r.mime_type
      ? { file: { href: `/api/evidence/${r.evidence_id}/derivatives/still/${encodeURIComponent(r.name)}`, sha256: r.sha256, size: Number(r.size), mimeType: r.mime_type } }
      : {}),
  };
}

/** Whether a still may be asked for at this moment: not past the end, when the end is known. */
function stillTimeProblem(atMs: number, durationMs: number | null): string | null {
  return durationMs !== null && atMs > durationMs ? `atMs ${atMs} lies past the end of the recording (${durationMs} ms)` : null;
}

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
    unitId: row.unit_id,
    recordedAt: row.recorded_at?.toISOString() ?? null,
    stationTime: row.station_time?.toISOString() ?? null,
    receivedAt: row.received_at.toISOString(),
    clockSkewMs: row.clock_skew_ms === null ? null : Number(row.clock_skew_ms),
    important: row.important,
    state: row.state,
    playbackState: row.playback_state,
  };
}

/** The file a player opens first for each kind of derivative; the others are reached from it. */
const MAIN_FILE: Record<string, string> = { mp4: 'video.mp4', hls: 'index.m3u8', poster: 'poster.webp', thumbnails: 'thumbnails.json', passthrough: 'index.m3u8' };

function playbackOf(row: EvidenceRow, files: DerivativeRow[]): Static<typeof Playback> {
  const describe = (f: DerivativeRow) => ({
    name: f.name,
    href: `/api/evidence/${row.id}/derivatives/${f.kind}/${encodeURIComponent(f.name)}`,
    sha256: f.sha256,
    size: Number(f.size),
    mimeType: f.mime_type,
  });
  const kinds = [...new Set(files.map((f) => f.kind))];
  const passthrough = files.find((f) => f.kind === 'passthrough' && f.name === MAIN_FILE.passthrough);
  return {
    state: row.playback_state,
    ...(row.playback_reason ? { reason: row.playback_reason } : {}),
    progress: row.playback_progress,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    frameRate: row.media_frame_rate,
    derivatives: kinds.map((kind) => {
      const own = files.filter((f) => f.kind === kind);
      const { name: _main, ...main } = describe(own.find((f) => f.name === MAIN_FILE[kind]) ?? own[0]!);
      return { kind, ...main, files: own.map(describe) };
    }),
    passthrough: passthrough && row.playback_codecs ? { href: describe(passthrough).href, codecs: row.playback_codecs } : null,
  };
}

const SearchQuery = Type.Object({
  limit: Limit(500, 50),
  cursor: Type.Optional(Cursor),
  officerNo: Type.Optional(Text(32)),
  deviceSerial: Type.Optional(Text(64)),
  unitId: Type.Optional(Uuid),
  caseId: Type.Optional(Uuid),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  important: Type.Optional(Type.Boolean()),
  state: Type.Optional(StringEnum(PLAYBACK_STATES)),
});

/**
 * The search as the route runs it: the filters and the keyset (received_at, id), at the database's
 * full precision (microseconds: the cursor carries them), applied to each part of the caller's scope.
 */
export function searchQuery(db: Db, p: Principal, q: Static<typeof SearchQuery>) {
  const after = q.cursor ? cursorAfter(q.cursor) : undefined;
  return searchableEvidence(db, p, (query, keyset) => {
    if (q.officerNo) query = query.where('evidence.officer_no', '=', q.officerNo);
    if (q.deviceSerial) query = query.where('evidence.device_serial', '=', q.deviceSerial);
    if (q.unitId) query = query.where('evidence.unit_id', '=', q.unitId);
    if (q.from) query = query.where('evidence.recorded_at', '>=', new Date(q.from));
    if (q.to) query = query.where('evidence.recorded_at', '<', new Date(q.to));
    if (q.important !== undefined) query = query.where('evidence.important', '=', q.important);
    if (q.state) query = query.where('evidence.playback_state', '=', q.state);
    if (q.caseId) {
      // Only a case the caller may see: the filter must not confirm links to other cases.
      const caseIds = visibleCases(db, p).select('cases.id').where('cases.id', '=', q.caseId);
      query = query.where((eb) => eb.exists(eb.selectFrom('case_evidence').select(eb.lit(1).as('one')).whereRef('case_evidence.evidence_id', '=', 'evidence.id').where('case_evidence.case_id', 'in', caseIds)));
    }
    // The plain bound lets an index on (…, received_at) start at the cursor; the row comparison settles ties.
    const [receivedAt, id] = [sql.ref(keyset.receivedAt), sql.ref(keyset.id)];
    if (after) query = query.where(sql<SqlBool>`${receivedAt} <= ${after.exact}::timestamptz and (${receivedAt}, ${id}) < (${after.exact}::timestamptz, ${after.id}::uuid)`);
    return query.orderBy('evidence.received_at', 'desc').orderBy('evidence.id', 'desc').limit(q.limit + 1);
  })
    .selectAll('evidence')
    .select(sql<string>`to_char(evidence.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_at'));
}

/** What a viewing's first request found out about the original it reads (kept in its viewing grant). */
interface ServedOriginal {
  id: string;
  unitId: string | null;
  key: string;
  size: number;
  sha256: string;
  sm3: string;
  /** A fixity check confirmed the stored bytes: the SHA-256 is sent as the ETag. */
  verified: boolean;
  name: string;
}

/** The same for a derivative. */
interface ServedDerivative {
  unitId: string | null;
  key: string;
  size: number;
  sha256: string;
  verified: boolean;
  mimeType: string;
}

export function evidenceRoutes(deps: { db: Db; store: ObjectStore; now: () => Date; viewings: ViewingGrants; transcodePolicy?: TranscodePolicy }) {
  const { db, store, now, viewings } = deps;
  const policy = deps.transcodePolicy ?? 'smart';

  /** The first request of a viewing: the audit event, and (footage that is watched is likely watched again) the policy's rendition. */
  async function startsWatching(request: FastifyRequest, p: Principal, id: string): Promise<void> {
    if (!(await startsViewing(db, p.sessionKey, `view:${id}`, now()))) {
      request.auditSkip = true;
      return;
    }
    await transcodeIfLikely(db, id, policy, { viewed: true });
  }

  /** The checks of an original's first request in a viewing: in scope, not disposed, and whether its bytes are verified. */
  async function servedOriginal(request: FastifyRequest, p: Principal, id: string): Promise<ServedOriginal> {
    const row = await loadEvidence(db, p, id);
    request.auditObject = { unitId: row.unit_id };
    await refuseDisposed(db, row);
    return {
      id: row.id, unitId: row.unit_id, key: row.storage_key, size: Number(row.size), sha256: row.sha256, sm3: row.sm3,
      verified: await verifiedOk(db, row.storage_key, row.sha256), name: row.original_name,
    };
  }

  /**
   * The ETag of a granted object: its SHA-256 while a fixity check confirms its bytes, read on every
   * request (an ETag must not outlive a failure a fixity pass in any process found); the first
   * request of a viewing already knows it.
   */
  function etagOf(served: { key: string; sha256: string; verified: boolean }, granted: boolean): Promise<string | undefined> | string | undefined {
    if (!granted) return served.verified ? served.sha256 : undefined;
    return verifiedOk(db, served.key, served.sha256).then((ok) => (ok ? served.sha256 : undefined));
  }

  /** The checks of a derivative's first request in a viewing; the grant lets the next ones skip them. */
  async function servedDerivative(request: FastifyRequest, p: Principal, params: { id: string; kind: string; name: string }): Promise<ServedDerivative> {
    const { id, kind, name } = params;
    const row = await loadEvidence(db, p, id);
    request.auditObject = { unitId: row.unit_id };
    await refuseDisposed(db, row);
    const file = await derivativeWithFixity(db, id, kind, name);
    if (!file) throw notFound(`derivative ${kind}/${name} of evidence ${id}`);
    // Posters and thumbnails are part of browsing; the video is what is "watched".
    if (kind === 'mp4' || kind === 'hls' || kind === 'passthrough') await startsWatching(request, p, id);
    else request.auditSkip = true;
    const served = { unitId: row.unit_id, key: file.storage_key, size: Number(file.size), sha256: file.sha256, verified: file.verified, mimeType: file.mime_type };
    viewings.offer(request, p, served);
    return served;
  }

  return async (app: HttpServer) => {
    // After the audit hook (registered by the parent): a viewing grant only for an answer whose audit event was written.
    app.addHook('onSend', async (request, reply, payload) => {
      viewings.settle(request, reply.statusCode);
      return payload;
    });

    app.get('/evidence', {
      config: { action: 'evidence.search', audit: 'evidence.search' },
      schema: {
        summary: 'Search evidence', operationId: 'searchEvidence', tags: ['evidence'],
        description: 'Recordings the caller may see, newest first, filtered by officer, recorder, unit, case, time recorded, importance and playback state. Keyset-paged: pass `nextCursor` as `cursor` for the next page.',
        querystring: SearchQuery, response: { 200: Type.Object({ items: Type.Array(EvidenceItem), nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      request.auditDetails = { filters: { ...q, limit: undefined, cursor: undefined } };
      const { page, nextCursor } = keysetPage(await searchQuery(db, request.principal!, q).execute(), q.limit, (r) => r.cursor_at);
      return { items: page.map(toEvidenceItem), nextCursor };
    });

    app.get('/evidence/:id', {
      config: { action: 'evidence.read', audit: 'evidence.read' },
      schema: {
        summary: 'Get one recording', operationId: 'getEvidence', tags: ['evidence'],
        description: 'A recording with its hashes (SHA-256, SM3), metadata, trusted timestamp, cases and playable derivatives. Out of scope reads as 404.',
        params: IdParams, response: { 200: EvidenceDetail, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const row = await loadEvidence(db, p, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      // Stills are listed on their own route; playback is what a player opens.
      const files = await db.selectFrom('derivatives').selectAll().where('evidence_id', '=', row.id).where('kind', '!=', 'still').orderBy('kind').orderBy('name').execute();
      const linked = db.selectFrom('case_evidence').select('case_evidence.case_id').where('case_evidence.evidence_id', '=', row.id);
      const cases = await visibleCases(db, p).select(['cases.id', 'cases.number', 'cases.title', 'cases.state']).where('cases.id', 'in', linked).orderBy('cases.number').execute();
      const { n } = await linked.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const hidden = permits(p, 'evidence.hidden-cases') ? { hiddenCaseCount: Number(n) - cases.length } : {};
      return { ...toEvidenceItem(row), playback: playbackOf(row, files), timestamp: await timestampView(db, row.id), fixity: await fixityOfEvidence(db, row.id), cases, ...hidden, retention: await retentionView(db, row.id),
        ...(row.state === 'disposed' ? { disposal: await disposalRecord(db, row) } : {}) };
    });

    app.get('/evidence/:id/custody', {
      config: { action: 'evidence.custody', audit: 'evidence.custody' },
      schema: {
        summary: 'Chain of custody of a recording', operationId: 'listCustodyEvents', tags: ['evidence'],
        description: 'Every custody event of the recording, oldest first: received, verified, viewed, exported, … Each row is part of the hash-chained custody trail.',
        params: IdParams, response: { 200: Type.Object({ items: Type.Array(CustodyItem) }), ...errors },
      },
    }, async (request) => {
      const row = await loadEvidence(db, request.principal!, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      const rows = await db.selectFrom('custody_events').selectAll().where('evidence_id', '=', row.id).orderBy('seq').execute();
      const redact = await scopeRedactor(db, request.principal!, rows.map((r) => r.details));
      const people = await peopleNamed(db, rows.map((r) => r.actor));
      return {
        items: rows.map((r) => {
          const withheld = redact(r.details).redacted;
          const person = people.get(r.actor);
          return {
            seq: Number(r.seq), action: r.action, actor: r.actor, at: r.at.toISOString(), details: withheld ? {} : r.details, hash: r.hash, ...(withheld ? { redacted: true } : {}),
            ...(person ? { actorDisplayName: person.displayName, actorOfficerNo: person.officerNo } : {}),
          };
        }),
      };
    });

    // The exact bytes that left the recorder. One viewing (all its Range requests) is one custody and audit event.
    app.get('/evidence/:id/original', {
      config: { action: 'evidence.original', ...EVIDENCE_BYTES, audit: 'evidence.view-original' },
      schema: {
        summary: 'Download the original bytes', operationId: 'getOriginal', tags: ['evidence'],
        description: 'The recording exactly as offloaded from the recorder, as an attachment, with Range support (206); the ETag is its SHA-256 once a fixity check has confirmed the stored bytes. One viewing (all its Range requests) is one audit and custody event.',
        params: IdParams, response: { 200: Bytes, 206: Bytes, 410: problemResponse(410), 416: problemResponse(416), ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const granted = viewings.objectOf<ServedOriginal>(request);
      const original = granted ?? (await servedOriginal(request, p, request.params.id));
      request.auditObject = { unitId: original.unitId };
      if (granted) request.auditSkip = true; // the viewing's first request was recorded
      const stored = { storageKey: original.key, evidenceId: original.id, kind: 'original' as const, name: null, size: original.size, sha256: original.sha256, sm3: original.sm3 };
      return sendObject(store, reply, request.headers.range, {
        key: original.key,
        size: original.size,
        sha256: etagOf(original, granted !== undefined),
        observe: (observed) => recordFixity(db, stored, fixityVerdict(stored, observed), now(), { actor: p.name, source: 'read' }),
        contentType: 'application/octet-stream',
        disposition: `attachment; filename*=UTF-8''${encodeURIComponent(original.name)}`,
        ...(granted ? {} : {
          beforeSend: async (range: string) => {
            if (await startsViewing(db, p.sessionKey, `original:${original.id}`, now())) {
              await db.transaction().execute((trx) =>
                appendCustody(trx, { evidenceId: original.id, action: 'original.read', actor: p.name, details: { ...recordedClient(request), range, role: p.role } }),
              );
              request.auditDetails = { range }; // only once custody has it: the audit verify cross-check pairs the two
            } else {
              request.auditSkip = true;
            }
            viewings.offer(request, p, original);
          },
        }),
      });
    });

    // Browser derivatives (MP4, HLS playlist and segments, poster, thumbnail sprite), with Range.
    app.get('/evidence/:id/derivatives/:kind/:name', {
      config: { action: 'evidence.stream', ...EVIDENCE_BYTES, audit: 'evidence.view' },
      schema: {
        summary: 'Get a derived file for playback', operationId: 'getDerivative', tags: ['evidence'],
        description: 'Browser derivatives of a recording: `mp4`, `hls` (playlist and segments), poster and thumbnail sprite, with Range support. Watching the video is audited.',
        params: Type.Object({ id: Uuid, kind: Text(20), name: Text(200) }),
        response: { 200: Bytes, 206: Bytes, 410: problemResponse(410), 416: problemResponse(416), ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const granted = viewings.objectOf<ServedDerivative>(request);
      if (granted) request.auditSkip = true; // the viewing's first request was recorded
      const file = granted ?? (await servedDerivative(request, p, request.params));
      request.auditObject = { unitId: file.unitId };
      return sendObject(store, reply, request.headers.range, { key: file.key, size: file.size, sha256: etagOf(file, granted !== undefined), contentType: file.mimeType });
    });

    app.post('/evidence/:id/renditions', {
      config: { action: 'evidence.stream', audit: 'evidence.view' },
      schema: {
        summary: 'Ask for the H.264 rendition of a recording', operationId: 'createRendition', tags: ['evidence'],
        description: 'For a browser that cannot play the passthrough (e.g. H.265 without a decoder): starts the just-in-time H.264 HLS transcode, or joins the one running (one per recording, however many viewers ask), or answers the complete one. 202 while it is being made: play `href` once `segments` is at least 1 (ask again to follow). Starts a viewing (audited once per session).',
        params: IdParams,
        body: Type.Object({ codec: Type.Literal('h264') }, { examples: [{ codec: 'h264' }] }),
        response: { 200: Rendition, 202: Rendition, 410: problemResponse(410), ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const row = await loadEvidence(db, p, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      await refuseDisposed(db, row);
      if (row.playback_state === 'unplayable') throw new Problem(409, 'Conflict', `the recording cannot be played: ${row.playback_reason ?? 'bad media'}`);
      if (!(await startsViewing(db, p.sessionKey, `view:${row.id}`, now()))) request.auditSkip = true;
      const href = `/api/evidence/${row.id}/renditions/h264/${HLS_PLAYLIST}`;
      const made = await db.selectFrom('derivatives').select('name').where('evidence_id', '=', row.id).where('kind', '=', 'hls').where('name', '=', HLS_PLAYLIST).executeTakeFirst();
      if (made) return { state: 'ready' as const, href: `/api/evidence/${row.id}/derivatives/hls/${HLS_PLAYLIST}`, segments: await segmentCount(row.id) };
      // One row per recording: the second viewer finds the first one's and shares its transcode.
      await db.transaction().execute(async (trx) => {
        const asked = await trx.insertInto('renditions').values({ evidence_id: row.id, target_seconds: RENDITION_SEGMENT_SECONDS })
          .onConflict((oc) => oc.column('evidence_id').doUpdateSet({ state: 'queued', reason: null }).where('renditions.state', '=', 'failed'))
          .returning('evidence_id').executeTakeFirst();
        if (asked) await enqueue(trx, 'transcode', { evidenceId: row.id, priority: 'interactive' });
      });
      const r = await db.selectFrom('renditions').selectAll().where('evidence_id', '=', row.id).executeTakeFirstOrThrow();
      reply.code(r.state === 'ready' ? 200 : 202);
      return { state: r.state, href, segments: await segmentCount(row.id), ...(r.reason ? { reason: r.reason } : {}) };
    });

    /** Media segments of the current attempt of a recording's rendition. */
    async function segmentCount(evidenceId: string): Promise<number> {
      const { n } = await db.selectFrom('rendition_segments').innerJoin('renditions', (j) => j.onRef('renditions.evidence_id', '=', 'rendition_segments.evidence_id').onRef('renditions.attempt', '=', 'rendition_segments.attempt'))
        .select((eb) => eb.fn.countAll<string>().as('n')).where('rendition_segments.evidence_id', '=', evidenceId).where('rendition_segments.duration_ms', 'is not', null).executeTakeFirstOrThrow();
      return Number(n);
    }

    app.get('/evidence/:id/renditions/h264/:name', {
      config: { action: 'evidence.stream', ...EVIDENCE_BYTES, audit: 'evidence.view' },
      schema: {
        summary: 'Get a file of the H.264 rendition while it is made', operationId: 'getRenditionFile', tags: ['evidence'],
        description: 'The growing HLS playlist (`index.m3u8`: EVENT while the rendition is made, VOD once complete) and its stored segments (`init.mp4`, `seg-NNNN.m4s`, with Range), served by any API replica as soon as the worker stored them. Part of the viewing its createRendition started.',
        params: Type.Object({ id: Uuid, name: Text(200) }),
        response: { 200: Bytes, 206: Bytes, 410: problemResponse(410), 416: problemResponse(416), ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const row = await loadEvidence(db, p, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      await refuseDisposed(db, row);
      if (!(await startsViewing(db, p.sessionKey, `view:${row.id}`, now()))) request.auditSkip = true;
      const rendition = await db.selectFrom('renditions').selectAll().where('evidence_id', '=', row.id).executeTakeFirst();
      if (!rendition?.attempt) throw notFound(`rendition of evidence ${row.id}`);
      const files = db.selectFrom('rendition_segments').selectAll().where('evidence_id', '=', row.id).where('attempt', '=', rendition.attempt);
      if (request.params.name === HLS_PLAYLIST) {
        const segments = await files.where('duration_ms', 'is not', null).orderBy('seq').execute();
        reply.type('application/vnd.apple.mpegurl');
        return renditionPlaylist({
          targetSeconds: rendition.target_seconds, init: HLS_INIT, complete: rendition.state === 'ready',
          segments: segments.map((s) => ({ name: s.name, durationMs: s.duration_ms! })),
        });
      }
      const file = await files.where('name', '=', request.params.name).executeTakeFirst();
      if (!file) throw notFound(`rendition file ${request.params.name} of evidence ${row.id}`);
      return sendObject(store, reply, request.headers.range, { key: file.storage_key, size: Number(file.size), sha256: undefined, contentType: file.name.endsWith('.mp4') ? 'video/mp4' : 'video/iso.segment' });
    });

    app.get('/evidence/:id/bookmarks', {
      config: { action: 'evidence.bookmarks', audit: 'evidence.bookmarks' },
      schema: {
        summary: 'List bookmarks of a recording', operationId: 'listBookmarks', tags: ['evidence'],
        description: 'Bookmarks reviewers set on the recording (offset in milliseconds and a label), in playback order, each with its author\'s name and 警号. Deleted bookmarks are not listed (the audit trail keeps what they said).',
        params: IdParams, response: { 200: Type.Object({ items: Type.Array(Bookmark) }), ...errors },
      },
    }, async (request) => {
      const row = await loadEvidence(db, request.principal!, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      const rows = await bookmarksOf(db).where('bookmarks.evidence_id', '=', row.id).orderBy('bookmarks.offset_ms').orderBy('bookmarks.created_at').execute();
      return { items: rows.map(toBookmark) };
    });

    app.post('/evidence/:id/bookmarks', {
      config: { action: 'evidence.bookmark', audit: 'evidence.bookmark' },
      schema: {
        summary: 'Bookmark a moment of a recording', operationId: 'createBookmark', tags: ['evidence'],
        description: 'Adds a labelled bookmark at an offset (milliseconds from the start). The author is the caller.',
        params: IdParams,
        body: Type.Object({ offsetMs: BoundedInt(0, Number.MAX_SAFE_INTEGER), label: Text(500, { minLength: 1 }) }, { examples: [{ offsetMs: 83500, label: '当事人拒绝签字 party refuses to sign' }] }),
        response: { 201: Bookmark, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const row = await loadEvidence(db, p, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      const { id: bookmarkId } = await db
        .insertInto('bookmarks')
        .values({ evidence_id: row.id, offset_ms: request.body.offsetMs, label: request.body.label, author_id: p.userId, author_name: p.name })
        .returning('id')
        .executeTakeFirstOrThrow();
      reply.code(201);
      return toBookmark(await bookmarksOf(db).where('bookmarks.id', '=', bookmarkId).executeTakeFirstOrThrow());
    });

    /** The caller's own, live bookmark of a recording they may see; 404 when none such exists, 403 when another person wrote it. */
    async function ownBookmark(trx: Transaction<Database>, p: Principal, evidenceId: string, bookmarkId: string) {
      const b = await trx.selectFrom('bookmarks').selectAll().where('id', '=', bookmarkId).where('evidence_id', '=', evidenceId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
      if (!b) throw notFound(`bookmark ${bookmarkId} of evidence ${evidenceId}`);
      if (b.author_id === null || b.author_id !== p.userId) throw new Problem(403, 'Forbidden', 'only the author of a bookmark may change or delete it');
      return b;
    }

    app.patch('/evidence/:id/bookmarks/:bookmarkId', {
      config: { action: 'evidence.bookmark', audit: 'evidence.bookmark-edit' },
      schema: {
        summary: 'Edit one of your bookmarks', operationId: 'updateBookmark', tags: ['evidence'],
        description: 'Changes the label and/or the offset of a bookmark. Only its author may (others get 403). Audited with what it said before and after.',
        params: BookmarkParams,
        body: Type.Object({ offsetMs: Type.Optional(BoundedInt(0, Number.MAX_SAFE_INTEGER)), label: Type.Optional(Text(500, { minLength: 1 })) }, { minProperties: 1, examples: [{ label: '当事人拒绝签字并离开 party refuses to sign and leaves' }] }),
        response: { 200: Bookmark, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const { bookmarkId } = request.params;
      request.auditDetails = { bookmarkId };
      const row = await loadEvidence(db, p, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      await auditedChange(db, request, 200, async (trx) => {
        const b = await ownBookmark(trx, p, row.id, bookmarkId);
        const after = { offsetMs: request.body.offsetMs ?? Number(b.offset_ms), label: request.body.label ?? b.label };
        await trx.updateTable('bookmarks').set({ offset_ms: after.offsetMs, label: after.label, updated_at: now() }).where('id', '=', b.id).execute();
        request.auditDetails = { bookmarkId, before: { offsetMs: Number(b.offset_ms), label: b.label }, after };
        return { value: undefined, events: [] };
      });
      return toBookmark(await bookmarksOf(db).where('bookmarks.id', '=', bookmarkId).executeTakeFirstOrThrow());
    });

    app.delete('/evidence/:id/bookmarks/:bookmarkId', {
      config: { action: 'evidence.bookmark', audit: 'evidence.bookmark-delete' },
      schema: {
        summary: 'Delete one of your bookmarks', operationId: 'deleteBookmark', tags: ['evidence'],
        description: 'Takes a bookmark out of every list. Only its author may (others get 403). The audit trail keeps what it said.',
        params: BookmarkParams, response: { 204: Type.Null(), ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const { bookmarkId } = request.params;
      request.auditDetails = { bookmarkId };
      const row = await loadEvidence(db, p, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      await auditedChange(db, request, 204, async (trx) => {
        const b = await ownBookmark(trx, p, row.id, bookmarkId);
        await trx.updateTable('bookmarks').set({ deleted_at: now() }).where('id', '=', b.id).execute();
        request.auditDetails = { bookmarkId, deleted: { offsetMs: Number(b.offset_ms), label: b.label } };
        return { value: undefined, events: [] };
      });
      return reply.code(204).send(null);
    });

    app.get('/evidence/:id/stills', {
      config: { action: 'evidence.stills', audit: 'evidence.stills' },
      schema: {
        summary: 'List still frames of a recording', operationId: 'listStills', tags: ['evidence'],
        description: 'Still frames captured from the recording, newest first: the moment, who asked, and once the worker has taken it from the original, the PNG (a derivative of kind `still`, served by getDerivative). Repeated lists in one session (a page waiting for a capture) are audited once.',
        params: IdParams, response: { 200: Type.Object({ items: Type.Array(Still) }), ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const row = await loadEvidence(db, p, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      // The page polls while a capture is under way: one session's lists are one audit event.
      if (!(await startsViewing(db, p.sessionKey, `stills:${row.id}`, now()))) request.auditSkip = true;
      const rows = await stillsOf(db).where('stills.evidence_id', '=', row.id).orderBy('stills.requested_at', 'desc').orderBy('stills.id', 'desc').execute();
      return { items: rows.map(toStill) };
    });

    app.post('/evidence/:id/stills', {
      config: { action: 'evidence.still', audit: 'evidence.still' },
      schema: {
        summary: 'Capture a still frame', operationId: 'createStill', tags: ['evidence'],
        description: 'Queues the capture of the frame at `atMs` (milliseconds from the start) from the original, saved as a derivative of the recording (the original is never altered) with a custody event. 422 when `atMs` lies past the end. Poll listStills until it is ready.',
        params: IdParams,
        body: Type.Object({ atMs: BoundedInt(0, Number.MAX_SAFE_INTEGER) }, { examples: [{ atMs: 83500 }] }),
        response: { 202: Still, 410: problemResponse(410), ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const { atMs } = request.body;
      request.auditDetails = { atMs };
      const row = await loadEvidence(db, p, request.params.id);
      request.auditObject = { unitId: row.unit_id };
      await refuseDisposed(db, row);
      const late = stillTimeProblem(atMs, row.duration_ms === null ? null : Number(row.duration_ms));
      if (late) throw new Problem(422, 'Unprocessable Content', late);
      const stillId = await auditedChange(db, request, 202, async (trx) => {
        const { id } = await trx.insertInto('stills').values({ evidence_id: row.id, at_ms: atMs, requested_by: p.userId, requested_by_name: p.name }).returning('id').executeTakeFirstOrThrow();
        await enqueue(trx, 'still', { stillId: id });
        request.auditDetails = { atMs, stillId: id };
        return { value: id, events: [] };
      });
      reply.code(202);
      return toStill(await stillsOf(db).where('stills.id', '=', stillId).executeTakeFirstOrThrow());
    });
  };
}
