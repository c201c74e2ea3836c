import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SIGNING_KEY_FILE = 'export-signing-key.pem';

/** The platform's Ed25519 key that signs every export manifest. */
export interface SigningKey {
  /** Raw 64-byte Ed25519 signature over exactly these bytes. */
  sign(bytes: Uint8Array): Buffer;
  /** SPKI PEM, shipped in every package as public-key.pem. */
  publicKeyPem: string;
  /** SHA-256 of the DER SPKI, 64 hex digits: what manifest.json names. */
  fingerprint: string;
}

/**
 * Loads the key from `dir`, or generates it there on first start (PKCS#8 PEM, mode 0600). The
 * directory lives outside the database (EVIDENCE_HOME/keys) so a database dump never carries it.
 */
export async function loadOrCreateSigningKey(dir: string): Promise<SigningKey> {
  const file = join(dir, SIGNING_KEY_FILE);
  const pem = (await readIfPresent(file)) ?? (await createKeyFile(dir, file));
  return signingKeyFrom(createPrivateKey(pem));
}

const readIfPresent = (file: string) =>
  readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));

async function createKeyFile(dir: string, file: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // Written whole under a temp name, then linked into place: link fails if another process won the race.
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, pem, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
    return pem;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFile(file, 'utf8');
    throw e;
  } finally {
    await unlink(temp);
  }
}

function signingKeyFrom(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the export signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return {
    sign: (bytes) => sign(null, bytes, privateKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex'),
  };
}
