import * as z from '../shape';
import { addMonths, isOnOrAfter, ZCalendarDate } from './calendar-date';
import { bpOfFen, bpOfFenCeil, ZFen } from './money';
import { disbursementSettingsProblems, withoutRetiredFields, ZDisbursementFields, type TDisbursementSettings } from './settings';
import { parseOrThrow } from './validate';

/**
 * Phased disbursement (分阶段拨付, domain.md §2.8): which tranches of the approved fiscal money
 * may be paid now, and why the others may not. Pure: the workflow gathers the facts (verified
 * progress, own capital, acceptance, handover, payments so far) and asks.
 */

export const TRANCHES = ['START', 'SUBSTANTIAL_COMPLETION', 'ACCEPTANCE', 'RETENTION'] as const;
export const ZTranche = z.enum(TRANCHES);
export type TTranche = z.infer<typeof ZTranche>;

export const TRANCHE_LABELS_ZH: Record<TTranche, string> = {
  START: '启动拨付',
  SUBSTANTIAL_COMPLETION: '主体完工拨付',
  ACCEPTANCE: '验收后拨付',
  RETENTION: '质保金',
};

export type TTrancheAmounts = Record<TTranche, number>;

/**
 * A schedule that passed the same cross-field rules as the county settings. Retired keys are
 * dropped first: an activity scheduled before their retirement still carries them on retry.
 */
