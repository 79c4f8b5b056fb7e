import { ancestorPathOf, orgPathSegments } from '../actor';
import * as z from '../shape';
import type { TApprovalPhase, TApprovalStepConfigInput, TSignerSlot } from '../approval';
import { DEFAULT_COUNTY_SETTINGS, type TCountySettings } from '../policies/settings';
import type { TRole } from '../roles';
import { STAGE_TASKS } from './stage-tasks';
import { earlierReviewStages, type TLifecycleStage, type TReviewStage } from './lifecycle-machine';

const HOUR_MS = 60 * 60 * 1000;

export const TOWNSHIP_REVIEW_STEP_ID = 'township-review';
export const COUNTY_JOINT_REVIEW_STEP_ID = 'county-joint-review';
export const COUNTY_APPROVAL_STEP_ID = 'county-approval';

export const REVIEW_STEP_IDS: Record<TReviewStage, string> = {
  TOWNSHIP_REVIEW: TOWNSHIP_REVIEW_STEP_ID,
  COUNTY_JOINT_REVIEW: COUNTY_JOINT_REVIEW_STEP_ID,
  COUNTY_APPROVAL: COUNTY_APPROVAL_STEP_ID,
  ACCEPTANCE: 'acceptance',
  EVALUATION: 'evaluation',
  REPLACEMENT_REVIEW: 'replacement-review',
};

/** The review stage whose approval step has this id. */
export function reviewStageOfStep(stepId: string): TReviewStage | undefined {
  return (Object.keys(REVIEW_STEP_IDS) as TReviewStage[]).find((stage) => REVIEW_STEP_IDS[stage] === stepId);
}

/**
 * The earlier lifecycle steps a review stage's signers may return the matter to (退回到之前的环节),
 * as the approval step's `returnTargets`: its validator refuses any other step id with
 * RETURN_TARGET_INVALID, so only what the lifecycle machine accepts ever reaches it.
 */
export function returnTargetsOf(stage: TReviewStage): Array<{ stepId: string; label: string; stage: TReviewStage }> {
  return earlierReviewStages(stage).map((earlier) => ({ stepId: REVIEW_STEP_IDS[earlier], label: STAGE_TASKS[earlier]!.titleZh, stage: earlier }));
}

/** Where each review stage goes when its step approves. */
const NEXT_STAGE: Record<TReviewStage, TLifecycleStage> = {
  TOWNSHIP_REVIEW: 'TOWNSHIP_PUBLICITY',
  COUNTY_JOINT_REVIEW: 'COUNTY_APPROVAL',
  COUNTY_APPROVAL: 'IN_POOL',
  ACCEPTANCE: 'ACCEPTANCE_PUBLICITY',
  // The grade decides (operation, rectification or replacement); the record says OPERATION.
  EVALUATION: 'OPERATION',
  REPLACEMENT_REVIEW: 'CLOSED',
};

/** What a rejection means per stage: final before funding, a failed inspection or a redo after. */
const REJECTED_STAGE: Record<TReviewStage, TLifecycleStage> = {
  TOWNSHIP_REVIEW: 'REJECTED',
  COUNTY_JOINT_REVIEW: 'REJECTED',
  COUNTY_APPROVAL: 'REJECTED',
  ACCEPTANCE: 'ACCEPTANCE_RECTIFICATION',
  EVALUATION: 'EVALUATION',
  REPLACEMENT_REVIEW: 'RECTIFICATION',
};

/**
 * The five checks of the township review (domain.md §2.3), recorded per check with the decision
 * (`checks` on POST /api/tasks/:id/decision, kept in the decision's audit event). An approval
 * needs all five, each passed (else return or reject): the step's config lists them as
 * `requiredChecks`, which its machine guard enforces (`requiredChecksRefusal`). Steps started
 * before the rule (`requireChecks` off) take an approval without them.
 */
export const TOWNSHIP_CHECKS = ['authenticity', 'necessity', 'soundness', 'completeness', 'feasibility'] as const;
export const TOWNSHIP_CHECK_LABELS_ZH: Record<(typeof TOWNSHIP_CHECKS)[number], string> = {
  authenticity: '真实性',
  necessity: '必要性',
  soundness: '科学性',
  completeness: '完整性',
  feasibility: '可行性',
};

interface TOrgRef {
  id: string;
  path: string;
}

const roleSlot = (role: TRole, org: TOrgRef): TSignerSlot => ({ kind: 'role', role, orgUnitId: org.id, orgPath: orgPathSegments(org.path) });

/**
 * A review stage as an approval step, the proposer as applicant:
 * - township review: the township reviewer at the project's township (依次, one slot);
 * - county joint review (县论证): countersign (会签) by agriculture and finance at the county;
 * - county approval (县审定): the leading group at the county (依次).
 * Timing comes from the county settings: the step is due when escalation is due, and the
 * reminder fires `reminderAfterHours` into the step.
 */
