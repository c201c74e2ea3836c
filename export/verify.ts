import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DualHasher } from '../core/hashing';
import { checkTimestamps, isTimestampDocument } from './timestamps';
import {
  ENVELOPE, MANIFEST, PUBLIC_KEY, SHA256SUMS, SIGNATURE, SM2_ENVELOPE, SM2_PUBLIC_KEY, SM2_SIGNATURE, SM3SUMS, SUMS_FILES, checkSm2Signature,
  groupFingerprint, isSafePackagePath, judgePackage,
  type FileStatus, type Manifest, type Observed, type Verdict,
} from './format';

/** A package to read: a folder or a zip, as regular files by package path. */
export interface PackageReader {
  readonly description: string;
  /** Regular files and their sizes; anything else (links, devices, duplicates) is a problem. */
  list(): Promise<{ files: Map<string, number>; problems: string[] }>;
  open(path: string): Promise<Readable>;
  close(): Promise<void>;
}

export function folderReader(root: string): PackageReader {
  return {
    description: `folder ${root}`,
    async list() {
      const files = new Map<string, number>();
      const problems: string[] = [];
      for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        const path = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/');
        if (entry.isFile()) files.set(path, (await lstat(join(root, path))).size);
        else if (!entry.isDirectory()) problems.push(`${path} is not a regular file (a link or device); it was not checked`);
      }
      return { files, problems };
    },
    open: async (path) => createReadStream(join(root, ...path.split('/')), { highWaterMark: 1 << 20 }),
    close: async () => {},
  };
}

/** Reads a zip through its central directory; entries are streamed one at a time, never loaded whole. */
export async function zipReader(file: string): Promise<PackageReader> {
  const zip = await yauzl.openPromise(file, { autoClose: false, strictFileNames: true, validateEntrySizes: true });
  const entries = new Map<string, yauzl.Entry>();
  return {
    description: `zip ${file}`,
    async list() {
      const problems: string[] = [];
      for await (const entry of zip.eachEntry()) {
        if (entry.fileName.endsWith('/')) continue;
        if (entries.has(entry.fileName)) problems.push(`${entry.fileName} appears twice in the zip`);
        entries.set(entry.fileName, entry);
      }
      return { files: new Map([...entries].map(([path, e]) => [path, e.uncompressedSize])), problems };
    },
    open: (path) => zip.openReadStreamPromise(entries.get(path)!),
    close: async () => zip.close(),
  };
}

export const openPackage = async (path: string): Promise<PackageReader> =>
  (await stat(path)).isDirectory() ? folderReader(path) : zipReader(path);

export interface Report extends Verdict {
  source: string;
  /** SHA-256 of public-key.pem's DER SPKI; compare it with the cover sheet and the platform. */
  fingerprint: string | null;
  manifest: Manifest | null;
}

export interface VerifyOptions {
  /** The fingerprint the platform publishes: a package signed by any other key fails. */
  expectFingerprint?: string;
  /** Also writes every file into this (new) folder while hashing it: one read unpacks and verifies. */
  extractTo?: string;
  onFile?: (path: string, index: number, count: number, size: number) => void;
}

/** The envelope and SUMS files are read into memory; larger ones cannot be genuine. */
const SMALL = new Set<string>([...ENVELOPE, ...SM2_ENVELOPE, ...SUMS_FILES]);
const SMALL_LIMIT = 256 * 1024 * 1024;
const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** Every check of docs/export-format.md §4, over one streamed read of each file; closes the reader. */
export async function verifyPackage(reader: PackageReader, options: VerifyOptions = {}): Promise<Report> {
  try {
    return await check(reader, options);
  } finally {
    await reader.close();
  }
}

