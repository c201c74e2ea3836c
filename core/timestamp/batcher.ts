import { sql } from 'kysely';
import type { Db } from '../../schema/database';
import { merkleTree } from './merkle';
import { fromHex, toHex } from './pki';
import type { TimestampClient } from './rfc3161';
import type { ManifestTimestamp } from './verify';
import type { ScheduledHandler } from '../jobs';

/**
 * Batched time-stamping of originals. Every new evidence row is queued by a database trigger in
 * the transaction that creates it. A cycle (1) puts the queued files into batches, each an RFC
 * 9162 Merkle tree over the files' SHA-256 digests (leaf data = the 32 digest bytes), storing each
 * file's leaf index and audit path; then (2) asks the authority for one token per pending batch
 * root, verifies it and stores it. An authority that fails leaves the batch pending, retried with
 * backoff; nothing is dropped and the age of the oldest pending file is always queryable.
 *
 * Safe with several platform processes: batching is serialized by an advisory lock, and a batch
 * being stamped is leased (its next attempt pushed forward) so no two processes send it at once.
 */

export interface TimestampDeps {
  db: Db;
  client: TimestampClient;
  clock: () => Date;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Most files in one batch. */
  maxBatch: number;
}

/** Arbitrary constant naming the advisory lock that serializes batch creation. */
const BATCHING_LOCK = 3161_9162;
/** A claimed batch is not handed to another process for this long (well above any request timeout). */
const LEASE_MS = 5 * 60_000;

