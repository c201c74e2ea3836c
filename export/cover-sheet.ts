import { humanBytes } from '../core/bytes';
import { beijingTime } from '../core/display';
import { zhLabel } from '../core/labels';
import { SM2_DISTINGUISHING_ID } from '../core/sm2';
import { COVER_SHEET, MANIFEST, PUBLIC_KEY, SHA256SUMS, SIGNATURE, SM2_PUBLIC_KEY, SM2_SIGNATURE, SM3SUMS, VERIFIER, groupFingerprint, type Manifest, type ManifestFile } from './format';

/** Text into HTML: every value on the sheet is data (recorder names included), never markup. */
const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function humanSize(bytes: number): string {
  return bytes < 1000 ? `${bytes} B` : `${humanBytes(bytes)}（${bytes.toLocaleString('en-US')} 字节）`;
}

function fileRows(f: ManifestFile, n: number): string {
  const times = [
    ['录制', 'recorder', f.recordedAt],
    ['采集站', 'station', f.stationTime],
    ['入库', 'server', f.receivedAt],
  ]
    .map(([zh, en, at]) => `<div>${zh} ${en}：${esc(beijingTime(at ?? null))}</div>`)
    .join('');
  const skew = f.clockSkewMs === null ? '' : `<div>时钟偏差 skew：${esc((f.clockSkewMs / 1000).toFixed(1))} 秒</div>`;
  const original = `<tr>
<td>${n}</td>
<td><div class="name">${esc(f.originalName)}${f.important ? ' <strong>【重要】</strong>' : ''}</div><div class="sub">原路径 ${esc(f.originalPath)}</div><div class="sub">包内 ${esc(f.path)}</div></td>
<td>${esc(f.category)}</td><td>${esc(f.format)}</td><td>${esc(humanSize(f.size))}</td>
<td class="hash"><div>SHA-256 ${esc(f.sha256)}</div><div>SM3 ${esc(f.sm3)}</div></td>
<td>${esc(f.officerNo ?? '—')}</td><td>${esc(f.deviceSerial)}</td>
<td class="times">${times}${skew}<div>保管记录 custody：${f.custody.length} 条</div></td>
</tr>`;
  const derived = f.derivatives.map(
    (d) => `<tr class="derived">
<td>${n}-派生</td>
<td><div class="name">派生文件（非原始证据）<span class="en">derivative, not the original</span>: ${esc(d.kind)} ${esc(d.name)}</div><div class="sub">包内 ${esc(d.path)}</div></td>
<td>派生</td><td>${esc(d.mimeType)}</td><td>${esc(humanSize(d.size))}</td>
<td class="hash"><div>SHA-256 ${esc(d.sha256)}</div><div>SM3 ${esc(d.sm3)}</div></td>
<td colspan="3">由平台自原始文件 ${n} 生成，仅供浏览 <span class="en">made by the platform from file ${n} for viewing</span></td>
</tr>`,
  );
  return [original, ...derived].join('\n');
}

