/**
 * The fault-tolerance review's messages (容错纠错 / 尽职免责, domain.md §3, one workflow per case,
 * workflows/fault-tolerance-review.ts). The rules of its actions live in
 * src/domain/fault-tolerance/review-actions.ts. Imports only types and SDK definitions.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TActor } from '../../src/domain/actor';
import type { TReviewAction } from '../../src/domain/fault-tolerance/review-actions';
import type { TOutcome, TReviewContext, TReviewInput } from '../../src/domain/fault-tolerance/schemas';

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
