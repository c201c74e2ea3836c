import type { Readable } from 'node:stream';
import { sql, type SelectQueryBuilder } from 'kysely';
import { Type, type TSchema } from 'typebox';
import { Problem, ProblemBody, problemResponse } from '../core/errors';
import { UUID_TEXT } from '../core/ids';

/** Schema pieces shared by the API's routes. */
export { ProblemBody, problemResponse };
/** The refusals of an API route, each described (core/errors.ts PROBLEM_MEANINGS); 416 and 429 are added where they apply. */
export const errors = { 400: problemResponse(400), 401: problemResponse(401), 403: problemResponse(403), 404: problemResponse(404), 409: problemResponse(409), 422: problemResponse(422), 503: problemResponse(503) };
/**
 * A parameter with a default: optional to the caller (not `required` in the API document), yet
 * always present in the handler, where validation has filled the default in.
 */
export const Defaulted = <T extends TSchema>(schema: T): T => Type.Optional(schema) as unknown as T;
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const Bytes = Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' });
export const StringEnum = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

/**
 * Query and path parameters. PostgreSQL text cannot hold NUL, so a NUL must fail here as a 400,
 * not in the database as a 500; every free-text parameter is bounded and NUL-free.
 */
export const Text = (maxLength: number, options: { minLength?: number } = {}) => Type.String({ ...options, maxLength, pattern: '^[^\\u0000]*$' });
/**
 * A bounded integer parameter. ajv coerces "Infinity" and "1e400" to Infinity and then skips the
 * number keywords (they apply to finite numbers only); the inner type check refuses them.
 */
export const BoundedInt = (minimum: number, maximum: number, options: { default?: number } = {}) =>
  Type.Integer({ ...options, minimum, maximum, allOf: [{ type: 'integer' }] });
/** A page size: 1 to `maximum`. */
export const Limit = (maximum: number, fallback: number) => Defaulted(BoundedInt(1, maximum, { default: fallback }));
/** A time, as ISO 8601 with an offset; the pattern refuses the leap second JavaScript dates cannot hold. */
export const DateTime = Type.String({ format: 'date-time', maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}[Tt ]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$' });
/** Where a parsed request part holds a NUL (e.g. "body.metadata.officerNo"), or null: no route can store one. */
export function nulAt(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = key.includes('\u0000') ? `${path}.${JSON.stringify(key)}` : nulAt(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/** Opaque keyset cursors: the last row's sort key, base64url. */
export const Cursor = Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' });

// Milliseconds as JavaScript dates have them, or microseconds as PostgreSQL keeps them (the evidence search).
const CURSOR_TEXT = new RegExp(`^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3})(\\d{3})?Z\\|(${UUID_TEXT})$`);

/** `at` is a Date, or the database's own ISO text of a timestamp when milliseconds would merge rows. */
export function encodeCursor(at: Date | string, id: string): string {
  return Buffer.from(`${typeof at === 'string' ? at : at.toISOString()}|${id}`).toString('base64url');
}

/** A keyset page: the first `limit` rows (one more was fetched to learn whether more follow) and the cursor after them. */
export function keysetPage<R extends { id: string }>(rows: R[], limit: number, sortKey: (row: R) => Date | string): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(sortKey(last), last.id) : null };
}

/** The sort key of a cursor this server gave out (`exact`: as written, to the microsecond if it was); null for anything else. */
export function decodeCursor(cursor: string): { at: Date; exact: string; id: string } | null {
  const match = CURSOR_TEXT.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) return null;
  const at = new Date(`${match[1]}Z`);
  // Only the exact form the server wrote: no rolled-over dates (Feb 30 is not Mar 2).
  return !Number.isNaN(at.getTime()) && at.toISOString() === `${match[1]}Z` ? { at, exact: `${match[1]}${match[2] ?? ''}Z`, id: match[3]! } : null;
}

/** The cursor's sort key, or a 400 naming the parameter. */
export function cursorAfter(cursor: string): { at: Date; exact: string; id: string } {
  const after = decodeCursor(cursor);
  if (!after) throw new Problem(400, 'Bad Request', 'the cursor is not one this server gave out');
  return after;
}

/**
 * One page of a list shown newest first (supervision reviews and reminders): the rows of `table`
 * (a name or alias with `created_at`, `id`, `unit_id`) in the given units (null: every unit),
 * keyset-paged on (created_at, id) after the cursor.
 */
export async function newestFirstPage<R extends { id: string; created_at: Date }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table: the columns are named by `table`
  query: SelectQueryBuilder<any, any, R>,
  table: string,
  page: { units: readonly string[] | null; limit: number; cursor?: string },
): Promise<{ page: R[]; nextCursor: string | null }> {
  const column = (name: string) => sql.ref(`${table}.${name}`);
  const after = page.cursor ? cursorAfter(page.cursor) : undefined;
  const { units } = page;
  const rows = await query
    .$if(units !== null, (q) => q.where(units!.length > 0 ? sql<boolean>`${column('unit_id')} in (${sql.join(units!)})` : sql<boolean>`false`))
    .$if(after !== undefined, (q) => q.where(sql<boolean>`(${column('created_at')}, ${column('id')}) < (${after!.at}, ${after!.id})`))
    .orderBy(column('created_at'), 'desc')
    .orderBy(column('id'), 'desc')
    .limit(page.limit + 1)
    .execute();
  return keysetPage(rows, page.limit, (r) => r.created_at);
}
