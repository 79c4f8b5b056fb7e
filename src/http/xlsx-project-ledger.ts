import type { TActor } from '../domain/actor';
import { AppError } from '../domain/errors';
import { fiscalTotalFen } from '../domain/lifecycle/fiscal-funding';
import type { TPrisma } from '../db/prisma';
import { CODE_LABELS } from '../web/app/code-labels';
import { projectListWhere, type TProjectListQuery } from './project-filters';
import { ledgerSheet, type TAnyLedgerSheet, type TLedgerLang } from './xlsx-workbook';

/**
 * The project ledger (项目台账) and the payment ledger (资金拨付台账) of the projects a caller may
 * see, under the filters of GET /api/projects: the lists a county office keeps in Excel, with the
 * columns it keeps them in.
 */

/** More rows than any county has projects; past it the filters must narrow the export. */
export const MAX_EXPORT_PROJECTS = 20_000;

type TLabels = (typeof CODE_LABELS)['zh'];
const label = (labels: Record<string, string>, code: string | null | undefined) => (code ? (labels[code] ?? code) : null);

interface TProjectRow {
  id: string;
  name: string;
  county: string;
  township: string;
  village: string;
  implementer: string | null;
  stage: string;
  budgetFen: bigint;
  fiscalFen: number | null;
  disbursedFen: bigint;
  grade: string | null;
  risks: string[];
  createdAt: Date;
}

interface TPaymentRow {
  projectId: string;
  projectName: string;
  village: string;
  seq: number;
  tranche: string;
  amountFen: bigint;
  fiscalSource: string | null;
  status: string;
  payeeAccount: string | null;
  requestedAt: Date;
  paidAt: Date | null;
  voucherNo: string | null;
}

/** The proposal's funding lines, or null for a row without them (never a guess). */
function fundingLinesOf(proposal: unknown) {
  const lines = (proposal as { fundingSources?: unknown } | null)?.fundingSources;
  if (!Array.isArray(lines)) return null;
  return lines as Array<{ source: 'CENTRAL_LINKAGE' | 'LOCAL' | 'OWN_CAPITAL' | 'BANK_LOAN' | 'OTHER'; amountFen: number }>;
}

function projectSheet(rows: TProjectRow[], l: TLabels): TAnyLedgerSheet {
  return ledgerSheet<TProjectRow>({
    name: { zh: '项目台账', en: 'Projects' },
    rows,
    columns: [
      { header: { zh: '项目编号', en: 'Project ID' }, kind: 'text', width: 24, value: (r) => r.id },
      { header: { zh: '项目名称', en: 'Project' }, kind: 'text', width: 32, value: (r) => r.name },
      { header: { zh: '县', en: 'County' }, kind: 'text', width: 12, value: (r) => r.county },
      { header: { zh: '乡镇', en: 'Township' }, kind: 'text', width: 12, value: (r) => r.township },
      { header: { zh: '村', en: 'Village' }, kind: 'text', width: 12, value: (r) => r.village },
      { header: { zh: '实施主体', en: 'Implementer' }, kind: 'text', width: 24, value: (r) => r.implementer },
      { header: { zh: '阶段', en: 'Stage' }, kind: 'text', width: 14, value: (r) => label(l.stage, r.stage) },
      { header: { zh: '总投资(元)', en: 'Total investment (yuan)' }, kind: 'yuan', width: 16, value: (r) => r.budgetFen },
      { header: { zh: '财政资金(元)', en: 'Fiscal funds (yuan)' }, kind: 'yuan', width: 16, value: (r) => r.fiscalFen },
      { header: { zh: '已拨付(元)', en: 'Disbursed (yuan)' }, kind: 'yuan', width: 16, value: (r) => r.disbursedFen },
      { header: { zh: '等级', en: 'Grade' }, kind: 'text', width: 8, value: (r) => label(l.grade, r.grade) },
      { header: { zh: '风险', en: 'Risk flags' }, kind: 'text', width: 24, value: (r) => r.risks.map((c) => label(l.risk, c)).join('、') || null },
      { header: { zh: '申报日期', en: 'Proposed on' }, kind: 'date', width: 12, value: (r) => r.createdAt },
    ],
  });
}

