/**
 * Metadata from recorder file names. GA/T 947 firmware names files
 * {警号}_{设备编号}_{YYYYMMDDhhmmss}_{序号}[IMP].ext and files important clips under an "important"
 * folder. Names that do not match are still evidence: every field is then simply unknown.
 */
export interface NameMetadata {
  officerNo: string | null;
  deviceSerial: string | null;
  /** Recorder-clock start time as written in the name, interpreted in the station's time zone offset. */
  recordedAt: string | null;
  sequence: string | null;
  important: boolean;
}

const GAT947 = /^(?<officer>[0-9A-Za-z]{1,12})_(?<device>[0-9A-Za-z]{1,20})_(?<stamp>\d{14})_(?<seq>\d{1,6})(?<imp>IMP)?\.[0-9A-Za-z]{2,4}$/;
const IMPORTANT_FOLDER = /(^|\/)(important|imp|重要)(\/|$)/i;

export function parseRecorderName(relativePath: string, utcOffsetMinutes: number): NameMetadata {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const folderImportant = IMPORTANT_FOLDER.test(relativePath.slice(0, relativePath.length - name.length));
  const match = GAT947.exec(name);
  if (!match?.groups) {
    return { officerNo: null, deviceSerial: null, recordedAt: null, sequence: null, important: folderImportant };
  }
  const { officer, device, stamp, seq, imp } = match.groups;
  return {
    officerNo: officer!,
    deviceSerial: device!,
    recordedAt: stampToIso(stamp!, utcOffsetMinutes),
    sequence: seq!,
    important: folderImportant || imp === 'IMP',
  };
}

function stampToIso(stamp: string, utcOffsetMinutes: number): string | null {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(stamp.slice(at, at + (i === 0 ? 4 : 2))));
  const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - utcOffsetMinutes * 60_000;
  const date = new Date(utc);
  // Reject impossible stamps (month 13, Feb 30) rather than let Date roll them over.
  const back = new Date(utc + utcOffsetMinutes * 60_000);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || back.getUTCHours() !== h!) return null;
  return date.toISOString();
}
