import type { TRiskFlagCode } from '../policies/risk-checks';
import type { TFundViolationFlag, TFundViolationKind } from './schemas';

/**
 * Confirmed risk flags (风险排查, RiskFlag rows with status CONFIRMED) as the review machine's
 * fund-violation flags. A flag is confirmed when the finance bureau, reviewing it, upheld it and
 * refused the payment: from then on it is a fact of the project's records, not a suspicion.
 *
 * Whom a confirmed flag is against, per payment:
 * - the requester (Payment.requestedBy), who put the claim forward: the duplicate invoice, the
 *   wrong payee, the amount beyond the work done are theirs;
 * - whoever approved the payment's verification (approve Decisions on its PAYMENT_VERIFICATION
 *   step): the verifier (主管部门 or supervisor) signed that the claim matched the work, which is
 *   what the flag found untrue.
 * Not against: the finance official who confirmed the flag (they caught it), nor any later
 * approver (a confirmed flag refuses the payment before the finance approval), nor the system
 * (the retention release is requested by the workflow itself).
 */
export const RISK_FLAG_VIOLATION_KINDS: Record<TRiskFlagCode, TFundViolationKind> = {
  // The same invoice claimed again: 套取 / 虚报冒领.
  DUPLICATE_INVOICE: 'FRAUDULENT_CLAIM',
  // Money to someone other than the registered implementer: 挪用.
  PAYEE_NOT_IMPLEMENTER: 'MISAPPROPRIATION',
  // More claimed than the verified progress justifies: 虚报冒领.
  EXCEEDS_VERIFIED_PROGRESS: 'FRAUDULENT_CLAIM',
  // Fiscal money spent beyond the approved budget without a new 批复 (批小建大): used outside what
  // was approved, which the county treats as 挪用 once the bureau confirms it.
  OVERSPEND_NEEDS_NEW_APPROVAL: 'MISAPPROPRIATION',
};

export const FUND_VIOLATION_KIND_LABELS_ZH: Record<TFundViolationKind, string> = {
  MISAPPROPRIATION: '挪用',
  WITHHOLDING: '截留',
  FRAUDULENT_CLAIM: '套取/虚报冒领',
  FALSIFICATION: '弄虚作假',
};

export interface TConfirmedRiskFlag {
  flagId: string;
  projectId: string;
  paymentId: string;
  code: TRiskFlagCode;
  requestedBy: string;
  /** Approvers of the payment's verification step. */
  verifierIds: readonly string[];
}

const SYSTEM_ACTORS = new Set(['system']);

/**
 * The machine's flags for the officials named in a case: one per confirmed flag and person it is
 * against, only for those people (a flag against someone outside the case says nothing about it).
 * Sorted by flag, then person, so the same records give the same case input.
 */
export function fundViolationFlagsFor({
  flags,
  concernedUserIds,
}: {
  flags: readonly TConfirmedRiskFlag[];
  concernedUserIds: readonly string[];
}): TFundViolationFlag[] {
  const concerned = new Set(concernedUserIds);
  const out: TFundViolationFlag[] = [];
  for (const flag of [...flags].sort((a, b) => (a.flagId < b.flagId ? -1 : a.flagId > b.flagId ? 1 : 0))) {
    const against = new Map<string, 'REQUESTER' | 'VERIFIER'>();
    if (!SYSTEM_ACTORS.has(flag.requestedBy)) against.set(flag.requestedBy, 'REQUESTER');
    for (const v of [...flag.verifierIds].sort()) if (!against.has(v)) against.set(v, 'VERIFIER');
    for (const [userId, role] of against) {
      if (!concerned.has(userId)) continue;
      out.push({
        flagId: flag.flagId,
        projectId: flag.projectId,
        userId,
        kind: RISK_FLAG_VIOLATION_KINDS[flag.code],
        confirmed: true,
        paymentId: flag.paymentId,
        riskCode: flag.code,
        against: role,
      });
    }
  }
  return out;
}