async function check(reader: PackageReader, options: VerifyOptions): Promise<Report> {
  const { files, problems } = await reader.list();
  const observed = new Map<string, Observed>();
  const kept = new Map<string, Buffer>();
  let index = 0;
  for (const [path, size] of files) {
    options.onFile?.(path, ++index, files.size, size);
    const hasher = new DualHasher();
    const chunks: Buffer[] | null = (SMALL.has(path) || isTimestampDocument(path)) && size <= SMALL_LIMIT ? [] : null;
    let target: Writable = discard();
    if (options.extractTo) {
      if (!isSafePackagePath(path)) problems.push(`${path} has a name the platform never generates; it was not extracted`);
      else {
        const dest = join(options.extractTo, ...path.split('/'));
        await mkdir(dirname(dest), { recursive: true });
        target = createWriteStream(dest, { flags: 'wx' });
      }
    }
    await pipeline(
      await reader.open(path),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hasher.update(chunk);
          chunks?.push(chunk);
          yield chunk;
        }
      },
      target,
    );
    if (chunks) kept.set(path, Buffer.concat(chunks));
    observed.set(path, { size: hasher.bytes, ...hasher.digest() });
  }

  const manifestBytes = kept.get(MANIFEST);
  let manifest: Manifest | string = `${MANIFEST} is missing or too large`;
  if (manifestBytes) {
    try {
      manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes)) as Manifest;
    } catch {
      manifest = `${MANIFEST} is not valid UTF-8 JSON`;
    }
  }
  const { signature, fingerprint } = checkSignature(manifestBytes, kept.get(SIGNATURE), kept.get(PUBLIC_KEY));
  const text = (name: string) => kept.get(name)?.toString('utf8') ?? null;
  const sm2 = checkSm2Signature(manifestBytes, kept.get(SM2_SIGNATURE), text(SM2_PUBLIC_KEY) ?? undefined);
  const verdict = judgePackage({ manifest, signature, fingerprint, sm2, sha256sums: text(SHA256SUMS), sm3sums: text(SM3SUMS), observed });

  if (typeof manifest !== 'string') problems.push(...(await checkTimestamps(manifest, async (path) => kept.get(path))).problems);
  const wanted = options.expectFingerprint?.replace(/\s+/g, '').toLowerCase();
  if (wanted && wanted !== fingerprint) problems.push(`the package is signed by key ${fingerprint ? groupFingerprint(fingerprint) : '(none)'}, not the expected ${groupFingerprint(wanted)}`);
  return {
    ...verdict,
    ok: verdict.ok && problems.length === 0,
    problems: [...problems, ...verdict.problems],
    source: reader.description,
    fingerprint,
    manifest: typeof manifest === 'string' ? null : manifest,
  };
}

function checkSignature(manifest: Buffer | undefined, signature: Buffer | undefined, pem: Buffer | undefined): { signature: boolean | string; fingerprint: string | null } {
  if (!pem) return { signature: `${PUBLIC_KEY} is missing`, fingerprint: null };
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    return { signature: `${PUBLIC_KEY} is not a PEM public key`, fingerprint: null };
  }
  const fingerprint = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
  if (key.asymmetricKeyType !== 'ed25519') return { signature: `${PUBLIC_KEY} is not an Ed25519 key`, fingerprint };
  if (!manifest || !signature) return { signature: `${MANIFEST} or ${SIGNATURE} is missing`, fingerprint };
  return { signature: verifySignature(null, manifest, key, signature), fingerprint };
}

const LABELS: Record<FileStatus, string> = { ok: 'OK', altered: 'ALTERED', missing: 'MISSING', unexpected: 'UNEXPECTED' };

/** The report as the receiver reads it: one line per file, every failure named. */
export function formatReport(report: Report): string {
  const m = report.manifest;
  const lines = [`package: ${report.source}`];
  if (m) lines.push(`case: ${m.case?.number} ${m.case?.title}; exported by ${m.exporter?.name} at ${m.createdAt}; reason: ${m.reason}`);
  lines.push(`signing key fingerprint: ${report.fingerprint ? groupFingerprint(report.fingerprint) : '(none)'}`, '  compare it with the cover sheet (index.html) and the fingerprint the platform publishes');
  lines.push(`signatures: ${report.signatures}`);
  for (const f of report.files) lines.push(`${LABELS[f.status].padEnd(10)}  ${f.path}${f.reasons.length > 0 ? `  (${f.reasons.join('; ')})` : ''}`);
  for (const p of report.problems) lines.push(`PROBLEM     ${p}`);
  const bad = report.files.filter((f) => f.status !== 'ok').length + report.problems.length;
  lines.push(report.ok ? `result: OK: signature valid, all ${report.files.length} files intact` : `result: FAILED: ${bad} problem${bad === 1 ? '' : 's'}`);
  return lines.join('\n');
}
