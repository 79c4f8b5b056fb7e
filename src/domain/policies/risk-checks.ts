import * as z from '../shape';
import { computeTrancheAmounts, ZDisbursementSchedule } from './disbursement-schedule';
import { bpOfFen, formatFen, ZBasisPoints, ZFen } from './money';
import { parseOrThrow } from './validate';
import { normalisePayeeAccount } from '../payment/payee-accounts';

/**
 * Risk screening of a payment request (风险排查, domain.md §2.8 and "Throughout"). Every check is
 * pure: the activity reads the facts from the database (other invoices, payments so far) and the
 * workflow blocks the payment and opens a finance-bureau task for each flag returned.
 */

export const RISK_FLAG_CODES = ['DUPLICATE_INVOICE', 'PAYEE_NOT_IMPLEMENTER', 'EXCEEDS_VERIFIED_PROGRESS', 'OVERSPEND_NEEDS_NEW_APPROVAL'] as const;
export const ZRiskFlagCode = z.enum(RISK_FLAG_CODES);
export type TRiskFlagCode = z.infer<typeof ZRiskFlagCode>;

export const RISK_FLAG_LABELS_ZH: Record<TRiskFlagCode, string> = {
  DUPLICATE_INVOICE: '发票重复使用',
  PAYEE_NOT_IMPLEMENTER: '收款方非实施主体',
  EXCEEDS_VERIFIED_PROGRESS: '拨付超过核实进度',
  OVERSPEND_NEEDS_NEW_APPROVAL: '超概算需重新批复',
};

export interface TRiskFlag {
  code: TRiskFlagCode;
  message: string;
  details: Record<string, unknown>;
}

const ZSha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be a hex SHA-256 digest')
  .transform((hex) => hex.toLowerCase());

export const ZInvoiceRef = z.strictObject({
  /** 发票号码 (with 发票代码 prefixed for pre-全电 invoices, so it is unique nationally). */
  number: z.string().trim().min(1),
  /** SHA-256 of the uploaded invoice file. */
  sha256: ZSha256,
});

/** An invoice already attached to some payment of any project, as the database has it. */
export const ZExistingInvoice = ZInvoiceRef.extend({
  paymentId: z.string().min(1),
  projectId: z.string().min(1),
});

export const ZRiskCheckInput = z.strictObject({
  payment: z.strictObject({
    paymentId: z.string().min(1),
    projectId: z.string().min(1),
    amountFen: ZFen.min(1),
    payeeId: z.string().min(1),
    /** Bank account the money would go to; checked when the implementer registered accounts. */
    payeeAccount: z.string().trim().min(1).optional(),
    invoices: z.array(ZInvoiceRef).default([]),
  }),
  implementer: z.strictObject({
    implementerId: z.string().min(1),
    registeredAccounts: z.array(z.string().trim().min(1)).default([]),
  }),
  project: z.strictObject({
    approvedBudgetFen: ZFen,
    verifiedProgressPercent: z.int().min(0).max(100),
    acceptancePassed: z.boolean(),
    /** Sum of this project's earlier payments (paid or approved), excluding this request. */
    paidToDateFen: ZFen,
    /**
     * Total spending on the project including this request, when the implementer reports it
     * (e.g. from a settlement); defaults to paidToDateFen + this amount.
     */
    reportedTotalSpendFen: ZFen.optional(),
  }),
  schedule: ZDisbursementSchedule,
  overspendToleranceBp: ZBasisPoints,
  existingInvoices: z.array(ZExistingInvoice).default([]),
});
export type TRiskCheckInput = z.input<typeof ZRiskCheckInput>;
type TFacts = z.output<typeof ZRiskCheckInput>;

/** Normalise invoice numbers so "No. 0012 34" and "001234" are the same invoice. */
function normaliseInvoiceNumber(number: string): string {
  return number
    .replace(/[\s-]/g, '')
    .replace(/^NO\.?/i, '')
    .toUpperCase();
}

/**
 * The same invoice in any other payment, of any project. A match on number AND hash is the plain
 * re-use; number alone (a re-scan of the same paper) or hash alone (same file, number retyped)
 * are flagged too, since either is how a re-use would try to slip through. `matchedOn` tells the
 * finance bureau which. The same invoice twice within this request is also a duplicate.
 */
export function checkDuplicateInvoices(facts: TFacts): TRiskFlag[] {
  const flags: TRiskFlag[] = [];
  const others = facts.existingInvoices.filter((invoice) => invoice.paymentId !== facts.payment.paymentId);
  facts.payment.invoices.forEach((invoice, index) => {
    const number = normaliseInvoiceNumber(invoice.number);
    const earlierInRequest = facts.payment.invoices
      .slice(0, index)
      .some((other) => normaliseInvoiceNumber(other.number) === number || other.sha256 === invoice.sha256);
    const matches = others
      .map((other) => {
        const sameNumber = normaliseInvoiceNumber(other.number) === number;
        const sameHash = other.sha256 === invoice.sha256;
        if (!sameNumber && !sameHash) return null;
        const matchedOn = sameNumber && sameHash ? 'NUMBER_AND_HASH' : sameNumber ? 'NUMBER' : 'HASH';
        return { paymentId: other.paymentId, projectId: other.projectId, matchedOn };
      })
      .filter((match) => match !== null);
    if (matches.length === 0 && !earlierInRequest) return;
    flags.push({
      code: 'DUPLICATE_INVOICE',
      message: `invoice ${invoice.number} is already used${matches.length > 0 ? ` in ${matches.length} other payment(s)` : ' earlier in this request'}`,
      details: {
        invoiceNumber: invoice.number,
        sha256: invoice.sha256,
        matches,
        repeatedWithinRequest: earlierInRequest,
      },
    });
  });
  return flags;
}

