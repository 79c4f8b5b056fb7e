import type { ActivityOptions } from '@temporalio/workflow';

/**
 * The one retry policy of every workflow's activities (regular and local): a database outage is
 * waited out with backoff, and the workflow keeps its place meanwhile. No maximum attempts: the
 * activities are idempotent, so retrying until the database is back is always safe.
 */
export const ACTIVITY_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const satisfies ActivityOptions;

/**
 * The approval step's record after an accepted action: an attempt lost with its worker is retried
 * after this timeout, so it is as short as the record and the project's answer allow (a local
 * activity was retried after the 10 s workflow-task timeout).
 */
export const RECORD_ACTIVITY_OPTIONS = { ...ACTIVITY_OPTIONS, startToCloseTimeout: '10 seconds' } as const satisfies ActivityOptions;
