import { Type } from 'typebox';
import { EVENT_TYPES } from '../../core/events';
import { Problem, notFound } from '../../core/errors';
import { bearerToken, type HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import { IdParams, Limit, Nullable, StringEnum, errors } from '../schemas';
import { checkWebhookUrl } from '../webhook-rules';

const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  createdAt: Type.String(),
  createdBy: Type.String({ description: 'the account or token that made it: the webhook sees what it may see' }),
});

const Delivery = Type.Object({
  id: Type.String(),
  eventId: Type.String({ description: 'also sent as X-Evidence-Delivery' }),
  type: Type.String(),
  state: StringEnum(['pending', 'delivered', 'failed'] as const),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  lastAttemptAt: Nullable(Type.String()),
  nextAttemptAt: Nullable(Type.String({ description: 'while pending: when it is tried next' })),
  lastStatus: Nullable(Type.Integer({ description: "the receiver's last HTTP status" })),
  lastError: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()),
});

type WebhookRow = { id: string; url: string; events: string[]; created_at: Date; created_by_name: string };
const toWebhook = (w: WebhookRow) => ({ id: w.id, url: w.url, events: w.events, createdAt: w.created_at.toISOString(), createdBy: w.created_by_name });

/**
 * Webhooks (issue 13 item 4): signed POSTs of platform events to a receiver, delivered by the
 * `webhooks` task (api/webhook-delivery.ts). A supervisor manages the webhooks they made, an admin
 * every one; each sees only the events its creator may see.
 */
export function webhookRoutes(deps: { db: Db; allowPrivate: boolean }) {
  const { db } = deps;
  /** The webhooks the caller manages: an admin every one, anyone else those they made. */
  const managed = (p: Principal) => {
    const query = db.selectFrom('webhooks');
    if (p.role === 'admin') return query;
    return p.userId ? query.where('created_by_user', '=', p.userId) : query.where('created_by_token', '=', p.id);
  };
  const loadManaged = async (p: Principal, id: string) => {
    const row = await managed(p).select(['id', 'url', 'events', 'created_at', 'created_by_name']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`webhook ${id}`);
    return row;
  };

  return async (app: HttpServer) => {
    app.post('/webhooks', {
      config: { action: 'webhook.manage', audit: 'webhook.create' },
      schema: {
        summary: 'Register a webhook',
        description:
          'Events of the given types are POSTed to `url` as `{ id, type, occurredAt, data }` with `X-Evidence-Event`, `X-Evidence-Delivery` (the event id) and ' +
          '`X-Evidence-Signature: sha256=<hex HMAC-SHA256 of the raw body with secret>`. At least once, in order per case, retried with exponential backoff for 24 hours. ' +
          'Only events the caller may see are sent (checked again at each delivery). The secret is never shown again. Receivers on loopback or private addresses are refused (422) unless the platform allows them.',
        tags: ['webhooks'],
        operationId: 'createWebhook',
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2000, description: 'http or https' }),
            events: Type.Array(StringEnum(EVENT_TYPES), { minItems: 1, maxItems: EVENT_TYPES.length, uniqueItems: true }),
            secret: Type.String({ minLength: 16, maxLength: 256, pattern: '^[^\\u0000]*$', description: 'at least 16 characters; signs every delivery' }),
          },
          { examples: [{ url: 'https://cases.example.gov.cn/hooks/evidence', events: ['evidence.verified', 'case.evidence_linked', 'export.ready'], secret: 'a-long-random-secret-of-yours' }] },
        ),
        response: { 201: Webhook, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const b = request.body;
      const checked = checkWebhookUrl(b.url, deps.allowPrivate);
      if (!checked.ok) throw new Problem(422, 'Unprocessable Entity', `url: ${checked.reason}`);
      const row = await db
        .insertInto('webhooks')
        .values((eb) => ({
          url: checked.url.href,
          events: b.events,
          secret: b.secret,
          // A bearer credential: the webhook acts as that token (and stops when it is revoked); a login: as the user.
          created_by_token: bearerToken(request) ? p.sessionKey : null,
          created_by_user: p.userId,
          created_by_name: p.name,
          // Only events from now on.
          last_seq: eb.selectFrom('platform_events').select((e) => e.fn.coalesce(e.fn.max('seq'), e.lit(0)).as('seq')),
        }))
        .returning(['id', 'url', 'events', 'created_at', 'created_by_name'])
        .executeTakeFirstOrThrow();
      request.auditDetails = { webhookId: row.id, url: row.url, events: row.events };
      reply.code(201).header('location', `/api/webhooks/${row.id}`);
      return toWebhook(row);
    });

    app.get('/webhooks', {
      config: { action: 'webhook.manage' },
      schema: {
        summary: 'List webhooks',
        description: 'An admin sees every webhook, anyone else the webhooks they made. Secrets are never shown.',
        tags: ['webhooks'],
        operationId: 'listWebhooks',
        response: { 200: Type.Object({ items: Type.Array(Webhook) }), ...errors },
      },
    }, async (request) => {
      const rows = await managed(request.principal!).select(['id', 'url', 'events', 'created_at', 'created_by_name']).orderBy('created_at').execute();
      return { items: rows.map(toWebhook) };
    });

    app.delete('/webhooks/:id', {
      config: { action: 'webhook.manage', audit: 'webhook.delete' },
      schema: {
        summary: 'Delete a webhook',
        description: 'Stops all deliveries to it, pending ones included; its delivery history goes with it.',
        tags: ['webhooks'],
        operationId: 'deleteWebhook',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    }, async (request, reply) => {
      const row = await loadManaged(request.principal!, request.params.id);
      await db.deleteFrom('webhooks').where('id', '=', row.id).execute();
      request.auditDetails = { url: row.url };
      return reply.code(204).send(null);
    });

    app.get('/webhooks/:id/deliveries', {
      config: { action: 'webhook.manage' },
      schema: {
        summary: "List a webhook's deliveries",
        description: 'Newest first: each event sent (or being retried) to the webhook, its attempts, the last answer, and the state: `pending` (will be tried again at `nextAttemptAt`), `delivered` (the receiver answered 2xx) or `failed` (given up after 24 hours of retries, or withheld because the creator may no longer see the event).',
        tags: ['webhooks'],
        operationId: 'listWebhookDeliveries',
        params: IdParams,
        querystring: Type.Object({ limit: Limit(1000, 100) }),
        response: { 200: Type.Object({ items: Type.Array(Delivery) }), ...errors },
      },
    }, async (request) => {
      const hook = await loadManaged(request.principal!, request.params.id);
      const rows = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('platform_events as e', 'e.seq', 'd.event_seq')
        .select(['d.id', 'e.id as event_id', 'e.type', 'd.state', 'd.attempts', 'd.created_at', 'd.last_attempt_at', 'd.next_attempt_at', 'd.last_status', 'd.last_error', 'd.delivered_at'])
        .where('d.webhook_id', '=', hook.id)
        .orderBy('d.event_seq', 'desc')
        .limit(request.query.limit)
        .execute();
      return {
        items: rows.map((d) => ({
          id: d.id,
          eventId: d.event_id,
          type: d.type,
          state: d.state,
          attempts: d.attempts,
          createdAt: d.created_at.toISOString(),
          lastAttemptAt: d.last_attempt_at?.toISOString() ?? null,
          nextAttemptAt: d.state === 'pending' ? d.next_attempt_at.toISOString() : null,
          lastStatus: d.last_status,
          lastError: d.last_error,
          deliveredAt: d.delivered_at?.toISOString() ?? null,
        })),
      };
    });
  };
}
