import { RISK_FLAG_LABELS_ZH } from '../policies/risk-checks';
import { FUND_VIOLATION_KIND_LABELS_ZH } from './fund-violation-flags';
import type { TExclusionKind, TReviewContext } from './schemas';

/**
 * Admissibility by rule (受理): the exclusions of domain.md §3 close the door whatever the deciding
 * body thinks. A confirmed fund-violation flag from the project records against any official named
 * in the case counts as a FUND_MISUSE exclusion: "against the applicant" is the common case, but a
 * case opened by the body itself has no applicant, and a case must not exempt a group that includes
 * someone already found to have misused funds (open a separate case for the others if needed).
 * Unconfirmed flags are suspicions, not findings, and do not bar admission.
 */
export const EXCLUSION_LABELS_ZH: Record<TExclusionKind, string> = {
  LAW_OR_DISCIPLINE_VIOLATION: '违反党纪国法',
  FUND_MISUSE: '挪用、截留、套取、骗取、虚报冒领资金或弄虚作假',
  SERIOUS_INCIDENT: '发生重大安全事故、严重环境污染或重大群体性事件',
  REPEATED_MISTAKE: '同一问题重复出错',
};

export interface TInadmissibilityReason {
  kind: TExclusionKind;
  description: string;
  source: 'DECLARED' | 'FUND_VIOLATION_FLAG';
}

type TAdmissibilityFacts = Pick<TReviewContext, 'case' | 'exclusions' | 'fundViolationFlags'>;

export function inadmissibilityReasons(facts: TAdmissibilityFacts): TInadmissibilityReason[] {
  const concerned = new Set(facts.case.concernedOfficials.map((o) => o.userId));
  const declared = facts.exclusions.map((e) => ({
    kind: e.kind,
    description: e.description,
    source: 'DECLARED' as const,
  }));
  const flagged = facts.fundViolationFlags
    .filter((flag) => flag.confirmed && concerned.has(flag.userId))
    .map((flag) => ({
      kind: 'FUND_MISUSE' as const,
      description:
        flag.paymentId && flag.riskCode && flag.against
          ? `项目 ${flag.projectId} 的拨付 ${flag.paymentId} 经确认存在"${RISK_FLAG_LABELS_ZH[flag.riskCode]}"（${FUND_VIOLATION_KIND_LABELS_ZH[flag.kind]}），` +
            `${flag.userId} 为该笔拨付的${flag.against === 'REQUESTER' ? '申请人' : '核验审批人'}（${flag.flagId}）`
          : `项目 ${flag.projectId} 的资金监管记录已确认 ${flag.userId} 存在 ${flag.kind} 违规（${flag.flagId}）`,
      source: 'FUND_VIOLATION_FLAG' as const,
    }));
  return [...declared, ...flagged];
}

export function isInadmissible(facts: TAdmissibilityFacts): boolean {
  return inadmissibilityReasons(facts).length > 0;
}

/** One sentence naming every reason, for the refusal message and the written decision. */
export function describeInadmissibility(facts: TAdmissibilityFacts): string {
  return inadmissibilityReasons(facts)
    .map((r) => `${EXCLUSION_LABELS_ZH[r.kind]}：${r.description}`)
    .join('；');
}
