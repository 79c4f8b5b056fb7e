/**
 * Messages and search attributes shared by the workflows and their clients (API, CLI, tests).
 * Imports only types and SDK definitions, so both the workflow bundle and Node can load it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TActor } from '../src/domain/actor';
import type { TDecisionAction } from '../src/domain/lifecycle/stage-tasks';
import type { TLifecycleStage } from '../src/domain/lifecycle/lifecycle-machine';
import type { TProposal } from '../src/domain/lifecycle/proposal';
import type { TRole } from '../src/domain/roles';
import type { TApprovalContext, TApprovalEvent, TApprovalPhase, TApprovalStepConfigInput } from '../src/domain/approval';

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

export const projectWorkflowId = (projectId: string) => `project-${projectId}`;

/** Custom search attributes a monitor filters on in the Temporal UI. */
export const SA = {
  ProjectStage: defineSearchAttributeKey('ProjectStage', SearchAttributeType.KEYWORD),
  County: defineSearchAttributeKey('County', SearchAttributeType.KEYWORD),
  Township: defineSearchAttributeKey('Township', SearchAttributeType.KEYWORD),
  Village: defineSearchAttributeKey('Village', SearchAttributeType.KEYWORD),
  Industry: defineSearchAttributeKey('Industry', SearchAttributeType.KEYWORD),
  ApprovedFen: defineSearchAttributeKey('ApprovedFen', SearchAttributeType.INT),
  PendingRoles: defineSearchAttributeKey('PendingRoles', SearchAttributeType.KEYWORD_LIST),
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
  /**
   * When set, each phase change is reported to the parent with `stepReportSignal`, and the action
   * that caused it answers only after the parent acknowledged (`stepAckSignal`): so a client that
   * gets the answer already sees the project's new stage.
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
  /** Free text kept on the Decision row (the reason for reject/return). */
  comment?: string;
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

export const approvalStepWorkflowId = (parentId: string, stepId: string, round: number) => `${parentId}:step:${stepId}:${round}`;
