/**
 * The approval step's messages (审批环节, workflows/approval-step.ts, a child workflow of whatever
 * needs an approval): its input, the task actions, the reports to its parent, and their ids.
 * Imports only types and SDK definitions, so both the workflow bundle and Node can load it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TActor } from '../../src/domain/actor';
import type { TRole } from '../../src/domain/roles';
import type { TProposal } from '../../src/domain/lifecycle/proposal';
import type { TApprovalContext, TApprovalEvent, TApprovalPhase, TApprovalStepConfigInput, TNamedPerson } from '../../src/domain/approval';

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
   * 退回修改: with a RESUBMIT on a project's returned task, the proposer's revised proposal (the
   * schema of a new proposal), kept as the proposal's next version (patch `proposal-revision`).
   * The project workflow's validator refuses a bad one, and nothing changes.
   */
  proposal?: TProposal;
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
  /** The step's id, the prefix of its task ids (a hosted step's is not the workflow's id). */
  stepWorkflowId?: string;
}

export const approvalActUpdate = defineUpdate<TApprovalActResult, [TApprovalActCommand]>('approvalAct');
/**
 * A step's state. A step of its own ignores the argument; a project hosting its steps answers for
 * the step that owns the task id (and fails the query when none does).
 */
export const approvalStateQuery = defineQuery<TApprovalStepState, [taskId?: string]>('approvalState');
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
