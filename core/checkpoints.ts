import { createHash, createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../schema/database';
import { appendAudit, verifyChain, type ChainName, type ChainVerdict } from './chain';
import type { ScheduledHandler } from './jobs';
import { LOCKS, withAdvisoryLock } from './locks';
import type { SigningKey } from './signing-key';
import { pemToDer, sm2PointFromSpki, sm2Verify } from './sm2';
import type { ObjectStore } from './store/port';
import { stampDigest, type TimestampClient } from './timestamp/rfc3161';

/**
 * Signed checkpoints of the hash chains' heads, written to the object store (outside the
 * database): a database superuser who rewrites rows and recomputes every hash still cannot
 * match a checkpoint signed with the platform key and time-stamped by the authority.
 *   checkpoints/<chain>/<seq>-<set>.json  canonical {chain, seq, hash, at, keyFingerprint}
 *   checkpoints/<chain>/<seq>-<set>.sig   raw Ed25519 signature over the .json bytes
 *   checkpoints/<chain>/<seq>-<set>.sm2.sig   DER SM2 signature (SM3, ID 1234567812345678) over them
 *   checkpoints/<chain>/<seq>-<set>.tsr   RFC 3161 response for SHA-256 of the .json bytes
 * Each writer names its own set (a store has no transactions: two writers can never mix their
 * parts), and writes the .json last: its presence means the set is complete. Sets named
 * <seq>.json are from before sets were named; a .json without sm2KeyFingerprint is from before SM2
 * co-signatures (one that names it needs a valid .sm2.sig: the Ed25519 signature covers the name).
 */
const CHAINS: ChainName[] = ['audit', 'custody'];
const seqPrefix = (chain: string, seq: number) => `checkpoints/${chain}/${String(seq).padStart(12, '0')}`;

export interface CheckpointDeps {
  db: Db;
  store: ObjectStore;
  signingKey: SigningKey;
  timestamps: TimestampClient;
  now: () => Date;
  log?: { warn(o: object, m: string): void };
}

/**
 * Writes a checkpoint of each chain whose head moved since its last one, after verifying the
 * chain since that checkpoint: a broken segment is never signed (the refusal is recorded for
 * GET /api/fixity and audited). One writer at a time (advisory lock); returns how many were written.
 */
export async function writeCheckpoints(deps: CheckpointDeps): Promise<number> {
  const held = await withAdvisoryLock(deps.db, LOCKS.checkpoints, async () => {
    let written = 0;
    for (const chain of CHAINS) if (await writeCheckpoint(deps, chain)) written += 1;
    return written;
  });
  return held?.value ?? 0;
}

async function writeCheckpoint(deps: CheckpointDeps, chain: ChainName): Promise<boolean> {
  const last = await lastCheckpoint(deps.db, deps.store, deps.signingKey, chain);
  const verdict = await verifyChain(deps.db, chain, last);
  await recordTrailStatus(deps, chain, verdict);
  if (!verdict.ok || verdict.rows === 0 || verdict.rows === last?.seq) return false;
  const body = Buffer.from(canonicalize({ chain, seq: verdict.rows, hash: verdict.head, at: deps.now().toISOString(), keyFingerprint: deps.signingKey.fingerprint, sm2KeyFingerprint: deps.signingKey.sm2.fingerprint })!);
  const stamp = await stampDigest(deps.timestamps, createHash('sha256').update(body).digest('hex'));
  const base = `${seqPrefix(chain, verdict.rows)}-${randomUUID()}`;
  await putBytes(deps.store, `${base}.tsr`, Buffer.from(stamp.response));
  await putBytes(deps.store, `${base}.sig`, deps.signingKey.sign(body));
  await putBytes(deps.store, `${base}.sm2.sig`, deps.signingKey.sm2.sign(body));
  await putBytes(deps.store, `${base}.json`, body);
  await deps.db.updateTable('trail_status').set({ checkpoint_key: `${base}.json` }).where('chain', '=', chain).execute();
  return true;
}

/** The newest checkpoint set signed by the platform key: the one the writer noted last, else found by listing. */
async function lastCheckpoint(db: Db, store: ObjectStore, signingKeys: CheckpointKeys, chain: ChainName): Promise<Checkpoint | undefined> {
  const keys = verifyingKeys(signingKeys);
  const noted = await db.selectFrom('trail_status').select('checkpoint_key').where('chain', '=', chain).executeTakeFirst();
  const last = noted?.checkpoint_key ? await readSet(store, keys, noted.checkpoint_key).catch(() => undefined) : undefined;
  if (typeof last === 'object' && last.chain === chain) return last;
  for (const set of (await checkpointSets(store, chain)).reverse()) {
    const point = await readSet(store, keys, set);
    if (typeof point === 'object') return point;
  }
  return undefined;
}

/** The newest signed checkpoint of a chain as people see it: when, which row, which signatures. */
export async function newestCheckpoint(db: Db, store: ObjectStore, keys: CheckpointKeys, chain: ChainName): Promise<{ seq: number; at: string; algorithms: string[] } | undefined> {
  const point = await lastCheckpoint(db, store, keys, chain);
  return point && { seq: point.seq, at: point.at, algorithms: ['Ed25519', ...(point.sm2KeyFingerprint === undefined ? [] : ['SM2'])] };
}

/** Keeps the writer's verdict on a chain; a newly broken chain is audited once, not every minute. */
async function recordTrailStatus(deps: CheckpointDeps, chain: ChainName, verdict: ChainVerdict): Promise<void> {
  const values = { checked_at: deps.now(), ok: verdict.ok, broken_at: verdict.ok ? null : verdict.brokenAt, reason: verdict.ok ? null : verdict.reason };
  await deps.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('trail_status').select(['ok', 'broken_at']).where('chain', '=', chain).forUpdate().executeTakeFirst();
    await trx.insertInto('trail_status').values({ chain, ...values }).onConflict((oc) => oc.column('chain').doUpdateSet(values)).execute();
    if (verdict.ok || (before && !before.ok && Number(before.broken_at) === verdict.brokenAt)) return;
    deps.log?.warn({ chain, brokenAt: verdict.brokenAt, reason: verdict.reason }, 'refusing to sign a checkpoint of a broken chain');
    await appendAudit(trx, {
      actorId: null, actorName: 'checkpoint-writer', role: null, unitId: null, action: 'checkpoint.refused', objectType: 'trail', objectId: chain,
      objectUnitId: null, client: null, outcome: 'failed', details: { chain, brokenAt: verdict.brokenAt, reason: verdict.reason },
    });
  });
}

