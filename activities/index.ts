import type { Client } from '@temporalio/client';
import type { TPrisma } from '../src/db/prisma';
import { createApprovalActivities } from './approval-records';
import { createLifecycleActivities } from './lifecycle-records';
import { createOperationActivities } from './operation-records';
import { createProjectActivities } from './project-records';
import { createReviewActivities } from './review-records';
import { createReviewEligibilityActivities } from './review-eligibility';
import { createStepReportActivities } from './step-report';

/**
 * Every side effect the workflows need, built from injected dependencies so tests give them a
 * real database of their own. Workflows import this module for its types only. `temporal` is the
 * client a step reports to its parent with (absent: the worker's own client).
 */
export function createActivities(deps: { prisma: TPrisma; temporal?: Client }) {
  return {
    ...createProjectActivities(deps),
    ...createApprovalActivities(deps),
    ...createLifecycleActivities(deps),
    ...createOperationActivities(deps),
    ...createReviewActivities(deps),
    ...createReviewEligibilityActivities(deps),
    ...createStepReportActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
