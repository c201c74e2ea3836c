import { verify } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCoverSheet } from '../../export/cover-sheet';
import {
  FORMAT, checkSm2Signature, formatSums, groupFingerprint, isSafePackagePath, judgePackage, parseSums, type Findings, type Manifest, type Observed,
} from '../../export/format';
import { classify, planPaths } from '../../export/package';
import { SIGNING_KEY_FILE, SM2_SIGNING_KEY_FILE, loadOrCreateSigningKey } from '../../core/signing-key';

const h = (c: string) => c.repeat(64);
const FP = h('f');

/** A consistent package of one original, one derivative and the cover sheet, as measured. */
function findings(): Findings & { observed: Map<string, Observed> } {
  const manifest = {
    format: FORMAT,
    case: { id: 'c', number: 'A-1', title: 't', unit: 'u' },
    exporter: { name: 'n', role: 'handler' },
    reason: 'r',
    receiver: null,
    createdAt: '2026-11-25T00:00:00.000Z',
    signingKey: { algorithm: 'Ed25519', fingerprint: FP },
    files: [{ path: 'files/001-e.mp4', size: 10, sha256: h('1'), sm3: h('2'), derivatives: [{ path: 'files/derived/001-e/mp4-video.mp4', size: 5, sha256: h('3'), sm3: h('4') }] }],
    documents: [{ path: 'index.html', size: 7, sha256: h('5'), sm3: h('6'), role: 'cover-sheet' }],
  } as unknown as Manifest;
  const observed = new Map<string, Observed>([
    ['files/001-e.mp4', { size: 10, sha256: h('1'), sm3: h('2') }],
    ['files/derived/001-e/mp4-video.mp4', { size: 5, sha256: h('3'), sm3: h('4') }],
    ['index.html', { size: 7, sha256: h('5'), sm3: h('6') }],
    ['manifest.json', { size: 100, sha256: h('7'), sm3: h('8') }],
    ['manifest.sig', { size: 64, sha256: h('9'), sm3: h('a') }],
    ['public-key.pem', { size: 113, sha256: h('b'), sm3: h('c') }],
    ['SHA256SUMS', { size: 1, sha256: h('d'), sm3: h('d') }],
    ['SM3SUMS', { size: 1, sha256: h('e'), sm3: h('e') }],
  ]);
  const listed = [...observed].filter(([p]) => !p.endsWith('SUMS'));
  return {
    manifest,
    signature: true,
    fingerprint: FP,
    sm2: { signature: null, fingerprint: null },
    sha256sums: formatSums(listed.map(([path, o]) => ({ path, hex: o.sha256 }))),
    sm3sums: formatSums(listed.map(([path, o]) => ({ path, hex: o.sm3! }))),
    observed,
  };
}

const failures = (f: Findings) => {
  const v = judgePackage(f);
  return { ok: v.ok, problems: v.problems, files: v.files.filter((x) => x.status !== 'ok').map((x) => `${x.status} ${x.path}`) };
};

