import proxyAddr from '@fastify/proxy-addr';

/**
 * "Is this peer a trusted proxy", compiled by proxy-addr (the same code fastify uses for
 * `trustProxy`): addresses, CIDRs and proxy-addr's names (loopback, linklocal, uniquelocal).
 * Throws on an entry that is none of these.
 */
export function trustedProxies(list: readonly string[]): (address: string) => boolean {
  const trusts = proxyAddr.compile([...list]);
  return (address) => trusts(address, 0);
}

/** Where a request came from. */
export interface ClientAddress {
  /** The real client: the socket peer, or the client a trusted proxy forwarded for. */
  address: string;
  /** The TCP peer, which is what the audit and custody trails record as `client`. */
  peer: string;
  /** The hops taken from X-Forwarded-For (client first, as in the header), only when the peer is a trusted proxy. */
  forwardedFor: string | null;
}

/**
 * From fastify's `request.ips` (the socket peer, then each X-Forwarded-For hop it followed from
 * the nearest, stopping after the first untrusted one) to the client address.
 */
export function clientAddress(ips: readonly string[]): ClientAddress {
  const [peer, ...hops] = ips;
  if (peer === undefined) throw new Error('a request has at least its socket peer');
  return { address: hops.at(-1) ?? peer, peer, forwardedFor: hops.length > 0 ? [...hops].reverse().join(', ') : null };
}

/** As the audit and custody trails record it: `client` is the socket peer; `forwardedFor` only when a trusted proxy sent one. */
export function recorded(from: ClientAddress): { client: string; forwardedFor?: string } {
  return from.forwardedFor ? { client: from.peer, forwardedFor: from.forwardedFor } : { client: from.peer };
}

/**
 * The request id: a trusted proxy's X-Request-Id when it sent a sane one (so one id follows a request
 * through proxy and platform logs), else a fresh one. Anyone else's is ignored: a client must not be
 * able to write what it likes into our logs, nor make two requests look like one.
 */
export function requestId(header: string | string[] | undefined, fromTrustedProxy: boolean, fresh: () => string): string {
  return fromTrustedProxy && typeof header === 'string' && /^[\w.:@/+=-]{1,128}$/.test(header) ? header : fresh();
}
