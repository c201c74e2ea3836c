import type { ManifestTimestamp } from '../core/timestamp/verify';
import { Readable } from 'node:stream';
import canonicalize from 'canonicalize';
import { DualHasher, type Digests } from '../core/hashing';
import { renderCoverSheet } from './cover-sheet';
import {
  COVER_SHEET, FORMAT, MANIFEST, PUBLIC_KEY, SHA256SUMS, SIGNATURE, SM2_PUBLIC_KEY, SM2_SIGNATURE, SM3SUMS, VERIFIER, formatSums, isSafePackagePath,
  type CustodyEntry, type Integrity, type Manifest, type ManifestDerivative, type ManifestDocument, type ManifestFile,
} from './format';
import type { PackageSink } from './sinks';
import type { SigningKey } from '../core/signing-key';
import { SM2_DISTINGUISHING_ID } from '../core/sm2';

export interface EvidenceInfo {
  id: string;
  sha256: string;
  sm3: string;
  size: number;
  originalName: string;
  originalPath: string;
  officerNo: string | null;
  deviceSerial: string;
  recordedAt: Date | null;
  stationTime: Date | null;
  receivedAt: Date;
  clockSkewMs: number | null;
  important: boolean;
}

export interface PackageDerivative {
  kind: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
  open(): Promise<Readable>;
}

export interface PackageFile {
  evidence: EvidenceInfo;
  custody: CustodyEntry[];
  /** The original bytes, opened only when this file's turn comes. */
  open(): Promise<Readable>;
  derivatives?: PackageDerivative[];
  /** The RFC 3161 timestamp of this file; copied into manifest.json as is. */
  timestamp?: ManifestTimestamp;
}

/** A small extra file the signature covers, e.g. timestamps/<batch>.tsr or tsa-chain.pem. */
export interface PackageDocument {
  path: string;
  role: string;
  bytes: Buffer;
}

export interface PackageInput {
  case: Manifest['case'];
  exporter: Manifest['exporter'];
  reason: string;
  receiver?: string | null;
  createdAt: Date;
  files: PackageFile[];
  documents?: PackageDocument[];
}

export interface Progress {
  bytesDone: number;
  bytesTotal: number;
  path: string;
}

export interface BuildOptions {
  signingKey: SigningKey;
  /** The self-contained verify.html (verifyPage). */
  verifyPage: string;
  /** Called for every chunk written; throttle before storing it anywhere. */
  onProgress?: (progress: Progress) => void;
}

export interface BuiltPackage {
  /** SHA-256 of manifest.json: what identifies a folder package. */
  manifestSha256: string;
  /** Size and SHA-256 of the zip itself, for a zip sink: what the transfer record keeps. */
  archive: { size: number; sha256: string } | null;
  files: number;
}

/** The recorded bytes and the bytes read disagree: the package must not be finished. */
export class ExportIntegrityError extends Error {
  override name = 'ExportIntegrityError';
}

const CATEGORIES: Array<[category: string, extensions: string[]]> = [
  ['音视频', ['mp4', 'mov', 'avi', 'mkv', 'ts', 'm4v', '3gp', 'mpg', 'wav', 'mp3', 'aac', 'amr', 'm4a']],
  ['图片', ['jpg', 'jpeg', 'png', 'bmp']],
  ['文档', ['txt', 'pdf']],
];

