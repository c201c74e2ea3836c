import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as asn1js from 'asn1js';
import {
  Accuracy,
  Attribute,
  AttributeTypeAndValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ContentInfo,
  EncapsulatedContentInfo,
  ExtKeyUsage,
  Extension,
  GeneralName,
  IssuerAndSerialNumber,
  PKIStatus,
  PKIStatusInfo,
  RelativeDistinguishedNames,
  SignedAndUnsignedAttributes,
  SignedData,
  SignerInfo,
  TimeStampReq,
  Time,
  TimeStampResp,
  TimeType,
  TSTInfo,
  type ICryptoEngine,
} from 'pkijs';
import { arrayBuffer, certificateDer, certificatePem, describeName, keyIdentifier, OID, parsePemCertificates, policyOf, randomInteger, toPem, webCryptoEngine } from './pki';

/**
 * The platform's own time-stamping authority, so one machine works with no outside service. On
 * first start it makes an EC P-256 root certificate and a TSA certificate signed by it; both say in
 * their names that they are the platform's own and not an accredited authority. Tokens it issues
 * are ordinary RFC 3161 tokens that `openssl ts -verify` checks against its chain.
 *
 * The root's private key is used once, to sign the TSA certificate, and never stored: nothing
 * else can ever be issued under this root.
 */

/** This authority's policy: a UUID-based OID (ITU-T X.667, arc 2.25), needing no registration. */
export const BUILT_IN_POLICY = '2.25.204903725916580312834151366282657437011';

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const FILES = { ca: 'ca.pem', tsa: 'tsa.pem', key: 'tsa-key.pem' } as const;

export interface BuiltInAuthority {
  /** Subject of the TSA certificate, as shown next to every token it issued. */
  name: string;
  policy: string;
  /** The root certificate: the trust anchor to verify this authority's tokens with. */
  caPem: string;
  /** TSA certificate then root, the `tsa-chain.pem` of an export. */
  chainPem: string;
  /** Answers one DER TimeStampReq with a DER TimeStampResp; refusals are answers too. */
  respond(query: Uint8Array): Promise<Uint8Array>;
  /** The same as an HTTP exchange, for mounting at e.g. POST /tsa (body: application/timestamp-query). */
  handle(body: Uint8Array): Promise<{ status: number; contentType: string; body: Uint8Array }>;
}

export interface AuthorityOptions {
  /** Where the key and certificates live, e.g. $EVIDENCE_HOME/tsa; made on first start. */
  dir: string;
  /** Shown in the certificate names. */
  platformName: string;
  clock?: () => Date;
}

export async function openBuiltInAuthority(options: AuthorityOptions): Promise<BuiltInAuthority> {
  const engine = webCryptoEngine();
  const files = (await loadFiles(options.dir)) ?? (await createFiles(options.dir, options.platformName, engine));
  const [cert] = parsePemCertificates(files.tsa);
  if (!cert) throw new Error(`${join(options.dir, FILES.tsa)} holds no certificate`);
  const signer: Signer = {
    cert,
    key: await engine.importKey('pkcs8', pemBody(files.key), KEY_ALGORITHM, false, ['sign']),
    certHash: new Uint8Array(await engine.digest('SHA-256', certificateDer(cert))),
    engine,
    clock: options.clock ?? (() => new Date()),
  };
  const respond = (query: Uint8Array) => answer(signer, query);
  return {
    name: describeName(cert.subject),
    policy: BUILT_IN_POLICY,
    caPem: files.ca,
    chainPem: files.tsa + files.ca,
    respond,
    handle: async (body) => ({ status: 200, contentType: 'application/timestamp-reply', body: await respond(body) }),
  };
}

interface Signer {
  cert: Certificate;
  key: CryptoKey;
  /** SHA-256 of the certificate's DER, for the ESS signing-certificate attribute. */
  certHash: Uint8Array;
  engine: ICryptoEngine;
  clock: () => Date;
}

