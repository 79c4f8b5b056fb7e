import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { TPrisma } from '../src/db/prisma';
import { stepReportUpdate, stepReportUpdateId, type TStepReport } from '../workflows/messages/approval-step';
import { recordStepChange, type TRecordStepChange } from './approval-records';

export interface TReportStepToParent {
  parentWorkflowId: string;
  report: TStepReport;
}

/**
 * A step's report to its parent, as an Update sent from an activity (a workflow cannot send an
 * Update itself). The update id is derived from the report, so a retried attempt — after a worker
 * died, or a timeout while the parent was slow — joins the first one instead of being applied
 * twice. The Temporal client is injected by the worker; without one (tests, benchmark) the
 * worker's own client from the activity context is used.
 */
export function createStepReportActivities(deps: { prisma: TPrisma; temporal?: Client }) {
  /** `delivered: false` when the parent no longer runs: there is nobody left to wait for. */
  async function reportStepToParent({ parentWorkflowId, report }: TReportStepToParent): Promise<{ delivered: boolean }> {
    const client = deps.temporal ?? Context.current().client;
    try {
      await client.workflow.getHandle(parentWorkflowId).executeUpdate(stepReportUpdate, { args: [report], updateId: stepReportUpdateId(report) });
      return { delivered: true };
    } catch (err) {
      // Closed (completed, terminated, continued past) or never there: retrying cannot help.
      if (err instanceof WorkflowNotFoundError) return { delivered: false };
      // The parent refused or failed the report: a bug, not an outage; do not retry forever.
      if (err instanceof WorkflowUpdateFailedError)
        throw ApplicationFailure.nonRetryable(
          `the parent refused report ${stepReportUpdateId(report)}: ${err.cause?.message ?? err.message}`,
          'STEP_REPORT_REFUSED',
        );
      throw err;
    }
  }
  return {
    reportStepToParent,
    /**
     * A step's change that moves its phase: the record (idempotent, keyed by the request), then the
     * report (idempotent, keyed by its sequence number). One activity instead of two saves the
     * approver a workflow task; a retry after the record was written writes nothing again.
     */
    async recordStepChangeAndReport(args: TReportStepToParent & { change: TRecordStepChange }): Promise<{ delivered: boolean }> {
      await recordStepChange(deps.prisma, args.change);
      return reportStepToParent(args);
    },
  };
}
