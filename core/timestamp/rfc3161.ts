import * as asn1js from 'asn1js';
import {
  AlgorithmIdentifier,
  checkCA,
  ExtKeyUsage,
  MessageImprint,
  PKIStatus,
  SignedData,
  TimeStampReq,
  TimeStampResp,
  TSTInfo,
  type Certificate,
  type ICryptoEngine,
} from 'pkijs';
import { arrayBuffer, certificateDer, certificatePem, describeName, equalBytes, fromHex, integerHex, OID, parsePemCertificates, policyOf, randomInteger, toHex, webCryptoEngine } from './pki';

/**
 * RFC 3161 time-stamp protocol: building a query for a SHA-256 digest and verifying the answer
 * before anyone relies on it. Browser-safe; the network transport is passed in (see client.ts).
 */

const SHA256_BYTES = 32;

export interface TimeStampQuery {
  der: Uint8Array;
  nonce: string;
}

/** A TimeStampReq for a SHA-256 digest: 126-bit random nonce, certReq true, optional policy. */
export function timeStampQuery(digest: Uint8Array, policy?: string): TimeStampQuery {
  assertDigest(digest);
  const nonce = randomInteger(16);
  const req = new TimeStampReq({
    version: 1,
    messageImprint: new MessageImprint({
      hashAlgorithm: new AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    nonce,
    certReq: true,
    ...(policy ? { reqPolicy: policy } : {}),
  });
  return { der: new Uint8Array(req.toSchema().toBER()), nonce: integerHex(nonce) };
}

/** What a verified token says. */
export interface TokenInfo {
  genTime: Date;
  /** The token's serial number, hex. */
  serial: string;
  policy: string;
  /** Subject of the certificate that signed the token (verified, unlike the token's own tsa field). */
  authority: string;
  /** Signer certificate up to the trust anchor, as PEM: what an offline verifier needs. */
  chainPem: string;
}

export interface ExpectedToken {
  /** The SHA-256 digest that was time-stamped (the message imprint). */
  digest: Uint8Array;
  trustAnchors: readonly Certificate[];
  /** Hex of the nonce sent; checked when given (a stored token is verified without it). */
  nonce?: string;
  policy?: string;
}

/**
 * Verifies a DER TimeStampResp (.tsr) completely and returns what it attests. Throws, naming the
 * first check that failed: status, imprint, nonce, policy, ESS signing certificate, CMS
 * signature, chain to the trust anchors at genTime, and the TSA certificate's critical
 * timeStamping extended key usage.
 */
export async function verifyTimeStampResponse(response: Uint8Array, expected: ExpectedToken, engine: ICryptoEngine = webCryptoEngine()): Promise<TokenInfo> {
  const resp = parseDer(response, 'TimeStampResp', (schema) => new TimeStampResp({ schema }));
  const { status } = resp.status;
  if (status !== PKIStatus.granted && status !== PKIStatus.grantedWithMods) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    throw new Error(`the authority refused: status ${status}${text ? ` (${text})` : ''}`);
  }
  const token = resp.timeStampToken;
  if (!token || token.contentType !== OID.signedData) throw new Error('the response carries no SignedData time-stamp token');
  const signed = new SignedData({ schema: token.content });
  const eContent = signed.encapContentInfo.eContent;
  if (signed.encapContentInfo.eContentType !== OID.tstInfo || !eContent) throw new Error('the token does not contain a TSTInfo');
  const tstDer = new Uint8Array(eContent.getValue());
  const tst = parseDer(tstDer, 'TSTInfo', (schema) => new TSTInfo({ schema }));
  const policy = policyOf(tstDer) ?? tst.policy;

  if (tst.version !== 1) throw new Error(`unsupported TSTInfo version ${tst.version}`);
  if (tst.messageImprint.hashAlgorithm.algorithmId !== OID.sha256) throw new Error(`the token's imprint is not SHA-256 (${tst.messageImprint.hashAlgorithm.algorithmId})`);
  if (!equalBytes(tst.messageImprint.hashedMessage.valueBlock.valueHexView, expected.digest)) {
    throw new Error(`the token's imprint ${toHex(tst.messageImprint.hashedMessage.valueBlock.valueHexView)} is not the digest ${toHex(expected.digest)}`);
  }
  if (expected.nonce !== undefined && (!tst.nonce || integerHex(tst.nonce) !== expected.nonce)) {
    throw new Error(`the token's nonce ${tst.nonce ? integerHex(tst.nonce) : '(none)'} is not the nonce sent (${expected.nonce}): a replayed or mixed-up answer`);
  }
  if (expected.policy && policy !== expected.policy) throw new Error(`the token's policy ${policy} is not the configured ${expected.policy}`);

  const signer = signed.signerInfos.length === 1 ? signed.signerInfos[0]! : undefined;
  if (!signer?.signedAttrs) throw new Error('the token must have exactly one signer, with signed attributes');
  const attribute = (type: string) => signer.signedAttrs!.attributes.find((a) => a.type === type)?.values[0];
  const contentType = attribute(OID.contentType);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== OID.tstInfo) {
    throw new Error('the signed content-type attribute is not id-ct-TSTInfo');
  }

  // pkijs' own TSTInfo branch wants the stamped data itself, but we hold only its digest (checked
  // above). Verifying a copy labelled as plain data checks the same signature over the same signed
  // attributes (whose content type was just checked) and the same eContent bytes.
  const copy = new SignedData({ schema: token.content });
  copy.encapContentInfo.eContentType = OID.data;
  const trustedCerts = expected.trustAnchors.filter((c) => checkCA(c));
  const result = await copy
    .verify({ signer: 0, checkChain: true, trustedCerts, checkDate: tst.genTime, passedWhenNotRevValues: true, extendedMode: true }, engine)
    .catch((error: unknown) => {
      throw new Error(`the token's signature or certificate chain does not verify: ${error instanceof Error ? error.message : String(error)}`);
    });
  if (!result.signatureVerified || !result.signerCertificate) throw new Error('the token signature does not verify');
  const tsaCert = result.signerCertificate;
  assertTimeStampingCertificate(tsaCert);
  await assertSigningCertificate(attribute(OID.signingCertificateV2), attribute(OID.signingCertificate), tsaCert, engine);

  return {
    genTime: tst.genTime,
    serial: integerHex(tst.serialNumber),
    policy,
    authority: describeName(tsaCert.subject),
    chainPem: result.certificatePath.map(certificatePem).join(''),
  };
}