async function answer(signer: Signer, query: Uint8Array): Promise<Uint8Array> {
  let req: TimeStampReq;
  try {
    req = TimeStampReq.fromBER(arrayBuffer(query));
  } catch {
    return refusal(FailInfo.badDataFormat, 'the request is not a DER TimeStampReq');
  }
  const problem = checkRequest(req, policyOf(query));
  if (problem) return refusal(problem.bit, problem.text);
  try {
    return await grant(signer, req);
  } catch (error) {
    return refusal(FailInfo.systemFailure, `signing failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function grant({ cert, key, certHash, engine, clock }: Signer, req: TimeStampReq): Promise<Uint8Array> {
  const tstInfo = new TSTInfo({
    version: 1,
    policy: BUILT_IN_POLICY,
    messageImprint: req.messageImprint,
    serialNumber: randomInteger(16),
    genTime: clock(),
    accuracy: new Accuracy({ seconds: 1 }),
    ...(req.nonce ? { nonce: req.nonce } : {}),
    tsa: new GeneralName({ type: 4, value: cert.subject }),
  });
  const content = new Uint8Array(tstInfo.toSchema().toBER());
  const digest = await engine.digest('SHA-256', content);
  const signed = new SignedData({
    version: 3,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID.tstInfo, eContent: new asn1js.OctetString({ valueHex: content }) }),
    signerInfos: [
      new SignerInfo({
        version: 1,
        sid: new IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.tstInfo })] }),
            new Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
            // SigningCertificateV2 { certs { ESSCertIDv2 { certHash } } }, hash algorithm SHA-256 by default.
            new Attribute({ type: OID.signingCertificateV2, values: [sequence(sequence(sequence(new asn1js.OctetString({ valueHex: certHash }))))] }),
          ],
        }),
      }),
    ],
    // RFC 3161: certificates only when asked for.
    ...(req.certReq ? { certificates: [cert] } : {}),
  });
  await signed.sign(key, 0, 'SHA-256', undefined, engine);
  const resp = new TimeStampResp({
    status: new PKIStatusInfo({ status: PKIStatus.granted }),
    timeStampToken: new ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) }),
  });
  return new Uint8Array(resp.toSchema().toBER());
}

/** PKIFailureInfo bits (RFC 3161 section 2.4.2). */
const FailInfo = { badAlg: 0, badRequest: 2, badDataFormat: 5, unacceptedPolicy: 15, unacceptedExtension: 16, systemFailure: 25 } as const;

const DIGEST_BYTES: Record<string, number> = { [OID.sha256]: 32, '2.16.840.1.101.3.4.2.2': 48, '2.16.840.1.101.3.4.2.3': 64 };

function checkRequest(req: TimeStampReq, reqPolicy: string | undefined): { bit: number; text: string } | undefined {
  if (req.version !== 1) return { bit: FailInfo.badRequest, text: `unsupported request version ${req.version}` };
  const expected = DIGEST_BYTES[req.messageImprint.hashAlgorithm.algorithmId];
  if (!expected) return { bit: FailInfo.badAlg, text: 'only SHA-256, SHA-384 and SHA-512 imprints are accepted' };
  if (req.messageImprint.hashedMessage.valueBlock.valueHexView.length !== expected) return { bit: FailInfo.badDataFormat, text: 'the imprint length does not match its algorithm' };
  if (reqPolicy && reqPolicy !== BUILT_IN_POLICY) return { bit: FailInfo.unacceptedPolicy, text: `this authority issues tokens under policy ${BUILT_IN_POLICY} only` };
  if (req.extensions?.length) return { bit: FailInfo.unacceptedExtension, text: 'request extensions are not supported' };
  return undefined;
}

function refusal(bit: number, text: string): Uint8Array {
  const resp = new TimeStampResp({
    status: new PKIStatusInfo({ status: PKIStatus.rejection, statusStrings: [new asn1js.Utf8String({ value: text })], failInfo: namedBits([bit]) }),
  });
  return new Uint8Array(resp.toSchema().toBER());
}

/** A DER named BIT STRING with the given bits set (bit 0 is the first, most significant bit). */
export function namedBits(bits: readonly number[]): asn1js.BitString {
  const last = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(last / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)]! |= 0x80 >> bit % 8;
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (last % 8) });
}

function sequence(...value: asn1js.AsnType[]): asn1js.Sequence {
  return new asn1js.Sequence({ value });
}

interface AuthorityFiles {
  ca: string;
  tsa: string;
  key: string;
}

async function loadFiles(dir: string): Promise<AuthorityFiles | undefined> {
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  try {
    return { ca: await read(FILES.ca), tsa: await read(FILES.tsa), key: await read(FILES.key) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Makes the key and certificates in a scratch directory and renames it into place, so platform
 * processes starting together agree on one authority: whoever renames first wins, the others load.
 */
async function createFiles(dir: string, platformName: string, engine: ICryptoEngine): Promise<AuthorityFiles> {
  const files = await generate(platformName, engine);
  const scratch = `${dir}.new-${randomBytes(6).toString('hex')}`;
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(scratch, { mode: 0o700 });
  try {
    await writeFile(join(scratch, FILES.ca), files.ca);
    await writeFile(join(scratch, FILES.tsa), files.tsa);
    await writeFile(join(scratch, FILES.key), files.key, { mode: 0o600 });
    await chmod(join(scratch, FILES.key), 0o600);
    await rename(scratch, dir);
    return files;
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    const existing = await loadFiles(dir);
    if (existing) return existing;
    throw error;
  }
}

async function generate(platformName: string, engine: ICryptoEngine): Promise<AuthorityFiles> {
  const notBefore = new Date(Date.now() - 60_000); // a minute of slack for clocks a little behind
  const years = (n: number) => new Date(Date.UTC(notBefore.getUTCFullYear() + n, notBefore.getUTCMonth(), notBefore.getUTCDate()));
  const organisation = `${platformName} (platform's own, not accredited)`;
  const caName = [`${platformName} 平台自建根证书 (NOT an accredited CA)`, organisation] as const;
  const tsaName = [`${platformName} 平台自建时间戳服务 (NOT an accredited TSA)`, organisation] as const;

  const caKeys = (await engine.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const tsaKeys = (await engine.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  // The CA signs both certificates (its own too), valid from the same moment.
  const issue = (subject: CertificateSpec['subject'], publicKey: CryptoKey, validYears: number, extensions: CertificateSpec['extensions']) =>
    certificate(engine, { subject, issuer: caName, publicKey, signingKey: caKeys.privateKey, validity: [notBefore, years(validYears)], extensions });
  const ca = await issue(caName, caKeys.publicKey, 30, (ski) => [
    extension('2.5.29.19', true, new BasicConstraints({ cA: true }).toSchema()),
    extension('2.5.29.15', true, namedBits([5, 6])), // keyCertSign, cRLSign
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: ski })),
  ]);
  const caKeyId = await keyIdentifier(ca, engine);
  const tsa = await issue(tsaName, tsaKeys.publicKey, 20, (ski) => [
    extension('2.5.29.19', true, new BasicConstraints({ cA: false }).toSchema()),
    extension('2.5.29.15', true, namedBits([0, 1])), // digitalSignature, nonRepudiation
    extension(OID.extKeyUsage, true, new ExtKeyUsage({ keyPurposes: [OID.timeStamping] }).toSchema()),
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: ski })),
    extension('2.5.29.35', false, new AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: caKeyId }) }).toSchema()),
  ]);
  const pkcs8 = await engine.exportKey('pkcs8', tsaKeys.privateKey);
  return { ca: certificatePem(ca), tsa: certificatePem(tsa), key: toPem('PRIVATE KEY', pkcs8) };
}

