import type { TLifecycleStage } from '../../domain/lifecycle/lifecycle-machine';
import type { FUNDING_SOURCES } from '../../domain/lifecycle/proposal';
import { STAGE_LABELS_ZH, type OWN_TASKS } from '../../domain/lifecycle/stage-tasks';
import type { CORRECTIVE_MEASURE_TASK_KIND, TReviewStepTaskKind } from '../../domain/fault-tolerance';
import { TRANCHE_LABELS_ZH, type TTranche } from '../../domain/policies/disbursement-schedule';
import { RISK_FLAG_LABELS_ZH, type TRiskFlagCode } from '../../domain/policies/risk-checks';
import { ROLE_LABELS_ZH, type TRole } from '../../domain/roles';
import type { TPaymentState } from '../../domain/payment/payment-machine';
import { GRADE_LABELS_ZH, type TGrade } from '../../domain/policies/evaluation-scoring';

/**
 * The names of the codes both web apps show (stages, task kinds, tranches, risk flags, roles, task
 * and flag statuses, fund sources), in both languages: the one dictionary of them. The React app
 * imports it (i18n.ts); the server hands it to the classic app as CODE_LABELS in /web/domain.js
 * (src/http/web.ts), whose i18n.js adds it to its own words. It lives under src/web/app so that a
 * change to it rebuilds the React app (scripts/build-web.mjs watches that folder).
 *
 * The Chinese names the domain owns are the domain's; the others, and all English ones, are here,
 * typed against the domain's code lists so that a new code without a name fails the typecheck.
 */
export type TLang = 'zh' | 'en';

/**
 * Every kind of inbox task. The own tasks' and the 容错纠错 ones are typed from the domain; the
 * stages' (STAGE_TASKS types its kinds as strings), the payment steps' (set in
 * workflows/project-operation.ts) and REVIEW_ELIGIBLE (activities/review-eligibility.ts) are named
 * by hand, and test/api/web-code-lists.test.ts holds every kind the domain lists to a name here.
 */
export type TTaskKind =
  | (typeof OWN_TASKS)[keyof typeof OWN_TASKS]['kind']
  | TReviewStepTaskKind
  | typeof CORRECTIVE_MEASURE_TASK_KIND
  | 'TOWNSHIP_REVIEW'
  | 'COUNTY_JOINT_REVIEW'
  | 'COUNTY_APPROVAL'
  | 'COMPLETION_ACCEPTANCE'
  | 'EVALUATION_APPROVAL'
  | 'REPLACEMENT_DECISION'
  | 'REVISE_AND_RESUBMIT'
  | 'PAYMENT_VERIFICATION'
  | 'RISK_FLAG_REVIEW'
  | 'PROJECT_CHANGE_APPROVAL'
  | 'PAYMENT_APPROVAL'
  | 'PAYMENT_REVISE'
  | 'REVIEW_ELIGIBLE';

type TTaskStatus = 'PENDING' | 'DONE' | 'CANCELLED' | 'WAITING' | 'SUSPENDED' | 'EXPIRED';
type TFlagStatus = 'OPEN' | 'DISMISSED' | 'CONFIRMED';

interface TCodeLabels {
  stage: Record<TLifecycleStage, string>;
  kind: Record<TTaskKind, string>;
  tranche: Record<TTranche, string>;
  risk: Record<TRiskFlagCode, string>;
  role: Record<TRole, string>;
  status: Record<TTaskStatus, string>;
  flagStatus: Record<TFlagStatus, string>;
  source: Record<(typeof FUNDING_SOURCES)[number], string>;
  paymentStatus: Record<TPaymentState, string>;
  grade: Record<TGrade, string>;
}

