import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { readConfig } from '../../core/config';
import { redisConnection, startDispatcher } from '../../core/jobs';
import { passthroughJob } from '../../transcode/passthrough';
import { playbackJob } from '../../transcode/rendition';
import type { TranscodePolicy } from '../../transcode/policy';
import { stillJob } from '../../transcode/still';
import { exportJob } from '../../export/job';
import { FilesystemStore } from '../../core/store/fs';
import type { ObjectStore } from '../../core/store/port';
import { createToken, type TokenUses } from '../../core/tokens';
import { loadOrCreateSigningKey } from '../../core/signing-key';
import type { HttpServer } from '../../core/http';
import { buildServer, type ServerDeps } from '../../cli/server';
import { APP_ROLE, connect, type Db } from '../../schema/database';
import { createTestDatabase } from './db';

export interface TestPlatform {
  app: HttpServer & { tokenUses: TokenUses };
  db: Db;
  /** The database superuser, for tests that play an attacker with full rights. */
  ownerDb: Db;
  databaseUrl: string;
  store: ObjectStore;
  dir: string;
  /** An empty directory for the test's own files, removed with the platform. */
  scratch: string;
  /** Base URL when started with `listen: true` (dock clients need a real socket). */
  url: string;
  adminToken: string;
  stationToken: string;
  close(): Promise<void>;
}

/** A real server on a fresh database; the filesystem store unless another store is given. */
export async function startTestPlatform(
  options: {
    /** A store, or how to open one on the platform's database (e.g. `openStore` with encryption). */
    store?: ObjectStore | ((db: Db) => Promise<ObjectStore>);
    listen?: boolean;
    maxFileBytes?: number;
    now?: () => Date;
    /** The platform reaches its database through this URL (e.g. a relay that plays network faults). */
    databaseVia?: (url: string) => Promise<string>;
    /** Server options beyond the defaults (staging, ingest policy). */
    server?: Partial<ServerDeps>;
    /** False: no process runs export jobs (as when the one that accepted them died). */
    exportJobs?: boolean;
    /** True: this platform also transcodes what it ingests (browser suites that play footage). */
    transcodeJobs?: boolean;
    /**
     * EVIDENCE_TRANSCODE_POLICY of this platform; with it, transcodeJobs also runs the passthrough jobs.
     * Unset: 'eager' without passthrough jobs, the pipeline the suites before issue 18 were written for.
     */
    transcodePolicy?: TranscodePolicy;
  } = {},
): Promise<TestPlatform> {
  const dir = await mkdtemp(join(tmpdir(), 'evidence-platform-'));
  const scratch = join(dir, 'scratch');
  await mkdir(scratch);
  const database = await createTestDatabase();
  const db = options.databaseVia ? connect(await options.databaseVia(database.url), { role: APP_ROLE }) : database.db;
  const store = typeof options.store === 'function' ? await options.store(db) : (options.store ?? new FilesystemStore(join(dir, 'objects')));
  await store.ensureReady();
  const signingKey = await loadOrCreateSigningKey(join(dir, 'keys'));
  const app = await buildServer({
    db,
    store,
    stagingDir: join(dir, 'staging'),
    maxFileBytes: options.maxFileBytes ?? 1024 ** 4,
    signingKey,
    ...(options.now ? { now: options.now } : {}),
    ingest: readConfig({}).ingest,
    transcodePolicy: options.transcodePolicy ?? 'eager',
    ...options.server,
  });
  // Export jobs run as in `evidence up`: through the outbox and a queue of this platform's own.
  const redis = redisConnection(inject('redisUrl'));
  const kinds = [
    ...(options.exportJobs === false ? [] : ['export'] as const),
    ...(options.transcodeJobs ? ['transcode', 'still'] as const : []),
    ...(options.transcodeJobs && options.transcodePolicy ? ['passthrough'] as const : []),
  ];
  const stopJobs = startDispatcher({ db, log: app.log, redis, prefix: `test-platform-${randomUUID()}`, pollMs: 50 }, kinds, {
    export: exportJob({ db, store, signingKey, workDir: join(dir, 'work') }, { concurrency: 2, lockSeconds: 30 }),
    transcode: playbackJob({ db, store, workDir: scratch, hlsMinSeconds: 5, log: app.log }, { concurrency: 2, lockSeconds: 30 }),
    passthrough: passthroughJob({ db, store, workDir: scratch, log: app.log, policy: options.transcodePolicy ?? 'eager' }, { concurrency: 2, lockSeconds: 30 }),
    still: stillJob({ db, store, workDir: scratch, log: app.log }, { concurrency: 1, lockSeconds: 30 }),
  });
  const url = options.listen ? await app.listen({ host: '127.0.0.1', port: 0 }) : 'http://inject.invalid';
  const adminToken = (await createToken(database.db, { name: 'test-admin', role: 'admin' })).token;
  const stationToken = (await createToken(database.db, { name: 'test-station', role: 'station' })).token;
  return {
    app,
    db,
    ownerDb: database.ownerDb,
    databaseUrl: database.url,
    store,
    dir,
    scratch,
    url,
    adminToken,
    stationToken,
    close: async () => {
      await app.close();
      await stopJobs();
      redis.disconnect();
      if (db !== database.db) await db.destroy();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The platform of a test file (or of the describe block it is called in): started before its tests,
 * closed after them. The returned object stands for the platform once it is up.
 */
export function usePlatform(options: Parameters<typeof startTestPlatform>[0] = {}): TestPlatform {
  const platform = provided<TestPlatform>('the test platform');
  beforeAll(async () => platform.set(await startTestPlatform(options)));
  afterAll(() => platform.current()?.close());
  return platform.proxy;
}

/**
 * Stands for a value a beforeAll hook provides, so a test file can name it at the top: reads go to
 * the value, and fail plainly when made before the hook ran.
 */
export function provided<T extends object>(what: string): { proxy: T; set(value: T): void; current(): T | undefined } {
  let value: T | undefined;
  const target = (): T => {
    if (value === undefined) throw new Error(`${what} is not there yet: use it inside a test or a hook`);
    return value;
  };
  const proxy = new Proxy({} as T, {
    // `then` is asked when the stand-in is awaited; it is no promise, ready or not.
    get: (_, key) => (key === 'then' && value === undefined ? undefined : Reflect.get(target(), key)),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(target(), key),
  });
  return { proxy, set: (v) => (value = v), current: () => value };
}