/** The checkpoint writer's last verdict on each chain. */
export async function trailStatus(db: Db) {
  const rows = await db.selectFrom('trail_status').selectAll().orderBy('chain').execute();
  return rows.map((r) => ({ chain: r.chain, ok: r.ok, checkedAt: r.checked_at.toISOString(), brokenAt: r.broken_at === null ? null : Number(r.broken_at), reason: r.reason }));
}

/** The scheduled checkpoint writer. */
export function checkpointTask(deps: CheckpointDeps, intervalMs: number): ScheduledHandler {
  return { intervalMs, run: () => writeCheckpoints(deps) };
}

interface Checkpoint {
  chain: string;
  seq: number;
  hash: string;
  at: string;
  sm2KeyFingerprint?: string;
}

/** The public halves a checkpoint is checked with: a SigningKey will do. */
export interface CheckpointKeys {
  publicKeyPem: string;
  sm2: { publicKeyPem: string };
}

interface VerifyingKeys {
  ed25519: KeyObject;
  /** The SM2 public point; never through node:crypto, which mishandles SM2 keys (core/sm2.ts). */
  sm2Point: string | null;
}

const verifyingKeys = (keys: CheckpointKeys): VerifyingKeys => ({
  ed25519: createPublicKey(keys.publicKeyPem),
  sm2Point: sm2PointFromSpki(pemToDer(keys.sm2.publicKeyPem, 'PUBLIC KEY') ?? new Uint8Array()),
});

/** The .json keys of a chain's checkpoint sets, oldest first. */
async function checkpointSets(store: ObjectStore, chain: ChainName): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of store.list(`checkpoints/${chain}/`)) if (k.endsWith('.json')) keys.push(k);
  return keys.sort();
}