/** The printable electronic-data list (电子数据清单) that opens the package. */
export function renderCoverSheet(manifest: Omit<Manifest, 'documents'>): string {
  const m = manifest;
  const field = (zh: string, en: string, value: string) => `<tr><th scope="row">${zh}<span class="en">${en}</span></th><td>${value}</td></tr>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>电子数据清单 ${esc(m.case.number)}</title>
<style>
body { font: 14px/1.5 "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #000; }
h1 { text-align: center; margin-bottom: 0; } .subtitle { text-align: center; color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; } th, td { border: 1px solid #555; padding: 4px 6px; vertical-align: top; text-align: left; }
.en { display: block; font-size: 11px; color: #555; font-weight: normal; } .sub { font-size: 11px; color: #333; word-break: break-all; }
.hash { font: 11px/1.4 monospace; word-break: break-all; max-width: 22em; } .times { font-size: 12px; white-space: nowrap; }
.derived td { background: #f3f3f3; } .fingerprint { font: 16px monospace; letter-spacing: 0.05em; }
.signatures td { height: 4em; width: 33%; } code { font-size: 12px; } li > code:last-child { display: block; margin: 0.2em 0 0.5em; }
@media print { body { margin: 0; font-size: 11px; } thead { display: table-header-group; } tr { page-break-inside: avoid; } .noprint { display: none; } }
@page { size: A4 landscape; margin: 12mm; }
</style>
</head>
<body>
<h1>电子数据清单</h1>
<p class="subtitle">Electronic Data List — 执法记录仪证据移交 (body-worn camera evidence transfer)</p>
<table aria-label="案件与导出信息 Case and export">
${field('案件编号', 'case number', esc(m.case.number))}
${field('案件名称', 'case title', esc(m.case.title))}
${field('办案单位', 'unit', esc(m.case.unit))}
${field('案件标识', 'case id', esc(m.case.id))}
${field('导出人', 'exported by', `${esc(m.exporter.name)}，${esc(zhLabel('role', m.exporter.role))}`)}
${field('导出时间', 'exported at (UTC+8)', esc(beijingTime(m.createdAt)))}
${field('导出事由', 'reason', esc(m.reason))}
${field('接收方', 'receiver', esc(m.receiver ?? '—'))}
${field('文件数量', 'files', `${m.files.length} 个原始文件，合计 ${esc(humanSize(m.files.reduce((s, f) => s + f.size, 0)))}`)}
${field('签名公钥指纹', 'signing key fingerprint (SHA-256 of the Ed25519 public key)', `<span class="fingerprint">${esc(groupFingerprint(m.signingKey.fingerprint))}</span>`)}
${m.sm2SigningKey ? field('SM2 签名公钥指纹', 'SM2 signing key fingerprint (SHA-256 of the SM2 public key)', `<span class="fingerprint">${esc(groupFingerprint(m.sm2SigningKey.fingerprint))}</span>`) : ''}
</table>
<table aria-label="电子数据 Files">
<thead><tr>
<th scope="col">序号<span class="en">no.</span></th><th scope="col">名称<span class="en">name</span></th><th scope="col">类别<span class="en">category</span></th>
<th scope="col">格式<span class="en">format</span></th><th scope="col">大小<span class="en">size</span></th><th scope="col">完整性校验值<span class="en">integrity values</span></th>
<th scope="col">警号<span class="en">officer</span></th><th scope="col">设备编号<span class="en">recorder</span></th><th scope="col">时间（UTC+8）<span class="en">times</span></th>
</tr></thead>
<tbody>
${m.files.map((f, i) => fileRows(f, i + 1)).join('\n')}
</tbody>
</table>
<h2>校验方法 <span class="en">How to verify</span></h2>
<ol>
<li>用浏览器打开 <code>${VERIFIER}</code>，选择本文件夹，逐一计算并核对每个文件（无需联网）。<span class="en">Open ${VERIFIER} in a browser and pick this folder; it checks every file offline.</span></li>
<li>在本文件夹中运行 <code>sha256sum -c ${SHA256SUMS}</code>（国密：<code>${SM3SUMS}</code> 列出 SM3 值）。<span class="en">Run sha256sum -c ${SHA256SUMS} in this folder (${SM3SUMS} lists the SM3 values).</span></li>
<li>核验签名<span class="en">Check the signature:</span><code>openssl pkeyutl -verify -pubin -inkey ${PUBLIC_KEY} -rawin -in ${MANIFEST} -sigfile ${SIGNATURE}</code></li>
<li>核验 SM2 签名（区分标识 ${SM2_DISTINGUISHING_ID}）<span class="en">Check the SM2 signature (distinguishing ID ${SM2_DISTINGUISHING_ID}):</span><code>openssl pkeyutl -verify -pubin -inkey ${SM2_PUBLIC_KEY} -rawin -digest sm3 -pkeyopt distid:${SM2_DISTINGUISHING_ID} -in ${MANIFEST} -sigfile ${SM2_SIGNATURE}</code></li>
<li>核对 <code>${PUBLIC_KEY}</code>（及 <code>${SM2_PUBLIC_KEY}</code>）的指纹与上方及平台公布的指纹一致<span class="en">Compare the key fingerprint with the one above and the one the platform publishes:</span><code>openssl pkey -pubin -in ${PUBLIC_KEY} -outform DER | sha256sum</code></li>
</ol>
<p>每个文件的保管记录（谁、何时、做了什么）见 <code>${MANIFEST}</code>。本清单（<code>${COVER_SHEET}</code>）本身也列在签名的 ${MANIFEST} 中。<span class="en">Each file's custody events are in ${MANIFEST}; this sheet is itself listed in the signed manifest.</span></p>
<table class="signatures" aria-label="签字 Signatures"><tr><td>移交人签名<span class="en">handed over by</span></td><td>接收人签名<span class="en">received by</span></td><td>日期<span class="en">date</span></td></tr></table>
</body>
</html>
`;
}
