import { z } from 'zod';
import type { TRole } from '../roles';
import type { TLifecycleEvent, TLifecycleStage } from './lifecycle-machine';

export const DECISION_ACTIONS = ['approve', 'return', 'resubmit'] as const;
export const ZDecisionAction = z.enum(DECISION_ACTIONS);
export type TDecisionAction = z.infer<typeof ZDecisionAction>;

/** The body of POST /api/tasks/:taskId/decision. A return must say why. */
export const ZDecisionBody = z
  .object({
    action: ZDecisionAction,
    comment: z.string().trim().max(2000).optional(),
    requestId: z.string().trim().min(8).max(100),
  })
  .refine((b) => b.action !== 'return' || (b.comment !== undefined && b.comment.length > 0), {
    message: 'a return needs a reason (comment)',
    path: ['comment'],
  });
export type TDecisionBody = z.infer<typeof ZDecisionBody>;

export interface TStageTaskSpec {
  kind: string;
  titleZh: string;
  candidateRole: TRole;
  /** Which of the project's org units the candidate role must cover. */
  scope: 'township' | 'village';
  actions: readonly TDecisionAction[];
}

/** What a stage waits for: one task for one role at one org level, or nothing. */
export const STAGE_TASKS: Partial<Record<TLifecycleStage, TStageTaskSpec>> = {
  TOWNSHIP_REVIEW: {
    kind: 'TOWNSHIP_REVIEW',
    titleZh: '乡镇审核',
    candidateRole: 'TOWNSHIP_REVIEWER',
    scope: 'township',
    actions: ['approve', 'return'],
  },
  RETURNED: {
    kind: 'REVISE_AND_RESUBMIT',
    titleZh: '退回修改后重新提交',
    candidateRole: 'VILLAGE_COMMITTEE',
    scope: 'village',
    actions: ['resubmit'],
  },
};

export function decisionToEvent(action: TDecisionAction, actorId: string, comment: string | undefined): TLifecycleEvent {
  switch (action) {
    case 'approve':
      return { type: 'APPROVE', actorId };
    case 'return':
      return { type: 'RETURN', actorId, reason: comment ?? '' };
    case 'resubmit':
      return { type: 'RESUBMIT', actorId };
  }
}

export const STAGE_LABELS_ZH: Record<TLifecycleStage, string> = {
  PROPOSED: '申报',
  TOWNSHIP_REVIEW: '乡镇审核',
  RETURNED: '已退回',
  APPROVED: '审核通过',
  REJECTED: '未通过',
  WITHDRAWN: '已撤回',
};
