/**
 * Fault-tolerance review (容错纠错 / 尽职免责), domain.md §3: the pure domain part. The Temporal
 * workflow `faultToleranceReview` hosts `reviewMachine`, validates updates with
 * `checkReviewAction`, renders the notice with `renderWrittenNotice` and writes
 * `officialRecordEffects` when the machine reaches `resultApplied`.
 */
export * from './schemas';
export * from './refusal';
export * from './deadlines';
export * from './criteria';
export * from './admissibility';
export * from './conflict-of-interest';
export * from './voting';
export * from './review-rules';
export * from './review-machine';
export * from './check-review-action';
export * from './official-record-effect';
export * from './render-written-notice';
export * from './labels-zh';
export * from './permissions';
export * from './eligibility';
export * from './fund-violation-flags';
export * from './corrective-measure-tasks';
export * from './review-step-tasks';
export * from './review-settings';
export * from './deciding-body';
export * from './honour-eligibility';
export * from './review-actions';
export * from './case-access';
export * from './open-actions';
