import { Type, type Static } from 'typebox';
import type { Db } from '../schema/database';
import { Nullable } from './schemas';

/** A person as the pages show them: display name with 警号 where they have one (the login name as a fallback). */
export const Person = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Nullable(Type.String()),
  officerNo: Nullable(Type.String()),
});
export type Person = Static<typeof Person>;

/** The users among `ids` (ids of tokens acting for nobody are left out), by id. */
export async function peopleById(db: Db, ids: readonly (string | null)[]): Promise<Map<string, Person>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'username', 'display_name', 'officer_no']).where('id', 'in', wanted).execute();
  return new Map(rows.map((u) => [u.id, { id: u.id, username: u.username, displayName: u.display_name, officerNo: u.officer_no }]));
}
