import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { readConfig } from '../../core/config';
import { redisConnection, startDispatcher } from '../../core/jobs';
import { exportJob } from '../../export/job';
import { FilesystemStore } from '../../core/store/fs';
import type { ObjectStore } from '../../core/store/port';
import { createToken } from '../../core/tokens';
import { loadOrCreateSigningKey } from '../../core/signing-key';
import type { HttpServer } from '../../core/http';
import { buildServer, type ServerDeps } from '../../cli/server';
import { APP_ROLE, connect, type Db } from '../../schema/database';
import { createTestDatabase } from './db';

export interface TestPlatform {
  app: HttpServer;
  db: Db;
  /** The database superuser, for tests that play an attacker with full rights. */
  ownerDb: Db;
  databaseUrl: string;
  store: ObjectStore;
  dir: string;
  /** Base URL when started with `listen: true` (dock clients need a real socket). */
  url: string;
  adminToken: string;
  stationToken: string;
  close(): Promise<void>;
}

/** A real server on a fresh database; the filesystem store unless another store is given. */
export async function startTestPlatform(
  options: {
    store?: ObjectStore;
    listen?: boolean;
    maxFileBytes?: number;
    now?: () => Date;
    /** The platform reaches its database through this URL (e.g. a relay that plays network faults). */
    databaseVia?: (url: string) => Promise<string>;
    /** Server options beyond the defaults (staging, ingest policy). */
    server?: Partial<ServerDeps>;
    /** False: no process runs export jobs (as when the one that accepted them died). */
    exportJobs?: boolean;
  } = {},
): Promise<TestPlatform> {
  const dir = await mkdtemp(join(tmpdir(), 'evidence-platform-'));
  const database = await createTestDatabase();
  const db = options.databaseVia ? connect(await options.databaseVia(database.url), { role: APP_ROLE }) : database.db;
  const store = options.store ?? new FilesystemStore(join(dir, 'objects'));
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
    ...options.server,
  });
  // Export jobs run as in `evidence up`: through the outbox and a queue of this platform's own.
  const redis = redisConnection(inject('redisUrl'));
  const stopJobs = startDispatcher({ db, log: app.log, redis, prefix: `test-platform-${randomUUID()}`, pollMs: 50 }, options.exportJobs === false ? [] : ['export'], {
    export: exportJob({ db, store, signingKey, workDir: join(dir, 'work') }, { concurrency: 2, lockSeconds: 30 }),
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