describe('judgePackage', () => {
  it('passes a consistent package, with or without SM3 measured (the browser has none)', () => {
    expect(failures(findings())).toEqual({ ok: true, problems: [], files: [] });
    const browser = findings();
    for (const [p, o] of browser.observed) browser.observed.set(p, { size: o.size, sha256: o.sha256 });
    expect(judgePackage(browser).ok).toBe(true);
  });

  it('names an altered, a missing and an unexpected file', () => {
    const f = findings();
    f.observed.set('files/001-e.mp4', { size: 10, sha256: h('0'), sm3: h('2') });
    f.observed.delete('files/derived/001-e/mp4-video.mp4');
    f.observed.set('files/extra.mp4', { size: 1, sha256: h('0'), sm3: h('0') });
    expect(failures(f)).toEqual({
      ok: false,
      problems: [],
      files: ['altered files/001-e.mp4', 'missing files/derived/001-e/mp4-video.mp4', 'unexpected files/extra.mp4'],
    });
  });

  it('blames a SUMS line that disagrees with the signed manifest on the SUMS file, not the intact file', () => {
    const f = findings();
    f.sha256sums = f.sha256sums!.replace(h('1'), h('0'));
    expect(failures(f).files).toEqual(['altered SHA256SUMS']);
    const g = findings();
    g.sm3sums = g.sm3sums!.split('\n').slice(1).join('\n');
    expect(judgePackage(g).files.find((v) => v.path === 'SM3SUMS')).toMatchObject({ status: 'altered', reasons: ['does not list files/001-e.mp4'] });
  });

  it('fails an edited manifest, a bad signature and a key other than the one the manifest names', () => {
    const f = findings();
    f.observed.set('manifest.json', { size: 100, sha256: h('0'), sm3: h('0') });
    f.signature = false;
    expect(failures(f)).toMatchObject({ ok: false, problems: ['manifest.sig is not a valid signature of manifest.json by public-key.pem'], files: ['altered manifest.json'] });
    const g = findings();
    g.fingerprint = h('0');
    expect(failures(g).problems).toEqual(['public-key.pem is not the signing key named in manifest.json']);
    const b = findings();
    b.signature = 'this browser cannot check an Ed25519 signature';
    expect(judgePackage(b).ok).toBe(false);
  });

  it('holds a package whose signed manifest names an SM2 key to its SM2 signature; one made before needs none', () => {
    expect(judgePackage(findings())).toMatchObject({ ok: true, signatures: 'Ed25519 OK, SM2 absent (a package made before SM2 co-signatures)' });
    const cosigned = () => {
      const f = findings();
      (f.manifest as Manifest).sm2SigningKey = { algorithm: 'SM2', fingerprint: h('2'), distinguishingId: '1234567812345678' };
      f.observed.set('manifest.sm2.sig', { size: 72, sha256: h('3'), sm3: h('4') });
      f.observed.set('sm2-public-key.pem', { size: 178, sha256: h('5'), sm3: h('6') });
      const listed = [...f.observed].filter(([p]) => !p.endsWith('SUMS'));
      f.sha256sums = formatSums(listed.map(([path, o]) => ({ path, hex: o.sha256 })));
      f.sm3sums = formatSums(listed.map(([path, o]) => ({ path, hex: o.sm3! })));
      f.sm2 = { signature: true, fingerprint: h('2') };
      return f;
    };
    expect(judgePackage(cosigned())).toMatchObject({ ok: true, problems: [], signatures: 'Ed25519 OK, SM2 OK' });
    const forged = cosigned();
    forged.sm2.signature = false;
    expect(judgePackage(forged)).toMatchObject({ ok: false, signatures: 'Ed25519 OK, SM2 INVALID', problems: ['manifest.sm2.sig is not a valid SM2 signature of manifest.json by sm2-public-key.pem'] });
    const otherKey = cosigned();
    otherKey.sm2.fingerprint = h('0');
    expect(failures(otherKey).problems).toEqual(['sm2-public-key.pem is not the SM2 signing key named in manifest.json']);
    // Stripping the SM2 files does not make it an older package: the Ed25519-signed manifest names the key.
    const stripped = cosigned();
    stripped.observed.delete('manifest.sm2.sig');
    stripped.observed.delete('sm2-public-key.pem');
    stripped.sm2 = { signature: null, fingerprint: null };
    expect(failures(stripped)).toMatchObject({ ok: false, files: ['missing manifest.sm2.sig', 'missing sm2-public-key.pem'] });
    expect(failures(stripped).problems[0]).toMatch(/SM2 signature could not be checked/);
  });

  it('refuses a manifest naming a path the platform never generates', () => {
    const f = findings();
    (f.manifest as Manifest).files[0]!.path = '../escape.mp4';
    expect(failures(f).problems).toEqual(['manifest.json has a malformed entry: "../escape.mp4"']);
  });
});

