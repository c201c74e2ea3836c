import type { Role } from '../schema/db';

/** Who is calling, as established from a credential; every access decision starts here. */
export interface Principal {
  kind: 'user' | 'token';
  /** User id, or token id for tokens that act for no user. */
  id: string;
  name: string;
  /** The person's name as people know them (users.display_name); null for system tokens and accounts without one. */
  displayName: string | null;
  role: Role;
  userId: string | null;
  unitId: string | null;
  officerNo: string | null;
  /** Units in an overseer's charge (分管). */
  oversees: string[];
  /** Session id for logins, token id for tokens: one viewing session is per this. */
  sessionKey: string;
  /** Route groups a token is limited to; empty means all its role allows. */
  scopes: string[];
}

