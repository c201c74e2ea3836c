import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { Db } from '../schema/database';
import { supervisionItems, supervisionSummary, type FigureQuery, type Item, type ItemKind, type UnitFigures } from './supervision-data';

/**
 * The supervision report (issue 16 item 6): the summary and, one sheet each, the rows behind its
 * figures, with Chinese column headers. The only exceljs import; the workbook is written as a
 * stream while the rows are read, page by page.
 */
type Cell = string | number | null;
interface Column<R> {
  header: string;
  value: (row: R) => Cell;
}
interface Sheet<R> {
  title: string;
  columns: Column<R>[];
}

const who: Column<Item>[] = [
  { header: '单位', value: (i) => i.unitName },
  { header: '警号', value: (i) => i.officerNo },
  { header: '姓名', value: (i) => i.officerName },
];
const recording: Column<Item>[] = [
  ...who,
  { header: '文件名', value: (i) => i.originalName ?? null },
  { header: '录制时间', value: (i) => i.recordedAt ?? null },
  { header: '接收时间', value: (i) => i.receivedAt ?? null },
];
const evidenceId: Column<Item> = { header: '证据编号', value: (i) => i.evidenceId ?? null };

export const SUMMARY_SHEET: Sheet<UnitFigures> = {
  title: '汇总',
  columns: [
    { header: '单位', value: (u) => u.name },
    { header: '录像数', value: (u) => u.recordings },
    { header: '时长(小时)', value: (u) => Math.round(u.hours * 100) / 100 },
    { header: '字节数', value: (u) => u.bytes },
    { header: '按时上传率', value: (u) => u.onTimeRate },
    { header: '迟传录像数', value: (u) => u.late },
    { header: '超期未入库记录仪', value: (u) => u.overdueRecorders },
    { header: '未关联案件录像', value: (u) => u.unlinked },
    { header: '缺失录像案件', value: (u) => u.casesMissingFootage },
  ],
};

export const ITEM_SHEETS: Record<ItemKind, Sheet<Item>> = {
  late: { title: '迟传录像', columns: [...recording, { header: '延迟(小时)', value: (i) => i.delayHours ?? null }, evidenceId] },
  unlinked: { title: '未关联案件录像', columns: [...recording, evidenceId] },
  casesMissingFootage: {
    title: '缺失录像案件',
    columns: [
      { header: '单位', value: (i) => i.unitName },
      { header: '案件编号', value: (i) => i.caseNumber ?? null },
      { header: '案件名称', value: (i) => i.title ?? null },
      { header: '当前阶段', value: (i) => i.stage ?? null },
      { header: '立案时间', value: (i) => i.createdAt ?? null },
      { header: '缺失录像的阶段', value: (i) => i.missingStages?.join('、') ?? null },
      { header: '案件ID', value: (i) => i.caseId ?? null },
    ],
  },
  overdueRecorders: {
    title: '超期未入库记录仪',
    columns: [...who, { header: '记录仪编号', value: (i) => i.recorderSerial ?? null }, { header: '最后入库时间', value: (i) => i.lastDockedAt ?? null }, { header: '未入库小时数', value: (i) => i.hoursSinceDocked ?? null }],
  },
  clockSkew: { title: '时钟偏差', columns: [...recording, { header: '时钟偏差(秒)', value: (i) => (i.clockSkewMs == null ? null : i.clockSkewMs / 1000) }, evidenceId] },
};

const PAGE = 1000;

/** Every row behind a figure, page after page. */
async function* allItems(db: Db, kind: ItemKind, q: FigureQuery): AsyncGenerator<Item> {
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const rows = await supervisionItems(db, kind, { ...q, after, limit: PAGE });
    yield* rows.slice(0, PAGE);
    const last = rows[PAGE - 1];
    if (rows.length <= PAGE || !last) return;
    after = { at: last.sortAt, id: last.id };
  }
}

/** The sheets in order, each as its header and rows. */
async function* reportSheets(db: Db, q: FigureQuery): AsyncGenerator<{ title: string; headers: string[]; rows: AsyncIterable<Cell[]> | Cell[][] }> {
  const summary = await supervisionSummary(db, q);
  yield { title: SUMMARY_SHEET.title, headers: SUMMARY_SHEET.columns.map((c) => c.header), rows: summary.units.map((u) => SUMMARY_SHEET.columns.map((c) => c.value(u))) };
  for (const [kind, sheet] of Object.entries(ITEM_SHEETS) as [ItemKind, Sheet<Item>][]) {
    yield {
      title: sheet.title,
      headers: sheet.columns.map((c) => c.header),
      rows: (async function* () {
        for await (const item of allItems(db, kind, q)) yield sheet.columns.map((c) => c.value(item));
      })(),
    };
  }
}

/** Runs the writer into a stream; a failure half-way destroys the stream (the client sees a broken download, never a wrong one). */
function streamed(write: (out: PassThrough) => Promise<void>): Readable {
  const out = new PassThrough();
  write(out).catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}

export function xlsxReport(db: Db, q: FigureQuery): Readable {
  return streamed(async (out) => {
    // Loaded on the first report, not at start: exceljs alone holds some 28 MB of a server's memory.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
    for await (const sheet of reportSheets(db, q)) {
      const ws = workbook.addWorksheet(sheet.title);
      ws.columns = sheet.headers.map((header) => ({ header, width: Math.max(12, header.length * 2 + 2) }));
      ws.getRow(1).font = { bold: true };
      for await (const row of sheet.rows) ws.addRow(row).commit();
      ws.commit();
    }
    await workbook.commit();
  });
}

/**
 * A CSV cell: quoted when needed, and a text that a spreadsheet would take for a formula
 * (=, +, -, @, tab, carriage return first) gets a leading apostrophe. Numbers stay numbers.
 */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The same sheets as one UTF-8 CSV (with a BOM, so spreadsheets read the Chinese): each sheet its title line, header and rows, then a blank line. */
export function csvReport(db: Db, q: FigureQuery): Readable {
  return streamed(async (out) => {
    // Waits while the client reads slower than the rows come.
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    const line = (cells: Cell[]) => write(`${cells.map(csvCell).join(',')}\r\n`);
    await write('\uFEFF');
    for await (const sheet of reportSheets(db, q)) {
      await line([sheet.title]);
      await line(sheet.headers);
      for await (const row of sheet.rows) await line(row);
      await write('\r\n');
    }
    out.end();
  });
}
