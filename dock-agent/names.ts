/**
 * Metadata from recorder file names and folders, by configurable patterns. GA/T 947 firmware names
 * files {警号}_{设备编号}_{YYYYMMDDhhmmss}_{序号}[IMP].ext and files important clips under an
 * "important" folder. Names that match no pattern are still evidence: every field is then unknown.
 */
export interface NameMetadata {
  officerNo: string | null;
  deviceSerial: string | null;
  /** Recorder-clock start time as written in the name, interpreted in the station's time zone offset. */
  recordedAt: string | null;
  sequence: string | null;
  important: boolean;
}

export interface NameRules {
  patterns: readonly RegExp[];
  importantFolders: ReadonlySet<string>;
}

export const GAT947_PATTERN = '{警号}_{设备编号}_{YYYYMMDDhhmmss}_{序号}[IMP].ext';
export const DEFAULT_IMPORTANT_FOLDERS = ['important', 'imp', '重要'];

/** Fields a pattern may name (Chinese or English spelling) and what each matches. */
const FIELDS: Record<string, { group: string; regex: string }> = {
  警号: { group: 'officer', regex: '[0-9A-Za-z]{1,12}' },
  officer: { group: 'officer', regex: '[0-9A-Za-z]{1,12}' },
  设备编号: { group: 'device', regex: '[0-9A-Za-z]{1,20}' },
  device: { group: 'device', regex: '[0-9A-Za-z]{1,20}' },
  YYYYMMDDhhmmss: { group: 'stamp', regex: '\\d{14}' },
  stamp: { group: 'stamp', regex: '\\d{14}' },
  序号: { group: 'seq', regex: '\\d{1,6}' },
  seq: { group: 'seq', regex: '\\d{1,6}' },
};
const TOKEN = /\{([^}]*)\}|\[([^\]]+)\]|\.ext$|\*/gu;

/**
 * Compiles a file-name pattern: {field} as in FIELDS, [TEXT] an optional marker that flags the file
 * important, `*` any text, `.ext` (at the end) any 2–4 character extension; the rest is literal.
 */
export function compileNamePattern(pattern: string): RegExp {
  let regex = '';
  let last = 0;
  const seen = new Set<string>();
  for (const match of pattern.matchAll(TOKEN)) {
    regex += escapeRegExp(pattern.slice(last, match.index));
    last = match.index + match[0].length;
    const [token, field, marker] = match;
    if (field !== undefined) {
      const known = FIELDS[field];
      if (!known) throw new Error(`name pattern "${pattern}": unknown field {${field}}; known fields: ${Object.keys(FIELDS).map((f) => `{${f}}`).join(' ')}`);
      if (seen.has(known.group)) throw new Error(`name pattern "${pattern}": {${field}} appears twice`);
      seen.add(known.group);
      regex += `(?<${known.group}>${known.regex})`;
    } else if (marker !== undefined) {
      if (seen.has('imp')) throw new Error(`name pattern "${pattern}": only one [MARKER] is allowed`);
      seen.add('imp');
      regex += `(?<imp>${escapeRegExp(marker)})?`;
    } else {
      regex += token === '*' ? '.*?' : '\\.[0-9A-Za-z]{2,4}';
    }
  }
  regex += escapeRegExp(pattern.slice(last));
  return new RegExp(`^${regex}$`, 'u');
}

export function compileNameRules(patterns: readonly string[], importantFolders: readonly string[]): NameRules {
  return {
    patterns: patterns.map(compileNamePattern),
    importantFolders: new Set(importantFolders.map((f) => f.toLowerCase())),
  };
}

export const DEFAULT_NAME_RULES = compileNameRules([GAT947_PATTERN], DEFAULT_IMPORTANT_FOLDERS);

/** Reads metadata from a '/'-separated path relative to the volume root; the first matching pattern wins. */
export function parseRecorderName(relativePath: string, utcOffsetMinutes: number, rules: NameRules = DEFAULT_NAME_RULES): NameMetadata {
  const segments = relativePath.split('/');
  const name = segments.pop() ?? '';
  const folderImportant = segments.some((s) => rules.importantFolders.has(s.toLowerCase()));
  for (const pattern of rules.patterns) {
    const groups = pattern.exec(name)?.groups;
    if (!groups) continue;
    return {
      officerNo: groups.officer ?? null,
      deviceSerial: groups.device ?? null,
      recordedAt: groups.stamp ? stampToIso(groups.stamp, utcOffsetMinutes) : null,
      sequence: groups.seq ?? null,
      important: folderImportant || groups.imp !== undefined,
    };
  }
  return { officerNo: null, deviceSerial: null, recordedAt: null, sequence: null, important: folderImportant };
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stampToIso(stamp: string, utcOffsetMinutes: number): string | null {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(stamp.slice(at, at + (i === 0 ? 4 : 2))));
  const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - utcOffsetMinutes * 60_000;
  // Reject impossible stamps (month 13, Feb 30) rather than let Date roll them over.
  const back = new Date(utc + utcOffsetMinutes * 60_000);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || back.getUTCHours() !== h! || mi! > 59 || s! > 59) return null;
  return new Date(utc).toISOString();
}