export function reviewStep(
  stage: TReviewStage,
  {
    proposerId,
    county,
    township,
    village,
    timing = DEFAULT_COUNTY_SETTINGS.approvalTiming,
    applicantId = proposerId,
    returnToEarlierSteps = false,
    priorSignerIds = [],
    requireChecks = false,
  }: {
    proposerId: string;
    /** Who applies for this step (default the proposer; an evaluation: the evaluator). */
    applicantId?: string;
    county?: TOrgRef;
    township: TOrgRef;
    village: TOrgRef;
    timing?: TCountySettings['approvalTiming'];
    /** Let the signers return the matter to an earlier review step (the lifecycle's patch decides). */
    returnToEarlierSteps?: boolean;
    /** Signers of the project's other approval stages (stage-signers.ts), refused by this step. */
    priorSignerIds?: string[];
    /** The township review's approval needs its five checks passed (the lifecycle's patch decides). */
    requireChecks?: boolean;
  },
) {
  // Without a county given, the township's parent (its path one level up; the tree may start above the county).
  const countyPath = ancestorPathOf(township.path, 1);
  const countyRef = county ?? { id: orgPathSegments(countyPath).at(-1)!, path: countyPath };
  const review = STAGE_TASKS[stage]!;
  const revise = STAGE_TASKS.RETURNED!;
  const candidates: TSignerSlot[] =
    stage === 'TOWNSHIP_REVIEW'
      ? [roleSlot('TOWNSHIP_REVIEWER', township)]
      : stage === 'COUNTY_JOINT_REVIEW'
        ? [roleSlot('COUNTY_AGRICULTURE', countyRef), roleSlot('COUNTY_FINANCE', countyRef)]
        : stage === 'ACCEPTANCE'
          ? // 联合验收: agriculture, finance and the third-party inspector all sign.
            [roleSlot('COUNTY_AGRICULTURE', countyRef), roleSlot('COUNTY_FINANCE', countyRef), roleSlot('EXPERT', countyRef)]
          : [roleSlot('COUNTY_LEADING_GROUP', countyRef)];
  // An evaluation returned for revision goes back to the evaluator's bureau, not the village.
  const resubmitTo = stage === 'EVALUATION' ? { role: 'COUNTY_AGRICULTURE' as TRole, org: countyRef } : { role: revise.candidateRole, org: village };
  const config: TApprovalStepConfigInput = {
    stepId: REVIEW_STEP_IDS[stage],
    mode: stage === 'COUNTY_JOINT_REVIEW' || stage === 'ACCEPTANCE' ? 'COUNTERSIGN' : 'SEQUENTIAL',
    candidates,
    applicantId,
    // Added signers and administrators act only within the project's ancestry.
    subjectOrgPath: orgPathSegments(village.path),
    dueAfterMs: timing.escalateAfterHours * HOUR_MS,
    remindBeforeMs: (timing.escalateAfterHours - timing.reminderAfterHours) * HOUR_MS,
    urgeIntervalMs: timing.urgeIntervalHours * HOUR_MS,
    ...(returnToEarlierSteps ? { returnTargets: returnTargetsOf(stage).map(({ stepId, label }) => ({ stepId, label })) } : {}),
    // Only when there are any: the steps' recorded inputs keep their shape otherwise.
    ...(priorSignerIds.length > 0 ? { priorSignerIds } : {}),
    ...(requireChecks && stage === 'TOWNSHIP_REVIEW' ? { requiredChecks: [...TOWNSHIP_CHECKS] } : {}),
  };
  const stageByPhase: Record<TApprovalPhase, TLifecycleStage> = {
    pending: stage,
    returned: 'RETURNED',
    approved: NEXT_STAGE[stage],
    rejected: REJECTED_STAGE[stage],
    withdrawn: 'WITHDRAWN',
  };
  return {
    config,
    kind: review.kind,
    title: review.titleZh,
    resubmitTask: {
      kind: revise.kind,
      title: revise.titleZh,
      candidateRole: resubmitTo.role,
      candidateOrgUnitId: resubmitTo.org.id,
      candidateOrgPath: resubmitTo.org.path,
    },
    stageByPhase,
    ...(returnToEarlierSteps ? { stageByReturnTarget: Object.fromEntries(returnTargetsOf(stage).map((t) => [t.stepId, t.stage])) } : {}),
  };
}

/** The township review step (kept for callers that predate the county steps). */
export const townshipReviewStep = (args: Parameters<typeof reviewStep>[1]) => reviewStep('TOWNSHIP_REVIEW', args);

/** The lifecycle event a phase change of a review step stands for. */
export function stepPhaseToLifecycleEvent(phase: TApprovalPhase, actorId: string, reason: string | null) {
  switch (phase) {
    case 'pending':
      return { type: 'RESUBMIT' as const, actorId };
    case 'returned':
      return { type: 'RETURN' as const, actorId, reason: reason ?? '' };
    case 'approved':
      return { type: 'APPROVE' as const, actorId };
    case 'rejected':
      return { type: 'REJECT' as const, actorId, reason: reason ?? '' };
    case 'withdrawn':
      return { type: 'WITHDRAW' as const, actorId };
  }
}

export const ZCheckResult = z.strictObject({ result: z.enum(['PASS', 'FAIL']), note: z.string().trim().max(500).optional() });
export const ZTownshipChecks = z.strictObject(
  Object.fromEntries(TOWNSHIP_CHECKS.map((c) => [c, ZCheckResult])) as Record<(typeof TOWNSHIP_CHECKS)[number], typeof ZCheckResult>,
);
export type TTownshipChecks = z.infer<typeof ZTownshipChecks>;

/** The checks an approval cannot go with: every failed one, by name. */
export const failedChecks = (checks: TTownshipChecks) => TOWNSHIP_CHECKS.filter((c) => checks[c].result === 'FAIL');