/** Wait before retry number `attempts` + 1: 10 s doubling up to 10 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
}

export interface CycleResult {
  batches: number;
  batched: number;
  stamped: number;
  failed: number;
}

export async function runTimestampCycle(deps: TimestampDeps): Promise<CycleResult> {
  const made = await batchQueued(deps);
  const sent = await stampDue(deps);
  return { ...made, ...sent };
}

/** Puts every queued file into batches of at most maxBatch files, oldest first, one transaction per batch. */
async function batchQueued(deps: TimestampDeps): Promise<{ batches: number; batched: number }> {
  let batches = 0;
  let batched = 0;
  for (;;) {
    const count = await deps.db.transaction().execute(async (trx) => {
      // Another process batching right now will take these files; skip this round.
      const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${BATCHING_LOCK}) as locked`.execute(trx);
      if (!lock.rows[0]?.locked) return 0;
      const queued = await trx
        .selectFrom('timestamp_leaves as l')
        .innerJoin('evidence as e', 'e.id', 'l.evidence_id')
        .select(['l.evidence_id', 'e.sha256'])
        .where('l.batch_id', 'is', null)
        .orderBy('e.received_at')
        .orderBy('e.id')
        .limit(deps.maxBatch)
        .execute();
      if (queued.length === 0) return 0;
      const tree = await merkleTree(queued.map((q) => fromHex(q.sha256)));
      const now = deps.clock();
      const batch = await trx
        .insertInto('timestamp_batches')
        .values({ root: toHex(tree.root), tree_size: tree.size, created_at: now, next_attempt_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const leaves = queued.map((q, i) => ({ id: q.evidence_id, leaf_index: i, audit_path: tree.inclusionProof(i).map(toHex) }));
      // One statement for the whole batch (thousands of rows), the rows passed as one JSON value.
      await sql`
        update timestamp_leaves l set batch_id = ${batch.id}, leaf_index = v.leaf_index, audit_path = v.audit_path
        from jsonb_to_recordset(${JSON.stringify(leaves)}::jsonb) as v(id uuid, leaf_index integer, audit_path text[])
        where l.evidence_id = v.id`.execute(trx);
      deps.log.info({ batchId: batch.id, files: tree.size, root: toHex(tree.root) }, 'time-stamp batch made');
      return queued.length;
    });
    if (count === 0) break;
    batches += 1;
    batched += count;
    if (count < deps.maxBatch) break;
  }
  return { batches, batched };
}

/** Requests, verifies and stores a token for every pending batch that is due, oldest first. */
async function stampDue(deps: TimestampDeps): Promise<{ stamped: number; failed: number }> {
  const { db, clock, log } = deps;
  let stamped = 0;
  for (;;) {
    const now = clock();
    const batch = await db
      .updateTable('timestamp_batches')
      .set({ next_attempt_at: new Date(now.getTime() + LEASE_MS) })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('timestamp_batches')
          .select('id')
          .where('state', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(1)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'root', 'attempts', 'created_at'])
      .executeTakeFirst();
    if (!batch) return { stamped, failed: 0 };
    try {
      const stamp = await deps.client.stamp(fromHex(batch.root));
      await db
        .updateTable('timestamp_batches')
        .set({
          state: 'stamped',
          attempts: batch.attempts + 1,
          last_error: null,
          stamped_at: clock(),
          token: Buffer.from(stamp.response),
          gen_time: stamp.genTime,
          authority: stamp.authority,
          policy: stamp.policy,
          serial: stamp.serial,
          chain_pem: stamp.chainPem,
        })
        .where('id', '=', batch.id)
        .where('state', '=', 'pending')
        .execute();
      stamped += 1;
      log.info({ batchId: batch.id, genTime: stamp.genTime, authority: stamp.authority, serial: stamp.serial }, 'time-stamp batch stamped');
    } catch (error) {
      const attempts = batch.attempts + 1;
      const delay = retryDelayMs(attempts);
      const failedAt = clock();
      const message = error instanceof Error ? error.message : String(error);
      await db
        .updateTable('timestamp_batches')
        .set({ attempts, last_error: message, next_attempt_at: new Date(failedAt.getTime() + delay) })
        .where('id', '=', batch.id)
        .where('state', '=', 'pending')
        .execute();
      log.warn(
        { batchId: batch.id, attempts, pendingForMs: failedAt.getTime() - batch.created_at.getTime(), retryInMs: delay, err: message },
        'time-stamping failed; the batch stays pending and will be retried',
      );
      // The authority is probably down or misbehaving: leave the other batches for their own next attempt.
      return { stamped, failed: 1 };
    }
  }
}

/**
 * The scheduled time-stamping: batching every `intervalMs`, or as soon as maxBatch files are
 * queued, and stamping due batches every `pollMs`.
 */
export function timestampTask(deps: TimestampDeps, options: { intervalMs: number; pollMs?: number }): ScheduledHandler {
  let lastBatching = -Infinity;
  return {
    intervalMs: options.pollMs ?? Math.min(5_000, options.intervalMs),
    run: async () => {
      const now = deps.clock().getTime();
      if (now - lastBatching >= options.intervalMs || (await queuedCount(deps.db, deps.maxBatch)) >= deps.maxBatch) {
        await batchQueued(deps);
        lastBatching = now;
      }
      await stampDue(deps);
    },
  };
}

async function queuedCount(db: Db, atMost: number): Promise<number> {
  const row = await db
    .selectFrom((eb) => eb.selectFrom('timestamp_leaves').select('evidence_id').where('batch_id', 'is', null).limit(atMost).as('q'))
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Where a file sits in its batch's tree. */
export interface BatchPosition {
  /** The batch id: the token is `timestamps/<tokenRef>.tsr` in an export. */
  tokenRef: string;
  root: string;
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
}

export type EvidenceTimestamp =
  | ({ state: 'stamped'; genTime: Date; authority: string; policy: string } & BatchPosition)
  | ({ state: 'pending'; pendingSince: Date; attempts: number; lastError: string | null } & Partial<BatchPosition>);

/** The time-stamp of one original, for GET /api/evidence/:id; undefined for an unknown id. */
export async function timestampOf(db: Db, evidenceId: string): Promise<EvidenceTimestamp | undefined> {
  const row = await db
    .selectFrom('timestamp_leaves as l')
    .leftJoin('timestamp_batches as b', 'b.id', 'l.batch_id')
    .select(['l.queued_at', 'l.batch_id', 'l.leaf_index', 'l.audit_path', 'b.root', 'b.tree_size', 'b.state', 'b.attempts', 'b.last_error', 'b.gen_time', 'b.authority', 'b.policy'])
    .where('l.evidence_id', '=', evidenceId)
    .executeTakeFirst();
  if (!row) return undefined;
  const position =
    row.batch_id !== null && row.root !== null && row.tree_size !== null
      ? { tokenRef: row.batch_id, root: row.root, leafIndex: row.leaf_index!, treeSize: row.tree_size, auditPath: row.audit_path! }
      : undefined;
  if (position && row.state === 'stamped') {
    return { state: 'stamped', genTime: row.gen_time!, authority: row.authority!, policy: row.policy!, ...position };
  }
  return { state: 'pending', pendingSince: row.queued_at, attempts: row.attempts ?? 0, lastError: row.last_error ?? null, ...position };
}

/** How far behind time-stamping is, for status pages and alerts. */
export async function timestampBacklog(db: Db): Promise<{ queued: number; pendingBatches: number; oldestPendingSince: Date | null; lastError: string | null }> {
  const queued = await db
    .selectFrom('timestamp_leaves')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('queued_at').as('oldest')])
    .where('batch_id', 'is', null)
    .executeTakeFirstOrThrow();
  const pending = await db
    .selectFrom('timestamp_batches')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('state', '=', 'pending')
    .executeTakeFirstOrThrow();
  const failing = await db
    .selectFrom('timestamp_batches')
    .select('last_error')
    .where('state', '=', 'pending')
    .where('last_error', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const oldest = [queued.oldest, pending.oldest].filter((d): d is Date => d instanceof Date).sort((a, b) => a.getTime() - b.getTime())[0];
  return { queued: Number(queued.n), pendingBatches: Number(pending.n), oldestPendingSince: oldest ?? null, lastError: failing?.last_error ?? null };
}

/** What an export package needs for a set of originals; files not stamped yet are left out of `manifest`. */
export interface ExportedTimestamps {
  /** Per evidence id, the manifest's `timestamp` object. */
  manifest: Map<string, ManifestTimestamp>;
  /** The `timestamps/` files, one DER TimeStampResp per batch. */
  tokens: { path: string; der: Uint8Array }[];
  /** Every certificate those tokens chain through, once each: the package's `tsa-chain.pem`. */
  chainPem: string;
}

export async function exportTimestamps(db: Db, evidenceIds: readonly string[]): Promise<ExportedTimestamps> {
  const rows =
    evidenceIds.length === 0
      ? []
      : await db
          .selectFrom('timestamp_leaves as l')
          .innerJoin('timestamp_batches as b', 'b.id', 'l.batch_id')
          .select(['l.evidence_id', 'l.leaf_index', 'l.audit_path', 'b.id', 'b.root', 'b.tree_size', 'b.token', 'b.chain_pem'])
          .where(sql<boolean>`l.evidence_id = any(${evidenceIds as string[]}::uuid[])`)
          .where('b.state', '=', 'stamped')
          .execute();
  const manifest = new Map<string, ManifestTimestamp>();
  const tokens = new Map<string, Uint8Array>();
  const certificates = new Set<string>();
  for (const row of rows) {
    const path = tokenPath(row.id);
    manifest.set(row.evidence_id, { token: path, root: row.root, leafIndex: row.leaf_index!, treeSize: row.tree_size, auditPath: row.audit_path! });
    tokens.set(path, new Uint8Array(row.token!));
    for (const cert of row.chain_pem!.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? []) certificates.add(cert.trimEnd() + '\n');
  }
  return { manifest, tokens: [...tokens].map(([path, der]) => ({ path, der })), chainPem: [...certificates].join('') };
}

function tokenPath(batchId: string): string {
  return `timestamps/${batchId}.tsr`;
}
