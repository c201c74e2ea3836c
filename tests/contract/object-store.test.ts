import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readConfig } from '../../core/config';
import { ConfigError } from '../../core/errors';
import { openStore } from '../../core/store/factory';
import { FilesystemStore } from '../../core/store/fs';
import { ObjectRetainedError, type ObjectStore } from '../../core/store/port';
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

// With object lock the bucket is versioned: every contract promise (delete really deletes) must still hold.
objectStoreContract('S3Store, bucket with object lock (Ceph RADOS Gateway)', async () => {
  const s3 = inject('s3');
  const bucket = uniqueBucket('contract-lock');
  const store = new S3Store({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, bucket, objectLock: true });
  return { store, cleanup: () => removeTestBucket(s3, bucket) };
});

describe('object lock (S3 COMPLIANCE retention and legal hold, on Ceph RGW)', () => {
  const s3Store = (bucket: string, objectLock?: boolean) => {
    const s3 = inject('s3');
    return new S3Store({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, bucket, objectLock });
  };
  /** The storage administrator's own client, going around the platform. */
  const rawClient = () => {
    const s3 = inject('s3');
    return new Client({ ...parseS3Endpoint(s3.endpoint), accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region });
  };
  async function versionsOf(bucket: string, key: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const item of rawClient().listObjects(bucket, key, true, { IncludeVersion: true })) if (item.name === key && item.versionId) ids.push(item.versionId);
    return ids;
  }
  async function withLockedStore(test: (store: S3Store, bucket: string) => Promise<void>) {
    const bucket = uniqueBucket('lock');
    const store = s3Store(bucket, true);
    await store.ensureReady();
    try {
      await test(store, bucket);
    } finally {
      await removeTestBucket(inject('s3'), bucket);
    }
  }
  const put = (store: S3Store, key: string, text: string) => store.put(key, Readable.from([Buffer.from(text)]), Buffer.byteLength(text));
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000);
  const until = (date: Date) => new Promise((resolve) => setTimeout(resolve, Math.max(0, date.getTime() - Date.now()) + 1500));

  it('is there only where the store enforces it: not on the filesystem, not on a bucket without lock', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fs-store-'));
    const fs: ObjectStore = new FilesystemStore(root);
    await fs.ensureReady();
    expect(fs.objectLock).toBeUndefined();
    await rm(root, { recursive: true, force: true });

    const plainBucket = uniqueBucket('nolock');
    const plain = s3Store(plainBucket);
    await plain.ensureReady();
    expect(plain.objectLock).toBeUndefined();
    // EVIDENCE_S3_OBJECT_LOCK=1 on that bucket: refused plainly at start
    const demanding = s3Store(plainBucket, true);
    await expect(demanding.ensureReady()).rejects.toThrow(ConfigError);
    await expect(demanding.ensureReady()).rejects.toThrow(/exists without object lock/);
    await removeTestBucket(inject('s3'), plainBucket);

    await withLockedStore(async (_, bucket) => {
      // a bucket created with lock is found to have it without the flag too
      const found = s3Store(bucket);
      await found.ensureReady();
      expect(found.objectLock).toBeDefined();
    });
  });

  it('a retained original cannot be deleted, by the platform or by the storage administrator, until its retention passes', async () => {
    await withLockedStore(async (store, bucket) => {
      await put(store, 'originals/retained', 'evidence bytes');
      const retainUntil = inSeconds(4);
      await store.objectLock!.protect('originals/retained', { retainUntil, legalHold: false });
      expect((await store.objectLock!.state('originals/retained')).retainUntil?.getTime()).toBe(retainUntil.getTime());

      await expect(store.delete('originals/retained')).rejects.toThrow(ObjectRetainedError);
      const [version] = await versionsOf(bucket, 'originals/retained');
      await expect(rawClient().removeObject(bucket, 'originals/retained', { versionId: version! })).rejects.toMatchObject({ code: 'AccessDenied' });
      // still there and readable (no delete marker left hiding it)
      expect(await store.stat('originals/retained')).toEqual({ size: 14 });

      await until(retainUntil);
      await store.delete('originals/retained');
      expect(await store.stat('originals/retained')).toBeNull();
      expect(await versionsOf(bucket, 'originals/retained')).toEqual([]); // the bytes are gone, not just hidden
    });
  });

  it('retention is extended, never shortened: a shorter date is a no-op, not an error', async () => {
    await withLockedStore(async (store) => {
      await put(store, 'originals/a', 'a');
      const first = inSeconds(3);
      await store.objectLock!.protect('originals/a', { retainUntil: first, legalHold: false });
      await store.objectLock!.protect('originals/a', { retainUntil: first, legalHold: false }); // again: idempotent
      const later = inSeconds(5);
      await store.objectLock!.protect('originals/a', { retainUntil: later, legalHold: false });
      expect(await store.objectLock!.state('originals/a')).toEqual({ retainUntil: later, legalHold: false });
      await store.objectLock!.protect('originals/a', { retainUntil: first, legalHold: false });
      await store.objectLock!.protect('originals/a', { retainUntil: null, legalHold: false });
      expect(await store.objectLock!.state('originals/a')).toEqual({ retainUntil: later, legalHold: false });
      await until(later);
      await store.delete('originals/a');
    });
  });

  it('a legal hold refuses delete whatever the retention; released, the object can go', async () => {
    await withLockedStore(async (store, bucket) => {
      await put(store, 'originals/held', 'held');
      expect(await store.objectLock!.state('originals/held')).toEqual({ retainUntil: null, legalHold: false });
      await store.objectLock!.protect('originals/held', { retainUntil: null, legalHold: true });
      expect(await store.objectLock!.state('originals/held')).toEqual({ retainUntil: null, legalHold: true });
      await expect(store.delete('originals/held')).rejects.toThrow(ObjectRetainedError);
      const [version] = await versionsOf(bucket, 'originals/held');
      await expect(rawClient().removeObject(bucket, 'originals/held', { versionId: version! })).rejects.toMatchObject({ code: 'AccessDenied' });

      await store.objectLock!.protect('originals/held', { retainUntil: null, legalHold: false });
      await store.delete('originals/held');
      expect(await versionsOf(bucket, 'originals/held')).toEqual([]);
    });
  });

  it('the state of a missing object is ObjectNotFoundError', async () => {
    await withLockedStore(async (store) => {
      await expect(store.objectLock!.state('originals/none')).rejects.toMatchObject({ name: 'ObjectNotFoundError' });
    });
  });
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

it('encrypted on a bucket with object lock: the lock passes through, and a refused delete keeps the object readable', async () => {
  const s3 = inject('s3');
  const bucket = uniqueBucket('enc-lock');
  const env = { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: s3.accessKey, S3_SECRET_KEY: s3.secretKey, S3_REGION: s3.region, S3_BUCKET: bucket, EVIDENCE_S3_OBJECT_LOCK: '1' };
  const store = await encrypted(env);
  try {
    await store.put('originals/locked', Readable.from([Buffer.from('evidence bytes')]), 14);
    await store.objectLock!.protect('originals/locked', { retainUntil: null, legalHold: true });
    await expect(store.delete('originals/locked')).rejects.toThrow(ObjectRetainedError);
    // Its data key was not forgotten: the bytes still decrypt.
    const back: Buffer[] = [];
    for await (const chunk of await store.get('originals/locked')) back.push(chunk as Buffer);
    expect(Buffer.concat(back).toString()).toBe('evidence bytes');
    await store.objectLock!.protect('originals/locked', { retainUntil: null, legalHold: false });
    await store.delete('originals/locked');
    expect(await store.stat('originals/locked')).toBeNull();
  } finally {
    await removeTestBucket(s3, bucket);
  }
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
