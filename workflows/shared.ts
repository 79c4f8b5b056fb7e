/**
 * Messages and search attributes shared by the workflows and their clients (API, CLI, tests).
 * Imports only types and SDK definitions, so both the workflow bundle and Node can load it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TActor } from '../src/domain/actor';
import type { TDecisionAction } from '../src/domain/lifecycle/stage-tasks';
import type { TLifecycleContext, TLifecycleStage } from '../src/domain/lifecycle/lifecycle-machine';
import type { TStageSigners } from '../src/domain/lifecycle/stage-signers';
import type { TProjectCommand } from '../src/domain/lifecycle/project-commands';
import type { TCountySettingsOverrides } from '../src/domain/policies/settings';
import type { TGrade } from '../src/domain/policies/evaluation-scoring';
import type { TDefect } from '../src/domain/lifecycle/defect-repair';
import type { TTranche } from '../src/domain/policies/disbursement-schedule';
import type { TProposal } from '../src/domain/lifecycle/proposal';
import type { TFiscalSource } from '../src/domain/lifecycle/fiscal-funding';
import type { TRole } from '../src/domain/roles';
import type { TApprovalContext, TApprovalEvent, TApprovalPhase, TApprovalStepConfigInput, TNamedPerson } from '../src/domain/approval';
import type { TOutcome, TReviewContext, TReviewInput } from '../src/domain/fault-tolerance/schemas';
import type { TPaymentState } from '../src/domain/payment/payment-machine';

export interface TOrgRef {
  id: string;
  name: string;
  path: string;
}

export interface TProjectLifecycleInput {
  projectId: string;
  proposal: TProposal;
  proposer: TActor;
  county: TOrgRef;
  township: TOrgRef;
  village: TOrgRef;
  /** Idempotency key of the creating request, so the registration activity writes once. */
  requestId: string;
  /**
   * The county's publicity periods (公示, days). Absent: the defaults of `ZCountySettings`
   * (10 + 10). A period of 0 days is skipped (tests on the real dev server use this).
   */
  publicity?: TLifecyclePublicity;
  /**
   * The county's settings (domain.md *(setting)* values) as resolved when the project started:
   * disbursement schedule, acceptance, evaluation, income and budget rules. Absent: the defaults.
   */
  settings?: TCountySettingsOverrides;
  /** Set by continue-as-new: where the previous run stopped (absent on a project's first run). */
  carried?: TCarriedLifecycle;
}

/** Everything a project run hands to the next one at continue-as-new. */
export interface TCarriedLifecycle {
  machine: { value: string; context: TLifecycleContext };
  runs: number;
  since: number;
  fiscalYear: number | null;
  stageVersion: number;
  history: TProjectState['history'];
  rounds: Record<string, number>;
  publicityRounds: Record<string, number>;
  ops: TOperationState;
  /** Who signed each stage of the approval chain (absent in runs carried before it was kept). */
  stageSigners?: TStageSigners;
}

