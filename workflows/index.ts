export { projectLifecycle } from './project-lifecycle';
export { approvalStep } from './approval-step';
export { faultToleranceReview } from './fault-tolerance-review';
export { reviewEligibilityWindow } from './review-eligibility-window';
