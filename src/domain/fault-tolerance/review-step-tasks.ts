import { conflictedUserIds, peopleUsedSoFar } from './conflict-of-interest';
import { currentRound } from './review-rules';
import type { TReviewContext } from './schemas';
import { currentBallots, voteStatus } from './voting';

/**
 * The inbox of a case (容错纠错): while the case waits on someone, that person has a Task. The
 * record activity derives the tasks from the case's stage and context after every change and
 * brings the Task table in line (review-records.ts): new ones are created, those no longer wanted
 * are closed. Every task is addressed to one named person, never to a role: a role-wide task would
 * reach a deciding-body member who is concerned or approved the matter, and conflict-of-interest
 * people must never be asked to act (conflict-of-interest.ts).
 *
 * - 受理 admissibility: each member of the deciding body (REVIEW_ADMISSION);
 * - 调查核实 investigation: each member of the current body, and anyone else who has recorded a
 *   finding (REVIEW_INVESTIGATION);
 * - 集体研究 voting: each member who has not voted in the current vote (REVIEW_VOTE), and once the
 *   quorum is present, each member for the decision or the revote (REVIEW_DECISION);
 * - 书面反馈 and 公示/报备: whoever recorded the decision (REVIEW_NOTICE, REVIEW_FILING);
 * - 申诉 appeal: the deciding-body role holders over the county who are new to the case
 *   (APPEAL_REVIEW): the next level must constitute its body with people not used so far.
 */
export const REVIEW_STEP_TASK_KINDS = [
  'REVIEW_ADMISSION',
  'REVIEW_INVESTIGATION',
  'REVIEW_VOTE',
  'REVIEW_DECISION',
  'REVIEW_NOTICE',
  'REVIEW_FILING',
  'APPEAL_REVIEW',
] as const;
export type TReviewStepTaskKind = (typeof REVIEW_STEP_TASK_KINDS)[number];

export const REVIEW_STEP_TASK_LABELS_ZH: Record<TReviewStepTaskKind, string> = {
  REVIEW_ADMISSION: '容错纠错受理审查',
  REVIEW_INVESTIGATION: '容错纠错调查核实',
  REVIEW_VOTE: '容错纠错集体研究表决',
  REVIEW_DECISION: '容错纠错集体认定',
  REVIEW_NOTICE: '容错纠错书面反馈送达',
  REVIEW_FILING: '容错纠错公示报备',
  APPEAL_REVIEW: '容错纠错申诉复核',
};

export interface TReviewStepTaskSpec {
  taskId: string;
  kind: TReviewStepTaskKind;
  /** Task.stepKey: the step and round, so a revote or the appeal round gets tasks of its own. */
  stepKey: string;
  userId: string;
  title: string;
}

function excerpt(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The tasks that should be open now. `appealCandidateIds`: the deciding-body role holders over
 * the case's county (the record activity looks them up); only used while an appeal awaits its body.
 */
export function reviewStepTasks({
  context,
  stage,
  workflowId,
  appealCandidateIds = [],
}: {
  context: TReviewContext;
  stage: string;
  workflowId: string;
  appealCandidateIds?: readonly string[];
}): TReviewStepTaskSpec[] {
  const conflicted = conflictedUserIds(context);
  const round = currentRound(context);
  const n = context.rounds.length;
  const title = (kind: TReviewStepTaskKind) => `${REVIEW_STEP_TASK_LABELS_ZH[kind]}：${excerpt(context.case.matter)} · ${context.case.caseId}`;
  const unique = (ids: readonly string[]) => [...new Set(ids)].filter((id) => !conflicted.has(id));
  const each = (kind: TReviewStepTaskKind, step: string, userIds: readonly string[]): TReviewStepTaskSpec[] =>
    unique(userIds).map((userId) => ({ taskId: `${workflowId}:r${n}:${step}:${userId}`, kind, stepKey: `review:r${n}:${step}`, userId, title: title(kind) }));

  switch (stage) {
    case 'admissibility':
      return each('REVIEW_ADMISSION', 'admission', round.body.memberIds);
    case 'investigation':
    case 'reInvestigation':
      return each('REVIEW_INVESTIGATION', 'investigation', [...round.body.memberIds, ...round.investigatorIds]);
    case 'collectiveDecision':
    case 'reDecision': {
      const voted = new Set(currentBallots(round).map((b) => b.memberId));
      const votes = each(
        'REVIEW_VOTE',
        `vote${round.ballotRound}`,
        round.body.memberIds.filter((id) => !voted.has(id)),
      );
      const quorum = voteStatus({ round, settings: context.settings }).quorumReached;
      return quorum ? [...votes, ...each('REVIEW_DECISION', `decision${round.ballotRound}`, round.body.memberIds)] : votes;
    }
    case 'writtenNotice':
      return round.decision ? each('REVIEW_NOTICE', 'notice', [round.decision.decidedBy]) : [];
    case 'publicity':
      return round.decision ? each('REVIEW_FILING', 'filing', [round.decision.decidedBy]) : [];
    case 'appeal': {
      const used = peopleUsedSoFar(context);
      return each(
        'APPEAL_REVIEW',
        'appeal',
        appealCandidateIds.filter((id) => !used.has(id)),
      );
    }
    default:
      return [];
  }
}

/**
 * How a task that is no longer wanted closes: DONE for whoever did the step (the actor of the
 * change, or an investigator who recorded findings, or a member who voted), CANCELLED for the
 * others, whose part someone else made unnecessary (another member accepted, the case was refused,
 * the window closed).
 */
export function closedTaskStatus({
  kind,
  userId,
  actorId,
  context,
}: {
  kind: string;
  userId: string;
  actorId: string;
  context: TReviewContext;
}): 'DONE' | 'CANCELLED' {
  if (userId === actorId) return 'DONE';
  const round = currentRound(context);
  if (kind === 'REVIEW_INVESTIGATION' && round.investigatorIds.includes(userId)) return 'DONE';
  if (kind === 'REVIEW_VOTE' && round.ballots.some((b) => b.memberId === userId)) return 'DONE';
  return 'CANCELLED';
}
