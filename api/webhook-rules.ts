import { BlockList, isIP } from 'node:net';
import { EVENT_TYPES, type EventType } from '../core/events';
import type { Role } from '../schema/db';
import { ACTIONS, type Action } from './access';

/** Decisions about webhooks and the event feed (issue 13 items 4 and 5); pure, table-tested. */

// ---- Retries ----

export const RETRY_POLICY = {
  /** The wait after the first failed attempt; it doubles with each further failure… */
  firstDelayMs: 30_000,
  /** …up to this. */
  maxDelayMs: 3_600_000,
  /** A delivery still failing this long after its first attempt is given up (state failed). */
  giveUpAfterMs: 24 * 3_600_000,
} as const;

export type AfterFailure = { state: 'pending'; nextAttemptAt: Date } | { state: 'failed' };

/** What follows the `attempts`-th failed attempt (1 = the first), its first attempt made at `firstAttemptAt`. */
export function afterFailure(firstAttemptAt: Date, attempts: number, now: Date): AfterFailure {
  if (now.getTime() - firstAttemptAt.getTime() >= RETRY_POLICY.giveUpAfterMs) return { state: 'failed' };
  const delay = Math.min(RETRY_POLICY.firstDelayMs * 2 ** Math.max(0, attempts - 1), RETRY_POLICY.maxDelayMs);
  return { state: 'pending', nextAttemptAt: new Date(now.getTime() + delay) };
}

// ---- Receiver addresses ----

/** Ranges no webhook may reach unless EVIDENCE_WEBHOOK_ALLOW_PRIVATE=1: this host, private networks, link-local, and what is not unicast. */
const REFUSED_RANGES: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved and broadcast
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

function refusedRanges(): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of REFUSED_RANGES) list.addSubnet(address, prefix, family);
  return list;
}

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address (::ffff:a.b.c.d, 64:ff9b::a.b.c.d), else undefined. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const prefix = ['::ffff:', '64:ff9b::'].find((p) => lower.startsWith(p));
  if (!prefix) return undefined;
  const rest = lower.slice(prefix.length);
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (!hex) return undefined;
  const n = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Whether an IP address is loopback, private, link-local, unique-local or otherwise not a public unicast address. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return true; // not an address at all: never connect to it
  const v4 = family === 6 ? embeddedIpv4(bare) : bare;
  return v4 ? refusedRanges().check(v4, 'ipv4') : refusedRanges().check(bare, 'ipv6');
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Whether a receiver URL may be used: http or https, no credentials in it, and (unless private
 * receivers are allowed) no address of this host or a private network. A host name is checked
 * again when its addresses are resolved, at every delivery (`addressAllowed`).
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlCheck {
  if (!URL.canParse(raw)) return { ok: false, reason: 'not a URL' };
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `only http and https receivers are allowed, not ${url.protocol.replace(/:$/, '')}` };
  if (url.username || url.password) return { ok: false, reason: 'the URL must not carry a user name or password (the signature authenticates deliveries)' };
  if (!url.hostname) return { ok: false, reason: 'the URL has no host' };
  if (allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 ? isPrivateAddress(host) : host === 'localhost' || host.endsWith('.localhost')) {
    return { ok: false, reason: `${url.hostname} is a loopback or private address; receivers must be reachable public addresses (EVIDENCE_WEBHOOK_ALLOW_PRIVATE=1 allows others)` };
  }
  return { ok: true, url };
}

/** Whether a delivery may connect to an address its receiver's host name resolved to (against DNS rebinding). */
export const addressAllowed = (address: string, allowPrivate: boolean): boolean => allowPrivate || !isPrivateAddress(address);

// ---- Who sees which events ----

/** The action whose objects an event is about: who may read those may hear of the event. */
const READ_ACTION: Record<EventType, Action> = {
  'evidence.verified': 'evidence.read',
  'evidence.playable': 'evidence.read',
  'evidence.fixity_failed': 'evidence.read',
  'evidence.disposed': 'evidence.read',
  'case.created': 'case.read',
  'case.updated': 'case.read',
  'case.stage_changed': 'case.read',
  'case.evidence_linked': 'case.read',
  'case.evidence_unlinked': 'case.read',
  'export.ready': 'export.read',
  'reminder.issued': 'reminder.read',
  'reminder.responded': 'reminder.read',
  'reminder.returned': 'reminder.read',
  'reminder.closed': 'reminder.read',
};

/**
 * The event types a caller of this role hears of, among those asked for (all when undefined).
 * Which objects' events reach them is the scope of the same read actions (api/scoped.ts `visibleEvents`).
 */
export function visibleEventTypes(role: Role, subscribed?: readonly string[]): EventType[] {
  return EVENT_TYPES.filter((type) => (subscribed ?? EVENT_TYPES).includes(type) && (ACTIONS[READ_ACTION[type]].roles as readonly Role[]).includes(role));
}

/** Deliveries of one key go out in event order: a case's events, else one file's, else each on its own. */
export const orderKey = (event: { caseId: string | null; evidenceId: string | null; id: string }): string =>
  event.caseId ? `case:${event.caseId}` : event.evidenceId ? `evidence:${event.evidenceId}` : `event:${event.id}`;
