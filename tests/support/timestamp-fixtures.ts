import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runTimestampCycle } from '../../core/timestamp/batcher';
import { openTimestamping } from '../../core/timestamp/client';
import type { Db } from '../../schema/database';

/** Runs openssl; resolves with its exit code and output instead of throwing. */
export function openssl(args: string[], cwd?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('openssl', args, { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

async function mustOpenssl(args: string[], cwd: string): Promise<void> {
  const { code, out } = await openssl(args, cwd);
  if (code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${out}`);
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** A tiny HTTP server; `answer` returning undefined means never answering (the request hangs). */
export async function serve(answer: (body: Buffer) => Promise<{ status: number; body: Uint8Array } | undefined>): Promise<TestServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void answer(Buffer.concat(chunks)).then((reply) => {
        if (!reply) return; // hang
        res.writeHead(reply.status, { 'content-type': 'application/timestamp-reply' }).end(reply.body);
      });
    });
  });
  return listen(server);
}

async function listen(server: Server): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens. */
export async function closedPortUrl(): Promise<string> {
  const { url, close } = await listen(createServer());
  await close();
  return url;
}

export interface OpensslAuthority extends TestServer {
  /** Root certificate of this authority: its trust anchor. */
  caPem: string;
  policy: string;
}

/**
 * An independent RFC 3161 authority: its own CA and TSA certificate made by openssl, answering
 * over HTTP with `openssl ts -reply`. `section` picks the tsa config section, e.g. one that
 * signs with the older SHA-1 ESS signing-certificate attribute.
 */
export async function startOpensslAuthority(dir: string, section: 'tsa_v2' | 'tsa_v1' = 'tsa_v2'): Promise<OpensslAuthority> {
  const policy = '1.2.3.4.1';
  // What both sections sign with (section order within them does not matter to openssl).
  const signer = `dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = ${policy}`;
  await writeFile(
    join(dir, 'tsa.cnf'),
    `[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ tsa ]
default_tsa = tsa_v2

[ tsa_v2 ]
${signer}
certs = $dir/ca.pem
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256

[ tsa_v1 ]
${signer}
digests = sha256
ess_cert_id_alg = sha1
`,
  );
  await writeFile(join(dir, 'serial'), '01\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await mustOpenssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/C=CN/O=Independent Test CA/CN=Independent Test Root',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  await mustOpenssl(['req', '-new', ...ec, '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/C=CN/O=Independent Test CA/CN=Independent Test TSA'], dir);
  await mustOpenssl(['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.pem', '-days', '30', '-extfile', 'tsa.cnf', '-extensions', 'tsa_ext'], dir);

  // openssl updates its serial file on every reply: one at a time.
  let queue = Promise.resolve();
  const server = await serve((body) => {
    const reply = queue.then(async () => {
      const name = randomBytes(6).toString('hex');
      const query = join(dir, `${name}.tsq`);
      const response = join(dir, `${name}.tsr`);
      await writeFile(query, body);
      await mustOpenssl(['ts', '-reply', '-config', 'tsa.cnf', '-section', section, '-queryfile', query, '-out', response], dir);
      const der = await readFile(response);
      await rm(query);
      await rm(response);
      return { status: 200, body: der };
    });
    queue = reply.then(() => undefined, () => undefined);
    return reply;
  });
  return { ...server, caPem: await readFile(join(dir, 'ca.pem'), 'utf8'), policy };
}

/** The built-in authority in `dir`, as a platform opens it by default. */
export async function builtInTimestamps(dir: string) {
  return openTimestamping({ authority: { kind: 'built-in', dir, platformName: '测试平台' }, policy: undefined, intervalMs: 60_000, batchMax: 1000, requestTimeoutMs: 5000 });
}

/** Time-stamps every verified original now, as the platform does every minute. */
export async function stampEverything(db: Db, dir: string) {
  const { client } = await builtInTimestamps(dir);
  return runTimestampCycle({ db, client, clock: () => new Date(), log: { info: () => {}, warn: () => {} }, maxBatch: 1000 });
}
