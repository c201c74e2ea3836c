import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { ScheduledHandler } from '../core/jobs';
import type { Principal } from '../core/principal';
import type { Db } from '../schema/database';
import { forUser, principalOfToken } from './identity';
import { scopeRedactor, visibleEvents } from './scoped';
import { addressAllowed, afterFailure, orderKey, visibleEventTypes } from './webhook-rules';

/**
 * Webhook delivery (issue 13 item 4), a scheduled task: each pass first turns newly committed
 * platform events into delivery rows for every webhook whose creator may see them, then POSTs the
 * due ones, signed, oldest first, one at a time per case (or file) and webhook. It runs under the
 * task's advisory lock (core/jobs.ts), so one process delivers at a time however many run it, and
 * apart from ingest: a slow receiver never holds up a commit.
 */

type Log = { info(o: object, m: string): void; warn(o: object, m: string): void };

export interface WebhookDeps {
  db: Db;
  now: () => Date;
  /** EVIDENCE_WEBHOOK_ALLOW_PRIVATE: receivers on loopback and private networks are allowed. */
  allowPrivate: boolean;
  log: Log;
  /** The receiver has this long to answer (default 10 s). */
  timeoutMs?: number;
  /** At most this much of an answer is read, the rest dropped (default 64 KiB). */
  maxResponseBytes?: number;
}

const TICK_MS = 1000;
const FAN_OUT_WINDOW = 1000;
const BATCH = 100;
const CONCURRENCY = 8;
/** A pass hands over at most this many rounds of due deliveries, then lets the next pass continue. */
const MAX_ROUNDS = 50;

type EventRow = { id: string; type: string; occurred_at: Date; data: Record<string, unknown> };

/**
 * Delivery bodies and feed items as `p` may see them: an event of a visible case may name a file or
 * case the reader may not see (footage of another unit linked to it); such ids read OUT_OF_SCOPE.
 */
export async function eventViews(db: Db, p: Principal, rows: EventRow[]) {
  const redact = await scopeRedactor(db, p, rows.map((r) => r.data));
  return rows.map((r) => ({ id: r.id, type: r.type, occurredAt: r.occurred_at.toISOString(), data: redact(r.data).value }));
}

/** The X-Evidence-Signature value: HMAC-SHA256 of the exact body bytes with the webhook's secret. */
export const signature = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** Who a webhook acts as: the token that made it, else its user; null once revoked or disabled. */
async function creatorOf(db: Db, hook: { id: string; created_by_token: string | null; created_by_user: string | null }): Promise<Principal | null> {
  if (hook.created_by_token) return principalOfToken(db, hook.created_by_token);
  return forUser(db, hook.created_by_user!, `webhook:${hook.id}`);
}

/** One pass: new events into deliveries, then the due deliveries out. */
export async function deliverWebhooks(deps: WebhookDeps, signal?: AbortSignal): Promise<{ queued: number; delivered: number; failed: number }> {
  const queued = await fanOut(deps);
  let delivered = 0;
  let failed = 0;
  for (let round = 0; round < MAX_ROUNDS && !signal?.aborted; round++) {
    const due = await dueDeliveries(deps.db, deps.now());
    if (due.length === 0) break;
    const creators = new Map<string, Promise<Principal | null>>();
    const outcomes = await inPool(due, CONCURRENCY, (d) => {
      if (!creators.has(d.webhook_id)) creators.set(d.webhook_id, creatorOf(deps.db, { id: d.webhook_id, created_by_token: d.created_by_token, created_by_user: d.created_by_user }));
      return attempt(deps, d, creators.get(d.webhook_id)!);
    });
    delivered += outcomes.filter((o) => o === 'delivered').length;
    failed += outcomes.filter((o) => o === 'failed').length;
  }
  return { queued, delivered, failed };
}

/** The scheduled task (core/jobs.ts `webhooks`). */
export function webhookTask(deps: WebhookDeps): ScheduledHandler {
  return { intervalMs: TICK_MS, run: (signal) => deliverWebhooks(deps, signal) };
}

/** Adds a delivery for each event since the webhook's mark that its creator may see, and moves the mark. */
async function fanOut(deps: WebhookDeps): Promise<number> {
  const { db } = deps;
  let queued = 0;
  for (const hook of await db.selectFrom('webhooks').select(['id', 'events', 'created_by_token', 'created_by_user']).execute()) {
    const creator = await creatorOf(db, hook);
    for (let full = true; full; ) {
      full = await db.transaction().execute(async (trx) => {
        const mark = await trx.selectFrom('webhooks').select('last_seq').where('id', '=', hook.id).forUpdate().skipLocked().executeTakeFirst();
        if (!mark) return false;
        // Events are numbered in commit order (core/events.ts), so none can still appear at or below this window's end.
        const window = await trx.selectFrom('platform_events').select('seq').where('seq', '>', mark.last_seq).orderBy('seq').limit(FAN_OUT_WINDOW).execute();
        const upTo = window[window.length - 1]?.seq;
        if (upTo === undefined) return false;
        const events = creator
          ? await visibleEvents(trx, creator, visibleEventTypes(creator.role, hook.events))
              .select(['seq', 'id', 'case_id', 'evidence_id'])
              .where('seq', '>', mark.last_seq)
              .where('seq', '<=', upTo)
              .orderBy('seq')
              .execute()
          : [];
        const now = deps.now();
        if (events.length > 0) {
          await trx
            .insertInto('webhook_deliveries')
            .values(events.map((e) => ({ webhook_id: hook.id, event_seq: e.seq, order_key: orderKey({ caseId: e.case_id, evidenceId: e.evidence_id, id: e.id }), created_at: now, next_attempt_at: now })))
            .onConflict((oc) => oc.columns(['webhook_id', 'event_seq']).doNothing())
            .execute();
        }
        await trx.updateTable('webhooks').set({ last_seq: upTo }).where('id', '=', hook.id).execute();
        queued += events.length;
        return window.length === FAN_OUT_WINDOW;
      });
    }
  }
  return queued;
}

