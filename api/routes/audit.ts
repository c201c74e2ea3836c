import { Type } from 'typebox';
import { verifyTrail } from '../../core/checkpoints';
import { crossCheckTrails } from '../../core/cross-check';
import { timestampBacklog } from '../../core/timestamp/batcher';
import type { SigningKey } from '../../core/signing-key';
import type { ObjectStore } from '../../core/store/port';
import type { HttpServer } from '../../core/http';
import type { Db } from '../../schema/database';
import { scopeRedactor, visibleAudit } from '../scoped';
import { BoundedInt, DateTime, Defaulted, Limit, Nullable, StringEnum, Text, errors } from '../schemas';

const AuditEvent = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Type.String(),
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

export function auditRoutes(deps: { db: Db; store: ObjectStore; signingKey: SigningKey }) {
  const { db } = deps;
  return async (app: HttpServer) => {
    app.get('/audit', {
      config: { action: 'audit.read', audit: 'audit.search' },
      schema: {
        summary: 'Search the audit trail', operationId: 'searchAudit', tags: ['audit'],
        description: 'Audit events the caller may see, newest first, by object, user and time; ids outside the caller\'s scope are redacted. Page with `before` (the `nextBefore` of the last page).',
        querystring: Type.Object({
          objectId: Type.Optional(Text(100)),
          userId: Type.Optional(Text(100)),
          from: Type.Optional(DateTime),
          to: Type.Optional(DateTime),
          limit: Limit(1000, 100),
          before: Type.Optional(BoundedInt(1, Number.MAX_SAFE_INTEGER)),
        }),
        response: { 200: Type.Object({ items: Type.Array(AuditEvent), nextBefore: Nullable(Type.Integer()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      let query = visibleAudit(db, request.principal!).selectAll('audit_events').orderBy('audit_events.seq', 'desc').limit(q.limit + 1);
      if (q.objectId) query = query.where('audit_events.object_id', '=', q.objectId);
      if (q.userId) query = query.where('audit_events.actor_id', '=', q.userId);
      if (q.from) query = query.where('audit_events.at', '>=', new Date(q.from));
      if (q.to) query = query.where('audit_events.at', '<', new Date(q.to));
      if (q.before) query = query.where('audit_events.seq', '<', String(q.before));
      const rows = await query.execute();
      const page = rows.slice(0, q.limit);
      // A unit's trail names what its staff touched and who touched its objects, never another unit's files or cases.
      const redact = await scopeRedactor(db, request.principal!, page.flatMap((r) => [r.object_id, r.details]));
      return {
        items: page.map((r) => {
          const objectId = redact(r.object_id);
          const details = redact(r.details);
          return {
            seq: Number(r.seq), at: r.at.toISOString(), actorId: r.actor_id, actorName: r.actor_name, role: r.role, unitId: r.unit_id, action: r.action,
            objectType: r.object_type, objectId: objectId.value, client: r.client, outcome: r.outcome, details: details.value, hash: r.hash,
            ...(objectId.redacted || details.redacted ? { redacted: true } : {}),
          };
        }),
        nextBefore: rows.length > q.limit ? Number(page[page.length - 1]!.seq) : null,
      };
    });

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
