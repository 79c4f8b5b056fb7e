import fs from 'node:fs/promises';
import path from 'node:path';
import type { TApi } from './api-client';
import { CliError, EXIT, type TExitCode } from './cli-error';
import { emit, renderTable, type TIo } from './output';

type TImportAnswer = {
  created: number;
  unchanged: number;
  dryRun: boolean;
  rows: Array<{ row: number; ledgerCode: string; outcome: string; assetId: string | null }>;
};
type TRowDetail = { row?: number; column?: string; code?: string; message: string };

/**
 * 资产台账 import: the county ledger of assets formed before the system (CSV or XLSX, by the file's
 * extension), sent whole to POST /api/assets/imports. All or nothing: a ledger with a bad row
 * imports nothing and every bad row is printed (row, column, code); re-running a good ledger
 * reports its rows unchanged and writes nothing.
 */
export async function importAssets({ api, io, file, dryRun }: { api: TApi; io: TIo; file: string; dryRun: boolean }): Promise<TExitCode> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') throw new CliError(EXIT.USAGE, `${file}: expected a .csv or .xlsx ledger`);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new CliError(EXIT.USAGE, `cannot read ${file}: ${(err as Error).message}`);
  }
  let answer: TImportAnswer;
  try {
    answer = (await api.post<TImportAnswer>('/api/assets/imports', { format: ext.slice(1), content: bytes.toString('base64'), dryRun })).body;
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
  emit(
    io,
    answer,
    () =>
      `${answer.dryRun ? 'dry run: would import' : 'imported'} ${answer.created} asset(s), ${answer.unchanged} unchanged\n` +
      renderTable(
        ['row', '资产编号', 'outcome', 'assetId'],
        answer.rows.map((r) => [r.row, r.ledgerCode, r.outcome, r.assetId]),
      ),
  );
  return EXIT.OK;
}
