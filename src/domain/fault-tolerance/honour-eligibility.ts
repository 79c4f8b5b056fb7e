import { isAdverseAt, officialRecordEffect, type TOfficialRecordEffect } from './official-record-effect';
import { refuse, type TRefusedCheck } from './refusal';
import { ZOutcome } from './schemas';

/** A final review outcome as the record keeps it (OfficialRecord). */
export interface TStoredReviewOutcome {
  caseId: string;
  officialId: string;
  outcome: string;
  decidedAt: number;
  impactPeriodEndsAt: number | null;
}

/** What a stored outcome means for the official (official-record-effect.ts). */
export function effectOfStoredOutcome(r: TStoredReviewOutcome): TOfficialRecordEffect {
  return officialRecordEffect({
    outcome: ZOutcome.parse(r.outcome),
    officialId: r.officialId,
    caseId: r.caseId,
    decidedAt: r.decidedAt,
    ...(r.impactPeriodEndsAt === null ? {} : { impactPeriodEndsAt: r.impactPeriodEndsAt }),
  });
}

/** Does the stored outcome still count against the official at `at` (appraisal, promotion, honours)? */
export function isStoredOutcomeAdverseAt(r: TStoredReviewOutcome, at: number): boolean {
  return isAdverseAt(effectOfStoredOutcome(r), at);
}

/**
 * May an honour (表彰奖励) be recorded for this official of this project now? Only for a project
 * whose latest approved evaluation is 优, and never while a final review outcome that affects
 * honours counts against the official: a lenient outcome until its impact period ends, a
 * not-exempt one with no end set here (its consequences are the accountability decision's). An
 * exempt outcome never stands in the way (尽职免责: no effect on appraisal, promotion, honours).
 */
export function honourRefusal({
  latestGrade,
  reviewOutcomes,
  at,
}: {
  latestGrade: string | null;
  reviewOutcomes: readonly TStoredReviewOutcome[];
  at: number;
}): TRefusedCheck | null {
  if (latestGrade !== 'EXCELLENT') {
    // English only: the web shows a message with Chinese in it as the page's own words, else its code's.
    return refuse('GRADE_NOT_EXCELLENT', `the project is graded ${latestGrade ?? 'not yet evaluated'}; honours need EXCELLENT`, 'body.projectId');
  }
  const blocking = reviewOutcomes.map(effectOfStoredOutcome).find((e) => e.affectsHonours && isAdverseAt(e, at));
  if (!blocking) return null;
  const until = blocking.impactPeriodEndsAt === undefined ? '' : ` until ${new Date(blocking.impactPeriodEndsAt).toISOString()}`;
  return refuse(
    'HONOURS_SUSPENDED',
    `review case ${blocking.caseId} (${blocking.outcome}) counts against ${blocking.officialId}${until}: no honours meanwhile`,
    'params.userId',
  );
}
