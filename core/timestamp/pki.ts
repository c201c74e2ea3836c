import * as asn1js from 'asn1js';
import { Certificate, CryptoEngine, type ICryptoEngine, type RelativeDistinguishedNames } from 'pkijs';

/**
 * Small helpers shared by the time-stamp client, the built-in authority and the offline verifier.
 * Browser-safe: WebCrypto through pkijs, no node-only APIs, bytes as Uint8Array.
 */

/** A pkijs engine over WebCrypto, passed explicitly to every pkijs call instead of a global one. */
export function webCryptoEngine(): ICryptoEngine {
  return new CryptoEngine({ name: 'webcrypto', crypto: globalThis.crypto });
}

export const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  extKeyUsage: '2.5.29.37',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

export function toHex(bytes: Uint8Array | ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`not a hex string: "${hex.slice(0, 80)}"`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function equalBytes(a: Uint8Array | ArrayBuffer, b: Uint8Array | ArrayBuffer): boolean {
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * A fresh copy as an ArrayBuffer, the shape pkijs and asn1js parse from. (Not bytes.slice(): on a
 * node Buffer that is a view into a shared pool.)
 */
export function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

export function toPem(label: string, der: Uint8Array | ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(der)) binary += String.fromCharCode(byte);
  const b64 = btoa(binary);
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** Every certificate in a PEM text (other blocks such as keys are ignored). */
export function parsePemCertificates(pem: string): Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => {
    const b64 = block.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    return Certificate.fromBER(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  });
}

export function certificatePem(cert: Certificate): string {
  return toPem('CERTIFICATE', cert.toSchema().toBER());
}

/** The DER of a certificate, as hashed by ESS signing-certificate attributes. */
export function certificateDer(cert: Certificate): Uint8Array<ArrayBuffer> {
  return new Uint8Array(cert.toSchema().toBER());
}

const NAME_LABELS: Record<string, string> = {
  '2.5.4.6': 'C',
  '2.5.4.8': 'ST',
  '2.5.4.7': 'L',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** RFC 5280 section 4.2.1.2 method (1) key identifier: SHA-1 of the subject public key bits. */
export async function keyIdentifier(cert: Certificate, engine: ICryptoEngine): Promise<Uint8Array> {
  return new Uint8Array(await engine.digest('SHA-1', cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView.slice()));
}

/** A distinguished name as people read it, in certificate order: "C=CN, O=…, CN=…". */
export function describeName(name: RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const value = tv.value as unknown as { valueBlock?: { value?: unknown } };
      const text = typeof value.valueBlock?.value === 'string' ? value.valueBlock.value : toHex(tv.value.toBER());
      return `${NAME_LABELS[tv.type] ?? tv.type}=${text}`;
    })
    .join(', ');
}

/** A positive DER INTEGER of `bytes` random bytes (top bits fixed so the encoding is minimal and positive). */
export function randomInteger(bytes: number): asn1js.Integer {
  const value = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  value[0] = (value[0]! & 0x3f) | 0x40;
  return new asn1js.Integer({ valueHex: value });
}

/**
 * The first OBJECT IDENTIFIER directly inside a DER SEQUENCE, in dotted form: the policy of a
 * TimeStampReq or TSTInfo. Decoded here because asn1js prints arcs above 2^56 (such as UUID-based
 * 2.25 policies) as hex.
 */
export function policyOf(der: Uint8Array): string | undefined {
  const outer = asn1js.fromBER(arrayBuffer(der)).result;
  const oid = outer instanceof asn1js.Sequence ? outer.valueBlock.value.find((v) => v instanceof asn1js.ObjectIdentifier) : undefined;
  if (!oid) return undefined;
  const arcs: bigint[] = [];
  let arc = 0n;
  for (const byte of new Uint8Array(oid.valueBlock.toBER())) {
    arc = arc * 128n + BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const top = first < 40n ? 0n : first < 80n ? 1n : 2n;
  return [top, first - 40n * top, ...arcs].join('.');
}

export function integerHex(value: asn1js.Integer): string {
  return toHex(value.valueBlock.valueHexView);
}