/**
 * Money may only go to the registered implementer (实施主体), and to one of the accounts recorded
 * at funding (payment/payee-accounts.ts). Accounts compare by their characters without the
 * spaces and hyphens they are grouped with, so "6222 0201" is "62220201".
 */
export function checkPayee(facts: TFacts): TRiskFlag[] {
  const { payment, implementer } = facts;
  const wrongParty = payment.payeeId !== implementer.implementerId;
  const registered = implementer.registeredAccounts.map(normalisePayeeAccount);
  const wrongAccount = registered.length > 0 && (payment.payeeAccount === undefined || !registered.includes(normalisePayeeAccount(payment.payeeAccount)));
  if (!wrongParty && !wrongAccount) return [];
  return [
    {
      code: 'PAYEE_NOT_IMPLEMENTER',
      message: wrongParty
        ? `payee ${payment.payeeId} is not the registered implementer ${implementer.implementerId}`
        : 'payee account is not one of the implementer’s registered accounts',
      details: {
        payeeId: payment.payeeId,
        implementerId: implementer.implementerId,
        payeeAccount: payment.payeeAccount ?? null,
        registeredAccounts: implementer.registeredAccounts,
        reason: wrongParty ? 'PAYEE_ID' : 'ACCOUNT',
      },
    },
  ];
}

/**
 * The most that verified progress justifies paying in total. The schedule deliberately pays
 * ahead of the work (40% at start, 90% at 80% progress), so the ceiling is the larger of the
 * plain progress share and what the schedule entitles at this progress. Own capital and the
 * retention date are not part of it: missing those is a schedule block, not a fraud signal.
 */
export function verifiedProgressCeilingFen(facts: Pick<TFacts, 'project' | 'schedule'>): number {
  const { project, schedule } = facts;
  if (project.acceptancePassed) return project.approvedBudgetFen;
  const amounts = computeTrancheAmounts({ approvedBudgetFen: project.approvedBudgetFen, schedule });
  let scheduled = amounts.START;
  if (project.verifiedProgressPercent >= schedule.substantialCompletionProgressPercent) {
    scheduled += amounts.SUBSTANTIAL_COMPLETION;
  }
  const progressShare = bpOfFen({
    fen: project.approvedBudgetFen,
    bp: project.verifiedProgressPercent * 100,
  });
  return Math.max(scheduled, progressShare);
}

export function checkVerifiedProgress(facts: TFacts): TRiskFlag[] {
  const ceilingFen = verifiedProgressCeilingFen(facts);
  const cumulativeFen = facts.project.paidToDateFen + facts.payment.amountFen;
  if (cumulativeFen <= ceilingFen) return [];
  return [
    {
      code: 'EXCEEDS_VERIFIED_PROGRESS',
      message: `cumulative payments ${formatFen(cumulativeFen)} would exceed the ${formatFen(ceilingFen)} justified by verified progress (${facts.project.verifiedProgressPercent}%)`,
      details: {
        cumulativeFen,
        ceilingFen,
        excessFen: cumulativeFen - ceilingFen,
        verifiedProgressPercent: facts.project.verifiedProgressPercent,
      },
    },
  ];
}

/**
 * No 批小建大: spending beyond the approved budget by more than the tolerance needs a new 批复.
 * Spending up to the tolerance is allowed (limit inclusive); the limit is floored, so the county
 * never tolerates a fen more than its setting says.
 */
export function checkOverspend(facts: TFacts): TRiskFlag[] {
  const { project, payment } = facts;
  const spendFen = Math.max(project.reportedTotalSpendFen ?? 0, project.paidToDateFen + payment.amountFen);
  const toleranceFen = bpOfFen({ fen: project.approvedBudgetFen, bp: facts.overspendToleranceBp });
  const limitFen = project.approvedBudgetFen + toleranceFen;
  if (spendFen <= limitFen) return [];
  return [
    {
      code: 'OVERSPEND_NEEDS_NEW_APPROVAL',
      message: `spending ${formatFen(spendFen)} exceeds the approved budget ${formatFen(project.approvedBudgetFen)} by more than the ${facts.overspendToleranceBp / 100}% tolerance; a new 批复 is required`,
      details: {
        spendFen,
        approvedBudgetFen: project.approvedBudgetFen,
        toleranceBp: facts.overspendToleranceBp,
        limitFen,
        overLimitFen: spendFen - limitFen,
      },
    },
  ];
}

/** Run every check; an empty list means the payment may go on to finance approval. */
export function runRiskChecks(input: TRiskCheckInput): TRiskFlag[] {
  const facts = parseOrThrow(ZRiskCheckInput, input, 'risk check input');
  return [...checkDuplicateInvoices(facts), ...checkPayee(facts), ...checkVerifiedProgress(facts), ...checkOverspend(facts)];
}
