/**
 * Messages and search attributes shared by the workflows and their clients (API, CLI, tests).
 * Imports only types and SDK definitions, so both the workflow bundle and Node can load it.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TActor } from '../src/domain/actor';
import type { TDecisionAction } from '../src/domain/lifecycle/stage-tasks';
import type { TLifecycleStage } from '../src/domain/lifecycle/lifecycle-machine';
import type { TProposal } from '../src/domain/lifecycle/proposal';

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

export interface TDecisionCommand {
  taskId: string;
  action: TDecisionAction;
  comment?: string;
  requestId: string;
  actor: TActor;
}

export interface TDecisionResult {
  requestId: string;
  taskId: string;
  action: TDecisionAction;
  stageBefore: TLifecycleStage;
  stageAfter: TLifecycleStage;
  nextTaskId: string | null;
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
  history: Array<{ at: number; stage: TLifecycleStage; action?: TDecisionAction; actorId?: string; comment?: string }>;
}

export interface TRegisteredProject {
  projectId: string;
  workflowId: string;
  stage: TLifecycleStage;
  taskId: string | null;
}

export const registerProjectUpdate = defineUpdate<TRegisteredProject, []>('registerProject');
export const decideUpdate = defineUpdate<TDecisionResult, [TDecisionCommand]>('decide');
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
