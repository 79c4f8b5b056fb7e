import type { TReviewStage } from './lifecycle-machine';

/**
 * Separation of duties across the stages of one project's approval (issue #13, item 8): the
 * township review, the county joint review and the leading group's approval are separate checks,
 * so a person who signed one of them — holding two roles, say a township reviewer who also sits in
 * the county's agriculture bureau — may not sign another. The approval step refuses them
 * (ALREADY_SIGNED) through its `priorSignerIds`, under the step's `forbidDoubleSigning` (on by
 * default). Acceptance, evaluation and replacement come years later and are not part of the chain:
 * a county's few agriculture officials must be able to sign them.
 */
export const APPROVAL_CHAIN: readonly TReviewStage[] = ['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL'];

/** Who signed (approved or rejected) each stage of the chain so far, by stage. */
export type TStageSigners = Partial<Record<TReviewStage, string[]>>;

/** The people a step of `stage` must refuse as signers: those who signed another stage of the chain. */
export function priorSignersFor(stage: TReviewStage, signers: TStageSigners): string[] {
  if (!APPROVAL_CHAIN.includes(stage)) return [];
  const ids = APPROVAL_CHAIN.filter((other) => other !== stage).flatMap((other) => signers[other] ?? []);
  return [...new Set(ids)];
}

/** `signers` with the approvers and rejecters of a finished step of `stage` added. */
export function withStepSigners(signers: TStageSigners, stage: TReviewStage, history: ReadonlyArray<{ type: string; actorId: string }>): TStageSigners {
  if (!APPROVAL_CHAIN.includes(stage)) return signers;
  const decided = history.filter((h) => h.type === 'APPROVE' || h.type === 'REJECT').map((h) => h.actorId);
  return { ...signers, [stage]: [...new Set([...(signers[stage] ?? []), ...decided])] };
}
