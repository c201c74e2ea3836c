import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeStampReq } from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_POLICY, namedBits, openBuiltInAuthority, type BuiltInAuthority } from '../../core/timestamp/authority';
import { httpTransport, openTimestamping } from '../../core/timestamp/client';
import { readTimestampConfig } from '../../core/timestamp/config';
import { parsePemCertificates, toHex } from '../../core/timestamp/pki';
import { assertTimeStampingCertificate, stampDigest, timeStampQuery, timestampClient, verifyTimeStampResponse, type Transport } from '../../core/timestamp/rfc3161';
import { closedPortUrl, openssl, serve, startOpensslAuthority, type OpensslAuthority, type TestServer } from '../support/timestamp-fixtures';

let dir: string;
let builtIn: BuiltInAuthority;
let builtInHttp: TestServer;
let independent: OpensslAuthority;
const servers: TestServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'timestamp-authorities-'));
  builtIn = await openBuiltInAuthority({ dir: join(dir, 'tsa'), platformName: 'Test platform' });
  // The built-in authority over real HTTP, the way the platform mounts it at POST /tsa.
  builtInHttp = await serve(async (body) => builtIn.handle(body));
  independent = await startOpensslAuthority(await mkdtemp(join(dir, 'openssl-')));
  servers.push(builtInHttp, independent);
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => new Uint8Array(createHash('sha256').update(text).digest());

/** Writes a .tsr and a chain and runs the exact command a court would. */
async function opensslVerify(digest: Uint8Array, response: Uint8Array, chainPem: string): Promise<{ code: number; out: string }> {
  const work = await mkdtemp(join(dir, 'verify-'));
  await writeFile(join(work, 'token.tsr'), response);
  await writeFile(join(work, 'tsa-chain.pem'), chainPem);
  return openssl(['ts', '-verify', '-digest', toHex(digest), '-in', 'token.tsr', '-CAfile', 'tsa-chain.pem'], work);
}

describe('time-stamp query', () => {
  it('asks for a SHA-256 imprint with a fresh nonce and the certificate, as openssl reads it', async () => {
    const digest = sha256('query');
    const a = timeStampQuery(digest);
    const b = timeStampQuery(digest, '1.2.3.4.5');
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.nonce).toMatch(/^[4-7][0-9a-f]{31}$/); // 126 random bits, positive, minimally encoded
    const file = join(dir, 'query.tsq');
    await writeFile(file, b.der);
    const { code, out } = await openssl(['ts', '-query', '-in', file, '-text']);
    expect(code).toBe(0);
    expect(out).toMatch(/Hash Algorithm: sha256/);
    const dumped = [...out.matchAll(/^\s*[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]){1,16})/gm)].map((m) => m[1]!.replace(/[ -]/g, '')).join('');
    expect(dumped).toBe(toHex(digest));
    expect(out).toMatch(/Policy OID: 1\.2\.3\.4\.5/);
    expect(out).toMatch(new RegExp(`Nonce: 0x${b.nonce}`, 'i'));
    expect(out).toMatch(/Certificate required: yes/);
  });

  it('refuses a digest that is not 32 bytes', () => {
    expect(() => timeStampQuery(new Uint8Array(20))).toThrow(/32 bytes/);
  });
});

