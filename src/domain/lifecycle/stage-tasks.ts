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
  ACCEPTANCE: {
    kind: 'COMPLETION_ACCEPTANCE',
    titleZh: '竣工验收（联合会签）',
    candidateRole: 'COUNTY_AGRICULTURE',
    scope: 'county',
    actions: ['approve', 'return'],
  },
  EVALUATION: {
    kind: 'EVALUATION_APPROVAL',
    titleZh: '绩效评价审定',
    candidateRole: 'COUNTY_LEADING_GROUP',
    scope: 'county',
    actions: ['approve', 'return'],
  },
  REPLACEMENT_REVIEW: {
    kind: 'REPLACEMENT_DECISION',
    titleZh: '项目调换审定',
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
  IMPLEMENTATION: '实施中',
  ACCEPTANCE: '竣工验收',
  ACCEPTANCE_RECTIFICATION: '验收整改',
  ACCEPTANCE_PUBLICITY: '验收公示',
  ASSET_HANDOVER: '确权移交',
  OPERATION: '运营',
  EVALUATION: '绩效评价',
  RECTIFICATION: '整治',
  REPLACEMENT_REVIEW: '调换审定',
  CLOSED: '已关闭',
  RETURNED: '已退回',
  REJECTED: '未通过',
  WITHDRAWN: '已撤回',
};

/**
 * Tasks the lifecycle opens itself (not approval steps): each is closed by the project command
 * named in `command`, posted on the project (POST /api/projects/:id/actions).
 */
export const OWN_TASKS = {
  EVALUATION_SUBMIT: {
    kind: 'EVALUATION_SUBMIT',
    titleZh: '填报绩效评价指标',
    candidateRole: 'COUNTY_AGRICULTURE',
    scope: 'county',
    command: 'SUBMIT_EVALUATION',
  },
  ACCEPTANCE_RECTIFY: { kind: 'ACCEPTANCE_RECTIFY', titleZh: '验收整改后申请复验', candidateRole: 'VILLAGE_COMMITTEE', scope: 'village', command: 'RECTIFIED' },
  RECTIFICATION_PLAN: {
    kind: 'RECTIFICATION_PLAN',
    titleZh: '提交整治方案',
    candidateRole: 'VILLAGE_COMMITTEE',
    scope: 'village',
    command: 'SUBMIT_RECTIFICATION_PLAN',
  },
  HANDOVER: { kind: 'ASSET_HANDOVER', titleZh: '资产确权登记与移交确认', candidateRole: 'VILLAGE_COMMITTEE', scope: 'village', command: 'CONFIRM_HANDOVER' },
  REPLACEMENT_PROPOSAL: {
    kind: 'REPLACEMENT_PROPOSAL',
    titleZh: '提出调换方案（从项目库选定项目）',
    candidateRole: 'COUNTY_AGRICULTURE',
    scope: 'county',
    command: 'PROPOSE_REPLACEMENT',
  },
} as const satisfies Record<string, { kind: string; titleZh: string; candidateRole: TRole; scope: 'county' | 'township' | 'village'; command: string }>;
export type TOwnTaskName = keyof typeof OWN_TASKS;
