/**
 * The project workflow's messages (projectLifecycle with its funded part, project-operation.ts):
 * its input and carried state, updates, query and signal, shared with its clients (API, CLI, tests).
 * Imports only types and SDK definitions, so both the workflow bundle and Node can load it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TActor } from '../../src/domain/actor';
import type { TDecisionAction } from '../../src/domain/lifecycle/stage-tasks';
import type { TLifecycleContext, TLifecycleStage } from '../../src/domain/lifecycle/lifecycle-machine';
import type { TStageSigners } from '../../src/domain/lifecycle/stage-signers';
import type { TProjectCommand } from '../../src/domain/lifecycle/project-commands';
import type { TCountySettingsOverrides } from '../../src/domain/policies/settings';
import type { TGrade } from '../../src/domain/policies/evaluation-scoring';
import type { TDefect } from '../../src/domain/lifecycle/defect-repair';
import type { TTranche } from '../../src/domain/policies/disbursement-schedule';
import type { TObjectionLodger } from '../../src/domain/lifecycle/public-objection';
import type { TProposal } from '../../src/domain/lifecycle/proposal';
import type { TFiscalSource } from '../../src/domain/lifecycle/fiscal-funding';
import type { TPaymentState } from '../../src/domain/payment/payment-machine';

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
  /**
   * Tests only (like the Temporal samples' `testContinueAsNew`): each run continues-as-new at its
   * next chance once its history passes a few dozen events (workflows/continue-as-new.ts), instead
   * of when the SDK suggests it. Kept across runs. Absent (every real project, every recorded
   * history): false.
   */
  testContinueAsNew?: boolean;
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
  /** The proposal's version (1 unless revised while returned; absent: 1). */
  proposalVersion?: number;
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
  /** Who lodged it from the public board (the public actor only: src/domain/lifecycle/public-objection.ts). */
  lodger?: TObjectionLodger;
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