describe('package naming', () => {
  it('classifies by an allow-listed extension only', () => {
    expect(classify('010203_DSJ0001_20261125093000_0001IMP.MP4')).toEqual({ ext: 'mp4', category: '音视频', format: 'MP4' });
    expect(classify('photo.jpg')).toMatchObject({ ext: 'jpg', category: '图片' });
    expect(classify('evil.sh')).toEqual({ ext: 'bin', category: '其他电子文件', format: 'SH' });
    expect(classify('../../etc/passwd')).toEqual({ ext: 'bin', category: '其他电子文件', format: '未知' });
  });

  it('generates every path; recorder names never become paths', () => {
    const id = '0c6a1f7e-1111-4222-8333-944444444444';
    const plan = planPaths([
      { evidence: { id, originalName: '../../x.mp4' }, derivatives: [{ kind: 'mp4', name: 'video.mp4' }, { kind: 'hls', name: '../seg 1.ts' }] },
      { evidence: { id, originalName: 'a.wav' } },
    ]);
    expect(plan).toEqual([
      { path: `files/001-${id}.mp4`, derived: [`files/derived/001-${id}/mp4-video.mp4`, `files/derived/001-${id}/2.bin`] },
      { path: `files/002-${id}.wav`, derived: [] },
    ]);
    expect(plan.flatMap((p) => [p.path, ...p.derived]).every(isSafePackagePath)).toBe(true);
    expect(['../a', 'a//b', '.hidden', 'a/./b', 'a\\b', '/abs'].some(isSafePackagePath)).toBe(false);
    expect(() => planPaths([{ evidence: { id: '../x', originalName: 'a.mp4' } }])).toThrow(/cannot name a package file/);
  });

  it('writes SUMS lines sha256sum reads and parses them back', () => {
    const text = formatSums([{ path: 'files/001-e.mp4', hex: h('a') }]);
    expect(text).toBe(`${h('a')}  files/001-e.mp4\n`);
    expect(parseSums(text, 'SHA256SUMS')).toEqual(new Map([['files/001-e.mp4', h('a')]]));
    expect(() => parseSums('nonsense\n', 'SHA256SUMS')).toThrow(/SHA256SUMS line 1/);
  });

  it('escapes recorder data on the cover sheet', () => {
    const f = findings();
    const m = f.manifest as Manifest;
    const html = renderCoverSheet({
      ...m,
      case: { ...m.case, title: '<script>alert(1)</script>' },
      files: [{ ...m.files[0]!, originalName: '<img src=x onerror=alert(1)>.mp4', originalPath: 'DCIM/"x"', category: '音视频', format: 'MP4', officerNo: null, deviceSerial: 'D', recordedAt: null, stationTime: null, receivedAt: m.createdAt, clockSkewMs: 5000, important: true, custody: [], derivatives: [] }],
    });
    expect(html).not.toMatch(/<script>|<img/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.mp4');
    expect(html).toContain(groupFingerprint(FP));
    expect(html).toContain('电子数据清单');
  });
});

describe('signing key', () => {
  it('is generated once (0600), reloaded with the same fingerprint, and signs 64-byte Ed25519 signatures', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'export-key-')), 'keys');
    const [a, b] = await Promise.all([loadOrCreateSigningKey(dir), loadOrCreateSigningKey(dir)]);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect((await stat(join(dir, SIGNING_KEY_FILE))).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateSigningKey(dir);
    expect(again.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(again.fingerprint).toBe(a.fingerprint);
    const sig = again.sign(Buffer.from('manifest'));
    expect(sig).toHaveLength(64);
    expect(verify(null, Buffer.from('manifest'), a.publicKeyPem, sig)).toBe(true);
    expect(await readFile(join(dir, SIGNING_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(groupFingerprint(a.fingerprint).split(' ')).toHaveLength(16);
  });

  it('keeps an SM2 key beside it the same way, whose signatures checkSm2Signature accepts and refuses after a flipped byte', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'export-key-')), 'keys');
    const [a, b] = await Promise.all([loadOrCreateSigningKey(dir), loadOrCreateSigningKey(dir)]);
    expect(a.sm2.fingerprint).toBe(b.sm2.fingerprint);
    expect((await stat(join(dir, SM2_SIGNING_KEY_FILE))).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateSigningKey(dir);
    expect(again.sm2.fingerprint).toBe(a.sm2.fingerprint);
    expect(again.sm2.publicKeyPem).toBe(a.sm2.publicKeyPem);
    const body = Buffer.from('manifest');
    const sig = again.sm2.sign(body);
    expect(checkSm2Signature(body, sig, a.sm2.publicKeyPem)).toEqual({ signature: true, fingerprint: a.sm2.fingerprint });
    const flipped = Buffer.from(sig);
    flipped[flipped.length - 1]! ^= 1;
    expect(checkSm2Signature(body, flipped, a.sm2.publicKeyPem).signature).toBe(false);
    expect(checkSm2Signature(Buffer.from('manifesT'), sig, a.sm2.publicKeyPem).signature).toBe(false);
    expect(checkSm2Signature(body, sig, a.publicKeyPem).signature).toBe('sm2-public-key.pem is not an SM2 key');
    expect(checkSm2Signature(body, undefined, undefined)).toEqual({ signature: null, fingerprint: null });
  });
});
