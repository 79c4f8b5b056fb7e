import type { TPrisma } from '../src/db/prisma';
import { createApprovalActivities } from './approval-records';
import { createLifecycleActivities } from './lifecycle-records';
import { createOperationActivities } from './operation-records';
import { createProjectActivities } from './project-records';
import { createReviewActivities } from './review-records';
import { createReviewEligibilityActivities } from './review-eligibility';

/**
 * Every side effect the workflows need, built from injected dependencies so tests give them a
 * real database of their own. Workflows import this module for its types only.
 */
export function createActivities(deps: { prisma: TPrisma }) {
  return {
    ...createProjectActivities(deps),
    ...createApprovalActivities(deps),
    ...createLifecycleActivities(deps),
    ...createOperationActivities(deps),
    ...createReviewActivities(deps),
    ...createReviewEligibilityActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
