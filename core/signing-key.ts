import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { derToPem, pemToDer, sm2PointFromScalar, sm2Sign, sm2SpkiFromPoint } from './sm2';

export const SIGNING_KEY_FILE = 'export-signing-key.pem';
export const SM2_SIGNING_KEY_FILE = 'export-sm2-signing-key.pem';

/** The platform's SM2 key, beside the Ed25519 one: signs the same bytes (export manifests, checkpoints). */
export interface Sm2SigningKey {
  /** DER SM2 signature (SM3, ID 1234567812345678) over exactly these bytes. */
  sign(bytes: Uint8Array): Buffer;
  /** SPKI PEM, shipped in every package as sm2-public-key.pem. */
  publicKeyPem: string;
  /** SHA-256 of the DER SPKI, 64 hex digits. */
  fingerprint: string;
}

/** The platform's Ed25519 key that signs every export manifest, and its SM2 twin. */
export interface SigningKey {
  /** Raw 64-byte Ed25519 signature over exactly these bytes. */
  sign(bytes: Uint8Array): Buffer;
  /** SPKI PEM, shipped in every package as public-key.pem. */
  publicKeyPem: string;
  /** SHA-256 of the DER SPKI, 64 hex digits: what manifest.json names. */
  fingerprint: string;
  sm2: Sm2SigningKey;
}

/**
 * Loads both keys from `dir`, generating each there on first start (PKCS#8 PEM, mode 0600). The
 * directory lives outside the database (EVIDENCE_HOME/keys) so a database dump never carries it.
 */
export async function loadOrCreateSigningKey(dir: string): Promise<SigningKey> {
  const pem = await loadOrCreate(dir, SIGNING_KEY_FILE, 'ed25519');
  const sm2Pem = await loadOrCreate(dir, SM2_SIGNING_KEY_FILE, 'sm2');
  return { ...signingKeyFrom(createPrivateKey(pem)), sm2: sm2KeyFrom(sm2Pem, join(dir, SM2_SIGNING_KEY_FILE)) };
}

async function loadOrCreate(dir: string, name: string, kind: 'ed25519' | 'sm2'): Promise<string> {
  const file = join(dir, name);
  return (await readIfPresent(file)) ?? (await createKeyFile(dir, file, generatePem(kind)));
}

// Node generates SM2 keys well (OpenSSL underneath); only reading them back is unsafe (see core/sm2.ts).
const generatePem = (kind: 'ed25519' | 'sm2') =>
  (kind === 'sm2' ? generateKeyPairSync('ec', { namedCurve: 'SM2' }) : generateKeyPairSync('ed25519')).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();

const readIfPresent = (file: string) =>
  readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));

async function createKeyFile(dir: string, file: string, pem: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written whole under a temp name, then linked into place: link fails if another process won the race.
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, pem, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
    return pem;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return await readFile(file, 'utf8');
    throw e;
  } finally {
    await unlink(temp);
  }
}

function signingKeyFrom(privateKey: KeyObject): Omit<SigningKey, 'sm2'> {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the export signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return {
    sign: (bytes) => sign(null, bytes, privateKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex'),
  };
}

/** PKCS#8 of an SM2 key as OpenSSL and Node write it: the private scalar follows this prefix. */
const SM2_PKCS8_PREFIX = Buffer.from('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420', 'hex');

function sm2KeyFrom(pem: string, file: string): Sm2SigningKey {
  const der = Buffer.from(pemToDer(pem, 'PRIVATE KEY') ?? []);
  if (der.length < SM2_PKCS8_PREFIX.length + 32 || !der.subarray(0, SM2_PKCS8_PREFIX.length).equals(SM2_PKCS8_PREFIX)) {
    throw new Error(`${file} is not an SM2 private key in PKCS#8 PEM (as \`openssl genpkey -algorithm SM2\` writes it)`);
  }
  const scalar = der.subarray(SM2_PKCS8_PREFIX.length, SM2_PKCS8_PREFIX.length + 32).toString('hex');
  const point = sm2PointFromScalar(scalar);
  const spki = sm2SpkiFromPoint(point);
  return {
    sign: (bytes) => Buffer.from(sm2Sign(bytes, scalar, point)),
    publicKeyPem: derToPem(spki, 'PUBLIC KEY'),
    fingerprint: createHash('sha256').update(spki).digest('hex'),
  };
}
