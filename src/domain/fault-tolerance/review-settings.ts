import type { TCountySettings } from '../policies/settings';
import { ZReviewSettings, type TReviewSettings } from './schemas';

/**
 * A case's rules from its county's settings in force when it opens: the windows from
 * `faultTolerance.*`, quorum and majority from `collectiveDecision.*`. Nobody opening a case names
 * them. An application resting on a recorded eligibility keeps the window that eligibility was
 * notified with (`applicationWindowDays`), so the case closes exactly when the notice said.
 */
export function reviewSettingsFor({
  county,
  applicationWindowDays,
}: {
  county: Pick<TCountySettings, 'faultTolerance' | 'collectiveDecision'>;
  applicationWindowDays?: number;
}): TReviewSettings {
  return ZReviewSettings.parse({
    applicationWindowDays: applicationWindowDays ?? county.faultTolerance.applicationWindowDays,
    appealWindowDays: county.faultTolerance.appealWindowDays,
    quorum: county.collectiveDecision.quorum,
    majorityMoreThan: county.collectiveDecision.majorityMoreThan,
  });
}
