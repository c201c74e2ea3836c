import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../core/http';
import type { Principal } from '../core/principal';
import { hashToken } from '../core/tokens';
import { SESSION_COOKIE } from './identity';

/**
 * How long the checks of one viewing are reused by its next requests: who the caller is (token or
 * session), that the recording is in their scope and not disposed, which stored object answers,
 * and that the viewing is recorded (audit and custody). A player sends a Range request every few
 * milliseconds to seconds; redoing that database work for each one held streaming to a fraction of
 * the disk (the fixity verdict behind the ETag is still read each time). A revoked credential, a
 * caller who lost scope or a disposed recording is refused at the latest this long after the
 * change, by every replica (each keeps its own grants).
 */
export const VIEWING_GRANT_MS = 10_000;
/** Grants kept at most (oldest dropped first): one per caller and file being played. */
const MAX_GRANTS = 10_000;

/** Whether a grant made at `grantedAt` still stands at `now` (a clock set back ends it too). */
export function grantStands(grantedAt: number, now: number, ttlMs = VIEWING_GRANT_MS): boolean {
  return now >= grantedAt && now - grantedAt < ttlMs;
}

interface Grant {
  principal: Principal;
  object: unknown;
  at: number;
}

/**
 * Short-lived viewing grants, keyed by the caller's credential (hashed) and the path read: the
 * Range requests of one viewing after its first are served from the grant, without database work.
 * A grant is made only once a request was answered with success and its audit event written.
 */
export class ViewingGrants {
  private readonly grants = new Map<string, Grant>();
  private readonly pending = new WeakMap<FastifyRequest, Grant & { key: string }>();

  constructor(private readonly now: () => Date) {}

  /** The caller of a request a grant covers (for authentication), else undefined. */
  principalOf(request: FastifyRequest): Principal | undefined {
    return this.find(request)?.principal;
  }

  /** What the grant covering this request recorded about the object, else undefined. */
  objectOf<T>(request: FastifyRequest): T | undefined {
    return this.find(request)?.object as T | undefined;
  }

  /** Grants the rest of this viewing to the caller once this request is answered with success (see `settle`). */
  offer(request: FastifyRequest, principal: Principal, object: unknown): void {
    const key = keyOf(request);
    if (key) this.pending.set(request, { key, principal, object, at: this.now().getTime() });
  }

  /** Called as the answer leaves, after the audit hook: a grant only for a success whose audit event was written. */
  settle(request: FastifyRequest, status: number): void {
    const offered = this.pending.get(request);
    this.pending.delete(request);
    if (!offered || status < 200 || status >= 300) return;
    const { key, ...grant } = offered;
    this.grants.delete(key);
    if (this.grants.size >= MAX_GRANTS) this.grants.delete(this.grants.keys().next().value!);
    this.grants.set(key, grant);
  }

  private find(request: FastifyRequest): Grant | undefined {
    if (this.grants.size === 0) return undefined;
    const key = keyOf(request);
    const grant = key === undefined ? undefined : this.grants.get(key);
    if (!grant) return undefined;
    if (grantStands(grant.at, this.now().getTime())) return grant;
    this.grants.delete(key!);
    return undefined;
  }
}

/** The credential the request authenticates with (as `authenticate` picks it), and what it asks for. */
function keyOf(request: FastifyRequest): string | undefined {
  const bearer = bearerToken(request);
  const credential = bearer !== undefined ? `bearer ${bearer}` : request.cookies?.[SESSION_COOKIE] !== undefined ? `session ${request.cookies[SESSION_COOKIE]}` : undefined;
  return credential === undefined ? undefined : `${hashToken(credential)} ${request.method} ${request.url.split('?')[0]}`;
}
