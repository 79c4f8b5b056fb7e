import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TExpireReviewEligibility } from '../activities/review-eligibility';
import { ACTIVITY_OPTIONS } from './activity-options';

const acts = wf.proxyActivities<Activities>(ACTIVITY_OPTIONS);

export const reviewEligibilityWindowId = (k: { projectId: string; trigger: string; triggerRef: string }) =>
  `review-eligibility-${k.projectId}:${k.trigger}:${k.triggerRef}`;

/**
 * The application window of one trigger's eligibility notices (可申请容错纠错): a durable timer
 * until the window closes, then the notices nobody used leave the inbox (CANCELLED, outcome
 * EXPIRED, with an audit event). Started by the project's workflow right after it notified the
 * officials, and abandoned by it: the window runs its 30 days whatever the project does meanwhile
 * (continue-as-new, closing). Notices already used by an application were closed by it.
 */
export async function reviewEligibilityWindow(input: Omit<TExpireReviewEligibility, 'at'> & { closesAt: number }): Promise<{ expired: number }> {
  const wait = input.closesAt - Date.now();
  if (wait > 0) await wf.sleep(wait);
  const { closesAt: _closesAt, ...key } = input;
  return acts.expireReviewEligibility({ ...key, at: Date.now() });
}
