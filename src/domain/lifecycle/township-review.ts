import type { TApprovalPhase, TApprovalStepConfigInput } from '../approval';
import { DEFAULT_COUNTY_SETTINGS, type TCountySettings } from '../policies/settings';
import type { TRole } from '../roles';
import { STAGE_TASKS } from './stage-tasks';
import type { TLifecycleStage } from './lifecycle-machine';

const HOUR_MS = 60 * 60 * 1000;

export const TOWNSHIP_REVIEW_STEP_ID = 'township-review';

interface TOrgRef {
  id: string;
  path: string;
}

/**
 * The township review as an approval step: the township reviewer role at the project's township
 * (依次, one slot), the proposer as applicant. Timing comes from the county settings: the step is
 * due when escalation is due, and the reminder fires `reminderAfterHours` into the step.
 */
export function townshipReviewStep({
  proposerId,
  township,
  village,
  timing = DEFAULT_COUNTY_SETTINGS.approvalTiming,
}: {
  proposerId: string;
  township: TOrgRef;
  village: TOrgRef;
  timing?: TCountySettings['approvalTiming'];
}) {
  const review = STAGE_TASKS.TOWNSHIP_REVIEW!;
  const revise = STAGE_TASKS.RETURNED!;
  const config: TApprovalStepConfigInput = {
    stepId: TOWNSHIP_REVIEW_STEP_ID,
    mode: 'SEQUENTIAL',
    candidates: [{ kind: 'role', role: review.candidateRole, orgUnitId: township.id, orgPath: township.path.split('/').filter(Boolean) }],
    applicantId: proposerId,
    dueAfterMs: timing.escalateAfterHours * HOUR_MS,
    remindBeforeMs: (timing.escalateAfterHours - timing.reminderAfterHours) * HOUR_MS,
    urgeIntervalMs: timing.urgeIntervalHours * HOUR_MS,
  };
  const stageByPhase: Record<TApprovalPhase, TLifecycleStage> = {
    pending: 'TOWNSHIP_REVIEW',
    returned: 'RETURNED',
    approved: 'APPROVED',
    rejected: 'REJECTED',
    withdrawn: 'WITHDRAWN',
  };
  return {
    config,
    kind: review.kind,
    title: review.titleZh,
    resubmitTask: {
      kind: revise.kind,
      title: revise.titleZh,
      candidateRole: revise.candidateRole as TRole,
      candidateOrgUnitId: village.id,
      candidateOrgPath: village.path,
    },
    stageByPhase,
  };
}

/** The lifecycle event a phase change of the township review step stands for. */
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
