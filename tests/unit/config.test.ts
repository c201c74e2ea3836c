import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../core/config';

describe('readConfig', () => {
  it('defaults to the embedded services under ./.evidence on port 8080', () => {
    const config = readConfig({});
    expect(config.port).toBe(8080);
    expect(config.home).toMatch(/\.evidence$/);
    expect(config.database.kind).toBe('embedded');
    expect(config.redis.kind).toBe('private');
    expect(config.store.kind).toBe('filesystem');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('chooses external services by environment only', () => {
    const config = readConfig({
      DATABASE_URL: 'postgres://u:p@db/evidence',
      REDIS_URL: 'redis://cache:6379',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY: 'a',
      S3_SECRET_KEY: 'b',
      EVIDENCE_PORT: '9090',
    });
    expect(config.database).toEqual({ kind: 'external', url: 'postgres://u:p@db/evidence' });
    expect(config.redis).toEqual({ kind: 'external', url: 'redis://cache:6379' });
    expect(config.store).toEqual({ kind: 's3', s3: { endpoint: 'http://minio:9000', accessKey: 'a', secretKey: 'b', region: 'us-east-1', bucket: 'evidence', objectLock: false } });
    expect(config.port).toBe(9090);
  });

  it('object lock: required by EVIDENCE_S3_OBJECT_LOCK=1, a ten-year horizon unless EVIDENCE_OBJECT_LOCK_HORIZON_DAYS says otherwise', () => {
    const s3 = { S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' };
    expect(readConfig({}).objectLockHorizonDays).toBe(3650);
    const locked = readConfig({ ...s3, EVIDENCE_S3_OBJECT_LOCK: '1', EVIDENCE_OBJECT_LOCK_HORIZON_DAYS: '400' });
    expect(locked.store).toMatchObject({ kind: 's3', s3: { objectLock: true } });
    expect(locked.objectLockHorizonDays).toBe(400);
  });

  it.each([
    [{ EVIDENCE_PORT: 'eighty' }, /EVIDENCE_PORT/],
    [{ S3_ENDPOINT: 'http://minio:9000' }, /S3_ACCESS_KEY and S3_SECRET_KEY/],
    [{ EVIDENCE_OBJECT_LOCK_HORIZON_DAYS: '0' }, /EVIDENCE_OBJECT_LOCK_HORIZON_DAYS must be at least 1/],
    [{ S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', EVIDENCE_S3_OBJECT_LOCK: 'yes' }, /EVIDENCE_S3_OBJECT_LOCK must be 1 or 0/],
  ])('explains bad settings: %o', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe('EVIDENCE_WEBHOOK_ALLOW_PRIVATE', () => {
  it.each([[undefined, false], ['', false], ['0', false], ['1', true]])('%j: private receivers allowed %s', (value, allowed) => {
    expect(readConfig(value === undefined ? {} : { EVIDENCE_WEBHOOK_ALLOW_PRIVATE: value }).webhookAllowPrivate).toBe(allowed);
  });

  it('refuses anything but 1 or 0', () => {
    expect(() => readConfig({ EVIDENCE_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(ConfigError);
  });
});

describe('EVIDENCE_ENCRYPTION and EVIDENCE_MASTER_KEY_FILE', () => {
  it.each([
    [{}, null],
    [{ EVIDENCE_ENCRYPTION: '' }, null],
    [{ EVIDENCE_ENCRYPTION: 'none', EVIDENCE_MASTER_KEY_FILE: '/k' }, null],
    [{ EVIDENCE_HOME: '/h', EVIDENCE_ENCRYPTION: 'sm4' }, { cipher: 'sm4', masterKeyFile: '/h/keys/master.key', generateMasterKey: true }],
    [{ EVIDENCE_ENCRYPTION: 'aes', EVIDENCE_MASTER_KEY_FILE: '/etc/evidence/master.key' }, { cipher: 'aes', masterKeyFile: '/etc/evidence/master.key', generateMasterKey: false }],
  ])('%o → %o', (env, encryption) => {
    expect(readConfig(env).encryption).toEqual(encryption);
  });

  it('refuses an unknown cipher', () => {
    expect(() => readConfig({ EVIDENCE_ENCRYPTION: 'des' })).toThrow(/EVIDENCE_ENCRYPTION must be sm4, aes or none, got "des"/);
  });
});

describe('EVIDENCE_ONTIME_HOURS and EVIDENCE_UNLINKED_DAYS', () => {
  it.each([
    [{}, { onTimeHours: 24, unlinkedDays: 7 }],
    [{ EVIDENCE_ONTIME_HOURS: '48', EVIDENCE_UNLINKED_DAYS: '14' }, { onTimeHours: 48, unlinkedDays: 14 }],
  ])('%o → %o', (env, supervision) => {
    expect(readConfig(env).supervision).toEqual(supervision);
  });

  it('refuses what is not a whole number', () => {
    expect(() => readConfig({ EVIDENCE_ONTIME_HOURS: '1.5' })).toThrow(/EVIDENCE_ONTIME_HOURS must be a whole number/);
    expect(() => readConfig({ EVIDENCE_UNLINKED_DAYS: '-1' })).toThrow(/EVIDENCE_UNLINKED_DAYS must be a whole number/);
  });
});