const zh: TCodeLabels = {
  stage: STAGE_LABELS_ZH,
  kind: {
    TOWNSHIP_REVIEW: '乡镇审核',
    REVISE_AND_RESUBMIT: '退回修改',
    COUNTY_JOINT_REVIEW: '县级联合论证',
    COUNTY_APPROVAL: '县领导小组审定',
    PAYMENT_VERIFICATION: '拨付核验',
    RISK_FLAG_REVIEW: '风险疑点复核',
    PROJECT_CHANGE_APPROVAL: '项目变更审批（超概算重新批复）',
    PAYMENT_APPROVAL: '财政审批拨付',
    PAYMENT_REVISE: '拨付申请退回修改',
    COMPLETION_ACCEPTANCE: '竣工验收',
    EVALUATION_APPROVAL: '绩效评价审定',
    REPLACEMENT_DECISION: '项目调换审定',
    EVALUATION_SUBMIT: '填报绩效评价',
    ACCEPTANCE_RECTIFY: '验收整改',
    RECTIFICATION_PLAN: '提交整治方案',
    ASSET_HANDOVER: '资产确权移交',
    REPLACEMENT_PROPOSAL: '提出调换方案',
    REVIEW_ELIGIBLE: '可申请容错纠错',
    REVIEW_ADMISSION: '容错纠错受理审查',
    REVIEW_INVESTIGATION: '容错纠错调查核实',
    REVIEW_VOTE: '容错纠错集体表决',
    REVIEW_DECISION: '容错纠错集体认定',
    REVIEW_NOTICE: '容错纠错书面反馈送达',
    REVIEW_FILING: '容错纠错公示报备',
    APPEAL_REVIEW: '容错纠错申诉复核',
    CORRECTIVE_MEASURE: '纠错整改',
  },
  tranche: TRANCHE_LABELS_ZH,
  risk: RISK_FLAG_LABELS_ZH,
  role: ROLE_LABELS_ZH,
  status: { PENDING: '待办', DONE: '已办', CANCELLED: '已取消', WAITING: '等待中', SUSPENDED: '已暂停', EXPIRED: '已过期' },
  flagStatus: { OPEN: '待复核', DISMISSED: '已排除', CONFIRMED: '已确认' },
  source: { CENTRAL_LINKAGE: '中央衔接资金', LOCAL: '地方财政资金', OWN_CAPITAL: '自筹资金', BANK_LOAN: '银行贷款', OTHER: '其他资金' },
  paymentStatus: {
    VERIFYING: '核验中',
    RISK_CHECK: '风险筛查中',
    FLAGGED: '风险疑点复核中',
    CHANGE_APPROVAL: '项目变更审批中',
    FINANCE_APPROVAL: '待财政审批',
    APPROVED: '已批准，待支付',
    PAID: '已支付',
    REJECTED: '已拒绝',
    WITHDRAWN: '已撤回',
  },
  grade: GRADE_LABELS_ZH,
};