/** Pending deliveries that are due and first in line: no earlier pending delivery of the same key to the same webhook. */
function dueDeliveries(db: Db, now: Date) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .innerJoin('platform_events as e', 'e.seq', 'd.event_seq')
    .select(['d.id', 'd.webhook_id', 'd.event_seq', 'd.attempts', 'd.first_attempt_at', 'w.url', 'w.secret', 'w.events', 'w.created_by_token', 'w.created_by_user', 'e.id as event_id', 'e.type', 'e.occurred_at', 'e.data'])
    .where('d.state', '=', 'pending')
    .where('d.next_attempt_at', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(exists(
        selectFrom('webhook_deliveries as x')
          .select('x.id')
          .whereRef('x.webhook_id', '=', 'd.webhook_id')
          .whereRef('x.order_key', '=', 'd.order_key')
          .where('x.state', '=', 'pending')
          .whereRef('x.event_seq', '<', 'd.event_seq'),
      )),
    )
    .orderBy('d.event_seq')
    .limit(BATCH)
    .execute();
}

type Due = Awaited<ReturnType<typeof dueDeliveries>>[number];

async function attempt(deps: WebhookDeps, d: Due, creator: Promise<Principal | null>): Promise<'delivered' | 'failed' | 'pending'> {
  const { db } = deps;
  const p = await creator;
  // The creator's sight is checked again now: a revoked token or a case taken from its unit stops the delivery.
  const visible = p && (await visibleEvents(db, p, visibleEventTypes(p.role, d.events)).select('seq').where('seq', '=', d.event_seq).executeTakeFirst());
  if (!visible) {
    await db.updateTable('webhook_deliveries').set({ state: 'failed', last_error: "withheld: the webhook's creator may no longer see this event" }).where('id', '=', d.id).where('state', '=', 'pending').execute();
    return 'failed';
  }
  const [view] = await eventViews(db, p, [{ id: d.event_id, type: d.type, occurred_at: d.occurred_at, data: d.data }]);
  const body = JSON.stringify(view);
  const startedAt = deps.now();
  const result = await post(new URL(d.url), body, {
    'content-type': 'application/json',
    'user-agent': 'evidence-platform-webhooks/1',
    'x-evidence-event': d.type,
    'x-evidence-delivery': d.event_id,
    'x-evidence-signature': signature(d.secret, body),
  }, deps).catch((error: unknown) => ({ status: null, error: error instanceof Error ? error.message : String(error) }));
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const attempts = d.attempts + 1;
  const firstAttemptAt = d.first_attempt_at ?? startedAt;
  const now = deps.now();
  const next = ok ? { state: 'delivered' as const } : afterFailure(firstAttemptAt, attempts, now);
  await db
    .updateTable('webhook_deliveries')
    .set({
      state: next.state,
      attempts,
      first_attempt_at: firstAttemptAt,
      last_attempt_at: startedAt,
      last_status: result.status,
      last_error: ok ? null : result.error.slice(0, 1000),
      ...(next.state === 'pending' ? { next_attempt_at: next.nextAttemptAt } : {}),
      ...(ok ? { delivered_at: now } : {}),
    })
    .where('id', '=', d.id)
    .where('state', '=', 'pending')
    .execute();
  if (!ok) deps.log.warn({ webhookId: d.webhook_id, eventId: d.event_id, attempts, err: result.error, state: next.state }, 'webhook delivery failed');
  return next.state;
}

type PostResult = { status: number; error: string } | { status: null; error: string };

/**
 * POSTs one delivery. Connects only to addresses that pass `addressAllowed`, checked on the
 * addresses actually connected to (a host name that resolves elsewhere at delivery time than it
 * did when the webhook was made is caught here). No redirects are followed; the answer is read up
 * to the cap and dropped.
 */
function post(url: URL, body: string, headers: Record<string, string>, deps: WebhookDeps): Promise<PostResult> {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const cap = deps.maxResponseBytes ?? 64 * 1024;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !addressAllowed(host, deps.allowPrivate)) return Promise.resolve({ status: null, error: `refused: ${host} is a loopback or private address` });
  // net.connect resolves through this (with `all` since Node 20's address-family selection).
  const lookup = (hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const refused = addresses.find((a) => !addressAllowed(a.address, deps.allowPrivate));
      if (refused || addresses.length === 0) return callback(new Error(`refused: ${hostname} resolves to ${refused?.address ?? 'no address'}, a loopback or private address`));
      return options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    let status: number | null = null;
    let excerpt = '';
    const settle = (error?: string) => {
      clearTimeout(timer);
      resolve(status === null ? { status: null, error: error ?? 'no answer' } : { status, error: `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}` });
    };
    const request = client.request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent: false, lookup: lookup as never }, (response) => {
      status = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        if (read < 500) excerpt += chunk.subarray(0, 500 - read).toString('utf8');
        read += chunk.length;
        if (read >= cap) response.destroy();
      });
      response.on('error', () => settle());
      response.on('close', () => settle());
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on('error', (error) => settle(error.message));
    request.end(body);
  });
}

/** Runs `work` over the items, at most `limit` at once, keeping their order in the results. */
async function inPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
