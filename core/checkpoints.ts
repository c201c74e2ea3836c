import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../schema/database';
import { verifyChain, type ChainName, type ChainVerdict } from './chain';
import type { SigningKey } from './signing-key';
import type { ObjectStore } from './store/port';
import { stampDigest, type TimestampClient } from './timestamp/rfc3161';

/**
 * Signed checkpoints of the hash chains' heads, written to the object store (outside the
 * database): a database superuser who rewrites rows and recomputes every hash still cannot
 * match a checkpoint signed with the platform key and time-stamped by the authority.
 *   checkpoints/<chain>/<seq>.json  canonical {chain, seq, hash, at, keyFingerprint}
 *   checkpoints/<chain>/<seq>.sig   raw Ed25519 signature over the .json bytes
 *   checkpoints/<chain>/<seq>.tsr   RFC 3161 response for SHA-256 of the .json bytes
 */
const CHAINS: ChainName[] = ['audit', 'custody'];
const key = (chain: string, seq: number, ext: string) => `checkpoints/${chain}/${String(seq).padStart(12, '0')}.${ext}`;

export interface CheckpointDeps {
  db: Db;
  store: ObjectStore;
  signingKey: SigningKey;
  timestamps: TimestampClient;
  now: () => Date;
}

/** Writes a checkpoint of each chain whose head moved since its last one; returns how many were written. */
export async function writeCheckpoints(deps: CheckpointDeps): Promise<number> {
  let written = 0;
  for (const chain of CHAINS) {
    const head = await deps.db.selectFrom('chain_heads').select(['seq', 'hash']).where('chain', '=', chain).executeTakeFirst();
    const seq = Number(head?.seq ?? 0);
    if (!head || seq === 0 || (await deps.store.stat(key(chain, seq, 'json')))) continue;
    const body = Buffer.from(canonicalize({ chain, seq, hash: head.hash, at: deps.now().toISOString(), keyFingerprint: deps.signingKey.fingerprint })!);
    const stamp = await stampDigest(deps.timestamps, createHash('sha256').update(body).digest('hex'));
    const signature = deps.signingKey.sign(body);
    // The .json goes last: its presence means the checkpoint is complete.
    await putBytes(deps.store, key(chain, seq, 'tsr'), Buffer.from(stamp.response));
    await putBytes(deps.store, key(chain, seq, 'sig'), signature);
    await putBytes(deps.store, key(chain, seq, 'json'), body);
    written += 1;
  }
  return written;
}

export function startCheckpoints(deps: CheckpointDeps & { log: { warn(o: object, m: string): void } }, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = writeCheckpoints(deps).catch((err: unknown) => deps.log.warn({ err: String(err) }, 'audit checkpoint not written; will retry'));
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}

export type CheckpointVerdict = { ok: true; checked: number } | { ok: false; checked: number; chain: string; seq: number; reason: string };

/**
 * Checks every stored checkpoint: its signature by the platform key, and that the chain row at
 * its seq still carries its hash. Names the first checkpoint the database no longer matches.
 */
export async function verifyCheckpoints(db: Db, store: ObjectStore, publicKeyPem: string): Promise<CheckpointVerdict> {
  const publicKey = createPublicKey(publicKeyPem);
  let checked = 0;
  for (const chain of CHAINS) {
    const table = chain === 'audit' ? 'audit_events' : 'custody_events';
    const keys: string[] = [];
    for await (const k of store.list(`checkpoints/${chain}/`)) if (k.endsWith('.json')) keys.push(k);
    for (const k of keys.sort()) {
      const body = await readBytes(store, k);
      const signature = await readBytes(store, k.replace(/\.json$/, '.sig')).catch(() => Buffer.alloc(0));
      const point = JSON.parse(body.toString('utf8')) as { seq: number; hash: string };
      const fail = (reason: string): CheckpointVerdict => ({ ok: false, checked, chain, seq: point.seq, reason });
      if (!signedBy(publicKey, body, signature)) return fail(`checkpoint ${k} is not signed by the platform key`);
      const row = await sql<{ hash: string }>`select hash from ${sql.table(table)} where seq = ${point.seq}`.execute(db);
      if (row.rows[0]?.hash !== point.hash) {
        return fail(`row ${point.seq} of the ${chain} chain no longer has the hash the signed checkpoint of ${k.split('/').pop()} recorded: the chain was rewritten at or before it`);
      }
      checked += 1;
    }
  }
  return { ok: true, checked };
}

function signedBy(publicKey: KeyObject, body: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, body, publicKey, signature);
  } catch {
    return false; // a truncated or missing signature
  }
}

async function putBytes(store: ObjectStore, k: string, bytes: Buffer): Promise<void> {
  await store.put(k, Readable.from([bytes]), bytes.length);
}

async function readBytes(store: ObjectStore, k: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(k)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export type TrailVerdict = ChainVerdict & { chain: ChainName; checkpoints: number };

/**
 * One chain, fully: its rows must hash together, and the stored signed checkpoints must still
 * match them (which catches a rewrite that recomputed every hash).
 */
export async function verifyTrail(db: Db, store: ObjectStore, publicKeyPem: string, chain: ChainName): Promise<TrailVerdict> {
  const verdict = await verifyChain(db, chain);
  if (!verdict.ok) return { chain, ...verdict, checkpoints: 0 };
  const points = await verifyCheckpoints(db, store, publicKeyPem);
  if (!points.ok && points.chain === chain) return { chain, ok: false, rows: verdict.rows, brokenAt: points.seq, reason: points.reason, checkpoints: points.checked };
  return { chain, ...verdict, checkpoints: points.checked };
}
