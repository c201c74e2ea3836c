import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { appendAudit, auditGroupCommit, type AuditEvent } from '../core/chain';
import { recorded } from '../core/client-address';
import { emitEvent, type PlatformEvent } from '../core/events';
import { requestClient, type HttpServer } from '../core/http';
import type { Db } from '../schema/database';
import type { Database } from '../schema/db';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audited action of the route, e.g. 'evidence.read'; absent means not audited. */
    audit?: string;
  }
  interface FastifyRequest {
    /** Set by a handler once it knows the object's unit, so unit heads can see the event; `id` when the path does not name the object by id. */
    auditObject?: { unitId: string | null; id?: string };
    /** Set when this request continues a viewing session that was already audited. */
    auditSkip?: boolean;
    auditDetails?: Record<string, unknown>;
  }
}

/**
 * Writes one audit event for every audited route, allowed or not, before the response leaves:
 * if the event cannot be written, the request fails rather than go unrecorded. Concurrent requests'
 * events are committed together (group commit): one WAL flush for many requests, not one each.
 */
export function registerAuditTrail(app: HttpServer, db: Db): void {
  const append = auditGroupCommit(db);
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const action = request.routeOptions.config.audit;
    if (!action || request.auditSkip) return payload;
    const status = reply.statusCode;
    const written = append(auditEventOf(request, status));
    await written.catch((error: unknown) => {
      // A failure answer (e.g. 503, database gone) still goes out; throwing here would replace it
      // with fastify's raw default error. Any other answer is withheld: the request fails instead.
      if (status < 500) throw error;
      request.log.warn({ action, status, err: String(error) }, 'audit event of a failed request could not be written');
    });
    return payload;
  });
}

/** The audit event of a request that answers with `status`. */
function auditEventOf(request: FastifyRequest, status: number): AuditEvent {
  const action = request.routeOptions.config.audit!;
  const p = request.principal;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const objectId = request.auditObject?.id ?? params.id;
  const { client, ...forwarded } = recordedClient(request);
  return {
    actorId: p?.userId ?? p?.id ?? null,
    actorName: p?.name ?? 'anonymous',
    role: p?.role ?? null,
    unitId: p?.unitId ?? null,
    action,
    objectType: action.split('.')[0] ?? null,
    objectId: typeof objectId === 'string' ? storable(objectId) : null,
    objectUnitId: request.auditObject?.unitId ?? null,
    client,
    outcome: status < 400 ? 'allowed' : [401, 403, 404].includes(status) ? 'denied' : 'failed',
    details: storable({ method: request.method, route: request.routeOptions.url ?? request.url, status, ...forwarded, ...request.auditDetails }),
  };
}

/**
 * Makes a change and writes the request's audit event (as answered with `status`) in one
 * transaction, so a change is never committed without its record (a case's history is read from
 * the trail); the hook then writes no second event. The change sets `request.auditDetails` and
 * returns the platform events to emit, last, in the same transaction.
 */
export async function auditedChange<T>(db: Db, request: FastifyRequest, status: number, change: (trx: Transaction<Database>) => Promise<{ value: T; events: PlatformEvent[] }>): Promise<T> {
  const value = await db.transaction().execute(async (trx) => {
    const { value, events } = await change(trx);
    await appendAudit(trx, auditEventOf(request, status));
    for (const event of events) await emitEvent(trx, event);
    return value;
  });
  request.auditSkip = true;
  return value;
}

/** The request's client as the audit and custody trails record it (see `recorded`). */
export function recordedClient(request: FastifyRequest): { client: string; forwardedFor?: string } {
  return recorded(requestClient(request));
}

/**
 * What a client sent, made storable: PostgreSQL text and jsonb cannot hold NUL, and a refused
 * request with a NUL in it must still be recorded (the request fails if its audit event cannot be written).
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\u0000/g, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  return value;
}

const VIEWING_IDLE_MS = 30 * 60_000;
/** A player sends many Range requests a second; the viewing's last-seen time needs no finer grain. */
const VIEWING_REFRESH_MS = 60_000;

/**
 * True when this request starts a new viewing of `object` by this caller (first request, or the
 * last one was over 30 minutes ago); the Range requests of one playback are one viewing.
 */
export async function startsViewing(db: Db, viewer: string, object: string, now: Date): Promise<boolean> {
  // Streaming hot path: a read only, unless the viewing is new or its last-seen time is stale.
  const seen = await db.selectFrom('view_sessions').select('last_seen_at').where('viewer', '=', viewer).where('object', '=', object).executeTakeFirst();
  if (seen && now.getTime() - seen.last_seen_at.getTime() < VIEWING_REFRESH_MS) return false;
  const row = await db
    .insertInto('view_sessions')
    .values({ viewer, object, started_at: now, last_seen_at: now })
    .onConflict((oc) =>
      oc.columns(['viewer', 'object']).doUpdateSet((eb) => ({
        started_at: eb
          .case()
          .when('view_sessions.last_seen_at', '<', new Date(now.getTime() - VIEWING_IDLE_MS))
          .then(now)
          .else(eb.ref('view_sessions.started_at'))
          .end(),
        last_seen_at: now,
      })),
    )
    .returning('started_at')
    .executeTakeFirstOrThrow();
  return row.started_at.getTime() === now.getTime();
}
