/**
 * What the ledger imports (资产台账, 防返贫监测 list) share: a table read from a file, its header row
 * matched to the columns a ledger names, each row's cells checked for presence and length, the
 * village a cell names, and the errors in the ledger's column order. Pure: no Prisma, no Node.
 */

/** One row of the file as read, with its spreadsheet row number; the first is the header. Blank rows are left out. */
export interface TLedgerTableRow {
  row: number;
  cells: readonly string[];
}

/** Numbers the rows of a table read from a file (1 = its first line) and leaves the blank ones out. */
export function numberedRows(rows: ReadonlyArray<ReadonlyArray<string>>): TLedgerTableRow[] {
  return rows.map((cells, i) => ({ row: i + 1, cells })).filter((r) => r.cells.some((c) => c.trim() !== ''));
}

/** A column of a ledger: its key, the header that names it, whether a row must fill it and how long it may be. */
export interface TLedgerColumnSpec<K extends string = string> {
  key: K;
  header: string;
  required: boolean;
  maxLength: number;
}

/** A problem of one cell (or of the header, row 1, or of a whole row, column ''). */
export interface TCellError<C extends string = string> {
  row: number;
  column: string;
  code: C;
  message: string;
}

/** A header cell as compared: trimmed, full-width brackets as ASCII ones (价值（元） is 价值(元)). */
const headerText = (h: string) => h.trim().replace(/（/g, '(').replace(/）/g, ')');

/**
 * Where each column stands in the header row; a required column missing is MISSING_COLUMN, a file
 * with no row below its header NO_ROWS (`what` names the rows: "asset rows").
 */
export function headerIndex<K extends string>(
  columns: ReadonlyArray<TLedgerColumnSpec<K>>,
  table: readonly TLedgerTableRow[],
  what: string,
): { ok: true; index: Map<K, number> } | { ok: false; errors: Array<TCellError<'MISSING_COLUMN' | 'NO_ROWS'>> } {
  const header = (table[0]?.cells ?? []).map(headerText);
  const index = new Map<K, number>();
  const errors: Array<TCellError<'MISSING_COLUMN' | 'NO_ROWS'>> = [];
  for (const column of columns) {
    const at = header.indexOf(column.header);
    if (at >= 0) index.set(column.key, at);
    else if (column.required) errors.push({ row: 1, column: column.header, code: 'MISSING_COLUMN', message: `the header has no column ${column.header}` });
  }
  if (errors.length > 0) return { ok: false, errors };
  if (table.length < 2) return { ok: false, errors: [{ row: table[0]?.row ?? 1, column: '', code: 'NO_ROWS', message: `the file has no ${what}` }] };
  return { ok: true, index };
}

/** A row's cells by column key, trimmed; an empty required cell is REQUIRED, one too long TOO_LONG. */
export function rowCells<K extends string>(
  columns: ReadonlyArray<TLedgerColumnSpec<K>>,
  index: ReadonlyMap<K, number>,
  cells: readonly string[],
  fail: (key: K, code: 'REQUIRED' | 'TOO_LONG', message: string) => void,
): Record<K, string> {
  const raw = {} as Record<K, string>;
  for (const column of columns) {
    const at = index.get(column.key);
    const value = at === undefined ? '' : String(cells[at] ?? '').trim();
    raw[column.key] = value;
    if (column.required && value === '') fail(column.key, 'REQUIRED', `${column.header} is empty`);
    else if (Array.from(value).length > column.maxLength) fail(column.key, 'TOO_LONG', `${column.header} is longer than ${column.maxLength} characters`);
  }
  return raw;
}

/** A row's errors in the ledger's column order, so a report reads left to right like the row. */
export function inColumnOrder<E extends { column: string }>(columns: ReadonlyArray<{ header: string }>, errors: E[]): E[] {
  const order = (e: E) => columns.findIndex((c) => c.header === e.column);
  return errors.sort((x, y) => order(x) - order(y));
}

/** The distinct values of one column (by its header) below the header row: the codes to read the stored rows by. */
export function codesInColumn(table: readonly TLedgerTableRow[], header: string): string[] {
  const at = (table[0]?.cells ?? []).map(headerText).indexOf(header);
  if (at < 0) return [];
  return [
    ...new Set(
      table
        .slice(1)
        .map((r) => String(r.cells[at] ?? '').trim())
        .filter(Boolean),
    ),
  ];
}

/** A village the importer may write into: its id, name and path, and its county's id. */
export interface TImportVillage {
  id: string;
  name: string;
  path: string;
  countyId: string;
}

/**
 * The village a ledger cell names, by org unit id or by name, among the villages the importer may
 * write into: none is UNKNOWN_VILLAGE (also a village outside the importer's unit), two of the same
 * name AMBIGUOUS_VILLAGE (the file must then give the id).
 */
export function villageOfCell(
  cell: string,
  villages: readonly TImportVillage[],
): { ok: true; village: TImportVillage } | { ok: false; code: 'UNKNOWN_VILLAGE' | 'AMBIGUOUS_VILLAGE'; message: string } {
  const byId = villages.find((v) => v.id === cell);
  const named = byId ? [byId] : villages.filter((v) => v.name === cell);
  if (named.length === 1) return { ok: true, village: named[0]! };
  if (named.length === 0) return { ok: false, code: 'UNKNOWN_VILLAGE', message: `"${cell}" is no village under your org unit` };
  return { ok: false, code: 'AMBIGUOUS_VILLAGE', message: `${named.length} villages under your org unit are named "${cell}": write the village's org unit id` };
}
