import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readConfig } from '../../core/config';
import { openStore } from '../../core/store/factory';
import { FilesystemStore } from '../../core/store/fs';
import { S3Store, parseS3Endpoint } from '../../core/store/s3';
import { createTestDatabase } from '../support/db';
import { removeTestBucket, uniqueBucket } from '../support/s3';
import { objectStoreContract } from './object-store.contract';

objectStoreContract('FilesystemStore', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fs-store-'));
  return { store: new FilesystemStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

objectStoreContract('S3Store (Ceph RADOS Gateway)', async () => {
  const s3 = inject('s3');
  const bucket = uniqueBucket('contract');
  const store = new S3Store({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, bucket });
  return { store, cleanup: () => removeTestBucket(s3, bucket) };
});

// With encryption on, each store sits behind the decorator, its data keys in one database per file.
const masterKeyFile = join(tmpdir(), `contract-master-${process.pid}.key`);
let keyDatabase: ReturnType<typeof createTestDatabase> | undefined;
afterAll(async () => {
  await (await keyDatabase)?.drop();
  await rm(masterKeyFile, { force: true });
});
async function encrypted(env: Record<string, string>) {
  keyDatabase ??= writeFile(masterKeyFile, randomBytes(32)).then(createTestDatabase);
  const { db } = await keyDatabase;
  return openStore(readConfig({ EVIDENCE_ENCRYPTION: 'sm4', EVIDENCE_MASTER_KEY_FILE: masterKeyFile, ...env }), db);
}

objectStoreContract('FilesystemStore, SM4-CTR encrypted', async () => {
  const home = await mkdtemp(join(tmpdir(), 'fs-store-'));
  return { store: await encrypted({ EVIDENCE_HOME: home }), cleanup: () => rm(home, { recursive: true, force: true }) };
});

objectStoreContract('S3Store (Ceph RADOS Gateway), SM4-CTR encrypted', async () => {
  const s3 = inject('s3');
  const bucket = uniqueBucket('contract-enc');
  const env = { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: s3.accessKey, S3_SECRET_KEY: s3.secretKey, S3_REGION: s3.region, S3_BUCKET: bucket };
  return { store: await encrypted(env), cleanup: () => removeTestBucket(s3, bucket) };
});

describe('FilesystemStore beyond the contract', () => {
  async function withStore(test: (store: FilesystemStore, root: string) => Promise<void>) {
    const root = await mkdtemp(join(tmpdir(), 'fs-store-'));
    try {
      const store = new FilesystemStore(root);
      await store.ensureReady();
      await test(store, root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  // /dev/shm is a tmpfs, so rename() into a root under /tmp fails with EXDEV.
  const otherFilesystem = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev;
  it.skipIf(!otherFilesystem)('putFile from another filesystem copies, then deletes the local file', async () => {
    await withStore(async (store, root) => {
      const local = join('/dev/shm', `fs-store-${process.pid}-${Date.now()}`);
      const bytes = randomBytes(100_000);
      await writeFile(local, bytes);
      await store.putFile('originals/copied', local, bytes.length);
      expect(existsSync(local)).toBe(false);
      expect((await readFile(join(root, 'originals/copied'))).equals(bytes)).toBe(true);
    });
  });

  it('ensureReady removes temp files a crash left behind, and only old ones', async () => {
    await withStore(async (store, root) => {
      const old = join(root, '.tmp', 'crashed');
      const recent = join(root, '.tmp', 'in-flight');
      await writeFile(old, 'x');
      await writeFile(recent, 'x');
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
      await utimes(old, twoDaysAgo, twoDaysAgo);
      await store.ensureReady();
      expect(existsSync(old)).toBe(false);
      expect(existsSync(recent)).toBe(true);
    });
  });
});