/** The post-funding facts the workflow keeps (its own projection; the database has the rest). */
export interface TOperationState {
  reports: Array<{ id: string; kind: 'PROGRESS' | 'CAPITAL'; percent: number | null; amountFen: number | null; reportedBy: string; verified: boolean }>;
  payments: TPaymentView[];
  paymentSeq: number;
  acceptanceRound: number;
  assets: Array<{ id: string; name: string; assetClass: string; valueFen: number; handedOver: boolean }>;
  incomePeriods: string[];
  defects: number;
  evaluationSeq: number;
  /** The submitted evaluation the current step is about. */
  evaluation: { id: string; seq: number; scoreTenths: number; grade: TGrade; outcomeClass: string; submittedBy: string } | null;
  nextEvaluationAt: number | null;
  rectificationSeq: number;
  rectificationDueAt: number | null;
  replacement: { replacementProjectId: string; reason: string; proposedBy: string } | null;
  retentionRequested: boolean;
  /** Links from other projects (this one replaces a failed project). */
  replaces: string | null;
  /** The lifecycle's own open tasks (evaluation form, rectification plan, handover…). */
  ownTasks: TOpenTask[];
  /** Answers already given, by requestId: a repeated command returns the first answer. */
  answered: Record<string, TProjectActResult>;
  handoverDate: string | null;
  disbursedFen: number;
  /** Whether the evaluation just approved ends a cycle (continue-as-new follows). */
  cycleDone: boolean;
  /**
   * The money and acceptance rules of issue #13 apply (patch `money-and-acceptance-rules`, fixed
   * when the project's first run starts, carried on): payments capped and bound to a fiscal
   * source, the villagers' vote deciding the inspection, outcome overrides with a reason.
   */
  rules?: boolean;
  /** The inspection round whose villagers' vote is recorded, and whether it passed (with `rules`). */
  acceptanceVote?: { round: number; passed: boolean } | null;
  /**
   * System events the lifecycle machine refused (patch `lifecycle-refused-event-never-silent`):
   * how many (keys their anomaly records) and which event types (the `RefusedEvents` attribute).
   */
  refused?: { count: number; types: string[] };
  /** Defects with ids and their repair (patch `defect-repair-releases-retention`); `defects` counts all. */
  defectList?: TDefect[];
  /** The retention was withheld for open defects and waits for their verified repair. */
  retentionWithheld?: boolean;
  /**
   * The implementer's payee accounts the finance bureau registered at funding (patch
   * `payment-registered-payee-accounts`); risk screening flags a payment to any other. Absent: none
   * registered (funded before the rule, or without accounts), the account is not checked.
   */
  payeeAccounts?: string[];
}

export interface TPaymentView {
  id: string;
  seq: number;
  requestId: string;
  tranche: TTranche;
  amountFen: number;
  payeeId: string;
  /** The payment machine's state (CHANGE_APPROVAL: an overspend before the leading group's 项目变更 approval). */
  status: TPaymentState;
  flags: string[];
  requestedBy: string;
  payeeAccount: string | null;
  invoices: Array<{ number: string; sha256: string }>;
  reportedTotalSpendFen: number | null;
  /** The fiscal source that pays (with `rules`; absent on payments from before them). */
  fiscalSource?: TFiscalSource;
}

/** A command on a funded project (progress, payment, acceptance, assets, income, evaluation…). */
export interface TProjectActCommand {
  requestId: string;
  actor: TActor;
  command: TProjectCommand;
}
export interface TProjectActResult {
  requestId: string;
  projectId: string;
  type: string;
  /** Who sent it: a repeat of the request id by anyone else is refused, never answered (answers carried from before actor ids were recorded have none; see isSameRequester). */
  actorId: string;
  stageBefore: TLifecycleStage;
  stageAfter: TLifecycleStage;
  /** The record the command created or changed (report, payment, asset, income, evaluation id). */
  recordId: string | null;
  details?: Record<string, unknown>;
}

/** Sent by a failed project's workflow to the pool project that replaces it (调换). */
export interface TReplacementLink {
  fromProjectId: string;
  redirectedFen: number;
  assetIds: string[];
  at: number;
}

export interface TLifecyclePublicity {
  villageDays: number;
  townshipDays: number;
  /** 验收公示 after completion acceptance; absent: the county setting (default 7). */
  acceptanceDays?: number;
}

/** 异议: anyone may object during a publicity period; the project goes back to the village. */
export interface TObjectionCommand {
  requestId: string;
  actor: TActor;
  text: string;
}
export interface TObjectionResult {
  requestId: string;
  projectId: string;
  objectionId: string;
  publicityId: string;
  stageBefore: TLifecycleStage;
  stageAfter: TLifecycleStage;
  resubmitTaskId: string;
}

