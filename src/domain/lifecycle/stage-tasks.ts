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
  scope: 'county' | 'township' | 'village';
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
  COUNTY_JOINT_REVIEW: {
    kind: 'COUNTY_JOINT_REVIEW',
    titleZh: '县级联合论证（会签）',
    candidateRole: 'COUNTY_AGRICULTURE',
    scope: 'county',
    actions: ['approve', 'return'],
  },
  COUNTY_APPROVAL: {
    kind: 'COUNTY_APPROVAL',
    titleZh: '县领导小组审定',
    candidateRole: 'COUNTY_LEADING_GROUP',
    scope: 'county',
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
  VILLAGE_PUBLICITY: '村公示',
  TOWNSHIP_REVIEW: '乡镇审核',
  TOWNSHIP_PUBLICITY: '乡镇公示',
  COUNTY_JOINT_REVIEW: '县级论证',
  COUNTY_APPROVAL: '县级审定',
  IN_POOL: '已入库',
  FUNDED: '资金已下达',
  RETURNED: '已退回',
  REJECTED: '未通过',
  WITHDRAWN: '已撤回',
};