const en: TCodeLabels = {
  stage: {
    PROPOSED: 'Proposed',
    VILLAGE_PUBLICITY: 'Village publicity',
    TOWNSHIP_REVIEW: 'Township review',
    TOWNSHIP_PUBLICITY: 'Township publicity',
    COUNTY_JOINT_REVIEW: 'County joint review',
    COUNTY_APPROVAL: 'County approval',
    IN_POOL: 'In the pool',
    IMPLEMENTATION: 'Implementation',
    ACCEPTANCE: 'Completion acceptance',
    ACCEPTANCE_RECTIFICATION: 'Acceptance rectification',
    ACCEPTANCE_PUBLICITY: 'Acceptance publicity',
    ASSET_HANDOVER: 'Asset registration and handover',
    OPERATION: 'Operation',
    EVALUATION: 'Performance evaluation',
    RECTIFICATION: 'Rectification',
    REPLACEMENT_REVIEW: 'Replacement review',
    CLOSED: 'Closed',
    RETURNED: 'Returned',
    REJECTED: 'Rejected',
    WITHDRAWN: 'Withdrawn',
  },
  kind: {
    TOWNSHIP_REVIEW: 'Township review',
    REVISE_AND_RESUBMIT: 'Revise and resubmit',
    COUNTY_JOINT_REVIEW: 'County joint review',
    COUNTY_APPROVAL: 'County approval',
    PAYMENT_VERIFICATION: 'Payment verification',
    RISK_FLAG_REVIEW: 'Risk flag review',
    PROJECT_CHANGE_APPROVAL: 'Project change approval (overspend)',
    PAYMENT_APPROVAL: 'Payment approval',
    PAYMENT_REVISE: 'Revise a payment request',
    COMPLETION_ACCEPTANCE: 'Completion acceptance',
    EVALUATION_APPROVAL: 'Evaluation approval',
    REPLACEMENT_DECISION: 'Replacement decision',
    EVALUATION_SUBMIT: 'Submit an evaluation',
    ACCEPTANCE_RECTIFY: 'Rectify after acceptance',
    RECTIFICATION_PLAN: 'Rectification plan',
    ASSET_HANDOVER: 'Asset handover',
    REPLACEMENT_PROPOSAL: 'Propose a replacement',
    REVIEW_ELIGIBLE: 'May apply for fault tolerance',
    REVIEW_ADMISSION: 'Fault tolerance: admissibility',
    REVIEW_INVESTIGATION: 'Fault tolerance: investigation',
    REVIEW_VOTE: 'Fault tolerance: vote',
    REVIEW_DECISION: 'Fault tolerance: decision',
    REVIEW_NOTICE: 'Fault tolerance: serve the notice',
    REVIEW_FILING: 'Fault tolerance: publicity and filing',
    APPEAL_REVIEW: 'Fault tolerance: appeal',
    CORRECTIVE_MEASURE: 'Corrective measure',
  },
  tranche: { START: 'Start', SUBSTANTIAL_COMPLETION: 'Substantial completion', ACCEPTANCE: 'After acceptance', RETENTION: 'Retention' },
  risk: {
    DUPLICATE_INVOICE: 'Invoice used twice',
    PAYEE_NOT_IMPLEMENTER: 'Payee is not the implementer',
    EXCEEDS_VERIFIED_PROGRESS: 'Beyond verified progress',
    OVERSPEND_NEEDS_NEW_APPROVAL: 'Overspend needs a new approval',
  },
  role: {
    VILLAGE_COMMITTEE: 'Village committee',
    TOWNSHIP_REVIEWER: 'Township reviewer',
    COUNTY_AGRICULTURE: 'Agriculture bureau',
    COUNTY_FINANCE: 'Finance bureau',
    COUNTY_LEADING_GROUP: 'Leading group',
    EXPERT: 'Expert',
    DISCIPLINE_INSPECTION: 'Discipline inspection',
    IMPLEMENTER: 'Implementer',
    MONITOR: 'Monitor',
    ADMIN: 'Administrator',
  },
  status: { PENDING: 'Pending', DONE: 'Done', CANCELLED: 'Cancelled', WAITING: 'Waiting', SUSPENDED: 'Suspended', EXPIRED: 'Expired' },
  flagStatus: { OPEN: 'Open', DISMISSED: 'Dismissed', CONFIRMED: 'Confirmed' },
  source: { CENTRAL_LINKAGE: 'Central linkage funds', LOCAL: 'Local budget', OWN_CAPITAL: 'Own capital', BANK_LOAN: 'Bank loan', OTHER: 'Other funds' },
  paymentStatus: {
    VERIFYING: 'In verification',
    RISK_CHECK: 'Risk screening',
    FLAGGED: 'Risk flags in review',
    CHANGE_APPROVAL: 'Project change in approval',
    FINANCE_APPROVAL: 'Awaiting finance approval',
    APPROVED: 'Approved, to be paid',
    PAID: 'Paid',
    REJECTED: 'Rejected',
    WITHDRAWN: 'Withdrawn',
  },
  grade: { EXCELLENT: 'Excellent', GOOD: 'Good', FAIR: 'Fair', POOR: 'Poor' },
};

export const CODE_LABELS: Record<TLang, TCodeLabels> = { zh, en };
