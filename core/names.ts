/**
 * Recorder file names are data, never paths or keys. Volumes written by Chinese firmware may hold
 * GBK bytes; we keep the raw bytes and render them as UTF-8 when valid, else as GBK.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });
const gbk = new TextDecoder('gbk');

export function displayName(raw: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    text = gbk.decode(raw);
  }
  // Control characters are kept in the raw bytes but shown escaped, so logs and pages stay readable.
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The last path segment of a '/'-separated recorder path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
