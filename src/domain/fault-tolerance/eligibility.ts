import * as z from '../shape';
import { windowClosesAt } from './deadlines';

/**
 * Who may apply for a fault-tolerance review after a project's 差 grade or its replacement
 * (可申请容错纠错, domain.md §3 "Triggered by"), and until when.
 *
 * The officials concerned are the people who put the project on its path: the village official
 * who proposed it (申报), and everyone who approved it on the way into the pool, as their approve
 * Decision rows show: the township reviewer (乡镇审核), the county departments of the joint review
 * (县级论证, 会签) and the leading group (县审定). Those are the decisions a failed project calls into
 * question. Not concerned by the trigger itself: whoever submitted or approved the evaluation that
 * found the 差 (they judged the result, they did not cause it), the leading group's approval of
 * the replacement (the remedy, not the failure), and the payment steps (money is the subject of
 * fund-violation flags, fund-violation-flags.ts, which close the door instead of opening it).
 */

export const ELIGIBILITY_TRIGGERS = ['POOR_GRADE', 'REPLACEMENT'] as const;
export const ZEligibilityTrigger = z.enum(ELIGIBILITY_TRIGGERS);
export type TEligibilityTrigger = z.infer<typeof ZEligibilityTrigger>;

/** The approval tasks whose approvers are concerned, by the task kind the lifecycle gives them. */
export const CONCERNED_APPROVAL_KINDS = ['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL'] as const;
export type TConcernedApprovalKind = (typeof CONCERNED_APPROVAL_KINDS)[number];
export type TEligibilityBasis = 'PROPOSER' | TConcernedApprovalKind;

export const ELIGIBILITY_BASIS_LABELS_ZH: Record<TEligibilityBasis, string> = {
  PROPOSER: '项目申报',
  TOWNSHIP_REVIEW: '乡镇审核',
  COUNTY_JOINT_REVIEW: '县级联合论证',
  COUNTY_APPROVAL: '县领导小组审定',
};

export interface TEligibleOfficial {
  userId: string;
  bases: TEligibilityBasis[];
}

/**
 * The officials concerned, one entry each (an approver who also proposed has both bases), in a
 * stable order (by user id) so the notification writes the same rows on every retry.
 */
export function eligibleOfficials({
  proposerId,
  approvals,
}: {
  proposerId: string;
  /** Approve decisions on the project: who, on which task kind. Other kinds are ignored. */
  approvals: ReadonlyArray<{ actorId: string; taskKind: string }>;
}): TEligibleOfficial[] {
  const bases = new Map<string, Set<TEligibilityBasis>>([[proposerId, new Set(['PROPOSER'])]]);
  for (const a of approvals) {
    if (!(CONCERNED_APPROVAL_KINDS as readonly string[]).includes(a.taskKind)) continue;
    if (!bases.has(a.actorId)) bases.set(a.actorId, new Set());
    bases.get(a.actorId)!.add(a.taskKind as TConcernedApprovalKind);
  }
  const order: TEligibilityBasis[] = ['PROPOSER', ...CONCERNED_APPROVAL_KINDS];
  return [...bases.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([userId, set]) => ({ userId, bases: order.filter((b) => set.has(b)) }));
}

/** The row key: one eligibility per trigger (an evaluation, a replacement) and official. */
export function eligibilityId(k: { projectId: string; trigger: TEligibilityTrigger; triggerRef: string; userId: string }): string {
  return `${k.projectId}:${k.trigger}:${k.triggerRef}:${k.userId}`;
}

/**
 * When the application window closes, exactly as the review machine counts it for a case notified
 * at `notifiedAt` (deadlines.ts: whole days in Asia/Shanghai), so that the notice, the API's check
 * and the workflow's check agree to the millisecond.
 */
export function eligibilityClosesAt({ notifiedAt, windowDays }: { notifiedAt: number; windowDays: number }): number {
  return windowClosesAt({ openedAt: notifiedAt, days: windowDays });
}