function paymentSheet(rows: TPaymentRow[], l: TLabels): TAnyLedgerSheet {
  return ledgerSheet<TPaymentRow>({
    name: { zh: '资金拨付台账', en: 'Payments' },
    rows,
    columns: [
      { header: { zh: '项目编号', en: 'Project ID' }, kind: 'text', width: 24, value: (r) => r.projectId },
      { header: { zh: '项目名称', en: 'Project' }, kind: 'text', width: 32, value: (r) => r.projectName },
      { header: { zh: '村', en: 'Village' }, kind: 'text', width: 12, value: (r) => r.village },
      { header: { zh: '序号', en: 'No.' }, kind: 'integer', width: 6, value: (r) => r.seq },
      { header: { zh: '拨付批次', en: 'Tranche' }, kind: 'text', width: 14, value: (r) => label(l.tranche, r.tranche) },
      { header: { zh: '金额(元)', en: 'Amount (yuan)' }, kind: 'yuan', width: 16, value: (r) => r.amountFen },
      { header: { zh: '资金来源', en: 'Fiscal source' }, kind: 'text', width: 14, value: (r) => label(l.source, r.fiscalSource) },
      { header: { zh: '状态', en: 'Status' }, kind: 'text', width: 16, value: (r) => label(l.paymentStatus, r.status) },
      { header: { zh: '收款账户', en: 'Payee account' }, kind: 'text', width: 22, value: (r) => r.payeeAccount },
      { header: { zh: '申请时间', en: 'Requested at' }, kind: 'dateTime', width: 17, value: (r) => r.requestedAt },
      { header: { zh: '支付时间', en: 'Paid at' }, kind: 'dateTime', width: 17, value: (r) => r.paidAt },
      { header: { zh: '支付凭证号', en: 'Voucher no.' }, kind: 'text', width: 18, value: (r) => r.voucherNo },
    ],
  });
}

/** The two ledgers' sheets for what the caller may see under the filters (paging ignored). */
export async function projectLedgerSheets({
  prisma,
  actor,
  query,
  lang,
}: {
  prisma: TPrisma;
  actor: TActor;
  query: TProjectListQuery;
  lang: TLedgerLang;
}): Promise<TAnyLedgerSheet[]> {
  const l = CODE_LABELS[lang];
  const where = await projectListWhere(prisma, actor, query);
  const projects = where
    ? await prisma.project.findMany({
        where,
        // The list route's order: newest first, the id breaking ties.
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: MAX_EXPORT_PROJECTS + 1,
        include: {
          riskFlags: { where: { status: { in: ['OPEN', 'CONFIRMED'] } }, select: { code: true }, orderBy: { code: 'asc' } },
          payments: { orderBy: { seq: 'asc' } },
        },
      })
    : [];
  if (projects.length > MAX_EXPORT_PROJECTS) {
    throw new AppError('VALIDATION_FAILED', `more than ${MAX_EXPORT_PROJECTS} projects match: narrow the filters`, [
      { path: 'querystring', message: 'too many rows' },
    ]);
  }
  const unitIds = [...new Set(projects.flatMap((p) => [p.countyId, p.townshipId, p.villageId]))];
  const units = new Map((await prisma.orgUnit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const nameOf = (id: string) => units.get(id) ?? id;

  const projectRows: TProjectRow[] = projects.map((p) => {
    const lines = fundingLinesOf(p.proposal);
    const implementer = (p.proposal as { implementer?: { name?: unknown } } | null)?.implementer?.name;
    return {
      id: p.id,
      name: p.name,
      county: nameOf(p.countyId),
      township: nameOf(p.townshipId),
      village: nameOf(p.villageId),
      implementer: typeof implementer === 'string' ? implementer : null,
      stage: p.stage,
      budgetFen: p.budgetFen,
      fiscalFen: lines ? fiscalTotalFen(lines) : null,
      disbursedFen: p.disbursedFen,
      grade: p.latestGrade,
      risks: [...new Set(p.riskFlags.map((f) => f.code))],
      createdAt: p.createdAt,
    };
  });
  const paymentRows: TPaymentRow[] = projects.flatMap((p) =>
    p.payments.map((pay) => ({
      projectId: p.id,
      projectName: p.name,
      village: nameOf(p.villageId),
      seq: pay.seq,
      tranche: pay.tranche,
      amountFen: pay.amountFen,
      fiscalSource: pay.fiscalSource,
      status: pay.status,
      payeeAccount: pay.payeeAccount,
      requestedAt: pay.requestedAt,
      paidAt: pay.paidAt,
      voucherNo: pay.voucherNo,
    })),
  );
  return [projectSheet(projectRows, l), paymentSheet(paymentRows, l)];
}
