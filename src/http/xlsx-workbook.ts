import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { SHANGHAI_OFFSET_MS } from '../domain/fault-tolerance/deadlines';
import { fenToYuanDecimal } from '../domain/policies/money';

/**
 * One .xlsx writer for every ledger (台账) the API exports: typed cells, not text, so a county
 * office can sum, sort and filter them in Excel or WPS. Money arrives in integer fen and leaves as
 * yuan with two decimals and a number format; instants leave as Asia/Shanghai wall-clock dates
 * (a spreadsheet date has no time zone, so the one the officials read is the one written).
 */
export type TCellKind = 'text' | 'yuan' | 'date' | 'dateTime' | 'integer';

export interface TLedgerColumn<Row> {
  header: { zh: string; en: string };
  kind: TCellKind;
  /** Width in characters (a CJK character counts about two). */
  width: number;
  /** Fen (number or bigint) for 'yuan'; a Date for 'date'/'dateTime'; null leaves the cell empty. */
  value: (row: Row) => string | number | bigint | Date | null | undefined;
}

export interface TLedgerSheet<Row> {
  name: { zh: string; en: string };
  columns: ReadonlyArray<TLedgerColumn<Row>>;
  rows: readonly Row[];
}

export type TLedgerLang = 'zh' | 'en';

/** A sheet of any row type (its columns read the rows they were defined for). */
export type TAnyLedgerSheet = TLedgerSheet<unknown>;
export const ledgerSheet = <Row>(sheet: TLedgerSheet<Row>): TAnyLedgerSheet => sheet as unknown as TAnyLedgerSheet;

const NUMBER_FORMATS: Record<TCellKind, string | undefined> = {
  text: undefined,
  yuan: '#,##0.00',
  date: 'yyyy-mm-dd',
  dateTime: 'yyyy-mm-dd hh:mm',
  integer: '0',
};

/** Integer fen as yuan: exact to the fen for every amount the domain allows (at most 10^12 fen). */
export const fenToYuan = (fen: number | bigint): number => Number(fen) / 100;

/** The instant as the Asia/Shanghai wall clock, in the UTC fields a spreadsheet date is read from. */
export const shanghaiWallClock = (at: Date): Date => new Date(at.getTime() + SHANGHAI_OFFSET_MS);

function cellValue<Row>(column: TLedgerColumn<Row>, row: Row): ExcelJS.CellValue {
  const v = column.value(row);
  if (v === null || v === undefined) return null;
  switch (column.kind) {
    case 'yuan':
      return fenToYuan(typeof v === 'bigint' || typeof v === 'number' ? v : Number(v));
    case 'date': {
      if (!(v instanceof Date)) return String(v);
      // The Shanghai calendar day alone, so that a filter on the date column matches whole days.
      const local = shanghaiWallClock(v);
      return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
    }
    case 'dateTime':
      return v instanceof Date ? shanghaiWallClock(v) : String(v);
    case 'integer':
      return typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Number(v);
    default:
      return v instanceof Date ? v.toISOString() : String(v);
  }
}

/** A workbook of the given sheets: bold frozen header row, auto-filter, column widths and formats. */
export async function ledgerWorkbook(sheets: readonly TAnyLedgerSheet[], lang: TLedgerLang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Bangfu';
  // Fixed, so the same ledger exported twice is the same file apart from its rows.
  wb.created = new Date(0);
  wb.modified = new Date(0);
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name[lang], { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    ws.columns = sheet.columns.map((c) => ({
      header: c.header[lang],
      width: c.width,
      style: NUMBER_FORMATS[c.kind] ? { numFmt: NUMBER_FORMATS[c.kind] } : {},
    }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    for (const row of sheet.rows) ws.addRow(sheet.columns.map((c) => cellValue(c, row)));
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A Content-Disposition naming the download in UTF-8 (RFC 6266/5987) with an ASCII fallback. */
export function attachmentHeader(asciiName: string, name: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** The formats a one-sheet ledger export is offered in (the route's suffix), with their content types. */
export const EXPORT_FORMATS = {
  csv: { type: CSV_CONTENT_TYPE, description: 'CSV (UTF-8 with a byte order mark, CRLF lines)' },
  xlsx: { type: XLSX_CONTENT_TYPE, description: 'an .xlsx workbook of one sheet' },
} as const;

/** The OpenAPI answer of a ledger export in a format: the file, documented, not serialized. */
export const exportResponse = (format: keyof typeof EXPORT_FORMATS) => ({
  200: {
    description: EXPORT_FORMATS[format].description,
    content: { [EXPORT_FORMATS[format].type.split(';')[0]!]: { schema: z.string().describe(format === 'xlsx' ? 'binary' : 'text') } },
  },
});

/** The sheet as a download in the asked format, named by its title, the unit and the day. */
export async function sendLedgerSheet(
  reply: FastifyReply,
  { sheet, format, lang, file }: { sheet: TAnyLedgerSheet; format: keyof typeof EXPORT_FORMATS; lang: TLedgerLang; file: string },
) {
  const day = shanghaiWallClock(new Date()).toISOString().slice(0, 10);
  const body = format === 'csv' ? ledgerCsv(sheet, lang) : await ledgerWorkbook([sheet], lang);
  return (
    reply
      .type(EXPORT_FORMATS[format].type)
      .header('content-disposition', attachmentHeader(`${file}-${day}.${format}`, `${sheet.name[lang]}-${day}.${format}`))
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      // Bytes or text as they are; the route's schema only documents them.
      .send(body as unknown as string)
  );
}

/** A text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is kept as text. */
const defused = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
const quoted = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

function csvCell<Row>(column: TLedgerColumn<Row>, row: Row): string {
  const v = column.value(row);
  if (v === null || v === undefined) return '';
  switch (column.kind) {
    case 'yuan':
      // Exact from integer fen, not through a float: a CSV is read as text.
      return fenToYuanDecimal(typeof v === 'bigint' || typeof v === 'number' ? v : String(v));
    case 'date':
      return v instanceof Date ? shanghaiWallClock(v).toISOString().slice(0, 10) : quoted(String(v));
    case 'dateTime':
      return v instanceof Date ? shanghaiWallClock(v).toISOString().slice(0, 16).replace('T', ' ') : quoted(String(v));
    case 'integer':
      return String(v);
    default:
      return quoted(defused(v instanceof Date ? v.toISOString() : String(v)));
  }
}

/**
 * One sheet as CSV (RFC 4180, CRLF lines) with the same columns and headers as its .xlsx: money
 * as yuan with two decimals, dates as Asia/Shanghai days. Starts with a UTF-8 byte order mark,
 * without which Excel reads the Chinese headers as another code page.
 */
export function ledgerCsv(sheet: TAnyLedgerSheet, lang: TLedgerLang): string {
  const lines = [sheet.columns.map((c) => quoted(c.header[lang])).join(',')];
  for (const row of sheet.rows) lines.push(sheet.columns.map((c) => csvCell(c, row)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** A cell as the text a person sees typed in it: numbers as JavaScript writes them, formulas by their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('error' in value) return String(value.error);
    return '';
  }
  return String(value);
}

/**
 * The first worksheet of an .xlsx as rows of text, row 1 first (blank rows kept, so an index is a
 * row number minus one). A number cell reads as JavaScript writes the number (12345.6), so a
 * parser of yuan sees the digits the file holds, never a float's rounding.
 */
export async function readFirstSheet(bytes: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c += 1) cells.push(cellText(row.getCell(c).value));
    rows[rowNumber - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}
