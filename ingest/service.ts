import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PassThrough, Transform } from 'node:stream';
import { sql } from 'kysely';
import { appendCustody } from '../core/chain';
import type { IngestPolicy } from '../core/config';
import { Problem } from '../core/errors';
import { enqueue } from '../core/jobs';
import { emitEvent } from '../core/events';
import { DualHasher, HashPool, type Digests } from '../core/hashing';
import { baseName, displayName, firstKnown } from '../core/names';
import { lockOriginals } from '../core/object-lock';
import { isAbandonedPartial, mayTakeOver, orphanAction, type UploadFacts } from './housekeeping';
import type { ObjectStore } from '../core/store/port';
import { ObjectNotFoundError, StoreUnavailableError } from '../core/store/port';
import type { Db } from '../schema/database';
import type { FileMetadata, UploadRow } from '../schema/db';
import type { CompleteResult, FileRequest, PurgeRecorded, SessionOpened, SessionRequest, UploadStatus } from './protocol';
import { isUploadId, type Staging } from './staging';
import { CATEGORY } from '../core/retention';
import { transcodeIfLikely } from '../core/transcode-requests';
import type { TranscodePolicy } from '../transcode/policy';

export interface IngestDeps {
  db: Db;
  store: ObjectStore;
  staging: Staging;
  maxFileBytes: number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  policy: Pick<IngestPolicy, 'uploadLeaseMs' | 'abandonedUploadMs'>;
  now?: () => Date;
  /** EVIDENCE_OBJECT_LOCK_HORIZON_DAYS (default 3650). */
  objectLockHorizonDays?: number;
  /** Told of received bytes and committed files (the metrics). */
  observe?: IngestObserver;
  /** EVIDENCE_TRANSCODE_POLICY (default smart): whether verification also queues the H.264 rendition. */
  transcodePolicy?: TranscodePolicy;
}

export interface IngestObserver {
  received(bytes: number): void;
  committed(bytes: number): void;
}

/** The sweep finishes a commit on behalf of a dock that never came back. */
const SWEEP: Dock = { credential: 'ingest-sweep', name: 'ingest-sweep', admin: true };

/** The dock calling: sessions and uploads belong to the credential that opened them (admins see all). */
export interface Dock {
  credential: string;
  name: string;
  admin: boolean;
}

/**
 * The offload protocol's server side: sessions, resumable uploads by offset, hashing while
 * receiving, then verify-and-commit. Partial bytes live in a staging folder until verified.
 */
export class IngestService {
  /** SHA-256 and SM3 of what arrives, on worker threads. */
  private readonly hashing = new HashPool();

  constructor(private readonly deps: IngestDeps) {}

