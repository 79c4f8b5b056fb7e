import fs from 'node:fs/promises';
import path from 'node:path';
import type { TApi } from './api-client';
import { CliError, EXIT, type TExitCode } from './cli-error';
import { emit, renderTable, type TIo } from './output';

type TRowDetail = { row?: number; column?: string; code?: string; message: string };

/** What a ledger import command sends to and reads from its API route. */
interface TLedgerImport<Row> {
  route: string;
  /** What the file holds, for the summary: "asset(s)", "household(s)". */
  noun: string;
  /** The outcomes the summary counts, in order. */
  outcomes: readonly string[];
  /** The table of row outcomes: its headers and one line per row. */
  columns: readonly string[];
  cells: (row: Row) => Array<string | number | null | undefined>;
}

/**
 * A ledger file (CSV or XLSX, by its extension) sent whole to an import route. All or nothing: a
 * file with a bad row imports nothing and every bad row is printed (row, column, code); re-running
 * a good file reports its rows unchanged and writes nothing.
 */
async function importLedgerFile<Row>(
  spec: TLedgerImport<Row>,
  { api, io, file, dryRun }: { api: TApi; io: TIo; file: string; dryRun: boolean },
): Promise<TExitCode> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') throw new CliError(EXIT.USAGE, `${file}: expected a .csv or .xlsx file`);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new CliError(EXIT.USAGE, `cannot read ${file}: ${(err as Error).message}`);
  }
  let answer: Record<string, number> & { dryRun: boolean; rows: Row[] };
  try {
    answer = (await api.post<typeof answer>(spec.route, { format: ext.slice(1), content: bytes.toString('base64'), dryRun })).body;
  } catch (err) {
    const details = (err instanceof CliError ? err.apiError?.details : undefined) as TRowDetail[] | undefined;
    if (err instanceof CliError && err.apiError?.code === 'LEDGER_ROWS_INVALID' && details && !io.json) {
      io.stderr.write(
        renderTable(
          ['row', 'column', 'code', 'problem'],
          details.map((d) => [d.row, d.column, d.code, d.message]),
        ),
      );
    }
    throw err;
  }
  const [first, ...rest] = spec.outcomes;
  emit(
    io,
    answer,
    () =>
      `${answer.dryRun ? 'dry run: would import' : 'imported'} ${answer[first!]} ${spec.noun}${rest.map((o) => `, ${answer[o]} ${o}`).join('')}\n` +
      renderTable([...spec.columns], answer.rows.map(spec.cells)),
  );
  return EXIT.OK;
}

/** 资产台账 import: the county ledger of assets formed before the system, to POST /api/assets/imports. */
export const importAssets = (opts: { api: TApi; io: TIo; file: string; dryRun: boolean }) =>
  importLedgerFile<{ row: number; ledgerCode: string; outcome: string; assetId: string | null }>(
    {
      route: '/api/assets/imports',
      noun: 'asset(s)',
      outcomes: ['created', 'unchanged'],
      columns: ['row', '资产编号', 'outcome', 'assetId'],
      cells: (r) => [r.row, r.ledgerCode, r.outcome, r.assetId],
    },
    opts,
  );

/** 防返贫监测 list import: the county's monitored and lifted households, to POST /api/households/imports. */
export const importHouseholds = (opts: { api: TApi; io: TIo; file: string; dryRun: boolean }) =>
  importLedgerFile<{ row: number; householdCode: string; outcome: string; householdId: string | null; changed: string[] }>(
    {
      route: '/api/households/imports',
      noun: 'household(s)',
      outcomes: ['created', 'updated', 'unchanged'],
      columns: ['row', '户编号', 'outcome', 'householdId', 'changed'],
      cells: (r) => [r.row, r.householdCode, r.outcome, r.householdId, r.changed.join(' ')],
    },
    opts,
  );
