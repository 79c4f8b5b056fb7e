/**
 * Every `patched()` id in force, in one place: the workflows take their ids from here, the replay
 * test checks each is in some recorded history, and test/replay/patch-registry.test.ts checks that
 * docs/upgrading.md ("Patches in force") names exactly these. An id is never reused or removed
 * while a running workflow may have taken either branch (docs/upgrading.md, "The procedure").
 */
export const PATCHES = {
  reviewUpsertOnChange: 'review-upsert-search-attributes-on-change',
  poolRollover: 'pool-rollover',
  returnToEarlierStep: 'return-to-earlier-step',
  reviewEligibilityExpiry: 'review-eligibility-expiry',
  stepRecordLocal: 'approval-step-record-local-activity',
  lifecycleReportLocal: 'lifecycle-report-local-activity',
  lifecycleUpsertOnChange: 'lifecycle-upsert-search-attributes-on-change',
  oneOpenTaskPerSigner: 'approval-step-one-open-task-per-signer',
  stepReportByUpdate: 'step-report-by-update',
  stepRecordAfterAcceptance: 'approval-step-record-after-acceptance',
  signersInScope: 'approval-step-signers-in-scope',
  priorSignersAcrossStages: 'lifecycle-prior-signers-across-stages',
  moneyAndAcceptanceRules: 'money-and-acceptance-rules',
  payeeAccounts: 'payment-registered-payee-accounts',
  overspendLeadingGroup: 'payment-overspend-leading-group',
  refusedEventNeverSilent: 'lifecycle-refused-event-never-silent',
  defectRepairReleasesRetention: 'defect-repair-releases-retention',
  approvalStepsHosted: 'approval-steps-hosted',
  publicityWorkingDays: 'publicity-working-days',
  proposalRevision: 'proposal-revision',
} as const;

export const PATCH_IDS: readonly string[] = Object.values(PATCHES);
