import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { FileRequest } from '../ingest/protocol';

/**
 * The station's durable memory of every recorder file it has handled, in SQLite (WAL, synchronous
 * FULL: a state written here survives kill -9 and power loss). A file is known by recorder serial,
 * raw path, size and modification time, so a re-docked recorder sends only what is new.
 *
 *   sending        announced to the platform (upload id known), not yet verified
 *   spooled        a verified copy is in the station spool, waiting to be uploaded
 *   verified       the platform verified it (evidence id known)
 *   purge-intent   about to be deleted from the recorder
 *   purge-deleted  deleted from the recorder; the custody event is still to be recorded
 *   purged         deleted and recorded
 */
export type FileState = 'sending' | 'spooled' | 'verified' | 'purge-intent' | 'purge-deleted' | 'purged';

export interface FileKey {
  serial: string;
  path: Buffer;
  size: number;
  mtimeMs: number;
}

/** What is needed to send the file later from the spool, as if from the bay it was docked in. */
export interface FileContext {
  bay: number;
  vidPid: string;
  officerNo: string | null;
  clockSkewMs: number | null;
  /** The file's metadata as announced to the platform, every field known or null. */
  metadata: Required<NonNullable<FileRequest['metadata']>> & { stationTime: string };
}

export interface JournalRow extends FileKey {
  display: string;
  state: FileState;
  uploadId: string | null;
  evidenceId: string | null;
  sha256: string | null;
  sm3: string | null;
  spoolFile: string | null;
  context: FileContext;
  purgedAt: string | null;
}

export class JournalLockedError extends Error {
  override name = 'JournalLockedError';
}

interface Stored {
  serial: string;
  path: Buffer;
  size: number;
  mtime_ms: number;
  display: string;
  state: FileState;
  upload_id: string | null;
  evidence_id: string | null;
  sha256: string | null;
  sm3: string | null;
  spool_file: string | null;
  context: string;
  purged_at: string | null;
}

const COLUMNS = 'serial, path, size, mtime_ms, display, state, upload_id, evidence_id, sha256, sm3, spool_file, context, purged_at';

export class Journal {
  private constructor(private readonly db: Database) {}

  /** Opens (creating) the journal and holds it exclusively: a second agent on the same home is refused. */
  static open(path: string): Journal {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, { timeout: 1000 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(`create table if not exists files (
        serial text not null, path blob not null, size integer not null, mtime_ms integer not null,
        display text not null, state text not null, upload_id text, evidence_id text, sha256 text, sm3 text,
        spool_file text, context text not null, purged_at text, updated_at text not null,
        primary key (serial, path, size, mtime_ms)) without rowid`);
      db.exec('begin exclusive; commit'); // takes the lock now, and keeps it (locking_mode exclusive)
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        throw new JournalLockedError(`another dock agent is already using ${path}; stop it first, or give this one its own --home`);
      }
      throw error;
    }
    return new Journal(db);
  }

  get(key: FileKey): JournalRow | undefined {
    const row = this.db
      .prepare<Stored>(`select ${COLUMNS} from files where serial = ? and path = ? and size = ? and mtime_ms = ?`)
      .get(key.serial, key.path, key.size, Math.floor(key.mtimeMs));
    return row && fromStored(row);
  }

  save(row: JournalRow): void {
    this.db
      .prepare(`insert or replace into files (${COLUMNS}, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(row.serial, row.path, row.size, Math.floor(row.mtimeMs), row.display, row.state, row.uploadId, row.evidenceId, row.sha256, row.sm3, row.spoolFile, JSON.stringify(row.context), row.purgedAt, new Date().toISOString());
  }

  delete(key: FileKey): void {
    this.db.prepare('delete from files where serial = ? and path = ? and size = ? and mtime_ms = ?').run(key.serial, key.path, key.size, Math.floor(key.mtimeMs));
  }

  /** Rows in one of `states`, important files first, then oldest first. */
  inStates(states: readonly FileState[], serial?: string): JournalRow[] {
    const marks = states.map(() => '?').join(', ');
    return this.db
      .prepare<Stored>(`select ${COLUMNS} from files where state in (${marks}) ${serial === undefined ? '' : 'and serial = ?'}
        order by json_extract(context, '$.metadata.important') desc, updated_at`)
      .all(...states, ...(serial === undefined ? [] : [serial]))
      .map(fromStored);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function fromStored(row: Stored): JournalRow {
  return {
    serial: row.serial,
    path: row.path,
    size: row.size,
    mtimeMs: row.mtime_ms,
    display: row.display,
    state: row.state,
    uploadId: row.upload_id,
    evidenceId: row.evidence_id,
    sha256: row.sha256,
    sm3: row.sm3,
    spoolFile: row.spool_file,
    context: JSON.parse(row.context) as FileContext,
    purgedAt: row.purged_at,
  };
}
