import type { Config } from '../config';
import { openStoreEncryption } from '../encryption-keys';
import type { Db } from '../../schema/database';
import { CtrPool, type CtrEngine } from './ctr-pool';
import { encryptedStore } from './encrypted';
import { FilesystemStore } from './fs';
import { libgcryptSm4 } from './libgcrypt';
import type { ObjectStore } from './port';

/**
 * The store named by the configuration: S3 when S3_ENDPOINT is set, else the local filesystem.
 * The S3 adapter (and with it the minio client, ~36 MB resident) is loaded only when chosen.
 */
export async function createStore(config: Pick<Config, 'store'>): Promise<ObjectStore> {
  if (config.store.kind === 'filesystem') return new FilesystemStore(config.store.root);
  const { S3Store, parseS3Endpoint } = await import('./s3');
  const { endpoint, accessKey, secretKey, region, bucket, objectLock } = config.store.s3;
  return new S3Store({ ...parseS3Endpoint(endpoint), accessKey, secretKey, region, bucket, objectLock });
}

/**
 * The platform's store, ready: `createStore`'s, behind the encrypting decorator when
 * EVIDENCE_ENCRYPTION is set (after the master key checks, which fail the start clearly).
 */
export async function openStore(config: Pick<Config, 'store' | 'encryption'>, db: Db): Promise<ObjectStore> {
  const inner = await createStore(config);
  await inner.ensureReady();
  const encryption = await openStoreEncryption(db, config.encryption, inner);
  if (!encryption) return inner;
  return encryptedStore(inner, encryption, encryption.cipher === 'sm4' ? await sm4Engine() : null);
}

/** libgcrypt's fast SM4 where it runs, else OpenSSL's on worker threads; the store's description says which, and why. */
export async function sm4Engine(): Promise<CtrEngine> {
  const fast = await libgcryptSm4();
  return 'ctr' in fast ? fast : new CtrPool({ why: fast.unavailable });
}
