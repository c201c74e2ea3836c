/**
 * SM2 signatures (GB/T 32918.2) over SM3 with the standard distinguishing identifier, exactly what
 * `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678` checks. Not
 * node:crypto: with an SM2-curve key it signs plain ECDSA (no Z value, other equations), which
 * OpenSSL refuses as SM2, and it aborts the process exporting an SM2 key it read from PEM. So the
 * arithmetic is sm-crypto-v2's (on @noble/curves) and the key encodings are read here. Free of
 * Node APIs: the offline verify.html shares it.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { sm2 } from 'sm-crypto-v2';

/** The default ID of GB/T 32918 / GM/T 0009, hashed into every signature (the Z value). */
export const SM2_DISTINGUISHING_ID = '1234567812345678';

/** SPKI of an SM2 key as OpenSSL and Node write it: id-ecPublicKey on the SM2 curve, then the uncompressed point. */
const SPKI_PREFIX = hexToBytes('3059301306072a8648ce3d020106082a811ccf5501822d034200');
const POINT_LENGTH = 65;

/** The DER inside a PEM block with this label, or null. */
export function pemToDer(pem: string, label: string): Uint8Array | null {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  return m ? Uint8Array.from(atob(m[1]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0)) : null;
}

export function derToPem(der: Uint8Array, label: string): string {
  const b64 = btoa(String.fromCharCode(...der));
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;
}

const startsWith = (bytes: Uint8Array, prefix: Uint8Array) => bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** The public point (hex, 04‖x‖y) of an SM2 SPKI, or null when the DER is not one. */
export function sm2PointFromSpki(der: Uint8Array): string | null {
  if (der.length !== SPKI_PREFIX.length + POINT_LENGTH || !startsWith(der, SPKI_PREFIX) || der[SPKI_PREFIX.length] !== 0x04) return null;
  return bytesToHex(der.subarray(SPKI_PREFIX.length));
}

export function sm2SpkiFromPoint(pointHex: string): Uint8Array {
  return Uint8Array.from([...SPKI_PREFIX, ...hexToBytes(pointHex)]);
}

/** The public point (hex, 04‖x‖y) of a private scalar (hex). */
export const sm2PointFromScalar = (scalarHex: string): string => sm2.getPublicKeyFromPrivateKey(scalarHex);

/** DER SM2 signature over `message` with the standard ID. */
export function sm2Sign(message: Uint8Array, privateKeyHex: string, pointHex: string): Uint8Array {
  return hexToBytes(sm2.doSignature(message, privateKeyHex, { der: true, hash: true, publicKey: pointHex, userId: SM2_DISTINGUISHING_ID }));
}

/** Whether `signature` (DER) is an SM2 signature of `message` by the key at `pointHex`, with the standard ID. */
export function sm2Verify(message: Uint8Array, signature: Uint8Array, pointHex: string): boolean {
  try {
    return sm2.doVerifySignature(message, bytesToHex(signature), pointHex, { der: true, hash: true, userId: SM2_DISTINGUISHING_ID });
  } catch {
    return false; // not DER, or not a point on the curve
  }
}