/** A set's checkpoint when its signatures are the platform keys' over its .json; else why not. */
async function readSet(store: ObjectStore, keys: VerifyingKeys, jsonKey: string): Promise<Checkpoint | string> {
  const body = await readBytes(store, jsonKey);
  const signature = await readBytes(store, jsonKey.replace(/\.json$/, '.sig')).catch(() => Buffer.alloc(0));
  if (!signedBy(keys.ed25519, body, signature)) return `checkpoint ${jsonKey} is not signed by the platform's Ed25519 key`;
  const point = JSON.parse(body.toString('utf8')) as Checkpoint;
  if (point.sm2KeyFingerprint === undefined) return point;
  const sm2 = await readBytes(store, jsonKey.replace(/\.json$/, '.sm2.sig')).catch(() => Buffer.alloc(0));
  return keys.sm2Point && sm2Verify(body, sm2, keys.sm2Point) ? point : `checkpoint ${jsonKey} has no valid SM2 signature by the platform's SM2 key`;
}

export type CheckpointVerdict =
  | { ok: true; checked: number; sm2Signed: number; newest: Record<ChainName, { seq: number; at: string } | null> }
  | { ok: false; checked: number; chain: string; seq: number; reason: string };

/**
 * Checks every stored checkpoint: its signature by the platform key, and that the chain row at
 * its seq still carries its hash. Names the first checkpoint the database no longer matches; else
 * says how far each chain is covered.
 */
export async function verifyCheckpoints(db: Db, store: ObjectStore, signingKeys: CheckpointKeys): Promise<CheckpointVerdict> {
  const keys = verifyingKeys(signingKeys);
  let checked = 0;
  let sm2Signed = 0;
  const newest: Record<ChainName, { seq: number; at: string } | null> = { audit: null, custody: null };
  for (const chain of CHAINS) {
    const table = chain === 'audit' ? 'audit_events' : 'custody_events';
    for (const k of await checkpointSets(store, chain)) {
      const point = await readSet(store, keys, k);
      const name = k.split('/').pop();
      if (typeof point === 'string') return { ok: false, checked, chain, seq: Number(name?.slice(0, 12)), reason: point };
      const row = await sql<{ hash: string }>`select hash from ${sql.table(table)} where seq = ${point.seq}`.execute(db);
      if (row.rows[0]?.hash !== point.hash) {
        return { ok: false, checked, chain, seq: point.seq, reason: `row ${point.seq} of the ${chain} chain no longer has the hash the signed checkpoint of ${name} recorded: the chain was rewritten at or before it` };
      }
      checked += 1;
      if (point.sm2KeyFingerprint !== undefined) sm2Signed += 1;
      if (point.seq >= (newest[chain]?.seq ?? 0)) newest[chain] = { seq: point.seq, at: point.at };
    }
  }
  return { ok: true, checked, sm2Signed, newest };
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

export type TrailVerdict = ChainVerdict & {
  chain: ChainName;
  checkpoints: number;
  /** The newest row a verified signed checkpoint covers: rows after it are not yet covered. */
  covered?: { seq: number; at: string } | null;
  /** Which signatures the checkpoints carry and hold: "checkpoint signatures Ed25519 OK, SM2 OK (4)". */
  signatures?: string;
};

/** Says which signatures held, and how many checkpoints predate SM2 co-signatures. */
export function describeCheckpointSignatures(checked: number, sm2Signed: number): string {
  if (sm2Signed === checked) return `checkpoint signatures Ed25519 OK, SM2 OK (${checked})`;
  const absent = `SM2 absent on ${checked - sm2Signed} made before SM2 co-signatures`;
  return sm2Signed === 0 ? `checkpoint signatures Ed25519 OK (${checked}), ${absent}` : `checkpoint signatures Ed25519 OK (${checked}), SM2 OK (${sm2Signed}), ${absent}`;
}

/**
 * One chain, fully: its rows must hash together, and the stored signed checkpoints must still
 * match them (which catches a rewrite that recomputed every hash) up to the newest one.
 */
export async function verifyTrail(db: Db, store: ObjectStore, keys: CheckpointKeys, chain: ChainName): Promise<TrailVerdict> {
  const verdict = await verifyChain(db, chain);
  if (!verdict.ok) return { chain, ...verdict, checkpoints: 0 };
  const points = await verifyCheckpoints(db, store, keys);
  if (!points.ok && points.chain === chain) return { chain, ok: false, rows: verdict.rows, brokenAt: points.seq, reason: points.reason, checkpoints: points.checked };
  const signatures = points.ok && points.checked > 0 ? { signatures: describeCheckpointSignatures(points.checked, points.sm2Signed) } : {};
  return { chain, ...verdict, checkpoints: points.checked, covered: points.ok ? points.newest[chain] : null, ...signatures };
}
