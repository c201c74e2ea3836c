import { beijingTime, personLabel } from '../core/display';
import { zhLabel } from '../core/labels';

/** Spreadsheets run a cell that starts with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): a text that a spreadsheet would run as a formula gets a leading
 * apostrophe, so it shows as text; quotes, commas and line breaks are quoted.
 */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (cells: (string | number | null | undefined)[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** An audit event as the CSV shows it (the API's field names). */
export interface CsvAuditEvent {
  seq: number;
  at: string;
  actorName: string;
  actorDisplayName: string | null;
  actorOfficerNo: string | null;
  role: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  client: string | null;
  outcome: string;
  details: Record<string, unknown>;
  hash: string;
}

/** The first bytes of the file: a UTF-8 byte order mark (Excel then reads the Chinese right) and the header row. */
export const AUDIT_CSV_HEAD = `\uFEFF${csvLine(['序号', '时间（北京时间）', '操作人', '角色', '操作', '操作代码', '对象类型', '对象标识', '来源地址', '结果', '详情', '记录哈希'])}`;

export function auditCsvLine(e: CsvAuditEvent): string {
  return csvLine([
    e.seq,
    beijingTime(e.at),
    personLabel({ name: e.actorName, displayName: e.actorDisplayName, officerNo: e.actorOfficerNo }),
    e.role ? zhLabel('role', e.role) : '',
    zhLabel('action', e.action),
    e.action,
    e.objectType,
    e.objectId,
    e.client,
    zhLabel('outcome', e.outcome),
    JSON.stringify(e.details),
    e.hash,
  ]);
}
