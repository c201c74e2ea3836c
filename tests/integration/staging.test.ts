import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../core/config';
import type { Digests } from '../../core/hashing';
import { DualHasher } from '../../core/hashing';
import { openStore } from '../../core/store/factory';
import { FilesystemStore } from '../../core/store/fs';
import type { ObjectStore } from '../../core/store/port';
import { diskStaging, type Staging } from '../../ingest/staging';
import type { Db } from '../../schema/database';
import { createTestDatabase } from '../support/db';

const A = '0b7e7c4a-3f7e-4d7e-9a51-1f2b3c4d5e6f';
const B = '1b7e7c4a-3f7e-4d7e-9a51-1f2b3c4d5e6f';

/** What the ingest's hasher is given, collected on this thread. */
async function stagedDigests(staging: Staging, uploadId: string, bytes?: number): Promise<Digests> {
  const hasher = new DualHasher();
  const chunks: Buffer[] = [];
  await staging.hashInto({ update: async (chunk) => void chunks.push(Buffer.from(chunk)), addFile: async (path, length) => void chunks.push((await readFile(path)).subarray(0, length)) }, uploadId, bytes);
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.digest();
}
const digestsOf = (bytes: Buffer): Digests => {
  const hasher = new DualHasher();
  hasher.update(bytes);
  return hasher.digest();
};
const text = (s: string) => Readable.from([Buffer.from(s)]);
const readAll = async (stream: Readable) => Buffer.concat(await stream.toArray());

let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
afterAll(() => database?.drop());

const forms: [string, (root: string) => Promise<{ store: ObjectStore; db?: Db }>][] = [
  ['in the clear, for the filesystem store', async (root) => ({ store: new FilesystemStore(join(root, 'objects')) })],
  [
    'sealed, for the filesystem store encrypted with SM4-CTR',
    async (root) => {
      database ??= await createTestDatabase();
      await writeFile(join(root, 'master.key'), randomBytes(32));
      const config = readConfig({ EVIDENCE_HOME: root, EVIDENCE_ENCRYPTION: 'sm4', EVIDENCE_MASTER_KEY_FILE: join(root, 'master.key') });
      await database.db.deleteFrom('data_keys').execute();
      await database.db.deleteFrom('master_keys').execute();
      return { store: await openStore(config, database.db), db: database.db };
    },
  ],
];

