/**
 * The offline verifier inside every package (verify.html). Runs from file:// with no network:
 * hashes each picked file in slices with SHA-256 and SM3 (./digest.ts), checks the Ed25519
 * signature with WebCrypto and the SM2 one with the same code as `evidence verify`, and judges
 * with the same rules.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  MANIFEST, PUBLIC_KEY, SHA256SUMS, SIGNATURE, SM2_PUBLIC_KEY, SM2_SIGNATURE, SM3SUMS, SUMS_FILES, checkSm2Signature, groupFingerprint, judgePackage,
  type FileStatus, type Manifest, type Observed, type Sm2Findings,
} from '../format';
import { zhLabel } from '../../core/labels';
import { checkTimestamps } from '../timestamps';
import { digestChunks } from './digest';

const SLICE = 8 * 1024 * 1024;
const LABELS: Record<FileStatus, [string, string]> = {
  ok: ['一致', 'OK'],
  altered: ['已改动', 'ALTERED'],
  missing: ['缺失', 'MISSING'],
  unexpected: ['多余文件', 'UNEXPECTED'],
};

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function* slices(file: File, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < file.size; offset += SLICE) {
    const slice = new Uint8Array(await file.slice(offset, offset + SLICE).arrayBuffer());
    yield slice;
    onBytes(slice.length);
  }
}

/** The path inside the package: webkitRelativePath starts with the picked folder's own name. */
const packagePath = (file: File) => {
  const rel = file.webkitRelativePath || file.name;
  return rel.slice(rel.indexOf('/') + 1);
};

async function checkSignature(manifest: Uint8Array<ArrayBuffer>, files: Map<string, File>): Promise<{ signature: boolean | string; fingerprint: string | null }> {
  const sigFile = files.get(SIGNATURE);
  const keyFile = files.get(PUBLIC_KEY);
  if (!sigFile || !keyFile) return { signature: `${SIGNATURE} or ${PUBLIC_KEY} is missing`, fingerprint: null };
  const pem = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(await keyFile.text());
  if (!pem) return { signature: `${PUBLIC_KEY} is not a PEM public key`, fingerprint: null };
  const der = Uint8Array.from(atob(pem[1]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  const fingerprint = bytesToHex(sha256(der));
  try {
    const key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    const signature = new Uint8Array(await sigFile.arrayBuffer());
    return { signature: await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, manifest), fingerprint };
  } catch (e) {
    return { signature: `this browser cannot check an Ed25519 signature (${(e as Error).message})`, fingerprint };
  }
}

function show(parent: HTMLElement, tag: string, zh: string, en?: string): HTMLElement {
  const el = parent.appendChild(document.createElement(tag));
  el.textContent = zh;
  if (en) el.appendChild(Object.assign(document.createElement('span'), { className: 'en', textContent: en }));
  return el;
}

async function verify(picked: File[]): Promise<void> {
  const status = byId<HTMLParagraphElement>('status');
  const progress = byId<HTMLProgressElement>('progress');
  const report = byId<HTMLElement>('report');
  report.hidden = true;
  const files = new Map(picked.map((f) => [packagePath(f), f]));

  const manifestFile = files.get(MANIFEST);
  const manifestBytes = manifestFile ? new Uint8Array(await manifestFile.arrayBuffer()) : new Uint8Array();
  let manifest: Manifest | string = `${MANIFEST} is missing: pick the package folder itself`;
  if (manifestFile) {
    try {
      manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes)) as Manifest;
    } catch {
      manifest = `${MANIFEST} is not valid JSON`;
    }
  }
  const { signature, fingerprint } = await checkSignature(manifestBytes, files);
  const sm2Sig = files.get(SM2_SIGNATURE);
  const sm2 = checkSm2Signature(manifestBytes, sm2Sig && new Uint8Array(await sm2Sig.arrayBuffer()), await files.get(SM2_PUBLIC_KEY)?.text());

  const total = picked.reduce((s, f) => s + f.size, 0);
  let done = 0;
  progress.hidden = false;
  progress.max = Math.max(total, 1);
  const observed = new Map<string, Observed>();
  let n = 0;
  for (const [path, file] of files) {
    n += 1;
    status.textContent = `正在计算第 ${n}/${files.size} 个文件 · hashing file ${n} of ${files.size}: ${path}`;
    const digests = await digestChunks(slices(file, (bytes) => {
      done += bytes;
      progress.value = done;
    }));
    observed.set(path, { size: file.size, ...digests });
  }
  progress.value = progress.max;

  const text = async (name: string) => (files.has(name) ? files.get(name)!.text() : null);
  const judged = judgePackage({ manifest, signature, fingerprint, sm2, sha256sums: await text(SHA256SUMS), sm3sums: await text(SM3SUMS), observed });
  status.textContent = '正在核验可信时间戳 · checking trusted timestamps';
  const read = async (path: string) => (files.has(path) ? new Uint8Array(await files.get(path)!.arrayBuffer()) : undefined);
  const stamps = typeof manifest === 'string' ? { problems: [], stamped: 0 } : await checkTimestamps(manifest, read);
  const verdict = { ...judged, ok: judged.ok && stamps.problems.length === 0, problems: [...judged.problems, ...stamps.problems] };
  render(verdict, typeof manifest === 'string' ? null : manifest, signature, fingerprint, sm2, stamps.stamped);
  status.textContent = verdict.ok ? '校验完成：全部一致 · Verified: every file is intact' : '校验完成：发现问题 · Verification FAILED';
}

