import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { newestCheckpoint, verifyTrail } from '../../core/checkpoints';
import { crossCheckTrails } from '../../core/cross-check';
import { timestampBacklog } from '../../core/timestamp/batcher';
import type { SigningKey } from '../../core/signing-key';
import type { ObjectStore } from '../../core/store/port';
import type { HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import { AUDIT_CSV_HEAD, auditCsvLine } from '../audit-csv';
import { scopeRedactor, visibleAudit } from '../scoped';
import { BoundedInt, Bytes, DateTime, Defaulted, Limit, Nullable, StringEnum, Text, Uuid, errors } from '../schemas';

const AuditEvent = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Type.String(),
  /** The actor's display name and 警号 as the users table has them now (joined, not hashed); null for tokens and the system. */
  actorDisplayName: Nullable(Type.String()),
  actorOfficerNo: Nullable(Type.String()),
  role: Nullable(Type.String()),
  unitId: Nullable(Type.String()),
  action: Type.String(),
  objectType: Nullable(Type.String()),
  objectId: Nullable(Type.String()),
  client: Nullable(Type.String()),
  outcome: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
  /** Ids of files or cases outside the reader's scope were replaced; the hash covers the original row. */
  redacted: Type.Optional(Type.Boolean()),
});

/** The filters the audit log is searched and exported by. */
const AuditFilters = {
  objectId: Type.Optional(Text(100)),
  userId: Type.Optional(Text(100)),
  /** Part of a person's display name or login name, or their 警号. */
  person: Type.Optional(Text(100, { minLength: 1 })),
  /** Events by the unit's staff or about the unit's objects. */
  unitId: Type.Optional(Uuid),
  action: Type.Optional(Text(100)),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
};
type Filters = { [K in keyof typeof AuditFilters]?: string };

/** Visible audit rows matching the filters, newest first, with the actor's display name and 警号 (joined: the hashed row keeps the login name). */
function filteredAudit(db: Db, p: Principal, q: Filters) {
  let query = visibleAudit(db, p)
    .leftJoin('users', (j) => j.on(sql<boolean>`users.id::text = audit_events.actor_id`))
    .selectAll('audit_events')
    .select(['users.display_name as actor_display_name', 'users.officer_no as actor_officer_no'])
    .orderBy('audit_events.seq', 'desc');
  if (q.objectId) query = query.where('audit_events.object_id', '=', q.objectId);
  if (q.userId) query = query.where('audit_events.actor_id', '=', q.userId);
  if (q.person) {
    const like = `%${q.person.replace(/[\\%_]/g, '\\$&')}%`;
    const person = q.person;
    query = query.where((eb) => eb.or([eb('audit_events.actor_name', 'ilike', like), eb('users.display_name', 'ilike', like), eb('users.officer_no', '=', person)]));
  }
  if (q.unitId) {
    const unit = q.unitId;
    query = query.where((eb) => eb.or([eb('audit_events.unit_id', '=', unit), eb('audit_events.object_unit_id', '=', unit)]));
  }
  if (q.action) query = query.where('audit_events.action', '=', q.action);
  if (q.from) query = query.where('audit_events.at', '>=', new Date(q.from));
  if (q.to) query = query.where('audit_events.at', '<', new Date(q.to));
  return query;
}

type AuditRow = Awaited<ReturnType<ReturnType<typeof filteredAudit>['execute']>>[number];

/** Rows as the API answers them; a unit's trail names what its staff touched and who touched its objects, never another unit's files or cases. */
async function shown(db: Db, p: Principal, rows: AuditRow[]) {
  const redact = await scopeRedactor(db, p, rows.flatMap((r) => [r.object_id, r.details]));
  return rows.map((r) => {
    const objectId = redact(r.object_id);
    const details = redact(r.details);
    return {
      seq: Number(r.seq), at: r.at.toISOString(), actorId: r.actor_id, actorName: r.actor_name, actorDisplayName: r.actor_display_name, actorOfficerNo: r.actor_officer_no,
      role: r.role, unitId: r.unit_id, action: r.action, objectType: r.object_type, objectId: objectId.value, client: r.client, outcome: r.outcome, details: details.value, hash: r.hash,
      ...(objectId.redacted || details.redacted ? { redacted: true } : {}),
    };
  });
}

const CSV_BATCH = 500;

/** The CSV, streamed in keyset batches up to row `upTo` (the export's own event comes after it). */
async function* auditCsv(db: Db, p: Principal, q: Filters, upTo: number): AsyncGenerator<string> {
  yield AUDIT_CSV_HEAD;
  for (let before = upTo + 1; ;) {
    const rows = await filteredAudit(db, p, q).where('audit_events.seq', '<', String(before)).limit(CSV_BATCH).execute();
    if (rows.length > 0) yield (await shown(db, p, rows)).map(auditCsvLine).join('');
    if (rows.length < CSV_BATCH) return;
    before = Number(rows[rows.length - 1]!.seq);
  }
}

