import { Type } from 'typebox';
import { Problem } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import type { Db } from '../../schema/database';
import { Cursor, Limit, errors } from '../schemas';
import { visibleEvents } from '../scoped';
import { eventViews } from '../webhook-delivery';
import { visibleEventTypes } from '../webhook-rules';

const encodeSeq = (seq: string | number) => Buffer.from(`seq:${seq}`).toString('base64url');

function decodeSeq(cursor: string): string {
  const match = /^seq:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new Problem(400, 'Bad Request', 'after: the cursor is not one this server gave out (use a nextCursor, or leave it out to start from the oldest event)');
  return match[1]!;
}

const Event = Type.Object({
  id: Type.String({ description: 'the event id (the X-Evidence-Delivery of its webhook deliveries)' }),
  type: Type.String(),
  occurredAt: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

/** The pull feed (issue 13 item 5): the webhook events, in commit order, for systems that cannot receive calls. */
export function eventRoutes(deps: { db: Db }) {
  const { db } = deps;
  return async (app: HttpServer) => {
    app.get('/events', {
      config: { action: 'event.read' },
      schema: {
        summary: 'Read the event feed',
        description:
          'The same events webhooks deliver, as `{ id, type, occurredAt, data }`, in commit order, limited to what the caller may see. ' +
          'Start without `after`, then pass the `nextCursor` of each answer as `after` (keep it between polls: it is always given, also when no event is new). ' +
          'An event appears once its change committed and never moves: a reader that keeps its cursor misses none.',
        tags: ['events'],
        operationId: 'listEvents',
        querystring: Type.Object({
          after: Type.Optional(Cursor),
          limit: Limit(1000, 100),
        }),
        response: { 200: Type.Object({ items: Type.Array(Event), nextCursor: Type.String() }), ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const { after, limit } = request.query;
      const from = after ? decodeSeq(after) : '0';
      // The newest committed event, read first: the page looks no further, so a later commit is never passed over.
      const newest = (await db.selectFrom('platform_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst())?.seq ?? null;
      const rows = newest === null ? [] : await visibleEvents(db, p, visibleEventTypes(p.role))
        .select(['seq', 'id', 'type', 'occurred_at', 'data'])
        .where('seq', '>', from)
        .where('seq', '<=', newest)
        .orderBy('seq')
        .limit(limit)
        .execute();
      // A full page continues after its last event; a shorter one has seen everything up to the newest.
      const next = rows.length === limit ? rows[rows.length - 1]!.seq : newest !== null && BigInt(newest) > BigInt(from) ? newest : from;
      return { items: await eventViews(db, p, rows), nextCursor: encodeSeq(next) };
    });
  };
}