/** Category (电子数据类别) and format from a recorder file name; the extension is used only if allow-listed. */
export function classify(originalName: string): { ext: string; category: string; format: string } {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(originalName)?.[1]?.toLowerCase() ?? '';
  const known = CATEGORIES.find(([, exts]) => exts.includes(ext));
  if (known) return { ext, category: known[0], format: ext.toUpperCase() };
  return { ext: 'bin', category: '其他电子文件', format: ext ? ext.toUpperCase() : '未知' };
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Where each file goes in the package: generated names only, `files/<NNN>-<evidence id>.<ext>`. */
export function planPaths(files: Array<{ evidence: { id: string; originalName: string }; derivatives?: Array<{ kind: string; name: string }> }>) {
  const width = Math.max(3, String(files.length).length);
  return files.map((f, i) => {
    if (!SAFE_SEGMENT.test(f.evidence.id)) throw new Error(`evidence id ${JSON.stringify(f.evidence.id)} cannot name a package file`);
    const stem = `${String(i + 1).padStart(width, '0')}-${f.evidence.id}`;
    const derived = (f.derivatives ?? []).map((d, j) => {
      const name = SAFE_SEGMENT.test(d.kind) && SAFE_SEGMENT.test(d.name) ? `${d.kind}-${d.name}` : `${j + 1}.bin`;
      return `files/derived/${stem}/${name}`;
    });
    return { path: `files/${stem}.${classify(f.evidence.originalName).ext}`, derived };
  });
}

/**
 * Passes `body` through while hashing it, and fails the stream (so the sink never completes the
 * file) as soon as the bytes cannot be the recorded ones.
 */
async function* verified(body: AsyncIterable<Buffer>, expected: { size: number; sha256: string; sm3?: string }, what: string, out: { digests?: Digests }, onBytes: (n: number) => void) {
  const hasher = new DualHasher();
  for await (const chunk of body) {
    if (hasher.bytes + chunk.length > expected.size) throw new ExportIntegrityError(`${what}: the store returned more than the recorded ${expected.size} bytes`);
    hasher.update(chunk);
    onBytes(chunk.length);
    yield chunk;
  }
  const digests = hasher.digest();
  if (hasher.bytes !== expected.size) throw new ExportIntegrityError(`${what}: the store returned ${hasher.bytes} of the recorded ${expected.size} bytes`);
  if (digests.sha256 !== expected.sha256) throw new ExportIntegrityError(`${what}: the bytes read from the store do not match the recorded SHA-256`);
  if (expected.sm3 !== undefined && digests.sm3 !== expected.sm3) throw new ExportIntegrityError(`${what}: the bytes read from the store do not match the recorded SM3`);
  out.digests = digests;
}

/**
 * Writes a package: every file streamed and checked against its recorded hashes, then the cover
 * sheet and verifier, then manifest.json (RFC 8785 canonical JSON), manifest.sig, public-key.pem,
 * the SM2 co-signature manifest.sm2.sig with sm2-public-key.pem, and the SUMS files. On any failure the sink is aborted, so no partial package is left.
 */
export async function buildPackage(input: PackageInput, sink: PackageSink, options: BuildOptions): Promise<BuiltPackage> {
  const bytesTotal = input.files.reduce((sum, f) => sum + f.evidence.size + (f.derivatives ?? []).reduce((s, d) => s + d.size, 0), 0);
  let bytesDone = 0;
  const listed: Integrity[] = [];
  try {
    const copy = async (path: string, open: () => Promise<Readable>, expected: { size: number; sha256: string; sm3?: string }, what: string): Promise<Integrity> => {
      const out: { digests?: Digests } = {};
      const onBytes = (n: number) => options.onProgress?.({ bytesDone: (bytesDone += n), bytesTotal, path });
      const source = await open().catch((e: Error) => Promise.reject(new Error(`${what}: cannot read it from the store: ${e.message}`, { cause: e })));
      await sink.add(path, Readable.from(verified(source, expected, what, out, onBytes), { objectMode: false }), expected.size, false);
      const entry = { path, size: expected.size, ...out.digests! };
      listed.push(entry);
      return entry;
    };
    const write = async (path: string, bytes: Buffer): Promise<Integrity> => {
      if (!isSafePackagePath(path)) throw new Error(`unsafe package path ${JSON.stringify(path)}`);
      const hasher = new DualHasher();
      hasher.update(bytes);
      await sink.add(path, Readable.from([bytes]), bytes.length, true);
      const entry = { path, size: bytes.length, ...hasher.digest() };
      listed.push(entry);
      return entry;
    };

    const paths = planPaths(input.files);
    const files: ManifestFile[] = [];
    for (const [i, f] of input.files.entries()) {
      const e = f.evidence;
      const what = `evidence ${e.id} (${e.originalName})`;
      const original = await copy(paths[i]!.path, f.open, e, what);
      const derivatives: ManifestDerivative[] = [];
      for (const [j, d] of (f.derivatives ?? []).entries()) {
        const copied = await copy(paths[i]!.derived[j]!, d.open, d, `derivative ${d.kind}/${d.name} of ${what}`);
        derivatives.push({ ...copied, kind: d.kind, name: d.name, mimeType: d.mimeType });
      }
      const { category, format } = classify(e.originalName);
      files.push({
        ...original,
        evidenceId: e.id,
        originalName: e.originalName,
        originalPath: e.originalPath,
        category,
        format,
        officerNo: e.officerNo,
        deviceSerial: e.deviceSerial,
        recordedAt: e.recordedAt?.toISOString() ?? null,
        stationTime: e.stationTime?.toISOString() ?? null,
        receivedAt: e.receivedAt.toISOString(),
        clockSkewMs: e.clockSkewMs,
        important: e.important,
        custody: f.custody,
        derivatives,
        ...(f.timestamp ? { timestamp: f.timestamp } : {}),
      });
    }

    const body: Omit<Manifest, 'documents'> = {
      format: FORMAT,
      case: input.case,
      exporter: input.exporter,
      reason: input.reason,
      receiver: input.receiver ?? null,
      createdAt: input.createdAt.toISOString(),
      signingKey: { algorithm: 'Ed25519', fingerprint: options.signingKey.fingerprint },
      sm2SigningKey: { algorithm: 'SM2', fingerprint: options.signingKey.sm2.fingerprint, distinguishingId: SM2_DISTINGUISHING_ID },
      files,
    };
    const documents: ManifestDocument[] = [];
    for (const d of [
      { path: COVER_SHEET, role: 'cover-sheet', bytes: Buffer.from(renderCoverSheet(body)) },
      { path: VERIFIER, role: 'verifier', bytes: Buffer.from(options.verifyPage) },
      ...(input.documents ?? []),
    ]) {
      documents.push({ ...(await write(d.path, d.bytes)), role: d.role });
    }

    const manifest = Buffer.from(canonicalize({ ...body, documents } satisfies Manifest)!);
    const manifestEntry = await write(MANIFEST, manifest);
    await write(SIGNATURE, options.signingKey.sign(manifest));
    await write(PUBLIC_KEY, Buffer.from(options.signingKey.publicKeyPem));
    await write(SM2_SIGNATURE, options.signingKey.sm2.sign(manifest));
    await write(SM2_PUBLIC_KEY, Buffer.from(options.signingKey.sm2.publicKeyPem));
    const sums = listed.slice();
    await write(SHA256SUMS, Buffer.from(formatSums(sums.map((e) => ({ path: e.path, hex: e.sha256 })))));
    await write(SM3SUMS, Buffer.from(formatSums(sums.map((e) => ({ path: e.path, hex: e.sm3 })))));
    return { manifestSha256: manifestEntry.sha256, archive: await sink.finish(), files: input.files.length };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
