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

/**
 * A recorder or dock text field (officer number, serial, name) as given, or null when it says
 * nothing: vendors send "" for an unset field and pad fixed-width GB fields with spaces or NULs.
 * Missing must be null so that `??` fallbacks (the recorder's bound officer, its unit) apply.
 */
export function knownText(value: string | null | undefined): string | null {
  const text = value?.replace(/^[\s\u0000]+|[\s\u0000]+$/g, '');
  return text ? text : null;
}

/** The first of several candidates that says something (see knownText). */
export function firstKnown(...values: (string | null | undefined)[]): string | null {
  for (const value of values) {
    const text = knownText(value);
    if (text !== null) return text;
  }
  return null;
}
