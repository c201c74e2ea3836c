import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readConfig } from '../../core/config';
import { openStore } from '../../core/store/factory';
import { dockCalls } from '../support/dock-calls';
import { runEvidence } from '../support/evidence-process';
import { bearer, usePlatform, type TestPlatform } from '../support/platform';
import { removeTestBucket, storedObjects, uniqueBucket } from '../support/s3';
import { useWorld } from '../support/seed';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Not a multiple of 16, so the last block is partial. */
const BIG = 300_017;

/** A platform whose store (filesystem under `home`, or S3 when `env` says so) encrypts with SM4 under a fresh master key. */
function encryptedPlatform(env: () => Record<string, string> = () => ({})) {
  const home = join(tmpdir(), `encryption-${randomUUID()}`);
  const masterKeyFile = join(home, 'master.key');
  const config = (keyFile = masterKeyFile, extra: Record<string, string> = {}) =>
    readConfig({ EVIDENCE_HOME: home, EVIDENCE_ENCRYPTION: 'sm4', EVIDENCE_MASTER_KEY_FILE: keyFile, ...env(), ...extra });
  const p = usePlatform({
    store: async (db) => {
      await mkdir(home, { recursive: true });
      await writeFile(masterKeyFile, randomBytes(32));
      return openStore(config(), db);
    },
  });
  const w = useWorld(p);
  const big = { bytes: randomBytes(BIG), id: '' };
  beforeAll(async () => {
    const dock = dockCalls(p.app, p.stationToken, 'ENC');
    const upload = (await dock.announce('R-ENC', 'DCIM/big.mp4', BIG)).json().uploadId as string;
    expect((await dock.send(upload, 0, big.bytes)).statusCode).toBeLessThan(300);
    const done = await dock.complete(upload, big.bytes);
    expect(done.statusCode, done.body).toBe(200);
    big.id = done.json().evidenceId;
  });
  return { p, w, big, home, masterKeyFile, config };
}

const original = (p: TestPlatform, id: string, range?: string) =>
  p.app.inject({ url: `/api/evidence/${id}/original`, headers: { ...bearer(p.adminToken), ...(range ? { range } : {}) } });

async function plaintextHashes(p: TestPlatform): Promise<Set<string>> {
  return new Set((await p.db.selectFrom('evidence').select('sha256').execute()).map((r) => r.sha256));
}

/** What a user of the API sees is exactly what was docked: whole, and at odd offsets. */
function servesExactBytes(e: ReturnType<typeof encryptedPlatform>) {
  it('GET …/original returns the exact bytes, and Range requests at odd offsets return exact slices', async () => {
    const whole = await original(e.p, e.big.id);
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(e.big.bytes)).toBe(true);
    for (const [range, start, end] of [
      ['bytes=1-', 1, BIG - 1],
      ['bytes=15-16', 15, 16],
      ['bytes=17-100000', 17, 100_000],
      [`bytes=${BIG - 1}-${BIG - 1}`, BIG - 1, BIG - 1],
      ['bytes=-7', BIG - 7, BIG - 1],
    ] as const) {
      const res = await original(e.p, e.big.id, range);
      expect(res.statusCode, range).toBe(206);
      expect(res.rawPayload.equals(e.big.bytes.subarray(start, end + 1)), range).toBe(true);
    }
  });
}