/** RFC 3161 section 2.3: the TSA certificate's only extended key usage is timeStamping, marked critical. */
export function assertTimeStampingCertificate(cert: Certificate): void {
  const eku = cert.extensions?.filter((e) => e.extnID === OID.extKeyUsage) ?? [];
  const purposes = eku[0]?.parsedValue instanceof ExtKeyUsage ? eku[0].parsedValue.keyPurposes : [];
  if (eku.length !== 1 || purposes.length !== 1 || purposes[0] !== OID.timeStamping) {
    throw new Error(`the signer certificate (${describeName(cert.subject)}) is not for time-stamping only`);
  }
  if (!eku[0]!.critical) throw new Error(`the signer certificate's timeStamping key usage is not critical (${describeName(cert.subject)})`);
}

/**
 * RFC 3161 section 2.4.1 / RFC 5816: the signed ESS signing-certificate attribute names the
 * certificate that signed, so another certificate with the same key cannot be substituted.
 */
async function assertSigningCertificate(v2: unknown, v1: unknown, cert: Certificate, engine: ICryptoEngine): Promise<void> {
  const firstId = (attr: unknown) => {
    const certs = attr instanceof asn1js.Sequence ? attr.valueBlock.value[0] : undefined;
    const id = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
    return id instanceof asn1js.Sequence ? id.valueBlock.value : undefined;
  };
  let algorithm: string;
  let hash: asn1js.AsnType | undefined;
  if (v2 !== undefined) {
    // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING, issuerSerial OPTIONAL }
    const fields = firstId(v2) ?? [];
    const explicit = fields[0] instanceof asn1js.Sequence ? new AlgorithmIdentifier({ schema: fields[0] }).algorithmId : undefined;
    const name = explicit ? (engine.getAlgorithmByOID(explicit) as Partial<Algorithm>).name : 'SHA-256';
    if (!name) throw new Error(`unknown hash ${explicit} in the signing-certificate attribute`);
    algorithm = name;
    hash = explicit ? fields[1] : fields[0];
  } else if (v1 !== undefined) {
    algorithm = 'SHA-1'; // ESSCertID ::= SEQUENCE { certHash (SHA-1), issuerSerial OPTIONAL }
    hash = firstId(v1)?.[0];
  } else {
    throw new Error('the token has no signing-certificate attribute');
  }
  const expected = new Uint8Array(await engine.digest(algorithm, certificateDer(cert)));
  if (!(hash instanceof asn1js.OctetString) || !equalBytes(hash.valueBlock.valueHexView, expected)) {
    throw new Error('the signing-certificate attribute does not name the certificate that signed the token');
  }
}

/** DER of exactly one `what`, no trailing bytes, or an error that says which structure was wanted. */
function parseDer<T>(der: Uint8Array, what: string, make: (schema: asn1js.AsnType) => T): T {
  const parsed = asn1js.fromBER(arrayBuffer(der));
  if (parsed.offset === -1 || parsed.offset !== der.length) throw new Error(`the answer is not a DER ${what}`);
  try {
    return make(parsed.result);
  } catch (error) {
    throw new Error(`the answer is not a valid ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function assertDigest(digest: Uint8Array): void {
  if (digest.length !== SHA256_BYTES) throw new Error(`a SHA-256 digest is ${SHA256_BYTES} bytes, got ${digest.length}`);
}

/** Sends one query and returns the raw answer; http(s) in client.ts, in-process for the built-in authority. */
export type Transport = (query: Uint8Array) => Promise<Uint8Array>;

/** A verified token: the full DER TimeStampResp (what `openssl ts -verify -in` reads) and what it says. */
export interface Stamp extends TokenInfo {
  response: Uint8Array;
}

export interface TimestampClient {
  /** Time-stamps a SHA-256 digest; resolves only with a response that passed every check. */
  stamp(digest: Uint8Array): Promise<Stamp>;
}

export function timestampClient(options: { transport: Transport; trustAnchorsPem: string; policy?: string }): TimestampClient {
  const trustAnchors = parsePemCertificates(options.trustAnchorsPem);
  if (trustAnchors.length === 0) throw new Error('no trust anchor certificates for the time-stamping authority');
  const engine = webCryptoEngine();
  return {
    async stamp(digest) {
      const query = timeStampQuery(digest, options.policy);
      const response = await options.transport(query.der);
      const info = await verifyTimeStampResponse(response, { digest, trustAnchors, nonce: query.nonce, policy: options.policy }, engine);
      return { ...info, response };
    },
  };
}

/** Time-stamps one hex SHA-256 digest (used for the audit chain's signed checkpoints). */
export function stampDigest(client: TimestampClient, digestHex: string): Promise<Stamp> {
  return client.stamp(fromHex(digestHex));
}