  async openSession(req: SessionRequest, dock: Dock): Promise<SessionOpened> {
    const { db } = this.deps;
    const stationClock = req.stationClock ? new Date(req.stationClock) : new Date();
    const recorderClock = req.recorder.clock ? new Date(req.recorder.clock) : null;
    const skew = recorderClock ? recorderClock.getTime() - stationClock.getTime() : null;
    const sessionId = await db.transaction().execute(async (trx) => {
      const station = await trx
        .insertInto('stations')
        .values({ code: req.station.code, name: req.station.name ?? req.station.code, last_seen_at: new Date() })
        .onConflict((oc) => oc.column('code').doUpdateSet({ last_seen_at: new Date() }))
        .returning('id')
        .executeTakeFirstOrThrow();
      const bay = await trx
        .insertInto('bays')
        .values({ station_id: station.id, number: req.bay })
        .onConflict((oc) => oc.columns(['station_id', 'number']).doUpdateSet({ number: req.bay }))
        .returning('id')
        .executeTakeFirstOrThrow();
      const recorder = await trx
        .insertInto('recorders')
        .values({ serial: req.recorder.serial, vid_pid: req.recorder.vidPid ?? null, officer_no: req.recorder.officerNo ?? null, last_docked_at: new Date() })
        .onConflict((oc) =>
          oc.column('serial').doUpdateSet({
            last_docked_at: new Date(),
            vid_pid: sql`coalesce(excluded.vid_pid, recorders.vid_pid)`,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      const session = await trx
        .insertInto('offload_sessions')
        .values({
          station_id: station.id,
          bay_id: bay.id,
          recorder_id: recorder.id,
          officer_no: req.recorder.officerNo ?? null,
          recorder_clock: recorderClock,
          station_clock: stationClock,
          clock_skew_ms: skew,
          opened_by: dock.credential,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return session.id;
    });
    this.deps.log.info({ sessionId, station: req.station.code, bay: req.bay, recorder: req.recorder.serial, dock: dock.name }, 'offload session opened');
    return { sessionId, clockSkewMs: skew };
  }

  /** The dock is done with this docking (every file sent or given up): the bay is free again. */
  async closeSession(sessionId: string, dock: Dock): Promise<void> {
    const result = await this.deps.db
      .updateTable('offload_sessions')
      .set({ closed_at: new Date() })
      .where('id', '=', sessionId)
      .where('closed_at', 'is', null)
      .$if(!dock.admin, (q) => q.where('opened_by', '=', dock.credential))
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new Problem(404, 'Not Found', `no open offload session ${sessionId} of this dock`);
  }

  /** Starts receiving a file, or returns the upload already under way for the same recorder, path and size. */
  async createUpload(sessionId: string, req: FileRequest, dock: Dock): Promise<UploadStatus> {
    const { db, maxFileBytes } = this.deps;
    if (req.size > maxFileBytes) {
      throw new Problem(413, 'File Too Large', `${req.size} bytes is over the limit of ${maxFileBytes} bytes`);
    }
    const pathBytes = Buffer.from(req.pathBase64, 'base64');
    if (pathBytes.length === 0) throw new Problem(400, 'Bad Request', 'the file path is empty');
    const session = await db
      .selectFrom('offload_sessions')
      .select(['id', 'recorder_id', 'opened_by'])
      .where('id', '=', sessionId)
      .$if(!dock.admin, (q) => q.where('opened_by', '=', dock.credential))
      .executeTakeFirst();
    if (!session) throw new Problem(404, 'Not Found', `offload session ${sessionId} does not exist or was opened by another dock`);
    const m = req.metadata ?? {};
    const metadata: FileMetadata = {
      officerNo: m.officerNo ?? null,
      deviceSerial: m.deviceSerial ?? null,
      recordedAt: m.recordedAt ?? null,
      stationTime: m.stationTime ?? null,
      important: m.important ?? false,
    };
    const inserted = await db
      .insertInto('uploads')
      .values({
        session_id: sessionId,
        recorder_id: session.recorder_id,
        original_path: displayName(pathBytes),
        original_path_bytes: pathBytes,
        size: req.size,
        metadata: JSON.stringify(metadata),
      })
      .onConflict((oc) => oc.columns(['recorder_id', 'original_path_bytes', 'size']).where('state', '=', 'receiving').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return this.status(inserted.id, dock);
    const running = await db
      .selectFrom('uploads as u')
      .innerJoin('offload_sessions as s', 's.id', 'u.session_id')
      .selectAll('u')
      .select(['s.opened_by'])
      .select(sql<boolean>`coalesce(u.held_until > ${this.now()}, false)`.as('busy'))
      .select((eb) =>
        eb.or([
          eb.exists(eb.selectFrom('api_tokens as t').select('t.id').where(sql<string>`t.id::text`, '=', eb.ref('s.opened_by')).where('t.revoked_at', 'is not', null)),
          eb.exists(eb.selectFrom('user_sessions as us').select('us.id').where(sql<string>`us.id::text`, '=', eb.ref('s.opened_by')).where('us.revoked_at', 'is not', null)),
        ]).as('owner_revoked'),
      )
      .where('u.recorder_id', '=', session.recorder_id)
      .where('u.original_path_bytes', '=', pathBytes)
      .where('u.size', '=', String(req.size))
      .where('u.state', '=', 'receiving')
      .executeTakeFirst();
    if (!running) return this.createUpload(sessionId, req, dock); // it was verified or rejected in between: start afresh
    const now = this.now();
    const decision = mayTakeOver(
      { ownDock: dock.admin || running.opened_by === dock.credential, ownerRevoked: Boolean(running.owner_revoked), lastActivity: await this.lastActivity(running), busy: running.busy },
      now,
      this.deps.policy.uploadLeaseMs,
    );
    if (!decision.allowed) {
      throw new Problem(409, 'Upload Held', `another dock is sending this file; it may be taken over from ${decision.retryAt.toISOString()}`, {
        retryable: true,
        retryAt: decision.retryAt.toISOString(),
      });
    }
    if (decision.reason !== 'own') {
      // The file moves to this docking; its bytes and offset stay, so the new dock resumes where the old one stopped.
      await db.updateTable('uploads').set({ session_id: sessionId, taken_over_at: now, updated_at: now }).where('id', '=', running.id).where('state', '=', 'receiving').execute();
      this.deps.log.warn({ uploadId: running.id, from: running.session_id, to: sessionId, reason: decision.reason, dock: dock.name }, 'upload taken over by another dock');
    }
    return this.status(running.id, dock);
  }

  async status(uploadId: string, dock: Dock): Promise<UploadStatus> {
    const upload = await this.upload(uploadId, dock);
    return {
      uploadId,
      offset: upload.state === 'receiving' ? await this.heldBytes(upload) : Number(upload.size),
      size: Number(upload.size),
      state: upload.state,
      evidenceId: upload.evidence_id,
    };
  }

  /** Appends bytes at `offset`; the offset must equal what the server already holds. */
  async writeChunk(uploadId: string, offset: number, body: Readable, dock: Dock): Promise<UploadStatus> {
    return this.exclusive(uploadId, async () => {
      const upload = await this.upload(uploadId, dock);
      if (upload.state !== 'receiving') throw new Problem(409, 'Upload Finished', `upload is ${upload.state}`, { state: upload.state });
      const held = await this.heldBytes(upload);
      if (offset !== held) {
        throw new Problem(409, 'Offset Mismatch', `the server holds ${held} bytes; send from there`, { offset: held });
      }
      const size = Number(upload.size);
      if (upload.stored_at) return { uploadId, offset: size, size, state: 'receiving', evidenceId: null }; // all there; nothing may change it
      if (upload.staged_sha256 !== null) {
        // The staged bytes may change now (even a replica dying mid-write leaves some): their hashes no longer hold.
        await this.deps.db.updateTable('uploads').set({ staged_sha256: null, staged_sm3: null }).where('id', '=', uploadId).execute();
      }
      // Hashed on a worker thread while this one receives and writes the next bytes.
      const hasher = this.hashing.hasher();
      // A store that copies every byte (S3) gets them while they arrive, not after the last.
      const mirror = held === 0 && size > 0 && !this.deps.staging.commitMoves ? this.mirror(uploadId, size) : undefined;
      let received = held;
      const hashAndCount = new Transform({
        transform(chunk: Buffer, _enc, done) {
          received += chunk.length;
          if (received > size) return done(new Problem(413, 'Too Much Data', `the file was declared as ${size} bytes`));
          hasher.update(chunk).then(() => done(null, chunk), done);
        },
      });
      try {
        // Whoever staged the earlier bytes (this replica or another), their hash state is the staged file itself.
        await this.deps.staging.hashInto(hasher, uploadId, held);
        await this.deps.staging.append(uploadId, mirror ? [body, hashAndCount, mirror.tee] : [body, hashAndCount]);
        this.deps.observe?.received(received - held);
      } catch (error) {
        hasher.drop();
        if (received > size) await this.deps.staging.truncate(uploadId, held);
        if (error instanceof Problem) throw error;
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
          // What reached the disk stays and is the offset to resume from once space returns.
          const kept = await this.deps.staging.bytes(uploadId);
          this.deps.log.warn({ uploadId, held: kept }, 'staging is full; upload paused');
          throw new Problem(507, 'Insufficient Storage', `the platform's staging space is full; ${kept} bytes are kept, resume from there once space is freed`, {
            offset: kept,
            retryable: true,
          });
        }
        this.deps.log.warn({ uploadId, held: await this.deps.staging.bytes(uploadId), err: String(error) }, 'upload chunk cut off; the dock can resume');
        throw new Problem(400, 'Upload Interrupted', 'the request body ended early; ask for the offset and resume', {
          offset: await this.deps.staging.bytes(uploadId),
        });
      }
      try {
        if (received === size) {
          // The last byte is staged: keep the hashes on the row, so complete (on any replica) never re-reads the file.
          const digests = await hasher.digest();
          const stored = (await mirror?.stored) ?? false;
          const now = new Date();
          await this.deps.db
            .updateTable('uploads')
            .set({ staged_sha256: digests.sha256, staged_sm3: digests.sm3, ...(stored ? { stored_at: now, updated_at: now } : {}) })
            .where('id', '=', uploadId)
            .execute();
          if (stored) await this.discardStaging(uploadId);
        }
      } finally {
        hasher.drop();
      }
      return { uploadId, offset: received, size, state: 'receiving', evidenceId: null };
    });
  }

  /**
   * Compares the dock's hashes with ours; only a match becomes evidence, in one transaction.
   * Idempotent: the original goes to the upload's own key and stays there whatever happens to
   * the transaction, so a retry (or the sweep) finds it and commits exactly once.
   */
  async complete(uploadId: string, declared: Digests, dock: Dock): Promise<CompleteResult> {
    return this.exclusive(uploadId, async () => {
      const upload = await this.upload(uploadId, dock);
      if (upload.state === 'verified' && upload.evidence_id) {
        return this.existing(upload.evidence_id, declared, true);
      }
      if (upload.state !== 'receiving') throw new Problem(409, 'Upload Finished', `upload is ${upload.state}`, { state: upload.state });
      const size = Number(upload.size);
      const held = await this.heldBytes(upload);
      if (held !== size) throw new Problem(409, 'Upload Incomplete', `the server holds ${held} of ${size} bytes`, { offset: held });
      if (size === 0 && !upload.stored_at) await this.deps.staging.create(uploadId); // a zero-byte file never got a chunk

      const computed = await this.digests(upload);
      if (computed.sha256 !== declared.sha256.toLowerCase() || computed.sm3 !== declared.sm3.toLowerCase()) {
        return this.reject(upload, declared, computed);
      }
      const known = await this.findEvidence(upload, computed.sha256);
      if (known) {
        await this.finishUpload(upload, known);
        return this.existing(known, declared, true);
      }
      return this.commit(await this.storeOriginal(upload, computed), computed, dock.name);
    });
  }

  /**
   * Finds originals no evidence row points to: adopts those a dock's complete stored but could
   * not commit (re-hashed against the dock's declared hashes), removes strays and leftovers.
   */
  async sweepOriginals(now = this.now()): Promise<{ adopted: number; removed: number }> {
    const { db, store, log } = this.deps;
    const result = { adopted: 0, removed: 0 };
    let batch: string[] = [];
    const settle = async () => {
      const keys = batch;
      batch = [];
      if (keys.length === 0) return;
      const referenced = new Set((await db.selectFrom('evidence').select('storage_key').where('storage_key', 'in', keys).execute()).map((r) => r.storage_key));
      for (const key of keys.filter((k) => !referenced.has(k))) {
        const uploadId = key.slice(ORIGINALS.length);
        const upload = isUploadId(uploadId) ? await db.selectFrom('uploads').selectAll().where('id', '=', uploadId).executeTakeFirst() : undefined;
        const action = orphanAction(upload && (await this.facts(upload)), now, this.deps.policy.uploadLeaseMs);
        if (action === 'remove') {
          if (upload?.stored_at && !(await this.forgetStored(upload.id))) continue;
          await store.delete(key);
          result.removed += 1;
          log.warn({ key, uploadId: upload?.id }, 'removed an original no evidence row points to');
        } else if (action === 'adopt' && upload) {
          const adopted = await this.complete(upload.id, { sha256: upload.declared_sha256!, sm3: upload.declared_sm3! }, SWEEP).catch((error: unknown) => {
            log.warn({ key, uploadId: upload.id, err: String(error) }, 'could not adopt a stored original; trying again next sweep');
          });
          if (adopted) result.adopted += 1;
        }
      }
    };
    for await (const key of store.list(ORIGINALS)) {
      batch.push(key);
      if (batch.length >= 500) await settle();
    }
    await settle();
    return result;
  }

  /**
   * An upload stored while it arrived whose dock never completed it no longer counts as stored,
   * so its object may go. Under the upload's hold: false if a request holds it or it moved on.
   */
  private async forgetStored(uploadId: string): Promise<boolean> {
    return this.exclusive(uploadId, async () => {
      const forgotten = await this.deps.db
        .updateTable('uploads')
        .set({ stored_at: null, staged_sha256: null, staged_sm3: null, updated_at: new Date() })
        .where('id', '=', uploadId)
        .where('state', '=', 'receiving')
        .where('declared_sha256', 'is', null)
        .executeTakeFirst();
      return forgotten.numUpdatedRows > 0n;
    }).catch(() => false);
  }

  /** Deletes staged partials no dock can resume any more; their uploads start over from offset 0. */
  async reclaimStaging(now = this.now()): Promise<{ reclaimed: number; bytes: number }> {
    const { uploadIds, bytes } = await this.deps.staging.reclaim(async (uploadId) => {
      const upload = await this.deps.db
        .selectFrom('uploads')
        .selectAll()
        .select(sql<boolean>`coalesce(held_until > ${now}, false)`.as('busy'))
        .where('id', '=', uploadId)
        .executeTakeFirst();
      if (upload?.busy) return false;
      return isAbandonedPartial(upload && (await this.facts(upload)), now, this.deps.policy.abandonedUploadMs);
    });
    for (const uploadId of uploadIds) {
      this.deps.log.warn({ uploadId }, 'abandoned partial upload removed from staging');
    }
    return { reclaimed: uploadIds.length, bytes };
  }

  private async facts(upload: UploadRow): Promise<UploadFacts> {
    return { state: upload.state, stored: upload.stored_at !== null, declared: upload.declared_sha256 !== null && upload.declared_sm3 !== null, lastActivity: await this.lastActivity(upload) };
  }

  /** The row's last change, or the last byte staged if later. */
  private async lastActivity(upload: UploadRow): Promise<Date> {
    const staged = await this.deps.staging.lastWrite(upload.id);
    return staged && staged > upload.updated_at ? staged : upload.updated_at;
  }

  private now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }

  /**
   * A station deleted a verified file from the recorder: one 'recorder.purged' custody event per
   * upload (a repeated report, e.g. a retry after a lost answer, records nothing new).
   */
  async recordPurge(uploadId: string, purgedAt: Date | undefined, dock: Dock): Promise<PurgeRecorded> {
    const actor = dock.name;
    const upload = await this.upload(uploadId, dock);
    if (upload.state !== 'verified' || !upload.evidence_id) {
      throw new Problem(409, 'Not Verified', `upload is ${upload.state}: a file may be purged from a recorder only after the platform verified it`, { state: upload.state });
    }
    const evidenceId = upload.evidence_id;
    const recorded = await this.deps.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`purge:${uploadId}`}, 0))`.execute(trx);
      const earlier = await trx
        .selectFrom('custody_events')
        .select('seq')
        .where('evidence_id', '=', evidenceId)
        .where('action', '=', 'recorder.purged')
        .where(sql<string>`details->>'uploadId'`, '=', uploadId)
        .executeTakeFirst();
      if (earlier) return false;
      await appendCustody(trx, {
        evidenceId,
        action: 'recorder.purged',
        actor,
        details: { uploadId, sessionId: upload.session_id, path: upload.original_path, size: Number(upload.size), purgedAt: (purgedAt ?? new Date()).toISOString() },
      });
      return true;
    });
    if (recorded) this.deps.log.info({ uploadId, evidenceId, actor }, 'file purged from the recorder');
    return { evidenceId, recorded };
  }

  /**
   * Moves the verified bytes to the upload's own key and notes it (with the dock's hashes, so
   * the sweep can finish the commit if the dock never returns). The staged copy is gone after.
   */
  private async storeOriginal(upload: UploadRow, digests: Digests): Promise<UploadRow> {
    const { db, log } = this.deps;
    if (upload.stored_at && upload.declared_sha256) return upload; // an earlier complete got this far
    if (!upload.stored_at) {
      try {
        await this.deps.staging.commit(upload.id, originalKey(upload.id), Number(upload.size));
      } catch (error) {
        log.warn({ uploadId: upload.id, err: String(error) }, 'object store refused the original; upload kept for retry');
        throw storeProblem(error);
      }
    }
    const noted = { stored_at: upload.stored_at ?? new Date(), declared_sha256: digests.sha256, declared_sm3: digests.sm3, updated_at: new Date() };
    await db.updateTable('uploads').set(noted).where('id', '=', upload.id).execute();
    return { ...upload, ...noted };
  }

  private async commit(upload: UploadRow, digests: Digests, actor: string): Promise<CompleteResult> {
    const { db, log } = this.deps;
    const size = Number(upload.size);
    const key = originalKey(upload.id);
    const session = await db
      .selectFrom('offload_sessions as s')
      .innerJoin('recorders as r', 'r.id', 's.recorder_id')
      .innerJoin('stations as st', 'st.id', 's.station_id')
      .innerJoin('bays as b', 'b.id', 's.bay_id')
      .select(['s.id', 's.clock_skew_ms', 's.station_clock', 's.officer_no', 'r.serial', 'r.officer_no as bound_officer', 'st.code as station', 'b.number as bay'])
      .where('s.id', '=', upload.session_id)
      .executeTakeFirstOrThrow();
    const meta = upload.metadata;
    // Blank is unknown: an upload or session stored before blanks were refused must not hide the bound officer.
    const officerNo = firstKnown(meta.officerNo, session.bound_officer, session.officer_no);
    let evidenceId: string | undefined;
    let settled = null as string | null;
    try {
      evidenceId = await db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('uploads').select(['state', 'evidence_id']).where('id', '=', upload.id).forUpdate().executeTakeFirstOrThrow();
        if (current.state !== 'receiving') {
          settled = current.evidence_id; // another request (or the sweep) committed it meanwhile
          return undefined;
        }
        const unit = officerNo
          ? await trx.selectFrom('users').select('unit_id').where('officer_no', '=', officerNo).executeTakeFirst()
          : undefined;
        const row = await trx
          .insertInto('evidence')
          .values({
            recorder_id: upload.recorder_id,
            session_id: upload.session_id,
            upload_id: upload.id,
            size,
            sha256: digests.sha256,
            sm3: digests.sm3,
            original_path: upload.original_path,
            original_path_bytes: upload.original_path_bytes,
            original_name: baseName(upload.original_path),
            officer_no: officerNo,
            device_serial: session.serial,
            unit_id: unit?.unit_id ?? null,
            recorded_at: meta.recordedAt,
            station_time: meta.stationTime ?? session.station_clock,
            clock_skew_ms: session.clock_skew_ms,
            important: meta.important,
            category: meta.important ? CATEGORY.important : CATEGORY.general,
            storage_key: key,
          })
          .onConflict((oc) => oc.columns(['device_serial', 'original_path_bytes', 'size', 'sha256']).doNothing())
          .returning(['id', 'unit_id', 'recorded_at'])
          .executeTakeFirst();
        if (!row) return undefined; // lost a race with an identical upload: that one is the evidence
        await appendCustody(trx, {
          evidenceId: row.id,
          action: 'ingest.verified',
          actor,
          details: { sha256: digests.sha256, sm3: digests.sm3, size, station: session.station, bay: session.bay, sessionId: session.id, uploadId: upload.id, storageKey: key },
        });
        // Every original gets its passthrough, poster and thumbnails; the rendition as the policy says.
        await enqueue(trx, 'passthrough', { evidenceId: row.id });
        await transcodeIfLikely(trx, row.id, this.deps.transcodePolicy ?? 'smart');
        await trx.updateTable('uploads').set({ state: 'verified', evidence_id: row.id, updated_at: new Date() }).where('id', '=', upload.id).execute();
        await emitEvent(trx, {
          type: 'evidence.verified',
          evidenceId: row.id,
          unitId: row.unit_id,
          data: { id: row.id, sha256: digests.sha256, sm3: digests.sm3, size, recordedAt: row.recorded_at?.toISOString() ?? null, deviceSerial: session.serial, unitId: row.unit_id },
        });
        return row.id;
      });
    } catch (error) {
      // The object stays: if the connection died after COMMIT reached the database, the evidence
      // row points at it. A retry or the sweep settles the outcome.
      log.warn({ uploadId: upload.id, key, err: String(error) }, 'evidence transaction failed; the stored original is kept for the retry');
      throw error;
    }
    if (settled) return this.existing(settled, digests, true);
    if (!evidenceId) {
      const winner = await this.findEvidence(upload, digests.sha256);
      if (!winner) throw new Error('evidence insert conflicted but no evidence row was found');
      await this.finishUpload(upload, winner);
      return this.existing(winner, digests, true);
    }
    log.info({ evidenceId, uploadId: upload.id, size, sha256: digests.sha256 }, 'evidence verified and committed');
    this.deps.observe?.committed(size);
    // Only after the commit: an original that did not become evidence must stay removable by the sweep.
    await lockOriginals(this.deps, [evidenceId]);
    return { evidenceId, duplicate: false, mayPurge: true, ...digests };
  }

  private async reject(upload: UploadRow, declared: Digests, computed: Digests): Promise<never> {
    const rejection = { reason: 'hash mismatch', declared, computed, at: new Date().toISOString() };
    await this.deps.db
      .updateTable('uploads')
      .set({ state: 'rejected', rejection: JSON.stringify(rejection), updated_at: new Date() })
      .where('id', '=', upload.id)
      .execute();
    await this.discardStaging(upload.id);
    if (upload.stored_at) await this.deps.store.delete(originalKey(upload.id));
    this.deps.log.warn({ uploadId: upload.id, path: upload.original_path, ...rejection }, 'upload refused: hashes do not match');
    throw new Problem(422, 'Hash Mismatch', 'the bytes received do not match the declared hashes; nothing was stored. Send the file again.', {
      declared,
      computed,
    });
  }

  private async findEvidence(upload: UploadRow, sha256: string): Promise<string | undefined> {
    const row = await this.deps.db
      .selectFrom('evidence')
      .innerJoin('recorders', 'recorders.serial', 'evidence.device_serial')
      .select('evidence.id')
      .where('recorders.id', '=', upload.recorder_id)
      .where('evidence.original_path_bytes', '=', upload.original_path_bytes)
      .where('evidence.size', '=', upload.size)
      .where('evidence.sha256', '=', sha256)
      .executeTakeFirst();
    return row?.id;
  }

  /** The upload turned out to be a copy of existing evidence: it points there, and its own bytes go. */
  private async finishUpload(upload: UploadRow, evidenceId: string): Promise<void> {
    await this.deps.db.updateTable('uploads').set({ state: 'verified', evidence_id: evidenceId, updated_at: new Date() }).where('id', '=', upload.id).execute();
    await this.discardStaging(upload.id);
    if (upload.stored_at) await this.deps.store.delete(originalKey(upload.id));
  }

  private async existing(evidenceId: string, declared: Digests, duplicate: boolean): Promise<CompleteResult> {
    const row = await this.deps.db.selectFrom('evidence').select(['sha256', 'sm3']).where('id', '=', evidenceId).executeTakeFirstOrThrow();
    if (row.sha256 !== declared.sha256.toLowerCase() || row.sm3 !== declared.sm3.toLowerCase()) {
      throw new Problem(422, 'Hash Mismatch', 'this upload was already verified with different hashes', { evidenceId });
    }
    return { evidenceId, duplicate, mayPurge: true, sha256: row.sha256, sm3: row.sm3 };
  }

  /**
   * The hashes taken as the last byte arrived (staged, or put into the store while arriving); the
   * bytes are read again only for uploads that were received before such hashes were kept.
   */
  private async digests(upload: UploadRow): Promise<Digests> {
    const kept = upload.staged_sha256 && upload.staged_sm3 ? { sha256: upload.staged_sha256, sm3: upload.staged_sm3 } : undefined;
    if (!upload.stored_at) return kept ?? this.stagedDigests(upload.id);
    if (!kept) return this.storedDigests(upload);
    const info = await this.deps.store.stat(originalKey(upload.id)).catch((error: unknown) => {
      throw storeProblem(error);
    });
    return info?.size === Number(upload.size) ? kept : this.storedGone(upload);
  }

  private async stagedDigests(uploadId: string): Promise<Digests> {
    const hasher = this.hashing.hasher();
    try {
      await this.deps.staging.hashInto(hasher, uploadId);
      return await hasher.digest();
    } finally {
      hasher.drop();
    }
  }

  /** Re-reads an original an earlier complete already stored (its staged copy is gone). */
  private async storedDigests(upload: UploadRow): Promise<Digests> {
    const hasher = new DualHasher();
    try {
      for await (const chunk of await this.deps.store.get(originalKey(upload.id))) hasher.update(chunk as Buffer);
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw storeProblem(error);
      return this.storedGone(upload);
    }
    return hasher.digest();
  }

  /** The stored original was removed behind our back: the upload starts over rather than staying stuck. */
  private async storedGone(upload: UploadRow): Promise<never> {
    await this.deps.db.updateTable('uploads').set({ stored_at: null, staged_sha256: null, staged_sm3: null, updated_at: new Date() }).where('id', '=', upload.id).execute();
    throw new Problem(409, 'Upload Incomplete', 'the stored copy of this upload is gone; send the file again from offset 0', { offset: 0 });
  }

  /**
   * Puts the bytes of an upload into the store as they are staged (its staged copy stays the one
   * to resume from). Never fails the upload: `stored` says whether the store took them all.
   */
  private mirror(uploadId: string, size: number): { tee: Transform; stored: Promise<boolean> } {
    const feed = new PassThrough({ highWaterMark: 1 << 20 });
    feed.on('error', () => {}); // the put below reports it
    let alive = true;
    let resume: (() => void) | undefined;
    const wake = () => {
      resume?.();
      resume = undefined;
    };
    feed.on('drain', wake);
    const stored = this.deps.store.put(originalKey(uploadId), feed, size).then(
      () => true,
      (error: unknown) => {
        alive = false;
        wake();
        this.deps.log.warn({ uploadId, err: String(error) }, 'the store did not take the original while it arrived; complete will put the staged copy');
        return false;
      },
    );
    const tee = new Transform({
      transform(chunk: Buffer, _enc, done) {
        if (!alive || feed.destroyed || feed.write(chunk)) return done(null, chunk);
        resume = () => done(null, chunk);
      },
      flush(done) {
        feed.end();
        done();
      },
      destroy(error, done) {
        // Cut off: the put must fail too, leaving no object.
        if (!feed.writableEnded) feed.destroy(error ?? new Error('the upload was cut off'));
        done(error);
      },
    });
    return { tee, stored };
  }

  private async upload(uploadId: string, dock: Dock): Promise<UploadRow> {
    const row = await this.deps.db
      .selectFrom('uploads')
      .innerJoin('offload_sessions', 'offload_sessions.id', 'uploads.session_id')
      .selectAll('uploads')
      .where('uploads.id', '=', uploadId)
      .$if(!dock.admin, (q) => q.where('offload_sessions.opened_by', '=', dock.credential))
      .executeTakeFirst();
    if (!row) throw new Problem(404, 'Not Found', `upload ${uploadId} does not exist or belongs to another dock`);
    return row;
  }

  /** What the server holds of a receiving upload: the staged bytes, or all once the original is stored. */
  private async heldBytes(upload: UploadRow): Promise<number> {
    return upload.stored_at ? Number(upload.size) : this.deps.staging.bytes(upload.id);
  }

  private async discardStaging(uploadId: string): Promise<void> {
    await this.deps.staging.discard(uploadId);
  }

  /**
   * One request at a time per upload across every replica: a hold on the upload's row, renewed
   * while the request runs, so a replica that dies (or loses the database) lets go within HOLD_MS.
   * On the replicas' clocks (kept in step by NTP), like every other lease of the ingest.
   */
  private async exclusive<T>(uploadId: string, work: () => Promise<T>): Promise<T> {
    const { db } = this.deps;
    const token = randomUUID();
    const until = () => new Date(this.now().getTime() + HOLD_MS);
    const taken = await db
      .updateTable('uploads')
      .set({ held_by: token, held_until: until() })
      .where('id', '=', uploadId)
      .where((eb) => eb.or([eb('held_until', 'is', null), eb('held_until', '<=', this.now())]))
      .executeTakeFirst();
    if (taken.numUpdatedRows === 0n) {
      const held = await db.selectFrom('uploads').select('held_until').where('id', '=', uploadId).executeTakeFirst();
      if (!held) return work(); // answers the 404 (or whatever the request finds) without a hold
      // A dock waits this long at most: the hold of a replica that died runs out by then.
      const retryAfterSeconds = Math.max(1, Math.ceil(((held.held_until?.getTime() ?? 0) - this.now().getTime()) / 1000));
      throw new Problem(409, 'Upload Busy', 'another request for this upload is in progress; retry shortly', { retryable: true, retryAfterSeconds });
    }
    const renew = setInterval(() => {
      db.updateTable('uploads').set({ held_until: until() }).where('id', '=', uploadId).where('held_by', '=', token).execute().catch(() => {});
    }, HOLD_MS / 3);
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await db.updateTable('uploads').set({ held_by: null, held_until: null }).where('id', '=', uploadId).where('held_by', '=', token).execute().catch(() => {});
    }
  }
}

const ORIGINALS = 'originals/';

/** How long a request's hold on an upload lasts without renewal: the wait for a dock whose replica died. */
const HOLD_MS = 15_000;

/** Fixed per upload (and server-made), so every retry of a complete writes to and finds the same object. */
export const originalKey = (uploadId: string) => `${ORIGINALS}${uploadId}`;

function storeProblem(error: unknown): Problem {
  const detail = error instanceof StoreUnavailableError ? error.message : 'the object store failed';
  return new Problem(503, 'Store Unavailable', `${detail}; nothing was committed, complete the upload again later`, { retryable: true });
}