export function auditRoutes(deps: { db: Db; store: ObjectStore; signingKey: SigningKey }) {
  const { db } = deps;
  return async (app: HttpServer) => {
    app.get('/audit', {
      config: { action: 'audit.read', audit: 'audit.search' },
      schema: {
        summary: 'Search the audit trail', operationId: 'searchAudit', tags: ['audit'],
        description: 'Audit events the caller may see, newest first, by object, person, unit, action and time; ids outside the caller\'s scope are redacted. Page with `before` (the `nextBefore` of the last page).',
        querystring: Type.Object({ ...AuditFilters, limit: Limit(1000, 100), before: Type.Optional(BoundedInt(1, Number.MAX_SAFE_INTEGER)) }),
        response: { 200: Type.Object({ items: Type.Array(AuditEvent), nextBefore: Nullable(Type.Integer()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      let query = filteredAudit(db, request.principal!, q).limit(q.limit + 1);
      if (q.before) query = query.where('audit_events.seq', '<', String(q.before));
      const rows = await query.execute();
      const page = rows.slice(0, q.limit);
      return { items: await shown(db, request.principal!, page), nextBefore: rows.length > q.limit ? Number(page[page.length - 1]!.seq) : null };
    });

    app.get('/audit.csv', {
      config: { action: 'audit.read', audit: 'audit.export', noStore: true },
      schema: {
        summary: 'Export the audit trail as CSV', operationId: 'exportAuditCsv', tags: ['audit'],
        description: 'The audit events GET /api/audit finds with the same filters, all of them, newest first, as a CSV file for spreadsheets: UTF-8 with a byte order mark, Chinese headers, people by display name with 警号, cells that would run as formulas neutralized. The export itself is audited (`audit.export`, with its filters).',
        querystring: Type.Object(AuditFilters),
        response: { 200: Bytes, ...errors },
      },
    }, async (request, reply) => {
      const { upTo } = await db.selectFrom('audit_events').select((eb) => eb.fn.coalesce(eb.fn.max('seq'), sql<string>`0`).as('upTo')).executeTakeFirstOrThrow();
      request.auditDetails = { filters: request.query };
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .send(Readable.from(auditCsv(db, request.principal!, request.query, Number(upTo))));
    });

    app.get('/audit/checkpoint', {
      config: { action: 'audit.verify' },
      schema: {
        summary: 'The newest signed checkpoint of a trail', operationId: 'getNewestCheckpoint', tags: ['audit'],
        description: 'The newest checkpoint of the audit or custody chain signed with the platform key: when it was made, the row it covers and its signature algorithms. `checkpoint` is null before the first one.',
        querystring: Type.Object({ chain: Defaulted(Type.Union([Type.Literal('audit'), Type.Literal('custody')], { default: 'audit' })) }),
        response: {
          200: Type.Object({ chain: Type.String(), checkpoint: Nullable(Type.Object({ seq: Type.Integer(), at: Type.String(), algorithms: Type.Array(Type.String()) })) }),
          ...errors,
        },
      },
    }, async (request) => ({ chain: request.query.chain, checkpoint: (await newestCheckpoint(db, deps.store, deps.signingKey, request.query.chain)) ?? null }));

    // How far behind trusted time-stamping is: an authority that is down shows here, nothing is lost.
    app.get('/timestamps', {
      config: { action: 'audit.timestamps' },
      schema: {
        summary: 'Trusted timestamp backlog', operationId: 'getTimestampBacklog', tags: ['audit'],
        description: 'How many hashes wait for an RFC 3161 timestamp, pending batches, the oldest pending and the last authority error.',
        response: {
          200: Type.Object({ queued: Type.Integer(), pendingBatches: Type.Integer(), oldestPendingSince: Nullable(Type.String()), lastError: Nullable(Type.String()) }),
          ...errors,
        },
      },
    }, async () => {
      const backlog = await timestampBacklog(db);
      return { ...backlog, oldestPendingSince: backlog.oldestPendingSince?.toISOString() ?? null };
    });

    // `evidence audit verify --server URL --token T` calls this: the walk happens next to the data.
    app.get('/audit/verify', {
      config: { action: 'audit.verify', audit: 'audit.verify' },
      schema: {
        summary: 'Verify a hash-chained trail', operationId: 'verifyTrail', tags: ['audit'],
        description: 'Recomputes the audit or custody chain and checks it against the signed checkpoints: whether it is intact, its head, and where it breaks if it does.',
        querystring: Type.Object({ chain: Defaulted(Type.Union([Type.Literal('audit'), Type.Literal('custody')], { default: 'audit' })) }),
        response: {
          200: Type.Object({
            chain: Type.String(),
            ok: Type.Boolean(),
            rows: Type.Integer(),
            head: Type.Optional(Type.String()),
            brokenAt: Type.Optional(Type.Integer()),
            reason: Type.Optional(Type.String()),
            checkpoints: Type.Integer(),
            covered: Type.Optional(Nullable(Type.Object({ seq: Type.Integer(), at: Type.String() }))),
            signatures: Type.Optional(Type.String()),
          }),
          ...errors,
        },
      },
    }, async (request) => {
      return verifyTrail(db, deps.store, deps.signingKey, request.query.chain);
    });

    // Events both trails record (original reads, fixity failures) must agree: a rewrite of one chain shows here.
    app.get('/audit/cross-check', {
      config: { action: 'audit.cross-check', audit: 'audit.cross-check' },
      schema: {
        summary: 'Cross-check the audit and custody trails', operationId: 'crossCheckTrails', tags: ['audit'],
        description: 'Pairs audit events with the custody events they must have caused (and back), and lists any that lack their partner.',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            pairs: Type.Integer(),
            unmatched: Type.Array(Type.Object({ trail: StringEnum(['custody', 'audit'] as const), seq: Type.Integer(), action: Type.String(), evidenceId: Nullable(Type.String()), actor: Type.String() })),
          }),
          ...errors,
        },
      },
    }, () => crossCheckTrails(db));
  };
}