/** 资金下达: the finance bureau allocates funds to a pool project for a fiscal year. */
export interface TAllocateFundsCommand {
  requestId: string;
  actor: TActor;
  fiscalYear: number;
  amountFen: number;
  /** The implementer's registered payee accounts (optional: src/domain/payment/payee-accounts.ts). */
  payeeAccounts?: string[];
}
export interface TAllocateFundsResult {
  requestId: string;
  projectId: string;
  fiscalYear: number;
  amountFen: number;
  stageBefore: TLifecycleStage;
  stageAfter: TLifecycleStage;
}

export interface TOpenTask {
  id: string;
  kind: string;
  candidateRole: string;
  candidateOrgUnitId: string;
  candidateOrgPath: string;
  openedAt: number;
}

export interface TProjectState {
  projectId: string;
  stage: TLifecycleStage;
  openTasks: TOpenTask[];
  /** Money and facts after funding (absent before). */
  financial?: {
    approvedFen: number;
    disbursedFen: number;
    paidByTranche: Partial<Record<TTranche, number>>;
    verifiedProgressPercent: number;
    ownCapitalInvestedFen: number;
    releasableFen: number;
  };
  operation?: TOperationState;
  latestGrade?: TGrade | null;
  runs?: number;
  history: Array<{ at: number; stage: TLifecycleStage; action?: TDecisionAction | (string & {}); actorId?: string; comment?: string }>;
}

export interface TRegisteredProject {
  projectId: string;
  workflowId: string;
  stage: TLifecycleStage;
  taskId: string | null;
}

export const registerProjectUpdate = defineUpdate<TRegisteredProject, []>('registerProject');
export const projectStateQuery = defineQuery<TProjectState>('projectState');
export const lodgeObjectionUpdate = defineUpdate<TObjectionResult, [TObjectionCommand]>('lodgeObjection');
export const allocateFundsUpdate = defineUpdate<TAllocateFundsResult, [TAllocateFundsCommand]>('allocateFunds');
export const projectActUpdate = defineUpdate<TProjectActResult, [TProjectActCommand]>('projectAct');
export const replacementLinkSignal = defineSignal<[TReplacementLink]>('replacementLink');

export const projectWorkflowId = (projectId: string) => `project-${projectId}`;

/** How the workflows call activities: database outages are waited out with backoff. */
export const ACTIVITY_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;

/** Custom search attributes a monitor filters on in the Temporal UI. */
export const SA = {
  ProjectStage: defineSearchAttributeKey('ProjectStage', SearchAttributeType.KEYWORD),
  County: defineSearchAttributeKey('County', SearchAttributeType.KEYWORD),
  Township: defineSearchAttributeKey('Township', SearchAttributeType.KEYWORD),
  Village: defineSearchAttributeKey('Village', SearchAttributeType.KEYWORD),
  Industry: defineSearchAttributeKey('Industry', SearchAttributeType.KEYWORD),
  ApprovedFen: defineSearchAttributeKey('ApprovedFen', SearchAttributeType.INT),
  PendingRoles: defineSearchAttributeKey('PendingRoles', SearchAttributeType.KEYWORD_LIST),
  /** The fiscal year of the pool the project is in, then of its allocation. */
  FiscalYear: defineSearchAttributeKey('FiscalYear', SearchAttributeType.INT),
  /** Money paid out so far (fen). */
  DisbursedFen: defineSearchAttributeKey('DisbursedFen', SearchAttributeType.INT),
  /** EXCELLENT / GOOD / FAIR / POOR of the latest approved evaluation. */
  LatestGrade: defineSearchAttributeKey('LatestGrade', SearchAttributeType.KEYWORD),
  /** Codes of the open risk flags (DUPLICATE_INVOICE, PAYEE_NOT_IMPLEMENTER, ...). */
  RiskFlags: defineSearchAttributeKey('RiskFlags', SearchAttributeType.KEYWORD_LIST),
  /** Fault-tolerance review: the machine state of the case (application ... resultApplied). */
  ReviewStage: defineSearchAttributeKey('ReviewStage', SearchAttributeType.KEYWORD),
  /** Fault-tolerance review: EXEMPT, LENIENT or NOT_EXEMPT once decided. */
  Outcome: defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD),
  /** Lifecycle: types of the system events the machine refused (an anomaly for a monitor). */
  RefusedEvents: defineSearchAttributeKey('RefusedEvents', SearchAttributeType.KEYWORD_LIST),
} as const;

