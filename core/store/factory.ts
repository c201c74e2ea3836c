import type { Config } from '../config';
import { FilesystemStore } from './fs';
import type { ObjectStore } from './port';
import { S3Store, parseS3Endpoint } from './s3';

/** The store named by the configuration: S3 when S3_ENDPOINT is set, else the local filesystem. */
export function createStore(config: Pick<Config, 'store'>): ObjectStore {
  if (config.store.kind === 'filesystem') return new FilesystemStore(config.store.root);
  const { endpoint, accessKey, secretKey, region, bucket, objectLock } = config.store.s3;
  return new S3Store({ ...parseS3Endpoint(endpoint), accessKey, secretKey, region, bucket, objectLock });
}
