import * as z from '../shape';
import { evaluationSettingsProblems, ZEvaluationFields, type TEvaluationSettings } from './settings';
import { parseOrThrow } from './validate';

/**
 * Performance evaluation scoring (绩效评价, domain.md §2.12).
 *
 * Numbers: indicators are entered as 0–100 with at most one decimal. All arithmetic is done on
 * exact integers (tenths of a point, one common denominator), and the total is rounded DOWN to
 * one decimal, once. Rounding down means a project at 89.96 is 89.9 (良), never promoted to 优 by
 * rounding. The score is returned both as `scoreTenths` (integer, for storage and search
 * attributes) and `score` (one-decimal number, for display).
 *
 * Rules chosen here (documented because the domain does not fix them):
 * - within output and benefit, the four sub-indicators weigh equally;
 * - satisfaction is scored against the target: at or above the target earns 100, below it
 *   earns satisfaction / target × 100 (the usual 完成值/目标值 rule);
 * - budget execution percent is its own score (100% executed = 100).
 */

const ZIndicator = z
  .number()
  .min(0)
  .max(100)
  .refine((value) => Math.abs(value * 10 - Math.round(value * 10)) < 1e-9, 'at most one decimal');

export const ZEvaluationIndicators = z.strictObject({
  output: z.strictObject({
    quantity: ZIndicator,
    quality: ZIndicator,
    timeliness: ZIndicator,
    cost: ZIndicator,
  }),
  benefit: z.strictObject({
    economic: ZIndicator,
    social: ZIndicator,
    ecological: ZIndicator,
    sustainability: ZIndicator,
  }),
  /** Share of surveyed beneficiaries satisfied, percent. */
  satisfactionPercent: ZIndicator,
  /** 预算执行率: funds spent / funds allocated, percent. */
  budgetExecutionPercent: ZIndicator,
});
export type TEvaluationIndicators = z.input<typeof ZEvaluationIndicators>;

export const GRADES = ['EXCELLENT', 'GOOD', 'FAIR', 'POOR'] as const;
export const ZGrade = z.enum(GRADES);
export type TGrade = z.infer<typeof ZGrade>;
export const GRADE_LABELS_ZH: Record<TGrade, string> = {
  EXCELLENT: '优',
  GOOD: '良',
  FAIR: '中',
  POOR: '差',
};

/** Outcome classes of the 2024 一号文件. */
export const OUTCOME_CLASSES = ['CONSOLIDATE', 'UPGRADE', 'REVITALISE', 'ADJUST'] as const;
export const ZOutcomeClass = z.enum(OUTCOME_CLASSES);
export type TOutcomeClass = z.infer<typeof ZOutcomeClass>;
export const OUTCOME_LABELS_ZH: Record<TOutcomeClass, string> = {
  CONSOLIDATE: '巩固',
  UPGRADE: '升级',
  REVITALISE: '盘活',
  ADJUST: '调整',
};

/**
 * Suggested outcome per grade, a starting point the approver may override (with a reason):
 * 优 projects are worth scaling up (升级); 良 ones keep going and are consolidated (巩固); 中 ones
 * under-use their assets and need revitalising (盘活); 差 ones must be adjusted (调整), which
 * opens rectification and possibly replacement.
 */
export const SUGGESTED_OUTCOME_BY_GRADE: Record<TGrade, TOutcomeClass> = {
  EXCELLENT: 'UPGRADE',
  GOOD: 'CONSOLIDATE',
  FAIR: 'REVITALISE',
  POOR: 'ADJUST',
};

const toTenths = (value: number) => Math.round(value * 10);

/** Evaluation settings checked with the same cross-field rules as `resolveSettings`. */
export const ZEvaluationConfig = ZEvaluationFields.superRefine((settings, ctx) => {
  for (const problem of evaluationSettingsProblems(settings)) {
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }
});

/** Grade of a score given in tenths (899 = 89.9). Thresholds are inclusive lower bounds. */
export function gradeForScoreTenths({ scoreTenths, thresholds }: { scoreTenths: number; thresholds: TEvaluationSettings['gradeThresholds'] }): TGrade {
  if (scoreTenths >= thresholds.excellentMin * 10) return 'EXCELLENT';
  if (scoreTenths >= thresholds.goodMin * 10) return 'GOOD';
  if (scoreTenths >= thresholds.fairMin * 10) return 'FAIR';
  return 'POOR';
}

