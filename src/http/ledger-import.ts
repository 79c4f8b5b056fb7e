import { z } from 'zod';
import { parseCsv } from '../cli/csv';
import type { TActor } from '../domain/actor';
import type { TImportVillage } from '../domain/ledger-table';
import { AppError } from '../domain/errors';
import type { TRole } from '../domain/roles';
import type { TAppDeps } from './context';
import { readFirstSheet } from './xlsx-workbook';

/**
 * What every ledger import (资产台账, 防返贫监测 list) shares: the file sent base64 in JSON, read as
 * rows of text, the villages the importer may write into, and the all-or-nothing row report.
 */

/** A ledger file up to 10 MiB (about 50,000 rows as CSV), sent base64-encoded in JSON. */
const MAX_LEDGER_BYTES = 10 * 1024 * 1024;
export const LEDGER_BODY_LIMIT = Math.ceil(MAX_LEDGER_BYTES / 3) * 4 + 4096;

export const ZLedgerFileBody = z.object({
  format: z.enum(['csv', 'xlsx']).describe('csv (UTF-8, or GB18030 as Excel saves it on a Chinese Windows) or xlsx (the first worksheet)'),
  content: z
    .string()
    .min(1)
    .max(Math.ceil(MAX_LEDGER_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64')
    .describe('the file, base64-encoded'),
  dryRun: z.boolean().default(false).describe('validate and report, write nothing'),
});

/** The file's rows as text: CSV in UTF-8 (BOM or not), else GB18030 (Excel's "CSV" on a Chinese Windows); XLSX's first sheet. */
export async function ledgerTable(format: 'csv' | 'xlsx', bytes: Buffer): Promise<string[][]> {
  if (format === 'xlsx') {
    try {
      return await readFirstSheet(bytes);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'the file is not an .xlsx workbook', [{ path: 'body.content', message: 'not an .xlsx workbook' }]);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  return parseCsv(text, { keepBlankRows: true });
}

/**
 * The villages under the caller's grants of the import roles (decided in src/domain), each with
 * its county (the unit of level COUNTY on its path); 403 ROLE_NOT_ALLOWED without such a grant.
 */
export async function importVillages(prisma: TAppDeps['prisma'], actor: TActor, roles: readonly TRole[], what: string): Promise<TImportVillage[]> {
  const grants = actor.roles.filter((g) => roles.includes(g.role));
  if (grants.length === 0) throw new AppError('ROLE_NOT_ALLOWED', `${what} is for administrators and the county agriculture bureau (县农业农村局)`);
  const scope = { OR: grants.map((g) => ({ path: { startsWith: g.orgPath } })) };
  const [villages, counties] = await Promise.all([
    prisma.orgUnit.findMany({ where: { level: 'VILLAGE', ...scope }, select: { id: true, name: true, path: true } }),
    prisma.orgUnit.findMany({ where: { level: 'COUNTY' }, select: { id: true, path: true } }),
  ]);
  const out: TImportVillage[] = [];
  for (const v of villages) {
    const county = counties.find((c) => v.path.startsWith(c.path));
    if (county) out.push({ ...v, countyId: county.id });
  }
  return out;
}

/** A file's bad rows as the API answers them: 422 LEDGER_ROWS_INVALID, one detail per problem (row, column, code). */
export function rowsInvalid(errors: ReadonlyArray<{ row: number; column: string; code: string; message: string }>, what: string): AppError {
  return new AppError(
    'LEDGER_ROWS_INVALID',
    `${new Set(errors.map((e) => e.row)).size} row(s) of the ${what} are invalid: nothing was imported`,
    errors.map((e) => ({ path: `row.${e.row}${e.column ? `.${e.column}` : ''}`, message: e.message, row: e.row, column: e.column, code: e.code })),
  );
}
