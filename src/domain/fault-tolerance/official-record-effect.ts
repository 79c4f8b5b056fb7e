import { OUTCOME_LABELS_ZH } from './labels-zh';
import type { TCorrectiveMeasure, TOutcome, TReviewContext } from './schemas';
import { formatDateZh } from './deadlines';

/**
 * What a review outcome puts on an official's record (结果运用):
 * - EXEMPT 免责: no negative effect on appraisal, promotion or honours, ever.
 * - LENIENT 从轻/减轻: the effect applies only until the impact period ends.
 * - NOT_EXEMPT 不予免责: no protection; the consequences are whatever the accountability decision
 *   (问责) made outside this review says, so no end date is set here.
 */
export interface TOfficialRecordEffect {
  officialId: string;
  caseId: string;
  outcome: TOutcome;
  decidedAt: number;
  /** True only for EXEMPT: appraisal, promotion and honours must not count this matter against them. */
  noNegativeEffect: boolean;
  affectsAppraisal: boolean;
  affectsPromotion: boolean;
  affectsHonours: boolean;
  /** LENIENT only: the first instant at which the matter no longer counts. */
  impactPeriodEndsAt?: number;
  correctiveMeasures: TCorrectiveMeasure[];
  summaryZh: string;
}

export function officialRecordEffect({
  outcome,
  officialId,
  caseId,
  decidedAt,
  impactPeriodEndsAt,
  correctiveMeasures = [],
}: {
  outcome: TOutcome;
  officialId: string;
  caseId: string;
  decidedAt: number;
  impactPeriodEndsAt?: number;
  correctiveMeasures?: TCorrectiveMeasure[];
}): TOfficialRecordEffect {
  if (outcome === 'LENIENT' && impactPeriodEndsAt === undefined) {
    throw new TypeError('a lenient outcome needs impactPeriodEndsAt');
  }
  const exempt = outcome === 'EXEMPT';
  const summaryZh =
    outcome === 'EXEMPT'
      ? '免责：不作负面评价，不影响考核、选拔任用和评先评优'
      : outcome === 'LENIENT'
        ? `从轻/减轻：影响期至${formatDateZh(impactPeriodEndsAt as number)}`
        : `${OUTCOME_LABELS_ZH.NOT_EXEMPT}：依规依纪依法处理`;
  return {
    officialId,
    caseId,
    outcome,
    decidedAt,
    noNegativeEffect: exempt,
    affectsAppraisal: !exempt,
    affectsPromotion: !exempt,
    affectsHonours: !exempt,
    ...(outcome === 'LENIENT' ? { impactPeriodEndsAt } : {}),
    correctiveMeasures,
    summaryZh,
  };
}

/** Does this entry still count against the official at instant `at` (appraisal, promotion, honours)? */
export function isAdverseAt(effect: TOfficialRecordEffect, at: number): boolean {
  if (effect.outcome === 'EXEMPT') return false;
  if (effect.outcome === 'LENIENT') return at < (effect.impactPeriodEndsAt as number);
  return true;
}

/** One entry per official once the result is final (resultApplied); none before. */
export function officialRecordEffects(context: TReviewContext): TOfficialRecordEffect[] {
  const decision = context.rounds[context.rounds.length - 1].decision;
  if (context.resultAppliedAt === undefined || decision === undefined) return [];
  return context.case.concernedOfficials.map((official) =>
    officialRecordEffect({
      outcome: decision.outcome,
      officialId: official.userId,
      caseId: context.case.caseId,
      decidedAt: decision.at,
      impactPeriodEndsAt: decision.impactPeriodEndsAt,
      correctiveMeasures: decision.correctiveMeasures.filter((m) => m.responsibleUserId === undefined || m.responsibleUserId === official.userId),
    }),
  );
}
