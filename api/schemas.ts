import type { Readable } from 'node:stream';
import { Type, type TSchema } from 'typebox';

/** Schema pieces shared by the API's routes. */
export const ProblemBody = Type.Object(
  { type: Type.Optional(Type.String()), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()), instance: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
export const errors = { 400: ProblemBody, 401: ProblemBody, 403: ProblemBody, 404: ProblemBody, 409: ProblemBody, 503: ProblemBody };
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const Bytes = Type.Unsafe<Readable | string>({ type: 'string', format: 'binary' });
export const StringEnum = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

/** Opaque keyset cursors: the last row's sort key, base64url. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  return id && !Number.isNaN(date.getTime()) ? { at: date, id } : null;
}
