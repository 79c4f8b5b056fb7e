import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TApi } from './api-client';
import { fenToYuanDecimal } from '../domain/policies/money';
import { CliError, EXIT, type TExitCode } from './cli-error';
import { formatCsv, parseCsv } from './csv';
import { emit, type TIo } from './output';
import { progressBar } from './progress';

/** The columns of an evaluation CSV, in the indicator groups of domain.md §2.12. */
export const EVALUATION_COLUMNS = [
  'projectId',
  'quantity',
  'quality',
  'timeliness',
  'cost',
  'economic',
  'social',
  'ecological',
  'sustainability',
  'satisfactionPercent',
  'budgetExecutionPercent',
] as const;

/** A row's request id: file name + row content, so re-importing the same file submits nothing twice. */
const rowRequestId = (file: string, row: string[]) =>
  `csv-${crypto
    .createHash('sha256')
    .update(`${path.basename(file)}\n${row.join(',')}`)
    .digest('hex')
    .slice(0, 32)}`;

/**
 * 绩效评价 from a spreadsheet: one row per project (header row first, see EVALUATION_COLUMNS, an
 * optional outcomeClass column), each sent as SUBMIT_EVALUATION; the server scores and grades.
 */
export async function importEvaluations({ api, io, file }: { api: TApi; io: TIo; file: string }): Promise<TExitCode> {
  let rows: string[][];
  try {
    rows = parseCsv(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new CliError(EXIT.USAGE, `cannot read ${file}: ${(err as Error).message}`);
  }
  const [header, ...data] = rows;
  const missing = EVALUATION_COLUMNS.filter((c) => !header?.includes(c));
  if (!header || missing.length) throw new CliError(EXIT.USAGE, `${file}: the header must name ${missing.join(', ')}`);
  const col = (row: string[], name: string) => row[header.indexOf(name)]?.trim() ?? '';
  const num = (row: string[], name: string) => Number(col(row, name));
  const bar = progressBar(io.stderr, data.length, 'evaluations');
  const results: Array<Record<string, unknown>> = [];
  let worst: TExitCode = EXIT.OK;
  for (const [i, row] of data.entries()) {
    const projectId = col(row, 'projectId');
    const outcomeClass = header.includes('outcomeClass') ? col(row, 'outcomeClass') : '';
    // An outcome class other than the grade's suggestion needs the evaluator's reason.
    const outcomeReason = header.includes('outcomeReason') ? col(row, 'outcomeReason') : '';
    const command = {
      type: 'SUBMIT_EVALUATION',
      indicators: {
        output: { quantity: num(row, 'quantity'), quality: num(row, 'quality'), timeliness: num(row, 'timeliness'), cost: num(row, 'cost') },
        benefit: { economic: num(row, 'economic'), social: num(row, 'social'), ecological: num(row, 'ecological'), sustainability: num(row, 'sustainability') },
        satisfactionPercent: num(row, 'satisfactionPercent'),
        budgetExecutionPercent: num(row, 'budgetExecutionPercent'),
      },
      ...(outcomeClass ? { outcomeClass } : {}),
      ...(outcomeReason ? { outcomeReason } : {}),
    };
    try {
      const res = await api.post<{ recordId: string; details: { grade: string; score: number } }>(`/api/projects/${encodeURIComponent(projectId)}/actions`, {
        requestId: rowRequestId(file, row),
        command,
      });
      results.push({
        row: i + 2,
        projectId,
        status: 'submitted',
        evaluationId: res.body.recordId,
        grade: res.body.details.grade,
        score: res.body.details.score,
      });
      bar.step(`${projectId} ${res.body.details.grade} ${res.body.details.score}`);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      if (err.exitCode === EXIT.SERVER && !err.apiError) throw err;
      worst = worst === EXIT.OK ? err.exitCode : worst;
      results.push({ row: i + 2, projectId, status: 'failed', error: err.apiError ?? { code: 'ERROR', message: err.message } });
      bar.step(`${projectId} failed: ${err.message}`);
    }
  }
  bar.end();
  const failed = results.filter((r) => r.status === 'failed').length;
  emit(io, { submitted: results.length - failed, failed, results }, () => `${results.length - failed} submitted, ${failed} failed\n`);
  return worst;
}

type TRecords = {
  projectId: string;
  payments: Array<Record<string, unknown> & { invoices: Array<{ number: string }>; riskFlags: Array<{ code: string; status: string }> }>;
  assets: Array<Record<string, unknown>>;
  income: Array<Record<string, unknown> & { distribution: Array<{ householdId: string; amountFen: number; linkedDays: number; monitoredDays: number }> }>;
};

const LEDGERS = {
  payments: {
    header: [
      'projectId',
      'paymentId',
      'tranche',
      'amountFen',
      'amountYuan',
      'payeeId',
      'status',
      'requestedAt',
      'paidAt',
      'voucherNo',
      'invoices',
      'riskFlags',
    ],
    rows: (r: TRecords) =>
      r.payments.map((p) => [
        r.projectId,
        p.id,
        p.tranche,
        p.amountFen,
        fenToYuanDecimal(p.amountFen as number),
        p.payeeId,
        p.status,
        p.requestedAt,
        p.paidAt,
        p.voucherNo,
        p.invoices.map((i) => i.number).join(' '),
        p.riskFlags.map((f) => `${f.code}:${f.status}`).join(' '),
      ]),
  },
  assets: {
    header: ['projectId', 'assetId', 'name', 'assetClass', 'valueFen', 'valueYuan', 'owner', 'custodian', 'certificateNo', 'handedOverAt'],
    rows: (r: TRecords) =>
      r.assets.map((a) => [
        r.projectId,
        a.id,
        a.name,
        a.assetClass,
        a.valueFen,
        fenToYuanDecimal(a.valueFen as number),
        a.owner,
        a.custodian,
        a.certificateNo,
        a.handedOverAt,
      ]),
  },
  distributions: {
    header: ['projectId', 'period', 'incomeFen', 'householdId', 'amountFen', 'linkedDays', 'monitoredDays', 'dividendRateBp', 'meetsMinimum'],
    rows: (r: TRecords) =>
      r.income.flatMap((inc) =>
        inc.distribution.map((h) => [
          r.projectId,
          inc.period,
          inc.incomeFen,
          h.householdId,
          h.amountFen,
          h.linkedDays,
          h.monitoredDays,
          inc.dividendRateBp,
          inc.meetsMinimum,
        ]),
      ),
  },
} as const;
export type TLedger = keyof typeof LEDGERS;

/** 台账 to CSV: one project (--project) or every project the caller can see, with progress. */
export async function exportLedger({
  api,
  io,
  ledger,
  projectId,
  out,
}: {
  api: TApi;
  io: TIo;
  ledger: string;
  projectId?: string;
  out?: string;
}): Promise<TExitCode> {
  if (!(ledger in LEDGERS)) throw new CliError(EXIT.USAGE, `unknown ledger ${ledger}: payments, assets or distributions`);
  const spec = LEDGERS[ledger as TLedger];
  let ids: string[] = projectId ? [projectId] : [];
  if (!projectId) {
    for (let page = 1; ; page += 1) {
      const res = await api.get<{ items: Array<{ id: string }>; total: number }>(`/api/projects?page=${page}&pageSize=200`);
      ids.push(...res.items.map((p) => p.id));
      if (res.items.length === 0 || ids.length >= res.total) break;
    }
  }
  ids = [...new Set(ids)];
  const bar = progressBar(io.stderr, ids.length, ledger);
  const rows: unknown[][] = [];
  for (const id of ids) {
    const records = await api.get<TRecords>(`/api/projects/${encodeURIComponent(id)}/records`);
    rows.push(...spec.rows(records));
    bar.step(id);
  }
  bar.end();
  const csv = formatCsv([...spec.header], rows);
  if (out) await fs.writeFile(out, csv);
  else if (!io.json) io.stdout.write(csv);
  if (io.json) emit(io, { ledger, projects: ids.length, rows: rows.length, ...(out ? { file: out } : { header: spec.header, data: rows }) }, () => '');
  else if (out) io.stderr.write(`${rows.length} rows from ${ids.length} projects written to ${out}\n`);
  return EXIT.OK;
}