function render(verdict: ReturnType<typeof judgePackage>, manifest: Manifest | null, signature: boolean | string, fingerprint: string | null, sm2: Sm2Findings, stamped: number): void {
  const line = byId<HTMLParagraphElement>('verdict');
  line.className = `verdict ${verdict.ok ? 'ok' : 'bad'}`;
  line.textContent = verdict.ok ? '全部通过：签名有效，每个文件与清单一致 · PASSED: valid signature, every file matches' : '未通过 · FAILED';

  const facts = byId<HTMLDListElement>('facts');
  facts.replaceChildren();
  const fact = (zh: string, en: string, value: string) => {
    show(facts, 'dt', zh, en);
    return show(facts, 'dd', value);
  };
  if (manifest) {
    fact('案件', 'case', `${manifest.case?.number ?? ''} ${manifest.case?.title ?? ''}`);
    fact('导出人', 'exported by', `${manifest.exporter?.name ?? ''}，${zhLabel('role', String(manifest.exporter?.role ?? ''))}`);
    fact('导出时间', 'exported at', String(manifest.createdAt ?? ''));
    fact('事由', 'reason', String(manifest.reason ?? ''));
  }
  fact('签名', 'signature', signature === true ? '有效 valid' : signature === false ? '无效 INVALID' : `无法核验 not checked: ${signature}`);
  fact('公钥指纹', 'key fingerprint: compare with the cover sheet and the platform', fingerprint ? groupFingerprint(fingerprint) : '—').className = 'fingerprint';
  const sm2Word = sm2.signature === true ? '有效 valid' : sm2.signature === false ? '无效 INVALID' : sm2.signature === null ? '无（早于 SM2 签名的数据包） absent' : `无法核验 not checked: ${sm2.signature}`;
  fact('SM2 签名', 'SM2 signature (SM3, ID 1234567812345678)', sm2Word);
  if (sm2.fingerprint) fact('SM2 公钥指纹', 'SM2 key fingerprint', groupFingerprint(sm2.fingerprint)).className = 'fingerprint';
  fact('签名核验', 'signatures', verdict.signatures);
  fact('可信时间戳', 'trusted timestamps (RFC 3161) that hold', `${stamped} / ${manifest?.files?.length ?? 0}`);

  const problems = byId<HTMLUListElement>('problems');
  problems.replaceChildren();
  for (const p of verdict.problems) show(problems, 'li', p).className = 'bad';

  const names = new Map((manifest?.files ?? []).map((f) => [f.path, f.originalName]));
  const rows = byId<HTMLTableSectionElement>('files');
  rows.replaceChildren();
  for (const v of verdict.files) {
    const tr = rows.appendChild(document.createElement('tr'));
    tr.dataset.status = v.status;
    const [zh, en] = LABELS[v.status];
    show(tr, 'td', zh, en).className = v.status === 'ok' ? 'ok' : 'bad';
    show(tr, 'td', v.path);
    show(tr, 'td', names.get(v.path) ?? '');
    // Every file but the SUMS files was held to both hashes (manifest.json or the SUMS files).
    const checked = (SUMS_FILES as readonly string[]).includes(v.path) ? '' : 'SHA-256 一致 OK · SM3 一致 OK';
    show(tr, 'td', v.status === 'ok' ? checked : v.reasons.join('; '));
  }
  byId<HTMLElement>('report').hidden = false;
}

byId<HTMLInputElement>('pick').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const status = byId<HTMLParagraphElement>('status');
  verify(Array.from(input.files ?? [])).catch((e: unknown) => {
    status.textContent = `无法完成校验 · could not verify: ${(e as Error).message}`;
  });
});