describe.each(forms)('disk staging, %s', (_name, open) => {
  let root: string;
  let store: ObjectStore;
  let staging: Staging;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'staging-'));
    ({ store } = await open(root));
    await store.ensureReady();
    staging = diskStaging(join(root, 'staging'), store, async () => 12_345);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('appends chunks to an upload\'s partial, says how many bytes it holds, and hashes what it holds', async () => {
    expect(await staging.bytes(A)).toBe(0);
    expect(await staging.lastWrite(A)).toBeNull();
    await staging.append(A, [text('hello ')]);
    let seen = 0;
    const count = new Transform({ transform: (chunk: Buffer, _e, done) => ((seen += chunk.length), done(null, chunk)) });
    await staging.append(A, [text('world'), count]);
    expect(seen).toBe(5);
    expect(await staging.bytes(A)).toBe(11);
    expect(await stagedDigests(staging, A)).toEqual(digestsOf(Buffer.from('hello world')));
    expect(await stagedDigests(staging, A, 7)).toEqual(digestsOf(Buffer.from('hello w')));
    expect(await staging.lastWrite(A)).toBeInstanceOf(Date);
    await staging.truncate(A, 5);
    expect(await staging.bytes(A)).toBe(5);
    await staging.append(A, [text('!')]);
    expect(await stagedDigests(staging, A)).toEqual(digestsOf(Buffer.from('hello!')));
    await staging.discard(A);
    expect(await staging.bytes(A)).toBe(0);
  });

  it('resumes at any offset, and the commit moves the partial into the store (a rename: no byte copied)', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 7);
    for (const [from, to] of [[0, 1], [1, 17], [17, 65_551], [65_551, content.length]] as const) {
      await staging.append(A, [Readable.from([content.subarray(from, to)])]);
    }
    expect(await staging.bytes(A)).toBe(content.length);
    expect(staging.commitMoves).toBe(true);
    const partial = await stat(join(root, 'staging', A));
    await staging.commit(A, `originals/${A}`, content.length);
    expect(await staging.bytes(A)).toBe(0);
    expect((await stat(join(root, 'objects', 'originals', A))).ino).toBe(partial.ino);
    expect(await store.stat(`originals/${A}`)).toEqual({ size: content.length });
    expect((await readAll(await store.get(`originals/${A}`))).equals(content)).toBe(true);
    expect((await readAll(await store.get(`originals/${A}`, { start: 65_549, end: 65_560 }))).equals(content.subarray(65_549, 65_561))).toBe(true);
  });

  it('creates an empty partial for a file of zero bytes, which commits as an empty object', async () => {
    await staging.create(B);
    expect(await staging.lastWrite(B)).toBeInstanceOf(Date);
    expect(await staging.bytes(B)).toBe(0);
    await staging.commit(B, `originals/${B}`, 0);
    expect(await store.stat(`originals/${B}`)).toEqual({ size: 0 });
  });

  it('reclaims only the partials said to be abandoned, and leaves files that are no upload\'s alone', async () => {
    await staging.append(A, [Readable.from([Buffer.alloc(100)])]);
    await staging.append(B, [Readable.from([Buffer.alloc(7)])]);
    await writeFile(join(root, 'staging', 'notes.txt'), 'not an upload');
    const asked: string[] = [];
    const freed = await staging.reclaim(async (id) => (asked.push(id), id === A));
    expect(freed).toEqual({ uploadIds: [A], bytes: 100 });
    expect(asked.sort()).toEqual([A, B]);
    expect(await staging.bytes(A)).toBe(0);
    expect(await staging.bytes(B)).toBe(7);
    expect(await readFile(join(root, 'staging', 'notes.txt'), 'utf8')).toBe('not an upload');
  });

  it('reads free space from the reading it was given, and reclaims nothing from a folder not made yet', async () => {
    expect(await staging.freeSpace()).toBe(12_345);
    expect(await staging.reclaim(async () => true)).toEqual({ uploadIds: [], bytes: 0 });
  });
});

describe('sealed staging (encryption at rest on the filesystem store)', () => {
  let root: string;
  let store: ObjectStore;
  let db: Db;
  let staging: Staging;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'staging-'));
    ({ store, db } = (await forms[1]![1](root)) as { store: ObjectStore; db: Db });
    await store.ensureReady();
    staging = diskStaging(join(root, 'staging'), store);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));
  const dataKeys = async () => (await db.selectFrom('data_keys').select('key_id').execute()).length;

  it('keeps no plaintext on the staging disk', async () => {
    const content = randomBytes(1024 * 1024);
    await staging.append(A, [Readable.from([content])]);
    const partial = await readFile(join(root, 'staging', A));
    expect(partial.length).toBe(content.length + 64);
    expect(partial.includes(content.subarray(1000, 1032))).toBe(false);
    expect(createHash('sha256').update(partial).digest('hex')).not.toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('forgets the data key of a partial it deletes, and keeps the one of a partial it commits', async () => {
    await staging.append(A, [text('to be discarded')]);
    await staging.append(B, [text('to be kept')]);
    expect(await dataKeys()).toBe(2);
    await staging.discard(A);
    expect(await dataKeys()).toBe(1);
    await staging.commit(B, 'originals/b', 10);
    expect(await dataKeys()).toBe(1);
    expect((await readAll(await store.get('originals/b'))).toString()).toBe('to be kept');
    await staging.append(A, [text('abandoned')]);
    await staging.reclaim(async () => true);
    expect(await dataKeys()).toBe(1);
  });

  it('a partial staged in the clear by an older version holds nothing: the upload starts over and overwrites it', async () => {
    await mkdir(join(root, 'staging'));
    await writeFile(join(root, 'staging', A), 'plaintext from before');
    expect(await staging.bytes(A)).toBe(0);
    await staging.append(A, [text('sealed')]);
    expect(await staging.bytes(A)).toBe(6);
    await staging.commit(A, 'originals/a', 6);
    expect((await readAll(await store.get('originals/a'))).toString()).toBe('sealed');
  });
});