// ---------------------------------------------------------------------------------------------
// The approval step (审批环节), run as a child workflow of whatever needs an approval.

export type TStepPhase = TApprovalPhase;

/** A task kind and title for the rows the step writes, plus the candidate group in string-path form. */
export interface TResubmitTaskSpec {
  kind: string;
  title: string;
  candidateRole: TRole;
  candidateOrgUnitId: string;
  candidateOrgPath: string;
}

export interface TApprovalStepInput {
  config: TApprovalStepConfigInput;
  /** Every Task row belongs to a project (foreign key). */
  projectId: string;
  kind: string;
  title: string;
  /** The task the applicant sees while the matter is returned to them (退回修改后重新提交). */
  resubmitTask: TResubmitTaskSpec;
  /**
   * The stage the host reports for each phase, so a Decision row and the API answer say what the
   * project became; without it the phase itself is the stage.
   */
  stageByPhase?: Partial<Record<TApprovalPhase, string>>;
  /** The stage the host reports when the matter is returned to one of `config.returnTargets` (by step id). */
  stageByReturnTarget?: Record<string, string>;
  /**
   * When set, each phase change is reported to the parent (`stepReportUpdate`, sent by the step's
   * `reportStepToParent` activity; steps started before that patch: `stepReportSignal`, then
   * `stepAckSignal` back), and the action that caused it answers only once the parent has
   * processed the report: so a client that gets the answer already sees the project's new stage.
   */
  reportToParent?: boolean;
}

/** One action as the API sends it: the machine event without the fields the workflow fills in. */
type TOmitBase<E> = E extends unknown ? Omit<E, 'actor' | 'requestId' | 'at' | 'taskKey'> : never;
export type TApprovalAction = TOmitBase<Exclude<TApprovalEvent, { type: 'DEADLINE_REMINDER' | 'DEADLINE_EXPIRED' }>>;

export interface TApprovalActCommand {
  requestId: string;
  /** The Task row the request was posted on; signer actions apply to exactly that task. */
  taskId: string;
  actor: TActor;
  action: TApprovalAction;
  /**
   * The people the action names (added signer, transfer target, copy recipients) as the accounts
   * know them: active or not, and their role grants, looked up by the caller like `actor`'s own.
   * The validator refuses an action naming anyone without facts here (`namedPeopleRefusal`).
   */
  named?: TNamedPerson[];
  /** Free text kept on the Decision row (the reason for reject/return). */
  comment?: string;
  /**
   * When the Update answers. By default once the project has taken the step's report (its
   * `Project.stage` written); `'recorded'` once the step's own record (Task rows, Decision, audit
   * event) is committed, the report to the project following in order. For callers that do not
   * read the project's stage right after (scripts, bulk decisions): one round trip to the project
   * workflow less.
   */
  answerWhen?: 'recorded';
}

export interface TApprovalActResult {
  requestId: string;
  taskId: string;
  /** Lower-case API action (approve, reject, return, add_signer, ...). */
  action: string;
  stepWorkflowId: string;
  phaseBefore: TApprovalPhase;
  phaseAfter: TApprovalPhase;
  stageBefore: string;
  stageAfter: string;
  /** Where the matter waits now: the first open task of the step, or the resubmission task. */
  nextTaskId: string | null;
  openTaskIds: string[];
}

export interface TStepOpenTask {
  id: string;
  kind: string;
  candidateRole: string | null;
  candidateOrgUnitId: string | null;
  candidateOrgPath: string | null;
  candidateUserId: string | null;
}

/** What the child tells its parent after each phase change (seq 1 is the activation). */
export interface TStepReport {
  seq: number;
  stepWorkflowId: string;
  phase: TApprovalPhase;
  actorId: string | null;
  reason: string | null;
  openTasks: TStepOpenTask[];
  /** Set when the step was returned to an earlier step (not the applicant): the host runs that step. */
  returnTo?: { stepId: string };
}

