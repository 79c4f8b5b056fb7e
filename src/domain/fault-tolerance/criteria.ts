import type { TCriterion, TFinding, TFindingValue, TReviewRound } from './schemas';
import { CRITERIA } from './schemas';

/**
 * The exemption criteria of domain.md §3 and what "mandatory" means here.
 *
 * The first four criteria are mandatory: exemption needs each of them MET. They are not all equal,
 * following the "三个区分开来" (three distinctions):
 * - NOT_PROHIBITED_AT_THE_TIME and NO_IMPROPER_GAIN are *strict*: acting after an explicit ban or
 *   for gain is exactly what fault tolerance must never cover, so nothing overrides them.
 * - PROCEDURE_FOLLOWED and DILIGENCE_AND_LOSS_RECOVERY are *excusable*: a FORCE_MAJEURE finding of
 *   MET (an emergency that left no time for a collective meeting, a disaster that made the loss
 *   unrecoverable) stands in for them.
 * UNCLEAR counts as not met: an exemption rests on established facts, so a doubt on a mandatory
 * criterion blocks it just as a negative finding does. FORCE_MAJEURE itself is never required.
 */
export const MANDATORY_CRITERIA = [
  'NOT_PROHIBITED_AT_THE_TIME',
  'PROCEDURE_FOLLOWED',
  'NO_IMPROPER_GAIN',
  'DILIGENCE_AND_LOSS_RECOVERY',
] as const satisfies readonly TCriterion[];

export const STRICT_CRITERIA = ['NOT_PROHIBITED_AT_THE_TIME', 'NO_IMPROPER_GAIN'] as const satisfies readonly TCriterion[];

export const CRITERION_LABELS_ZH: Record<TCriterion, string> = {
  NOT_PROHIBITED_AT_THE_TIME: '当时法律法规和纪律未明令禁止',
  PROCEDURE_FOLLOWED: '履行了规定程序（集体决策或本人明确提出反对意见）',
  NO_IMPROPER_GAIN: '未谋取私利（个人、他人或单位）',
  DILIGENCE_AND_LOSS_RECOVERY: '勤勉尽责并积极挽回损失、消除影响',
  FORCE_MAJEURE: '因不可抗力或难以预见的因素所致',
};

export const FINDING_VALUE_LABELS_ZH: Record<TFindingValue, string> = {
  MET: '符合',
  NOT_MET: '不符合',
  UNCLEAR: '事实不清',
};

export function missingCriteria(round: Pick<TReviewRound, 'findings'>): TCriterion[] {
  return CRITERIA.filter((criterion) => round.findings[criterion] === undefined);
}

export function findingsComplete(round: Pick<TReviewRound, 'findings'>): boolean {
  return missingCriteria(round).length === 0;
}

function valueOf(findings: Partial<Record<TCriterion, TFinding>>, criterion: TCriterion) {
  return findings[criterion]?.value;
}

/**
 * Why an exemption cannot rest on these findings, or null when it can. Lists the criteria at fault
 * so the notice and the refusal can name them.
 */
export function exemptionBlockers(round: Pick<TReviewRound, 'findings'>): TCriterion[] {
  const forceMajeure = valueOf(round.findings, 'FORCE_MAJEURE') === 'MET';
  return MANDATORY_CRITERIA.filter((criterion) => {
    if (valueOf(round.findings, criterion) === 'MET') return false;
    const strict = (STRICT_CRITERIA as readonly TCriterion[]).includes(criterion);
    return strict || !forceMajeure;
  });
}

export function exemptionJustified(round: Pick<TReviewRound, 'findings'>): boolean {
  return findingsComplete(round) && exemptionBlockers(round).length === 0;
}