export const ZDisbursementSchedule = z.preprocess(
  (fields) => withoutRetiredFields('disbursement', fields),
  ZDisbursementFields.superRefine((schedule, ctx) => {
    for (const problem of disbursementSettingsProblems(schedule)) {
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
  }),
);

/**
 * Split the approved budget into tranche amounts that sum to it exactly. Each share is floored;
 * the rounding remainder lands in the ACCEPTANCE tranche, the one paid only once the work is
 * accepted, so rounding never pays anything early. Retention is carved out of that tranche.
 * E.g. 1,000,001 fen at 40/50/10 with 5% retention → 400,000 / 500,000 / 50,001 / 50,000.
 */
export function computeTrancheAmounts({ approvedBudgetFen, schedule }: { approvedBudgetFen: number; schedule: TDisbursementSettings }): TTrancheAmounts {
  const budget = parseOrThrow(ZFen, approvedBudgetFen, 'approved budget');
  const s = parseOrThrow(ZDisbursementSchedule, schedule, 'disbursement schedule');
  const start = bpOfFen({ fen: budget, bp: s.startShareBp });
  const substantial = bpOfFen({ fen: budget, bp: s.substantialCompletionShareBp });
  const retention = bpOfFen({ fen: budget, bp: s.retentionBp });
  return {
    START: start,
    SUBSTANTIAL_COMPLETION: substantial,
    ACCEPTANCE: budget - start - substantial - retention,
    RETENTION: retention,
  };
}

/** Why a tranche cannot be paid now. Every applicable reason is listed, not just the first. */
export type TTrancheBlock =
  | { code: 'ALREADY_PAID'; message: string }
  | { code: 'NOTHING_DUE'; message: string }
  | { code: 'PROGRESS_BELOW_THRESHOLD'; message: string; requiredPercent: number; verifiedPercent: number }
  | {
      code: 'OWN_CAPITAL_SHORT';
      message: string;
      requiredFen: number;
      investedFen: number;
      shortfallFen: number;
    }
  | { code: 'ACCEPTANCE_NOT_PASSED'; message: string }
  | { code: 'NOT_HANDED_OVER'; message: string }
  | { code: 'RETENTION_HOLD_NOT_ELAPSED'; message: string; releasableOn: string }
  | { code: 'DEFECTS_OPEN'; message: string; openDefects: number };

export type TTrancheBlockCode = TTrancheBlock['code'];

export interface TTrancheStatus {
  tranche: TTranche;
  /** What this tranche is worth in total. */
  amountFen: number;
  paidFen: number;
  /** amountFen − paidFen, never below zero. */
  outstandingFen: number;
  /** outstandingFen when nothing blocks it, else 0. */
  releasableFen: number;
  blocks: TTrancheBlock[];
}

export const ZDisbursementInput = z.strictObject({
  /** Fiscal money approved in the 批复, to be paid through the schedule. */
  approvedBudgetFen: ZFen,
  schedule: ZDisbursementSchedule,
  /** Latest progress verified by the supervising department (not merely reported). */
  verifiedProgressPercent: z.int().min(0).max(100),
  /** Own capital (自筹) the implementer committed to in the approved funding plan. */
  ownCapitalRequiredFen: ZFen,
  /** Own capital whose arrival (资本金到位) has been verified. */
  ownCapitalInvestedFen: ZFen,
  acceptancePassed: z.boolean(),
  /** Date the assets were handed over (移交), null until then. */
  handoverDate: ZCalendarDate.nullable(),
  /**
   * Defects reported since handover whose repair is not verified yet (defect-repair.ts). A defect
   * repaired and verified no longer holds the retention back.
   */
  openDefects: z.int().min(0),
  /** Today's date in Asia/Shanghai, supplied by the caller's (workflow) clock. */
  asOfDate: ZCalendarDate,
  /** Payments already made (or approved and in flight) per tranche. */
  paidFenByTranche: z.partialRecord(ZTranche, ZFen).default({}),
});
export type TDisbursementInput = z.input<typeof ZDisbursementInput>;

export interface TDisbursementPlan {
  amounts: TTrancheAmounts;
  tranches: TTrancheStatus[];
  /** The tranches with something payable now, in schedule order. */
  releasable: TTrancheStatus[];
  totalReleasableFen: number;
  /** First date retention may be released (handover + hold), null before handover. */
  retentionReleasableOn: string | null;
}

/**
 * Decide what may be paid now. Tranches are independent: if the start tranche was never drawn
 * and the project is now at 85%, both START and SUBSTANTIAL_COMPLETION are releasable.
 */
export function planDisbursement(input: TDisbursementInput): TDisbursementPlan {
  const facts = parseOrThrow(ZDisbursementInput, input, 'disbursement input');
  const { schedule } = facts;
  const amounts = computeTrancheAmounts({
    approvedBudgetFen: facts.approvedBudgetFen,
    schedule,
  });
  const retentionReleasableOn = facts.handoverDate === null ? null : addMonths({ date: facts.handoverDate, months: schedule.retentionHoldMonths });

  // Own capital must keep pace with the cumulative share of fiscal money released (配套).
  // Rounded up: a requirement rounded down could be missed by a fen.
  const ownCapitalNeededBefore = (cumulativeBp: number) =>
    schedule.ownCapitalMatching === 'NONE' ? 0 : bpOfFenCeil({ fen: facts.ownCapitalRequiredFen, bp: cumulativeBp });

  const progressBlock = (requiredPercent: number): TTrancheBlock[] =>
    facts.verifiedProgressPercent >= requiredPercent
      ? []
      : [
          {
            code: 'PROGRESS_BELOW_THRESHOLD',
            message: `verified progress ${facts.verifiedProgressPercent}% is below the required ${requiredPercent}%`,
            requiredPercent,
            verifiedPercent: facts.verifiedProgressPercent,
          },
        ];

  const capitalBlock = (requiredFen: number): TTrancheBlock[] =>
    facts.ownCapitalInvestedFen >= requiredFen
      ? []
      : [
          {
            code: 'OWN_CAPITAL_SHORT',
            message: `own capital invested ${facts.ownCapitalInvestedFen} fen is below the ${requiredFen} fen required`,
            requiredFen,
            investedFen: facts.ownCapitalInvestedFen,
            shortfallFen: requiredFen - facts.ownCapitalInvestedFen,
          },
        ];

  const acceptanceBlock: TTrancheBlock[] = facts.acceptancePassed ? [] : [{ code: 'ACCEPTANCE_NOT_PASSED', message: 'completion acceptance has not passed' }];

  const conditions: Record<TTranche, TTrancheBlock[]> = {
    START: [...capitalBlock(ownCapitalNeededBefore(schedule.startShareBp))],
    SUBSTANTIAL_COMPLETION: [
      ...progressBlock(schedule.substantialCompletionProgressPercent),
      ...capitalBlock(ownCapitalNeededBefore(schedule.startShareBp + schedule.substantialCompletionShareBp)),
    ],
    ACCEPTANCE: [...acceptanceBlock, ...capitalBlock(ownCapitalNeededBefore(10_000))],
    RETENTION: [
      ...acceptanceBlock,
      ...retentionBlocks({
        retentionReleasableOn,
        asOfDate: facts.asOfDate,
        openDefects: facts.openDefects,
      }),
      ...capitalBlock(ownCapitalNeededBefore(10_000)),
    ],
  };

  const tranches = TRANCHES.map((tranche): TTrancheStatus => {
    const amountFen = amounts[tranche];
    const paidFen = facts.paidFenByTranche[tranche] ?? 0;
    const outstandingFen = Math.max(0, amountFen - paidFen);
    let blocks: TTrancheBlock[];
    if (amountFen === 0) {
      blocks = [{ code: 'NOTHING_DUE', message: 'this tranche is zero under the schedule' }];
    } else if (outstandingFen === 0) {
      // Once paid, the other conditions are history, not reasons.
      blocks = [{ code: 'ALREADY_PAID', message: 'this tranche has been paid in full' }];
    } else {
      blocks = conditions[tranche];
    }
    return {
      tranche,
      amountFen,
      paidFen,
      outstandingFen,
      releasableFen: blocks.length === 0 ? outstandingFen : 0,
      blocks,
    };
  });

  const releasable = tranches.filter((status) => status.releasableFen > 0);
  return {
    amounts,
    tranches,
    releasable,
    totalReleasableFen: releasable.reduce((sum, status) => sum + status.releasableFen, 0),
    retentionReleasableOn,
  };
}

function retentionBlocks({
  retentionReleasableOn,
  asOfDate,
  openDefects,
}: {
  retentionReleasableOn: string | null;
  asOfDate: string;
  openDefects: number;
}): TTrancheBlock[] {
  const blocks: TTrancheBlock[] = [];
  if (retentionReleasableOn === null) {
    blocks.push({ code: 'NOT_HANDED_OVER', message: 'the assets have not been handed over' });
  } else if (!isOnOrAfter({ date: asOfDate, reference: retentionReleasableOn })) {
    blocks.push({
      code: 'RETENTION_HOLD_NOT_ELAPSED',
      message: `retention is held until ${retentionReleasableOn}`,
      releasableOn: retentionReleasableOn,
    });
  }
  if (openDefects > 0) {
    blocks.push({ code: 'DEFECTS_OPEN', message: `${openDefects} defect(s) reported after handover not yet repaired and verified`, openDefects });
  }
  return blocks;
}

/** Why a payment request cannot go ahead, with the field it is about. */
export interface TPaymentRequestRefusal {
  code: 'TRANCHE_NOT_RELEASABLE' | 'AMOUNT_EXCEEDS_RELEASABLE';
  message: string;
  field: string;
}

/**
 * A request is capped at what its tranche may release now. Without the cap a request for the
 * acceptance tranche could carry the retention (质保金) with it: after acceptance the progress
 * ceiling of the risk checks is the whole budget, so nothing else stops it before the guarantee
 * year is over. The retention itself is releasable only after the hold, with no open defect.
 */
export function paymentRequestRefusal({
  plan,
  tranche,
  amountFen,
}: {
  plan: TDisbursementPlan;
  tranche: TTranche;
  amountFen: number;
}): TPaymentRequestRefusal | null {
  const status = plan.tranches.find((t) => t.tranche === tranche)!;
  if (status.releasableFen === 0) {
    return {
      code: 'TRANCHE_NOT_RELEASABLE',
      message: `${tranche} cannot be paid now: ${status.blocks.map((b) => b.message).join('; ')}`,
      field: 'body.command.tranche',
    };
  }
  if (amountFen > status.releasableFen) {
    return {
      code: 'AMOUNT_EXCEEDS_RELEASABLE',
      message: `${tranche} may release at most ${status.releasableFen} fen now; ${amountFen} fen requested`,
      field: 'body.command.amountFen',
    };
  }
  return null;
}
