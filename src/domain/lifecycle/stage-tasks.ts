import type { TRole } from '../roles';
import type { TLifecycleStage } from './lifecycle-machine';

/** The actions the lifecycle's own tasks offer (the approval step offers more). */
export const DECISION_ACTIONS = ['approve', 'return', 'resubmit'] as const;
export type TDecisionAction = (typeof DECISION_ACTIONS)[number];

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

export const STAGE_LABELS_ZH: Record<TLifecycleStage, string> = {
  PROPOSED: '申报',
  TOWNSHIP_REVIEW: '乡镇审核',
  RETURNED: '已退回',
  APPROVED: '审核通过',
  REJECTED: '未通过',
  WITHDRAWN: '已撤回',
};
