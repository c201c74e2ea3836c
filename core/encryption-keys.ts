import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { ConfigError, type EncryptionConfig } from './config';
import { unwrapDataKey, wrapDataKey, type DataKeyRepository, type MasterKey, type StoreEncryption } from './store/encrypted';
import type { ObjectStore } from './store/port';
import type { Db } from '../schema/database';

/**
 * The master keys of the encryption at rest (docs/encryption.md): loading the key file, the check
 * at start that it is a key this platform knows, the data key table, and rotation.
 */

const MASTER_KEY_BYTES = 32;
/** The check value is this many zero bytes sealed under the master key, with its own additional data. */
const CHECK_ID = 'master-key-check';

/** The fingerprint data keys record: HMAC-SHA-256 of a fixed label, so it names the key without revealing it. */
export function masterKeyFrom(key: Buffer): MasterKey {
  return { id: createHmac('sha256', key).update('evidence master key id').digest('hex').slice(0, 16), key };
}

/** Reads a master key file (exactly 32 bytes); creates it (mode 0600) when `generate` and it is missing. */
export async function loadMasterKey(file: string, generate = false): Promise<MasterKey> {
  let key = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' && generate) return null;
    throw new ConfigError(`cannot read the master key file ${file}: ${err.message}`);
  });
  if (!key) {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, randomBytes(MASTER_KEY_BYTES), { mode: 0o600, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err; // another process generated it first: use theirs
    });
    key = await readFile(file);
  }
  if (key.length !== MASTER_KEY_BYTES) {
    throw new ConfigError(`the master key file ${file} must hold exactly ${MASTER_KEY_BYTES} random bytes (e.g. \`head -c 32 /dev/urandom > ${file}\`), it holds ${key.length}`);
  }
  return masterKeyFrom(key);
}

export function pgDataKeys(db: Db): DataKeyRepository {
  return {
    save: async (keyId, { masterKeyId, wrapped }) => {
      await db.insertInto('data_keys').values({ key_id: keyId, master_key_id: masterKeyId, wrapped_key: wrapped }).execute();
    },
    wrappings: async (keyId) =>
      (await db.selectFrom('data_keys').select(['master_key_id', 'wrapped_key']).where('key_id', '=', keyId).execute()).map((r) => ({
        masterKeyId: r.master_key_id,
        wrapped: r.wrapped_key,
      })),
    remove: async (keyId) => {
      await db.deleteFrom('data_keys').where('key_id', '=', keyId).execute();
    },
  };
}

/** Registers a master key (idempotent): its check value lets a later start tell a wrong key file. */
async function register(db: Db, masterKey: MasterKey): Promise<void> {
  const check = wrapDataKey(masterKey, CHECK_ID, Buffer.alloc(MASTER_KEY_BYTES));
  await db.insertInto('master_keys').values({ id: masterKey.id, check_value: check }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

async function registered(db: Db): Promise<{ id: string; check_value: Buffer }[]> {
  return db.selectFrom('master_keys').select(['id', 'check_value']).orderBy('created_at').execute();
}

/**
 * What the store needs to encrypt, after the checks a start must fail on: encryption turned off
 * on an encrypted store, a master key file that is not one of this platform's keys, or encryption
 * turned on over a store that already holds objects in the clear. Null when encryption is off.
 */
export async function openStoreEncryption(db: Db, config: EncryptionConfig | null, inner: ObjectStore): Promise<StoreEncryption | null> {
  const known = await registered(db);
  if (!config) {
    if (known.length > 0) {
      throw new ConfigError(`the object store is encrypted (master key ${known.map((k) => k.id).join(', ')} is registered in the database) but EVIDENCE_ENCRYPTION is not set: set EVIDENCE_ENCRYPTION=sm4 (or aes) and EVIDENCE_MASTER_KEY_FILE`);
    }
    return null;
  }
  const masterKey = await loadMasterKey(config.masterKeyFile, config.generateMasterKey && known.length === 0);
  const mine = known.find((k) => k.id === masterKey.id);
  if (mine) {
    unwrapDataKey(masterKey, CHECK_ID, mine.check_value); // throws if the check value was tampered with
  } else if (known.length > 0) {
    throw new ConfigError(
      `the master key in ${config.masterKeyFile} (id ${masterKey.id}) is not a master key of this platform (registered: ${known.map((k) => k.id).join(', ')}): ` +
        'wrong key file, or a key retired by `evidence keys rotate --retire`; without the right key no object can be read',
    );
  } else {
    for await (const key of inner.list('')) {
      throw new ConfigError(`EVIDENCE_ENCRYPTION is set but ${inner.description} already holds objects stored in the clear (e.g. ${key}); encryption can only be turned on for an empty store`);
    }
    await register(db, masterKey);
  }
  return { cipher: config.cipher, masterKey, keys: pgDataKeys(db) };
}

export interface RotationResult {
  /** Data keys given a wrapping under the new master key by this run. */
  rewrapped: number;
  /** Master keys forgotten (with --retire), so their key files no longer open anything. */
  retired: string[];
}

/**
 * Re-wraps every data key under `next`, unwrapping it with `current`; objects are not touched.
 * The old wrappings stay, so processes still running with `current` read every object meanwhile;
 * `retire` then drops every wrapping and master key other than `next`. Resumable: a rerun picks
 * up the data keys that still lack a wrapping under `next` (including ones written meanwhile).
 */
export async function rotateMasterKey(db: Db, current: MasterKey, next: MasterKey, options: { retire: boolean; batch?: number }): Promise<RotationResult> {
  if (current.id === next.id && !options.retire) throw new ConfigError('the new master key is the key already in use');
  await register(db, next);
  let rewrapped = 0;
  while (current.id !== next.id) {
    const rows = await db
      .selectFrom('data_keys as d')
      .select(['d.key_id', 'd.wrapped_key'])
      .where('d.master_key_id', '=', current.id)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('data_keys as n').select('n.key_id').whereRef('n.key_id', '=', 'd.key_id').where('n.master_key_id', '=', next.id))),
      )
      .limit(options.batch ?? 500)
      .execute();
    if (rows.length === 0) break;
    await db
      .insertInto('data_keys')
      .values(rows.map((r) => ({ key_id: r.key_id, master_key_id: next.id, wrapped_key: wrapDataKey(next, r.key_id, unwrapDataKey(current, r.key_id, r.wrapped_key)) })))
      .onConflict((oc) => oc.columns(['key_id', 'master_key_id']).doNothing())
      .execute();
    rewrapped += rows.length;
  }
  if (!options.retire) return { rewrapped, retired: [] };
  return db.transaction().execute(async (trx) => {
    // No process may add a wrapping under an old key between the check and the deletes.
    await sql`lock table data_keys in exclusive mode`.execute(trx);
    const orphans = await trx
      .selectFrom('data_keys as d')
      .select('d.key_id')
      .where('d.master_key_id', '<>', next.id)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('data_keys as n').select('n.key_id').whereRef('n.key_id', '=', 'd.key_id').where('n.master_key_id', '=', next.id))))
      .limit(1)
      .execute();
    if (orphans.length > 0) throw new Error(`data key ${orphans[0]!.key_id} is wrapped by neither the current nor the new master key; nothing was retired`);
    await trx.deleteFrom('data_keys').where('master_key_id', '<>', next.id).execute();
    const retired = await trx.deleteFrom('master_keys').where('id', '<>', next.id).returning('id').execute();
    return { rewrapped, retired: retired.map((r) => r.id) };
  });
}