/**
 * The host to a step it returned to an earlier step: the matter is through there (resubmit, the
 * chain resumes at the returner's task) or ended there, rejected or withdrawn (close).
 */
export interface TStepResume {
  requestId: string;
  action: 'resubmit' | 'close';
}

export interface TApprovalStepOutcome {
  stepId: string;
  outcome: Exclude<TApprovalPhase, 'pending' | 'returned'>;
  decidedBy: string | null;
  history: Array<{ seq: number; requestId: string; type: string; actorId: string; result: TApprovalPhase }>;
}

export interface TApprovalStepState {
  phase: TApprovalPhase;
  value: unknown;
  snapshotContext: TApprovalContext;
  openTaskIds: string[];
  dueAt: number | null;
}

export const approvalActUpdate = defineUpdate<TApprovalActResult, [TApprovalActCommand]>('approvalAct');
export const approvalStateQuery = defineQuery<TApprovalStepState>('approvalState');
export const stepReportSignal = defineSignal<[TStepReport]>('stepReport');
export const stepAckSignal = defineSignal<[number]>('stepAck');
export const stepResumeSignal = defineSignal<[TStepResume]>('stepResume');
/**
 * A step's report as an Update on its parent: it completes once the parent has stepped its
 * lifecycle and written the stage. Replaces signal + ack, whose two signal-driven workflow tasks
 * each waited 40–50 ms to be dispatched (an Update-driven one starts at once; bench/REFERENCE.md).
 */
export const stepReportUpdate = defineUpdate<{ seq: number }, [TStepReport]>('stepReportUpdate');
/** One update id per report, so a retried report activity is deduplicated by the server. */
export const stepReportUpdateId = (report: Pick<TStepReport, 'stepWorkflowId' | 'seq'>) => `${report.stepWorkflowId}:report:${report.seq}`;

export const approvalStepWorkflowId = (parentId: string, stepId: string, round: number) => `${parentId}:step:${stepId}:${round}`;

// ---------------------------------------------------------------------------------------------
// The fault-tolerance review (容错纠错 / 尽职免责), domain.md §3: one workflow per case.

export const reviewWorkflowId = (caseId: string) => `review-${caseId}`;

export interface TReviewWorkflowInput {
  /** The machine's input (case, settings, exclusions, fund flags, approvers, deciding body). */
  review: TReviewInput;
  /** The county org unit the case belongs to: role checks need the actor's grant over it. */
  countyId: string;
  countyOrgPath: string;
  /**
   * Publish ReviewStage/County/Outcome (default). Only a server without these custom attributes
   * (the time-skipping test server, which cannot register them) passes false.
   */
  searchAttributes?: boolean;
}

// The review's action rules live in src/domain/fault-tolerance/review-actions.ts; re-exported for
// the workflow and its clients.
export { reviewEventFor, reviewRoleRefusal, type TReviewAction } from '../src/domain/fault-tolerance/review-actions';
import type { TReviewAction } from '../src/domain/fault-tolerance/review-actions';

export interface TReviewActCommand {
  requestId: string;
  actor: TActor;
  action: TReviewAction;
}

export interface TReviewActResult {
  requestId: string;
  caseId: string;
  type: string;
  seq: number;
  stageBefore: string;
  stageAfter: string;
  outcome: TOutcome | null;
}

export interface TReviewStateView {
  caseId: string;
  stage: string;
  final: boolean;
  seq: number;
  outcome: TOutcome | null;
  applicationClosesAt: number | null;
  appealClosesAt: number | null;
  context: TReviewContext;
}

export interface TReviewOutcome {
  caseId: string;
  stage: string;
  outcome: TOutcome | null;
  actions: number;
}

export const reviewActUpdate = defineUpdate<TReviewActResult, [TReviewActCommand]>('reviewAct');
export const reviewStateQuery = defineQuery<TReviewStateView>('reviewState');