export interface TEvaluationScore {
  scoreTenths: number;
  score: number;
  grade: TGrade;
  gradeLabel: string;
  suggestedOutcome: TOutcomeClass;
  satisfactionTargetMet: boolean;
  /** Per-category scores (0–100, floored to one decimal) for the report; informative only. */
  categoryScores: { output: number; benefit: number; satisfaction: number; budgetExecution: number };
}

const tenthsToScore = (tenths: number) => tenths / 10;

export function scoreEvaluation({ indicators, settings }: { indicators: TEvaluationIndicators; settings: TEvaluationSettings }): TEvaluationScore {
  const values = parseOrThrow(ZEvaluationIndicators, indicators, 'evaluation indicators');
  const config = parseOrThrow(ZEvaluationConfig, settings, 'evaluation settings');
  const weights = config.weights;

  const outputSum = Object.values(values.output)
    .map(toTenths)
    .reduce((a, b) => a + b, 0);
  const benefitSum = Object.values(values.benefit)
    .map(toTenths)
    .reduce((a, b) => a + b, 0);
  const target = config.satisfactionTargetPercent * 10;
  const satisfaction = Math.min(toTenths(values.satisfactionPercent), target);
  const budget = toTenths(values.budgetExecutionPercent);

  // total (tenths) = [w_o·outputSum/4 + w_b·benefitSum/4 + w_s·1000·satisfaction/target + w_e·budget] / 100
  // Multiplied through by 400·target to stay in integers; at most ~1.6e11, well inside safe range.
  const numerator =
    target * (weights.output * outputSum + weights.benefit * benefitSum + 4 * weights.budgetExecution * budget) +
    4 * weights.satisfaction * 1000 * satisfaction;
  const scoreTenths = Math.floor(numerator / (400 * target));

  const grade = gradeForScoreTenths({ scoreTenths, thresholds: config.gradeThresholds });
  return {
    scoreTenths,
    score: tenthsToScore(scoreTenths),
    grade,
    gradeLabel: GRADE_LABELS_ZH[grade],
    suggestedOutcome: SUGGESTED_OUTCOME_BY_GRADE[grade],
    satisfactionTargetMet: toTenths(values.satisfactionPercent) >= target,
    categoryScores: {
      output: tenthsToScore(Math.floor(outputSum / 4)),
      benefit: tenthsToScore(Math.floor(benefitSum / 4)),
      satisfaction: tenthsToScore(Math.floor((1000 * satisfaction) / target)),
      budgetExecution: tenthsToScore(budget),
    },
  };
}

export const ZOutcomeDecision = z
  .strictObject({
    suggested: ZOutcomeClass,
    /** The approver's choice when it differs from the suggestion. */
    override: ZOutcomeClass.optional(),
    overrideReason: z.string().trim().min(1).optional(),
  })
  .refine((decision) => decision.override === undefined || decision.overrideReason !== undefined, {
    path: ['overrideReason'],
    message: 'an override of the suggested outcome needs a reason',
  });

/**
 * The outcome that stands: the approver's override if any (it must carry a reason, which goes to
 * the audit log), else the suggestion.
 */
export function decideOutcome(decision: z.input<typeof ZOutcomeDecision>): {
  outcome: TOutcomeClass;
  overridden: boolean;
} {
  const parsed = parseOrThrow(ZOutcomeDecision, decision, 'outcome decision');
  const outcome = parsed.override ?? parsed.suggested;
  return { outcome, overridden: outcome !== parsed.suggested };
}

/**
 * An evaluator's choice of outcome class against the suggestion of the grade, checked before it
 * is recorded: a different class needs a reason (`outcomeReason`), kept with the evaluation.
 */
export function outcomeOverrideRefusal({
  suggested,
  chosen,
  reason,
}: {
  suggested: TOutcomeClass;
  chosen?: TOutcomeClass | undefined;
  reason?: string | undefined;
}) {
  const overrides = chosen !== undefined && chosen !== suggested;
  const parsed = ZOutcomeDecision.safeParse({ suggested, ...(overrides ? { override: chosen } : {}), ...(reason?.trim() ? { overrideReason: reason } : {}) });
  if (parsed.success) return null;
  return {
    code: 'REASON_REQUIRED' as const,
    message: `outcome ${chosen} differs from ${suggested}, the one the grade suggests: give the reason`,
    field: 'body.command.outcomeReason',
  };
}