describe('the built-in authority', () => {
  it('issues tokens over HTTP that openssl ts -verify accepts with its chain', async () => {
    const client = timestampClient({ transport: httpTransport(builtInHttp.url, 5_000), trustAnchorsPem: builtIn.caPem });
    const digest = sha256('batch root');
    const stamp = await client.stamp(digest);
    expect(stamp.policy).toBe(BUILT_IN_POLICY);
    expect(stamp.authority).toContain('平台自建时间戳服务 (NOT an accredited TSA)');
    expect(Math.abs(stamp.genTime.getTime() - Date.now())).toBeLessThan(10_000);
    expect(await opensslVerify(digest, stamp.response, builtIn.chainPem)).toMatchObject({ code: 0, out: expect.stringMatching(/Verification: OK/) });
    expect((await opensslVerify(sha256('another root'), stamp.response, builtIn.chainPem)).code).not.toBe(0);
    // The chain the client kept is enough on its own, too.
    expect((await opensslVerify(digest, stamp.response, stamp.chainPem)).code).toBe(0);
  });

  it('labels its certificates as the platform’s own and keeps its key private', async () => {
    const [tsa, ca] = parsePemCertificates(builtIn.chainPem);
    expect(builtIn.name).toMatch(/NOT an accredited TSA/);
    const caText = await openssl(['x509', '-noout', '-subject', '-nameopt', 'utf8', '-in', join(dir, 'tsa', 'ca.pem')]);
    expect(caText.out).toMatch(/Test platform 平台自建根证书 \(NOT an accredited CA\)/);
    expect(() => assertTimeStampingCertificate(tsa!)).not.toThrow();
    expect(ca).toBeDefined();
    expect((await stat(join(dir, 'tsa', 'tsa-key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'tsa', 'ca.pem'), 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  it('keeps one identity across restarts and when several processes start at once', async () => {
    expect((await openBuiltInAuthority({ dir: join(dir, 'tsa'), platformName: 'ignored' })).caPem).toBe(builtIn.caPem);
    const fresh = join(dir, 'race', 'tsa');
    const opened = await Promise.all([1, 2, 3, 4].map(() => openBuiltInAuthority({ dir: fresh, platformName: 'Race' })));
    expect(new Set(opened.map((a) => a.chainPem)).size).toBe(1);
    const digest = sha256('race');
    for (const a of opened) await timestampClient({ transport: a.respond, trustAnchorsPem: opened[0]!.caPem }).stamp(digest);
  });

  it('refuses a policy it does not issue and a query that is not DER', async () => {
    const client = timestampClient({ transport: builtIn.respond, trustAnchorsPem: builtIn.caPem, policy: '1.2.3.4.5' });
    await expect(client.stamp(sha256('x'))).rejects.toThrow(/refused: status 2 \(this authority issues tokens under policy/);
    const reply = await builtIn.handle(new TextEncoder().encode('hello'));
    expect(reply).toMatchObject({ status: 200, contentType: 'application/timestamp-reply' });
    const file = join(dir, 'refusal.tsr');
    await writeFile(file, reply.body);
    expect((await openssl(['ts', '-reply', '-in', file, '-text'])).out).toMatch(/Status: Rejected[\s\S]*Failure info: the data submitted has the wrong format/);
  });

  it('encodes failure bits as a DER named bit string', () => {
    expect(toHex(namedBits([5]).valueBlock.valueHexView)).toBe('04');
    expect(namedBits([5]).valueBlock.unusedBits).toBe(2);
    expect(toHex(namedBits([25]).valueBlock.valueHexView)).toBe('00000040');
    expect(toHex(namedBits([5, 6]).valueBlock.valueHexView)).toBe('06');
  });
});

describe('an independent authority (openssl ts -reply)', () => {
  it('is accepted when its CA is the trust anchor, and its token verifies with openssl', async () => {
    const client = timestampClient({ transport: httpTransport(independent.url, 10_000), trustAnchorsPem: independent.caPem, policy: independent.policy });
    const digest = sha256('independent');
    const stamp = await client.stamp(digest);
    expect(stamp.authority).toBe('C=CN, O=Independent Test CA, CN=Independent Test TSA');
    expect(stamp.policy).toBe('1.2.3.4.1');
    expect((await opensslVerify(digest, stamp.response, stamp.chainPem)).code).toBe(0);
    expect(parsePemCertificates(stamp.chainPem)).toHaveLength(2);
  });

  it('is accepted with the older SHA-1 signing-certificate attribute too', async () => {
    const v1 = await startOpensslAuthority(await mkdtemp(join(dir, 'openssl-v1-')), 'tsa_v1');
    servers.push(v1);
    const stamp = await timestampClient({ transport: httpTransport(v1.url, 10_000), trustAnchorsPem: v1.caPem }).stamp(sha256('v1'));
    expect(stamp.policy).toBe('1.2.3.4.1');
  });

  it('is rejected when only the built-in authority is trusted', async () => {
    const client = timestampClient({ transport: httpTransport(independent.url, 10_000), trustAnchorsPem: builtIn.caPem });
    await expect(client.stamp(sha256('untrusted'))).rejects.toThrow(/certificate chain does not verify/);
  });

  it('is rejected when it answers under another policy than the configured one', async () => {
    const client = timestampClient({ transport: httpTransport(independent.url, 10_000), trustAnchorsPem: independent.caPem, policy: '1.2.3.4.5' });
    await expect(client.stamp(sha256('policy'))).resolves.toMatchObject({ policy: '1.2.3.4.5' });
    // An authority that ignores the requested policy (played by dropping it from the query) is caught.
    const ignoringPolicy: Transport = (query) => {
      const req = TimeStampReq.fromBER(query.slice());
      delete req.reqPolicy;
      return httpTransport(independent.url, 10_000)(new Uint8Array(req.toSchema().toBER()));
    };
    const strict = timestampClient({ transport: ignoringPolicy, trustAnchorsPem: independent.caPem, policy: '1.2.3.4.5' });
    await expect(strict.stamp(sha256('policy'))).rejects.toThrow(/policy 1\.2\.3\.4\.1 is not the configured 1\.2\.3\.4\.5/);
  });
});

describe('the client refuses bad answers', () => {
  const trusted = () => builtIn.caPem;
  const client = (url: string, timeoutMs = 2_000) => timestampClient({ transport: httpTransport(url, timeoutMs), trustAnchorsPem: trusted() });

  it('garbage, an HTTP error, or an answer that is too big', async () => {
    const garbage = await serve(async () => ({ status: 200, body: new TextEncoder().encode('<html>busy</html>') }));
    const failing = await serve(async () => ({ status: 503, body: new Uint8Array() }));
    const huge = await serve(async () => ({ status: 200, body: new Uint8Array(300 * 1024) }));
    servers.push(garbage, failing, huge);
    await expect(client(garbage.url).stamp(sha256('g'))).rejects.toThrow(/not a DER TimeStampResp/);
    await expect(client(failing.url).stamp(sha256('g'))).rejects.toThrow(/answered HTTP 503/);
    await expect(client(huge.url).stamp(sha256('g'))).rejects.toThrow(/more than 262144 bytes/);
  });

  it('a replayed answer (wrong nonce) and an answer for another digest', async () => {
    const digest = sha256('replayed');
    const old = await builtIn.respond(timeStampQuery(digest).der);
    const replay = await serve(async () => ({ status: 200, body: old }));
    servers.push(replay);
    await expect(client(replay.url).stamp(digest)).rejects.toThrow(/nonce .* is not the nonce sent/);
    await expect(client(replay.url).stamp(sha256('other'))).rejects.toThrow(/imprint .* is not the digest/);
  });

  it('no answer within the timeout, and nobody listening', async () => {
    const silent = await serve(async () => undefined);
    servers.push(silent);
    const started = Date.now();
    await expect(client(silent.url, 300).stamp(sha256('s'))).rejects.toThrow(/no answer from .* within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(client(await closedPortUrl()).stamp(sha256('s'))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a token whose signature or signed content was altered', async () => {
    const digest = sha256('altered');
    const query = timeStampQuery(digest);
    const good = await builtIn.respond(query.der);
    const anchors = parsePemCertificates(builtIn.caPem);
    await expect(verifyTimeStampResponse(good, { digest, trustAnchors: anchors, nonce: query.nonce })).resolves.toMatchObject({ policy: BUILT_IN_POLICY });

    const badSignature = good.slice();
    badSignature[badSignature.length - 1]! ^= 0x01;
    await expect(verifyTimeStampResponse(badSignature, { digest, trustAnchors: anchors })).rejects.toThrow(/signature/);

    // Change a digit of genTime (GeneralizedTime: tag 0x18) inside the signed TSTInfo.
    const badTime = good.slice();
    const at = badTime.findIndex((b, i) => b === 0x18 && badTime[i + 2] === 0x32 && badTime[i + 3] === 0x30);
    badTime[at + 10]! ^= 0x01;
    await expect(verifyTimeStampResponse(badTime, { digest, trustAnchors: anchors })).rejects.toThrow(/signature|digest/);
  });

  it('a signer certificate that is not exclusively and critically for time-stamping', async () => {
    const work = await mkdtemp(join(dir, 'eku-'));
    const make = async (ext: string) => {
      await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=eku', ...(ext ? ['-addext', ext] : [])], work);
      return parsePemCertificates(await readFile(join(work, 'c.pem'), 'utf8'))[0]!;
    };
    expect(() => assertTimeStampingCertificate(parsePemCertificates(builtIn.chainPem)[0]!)).not.toThrow();
    expect(() => assertTimeStampingCertificate(parsePemCertificates(independent.caPem)[0]!)).toThrow(/not for time-stamping only/);
    const notCritical = await make('extendedKeyUsage=timeStamping');
    expect(() => assertTimeStampingCertificate(notCritical)).toThrow(/not critical/);
    const alsoServer = await make('extendedKeyUsage=critical,timeStamping,serverAuth');
    expect(() => assertTimeStampingCertificate(alsoServer)).toThrow(/not for time-stamping only/);
  });
});

describe('configuration', () => {
  it('runs the built-in authority by default, in-process', async () => {
    const config = readTimestampConfig({}, join(dir, 'home'));
    const { client, authority } = await openTimestamping(config);
    expect(authority?.name).toMatch(/Evidence platform 平台自建时间戳服务/);
    const stamp = await stampDigest(client, toHex(sha256('checkpoint')));
    expect((await opensslVerify(sha256('checkpoint'), stamp.response, authority!.chainPem)).code).toBe(0);
  });

  it('points at an external authority with its trust anchors', async () => {
    const anchors = join(dir, 'anchors.pem');
    await writeFile(anchors, independent.caPem);
    const config = readTimestampConfig({ EVIDENCE_TSA_URL: independent.url, EVIDENCE_TSA_TRUST_ANCHORS: anchors, EVIDENCE_TSA_POLICY: independent.policy }, dir);
    const { client, authority } = await openTimestamping(config);
    expect(authority).toBeUndefined();
    expect((await stampDigest(client, toHex(sha256('external')))).authority).toMatch(/Independent Test TSA/);
  });
});