interface CertificateSpec {
  subject: readonly [commonName: string, organisation: string];
  issuer: readonly [commonName: string, organisation: string];
  publicKey: CryptoKey;
  signingKey: CryptoKey;
  validity: readonly [notBefore: Date, notAfter: Date];
  extensions: (subjectKeyId: Uint8Array) => Extension[];
}

async function certificate(engine: ICryptoEngine, spec: CertificateSpec): Promise<Certificate> {
  const cert = new Certificate();
  cert.version = 2;
  cert.serialNumber = randomInteger(16);
  cert.subject = distinguishedName(...spec.subject);
  cert.issuer = distinguishedName(...spec.issuer);
  cert.notBefore = x509Time(spec.validity[0]);
  cert.notAfter = x509Time(spec.validity[1]);
  await cert.subjectPublicKeyInfo.importKey(spec.publicKey, engine);
  cert.extensions = spec.extensions(await keyIdentifier(cert, engine));
  await cert.sign(spec.signingKey, 'SHA-256', engine);
  return cert;
}

/** O=…, CN=… as two RDNs (pkijs alone would put both attributes into one multi-valued RDN). */
function distinguishedName(commonName: string, organisation: string): RelativeDistinguishedNames {
  const rdn = (type: string, value: string) => new asn1js.Set({ value: [new AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema()] });
  return RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: [rdn('2.5.4.10', organisation), rdn('2.5.4.3', commonName)] }).toBER());
}

/** RFC 5280 section 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function x509Time(value: Date): Time {
  return new Time({ type: value.getUTCFullYear() < 2050 ? TimeType.UTCTime : TimeType.GeneralizedTime, value });
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): Extension {
  return new Extension({ extnID, critical, extnValue: value.toBER() });
}

function pemBody(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----(BEGIN|END) [A-Z ]+-----|\s/g, '');
  return arrayBuffer(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}