describe('encryption at rest on the filesystem store (SM4-CTR)', () => {
  const e = encryptedPlatform();
  const { p } = e;

  async function storedFiles(): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    for (const entry of await readdir(join(e.home, 'objects'), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.set(join(entry.parentPath, entry.name), sha256(await readFile(join(entry.parentPath, entry.name))));
    }
    return files;
  }

  it('no file in the store has the SHA-256 of a docked recording', async () => {
    const plain = await plaintextHashes(p);
    expect(plain.size).toBe(4);
    const stored = await storedFiles();
    expect(stored.size).toBeGreaterThanOrEqual(4);
    for (const [path, hash] of stored) expect(plain.has(hash), path).toBe(false);
  });

  servesExactBytes(e);

  it('the fixity scrub decrypts and checks the plaintext hashes: all intact, then a flipped stored byte is found', async () => {
    const pass = async () => {
      let run = (await p.app.inject({ method: 'POST', url: '/api/fixity/runs', headers: bearer(p.adminToken) })).json();
      while (run.state === 'running') {
        await new Promise((r) => setTimeout(r, 100));
        run = (await p.app.inject({ url: `/api/fixity/runs/${run.id}`, headers: bearer(p.adminToken) })).json();
      }
      return run;
    };
    expect(await pass()).toMatchObject({ state: 'finished', objectsChecked: 4, bytesChecked: 3 * 2048 + BIG, failures: 0 });
    const key = (await p.db.selectFrom('evidence').select('storage_key').where('id', '=', e.big.id).executeTakeFirstOrThrow()).storage_key;
    const path = join(e.home, 'objects', key);
    const stored = await readFile(path);
    stored[1000] = stored[1000]! ^ 0x01;
    await writeFile(path, stored);
    expect(await pass()).toMatchObject({ state: 'finished', failures: 1 });
    stored[1000] = stored[1000]! ^ 0x01;
    await writeFile(path, stored);
  });

  const evidenceEnv = (extra: Record<string, string>) => ({
    EVIDENCE_HOME: e.home,
    DATABASE_URL: p.databaseUrl,
    REDIS_URL: inject('redisUrl'),
    EVIDENCE_PORT: '0',
    EVIDENCE_ENCRYPTION: 'sm4',
    EVIDENCE_MASTER_KEY_FILE: e.masterKeyFile,
    ...extra,
  });

  it('a wrong master key, or encryption turned off, fails the start clearly (exit 2)', async () => {
    const wrong = join(e.home, 'wrong.key');
    await writeFile(wrong, randomBytes(32));
    const withWrongKey = await runEvidence(['up'], { env: evidenceEnv({ EVIDENCE_MASTER_KEY_FILE: wrong }), timeout: 60_000 });
    expect(withWrongKey.code, withWrongKey.stdout).toBe(2);
    expect(withWrongKey.stderr).toMatch(/the master key in .*wrong\.key \(id [0-9a-f]{16}\) is not a master key of this platform/);
    const off = await runEvidence(['up'], { env: evidenceEnv({ EVIDENCE_ENCRYPTION: 'none' }), timeout: 60_000 });
    expect(off.code, off.stdout).toBe(2);
    expect(off.stderr).toMatch(/the object store is encrypted .* EVIDENCE_ENCRYPTION is not set/);
    await writeFile(wrong, randomBytes(31));
    const short = await runEvidence(['up'], { env: evidenceEnv({ EVIDENCE_MASTER_KEY_FILE: wrong }), timeout: 60_000 });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/must hold exactly 32 random bytes/);
  });

  it('`evidence keys rotate` re-wraps every data key without rewriting an object; every object stays readable; --retire forgets the old key', async () => {
    const before = await storedFiles();
    const keys: string[] = [];
    for await (const key of p.store.list('')) keys.push(key);
    const contents = async (store: typeof p.store) => Promise.all(keys.map(async (k) => sha256(Buffer.concat(await (await store.get(k)).toArray()))));
    const expected = await contents(p.store);

    const newKey = join(e.home, 'keys', 'next.key'); // generated by the command
    const rotate = (...flags: string[]) => runEvidence(['keys', 'rotate', '--new-key-file', newKey, ...flags], { env: evidenceEnv({}) });
    const first = await rotate();
    expect(first, first.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^${keys.length} data keys re-wrapped`)) });
    expect((await rotate()).stdout).toMatch(/^0 data keys re-wrapped/); // resumable: nothing left to do

    // Processes still on the old key and processes on the new one both read everything.
    expect(await contents(p.store)).toEqual(expected);
    expect((await original(p, e.big.id, 'bytes=17-100000')).rawPayload.equals(e.big.bytes.subarray(17, 100_001))).toBe(true);
    const withNewKey = await openStore(e.config(newKey), p.db);
    expect(await contents(withNewKey)).toEqual(expected);
    expect(await storedFiles()).toEqual(before);

    const retire = await rotate('--retire');
    expect(retire, retire.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/retired master keys: [0-9a-f]{16}; only/) });
    expect(await contents(await openStore(e.config(newKey), p.db))).toEqual(expected);
    await expect(openStore(e.config(), p.db)).rejects.toThrow(/is not a master key of this platform/);
    expect(await storedFiles()).toEqual(before);
  });
});

describe('encryption at rest on the S3 store (SM4-CTR)', () => {
  const bucket = uniqueBucket('encryption');
  const s3 = () => inject('s3');
  afterAll(() => removeTestBucket(s3(), bucket));
  const e = encryptedPlatform(() => ({ S3_ENDPOINT: s3().endpoint, S3_ACCESS_KEY: s3().accessKey, S3_SECRET_KEY: s3().secretKey, S3_REGION: s3().region, S3_BUCKET: bucket }));

  it('no object in the bucket has the SHA-256 of a docked recording', async () => {
    const plain = await plaintextHashes(e.p);
    expect(plain.size).toBe(4);
    let objects = 0;
    for await (const { key, bytes } of storedObjects(s3(), bucket)) {
      objects++;
      expect(plain.has(sha256(bytes)), key).toBe(false);
    }
    expect(objects).toBeGreaterThanOrEqual(4);
  });

  servesExactBytes(e);
});
