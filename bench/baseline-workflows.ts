/**
 * The baseline of the approval round trip: a bare Temporal workflow that accepts the same
 * Update payload as the approval step (`TApprovalActCommand`) with no XState machine, no
 * projection activity, no parent report and no HTTP. Bundled on its own and served by its own
 * worker on its own task queue, so nothing of the project's workflow code is loaded with it.
 */
import * as wf from '@temporalio/workflow';
import type { TApprovalActCommand } from '../workflows/shared';

export interface TBareResult {
  requestId: string;
  taskId: string;
  action: string;
  phaseBefore: 'pending';
  phaseAfter: 'approved';
}

export const bareApproveUpdate = wf.defineUpdate<TBareResult, [TApprovalActCommand]>('approvalAct');

/** Waits for one decision, answers it, and completes. */
export async function bareApproval(): Promise<TBareResult | null> {
  let decided: TBareResult | null = null;
  wf.setHandler(
    bareApproveUpdate,
    (cmd) => {
      decided = { requestId: cmd.requestId, taskId: cmd.taskId, action: cmd.action.type.toLowerCase(), phaseBefore: 'pending', phaseAfter: 'approved' };
      return decided;
    },
    {
      // The same kind of gate the real step has (one decision only), without a machine.
      validator: (cmd) => {
        if (decided) throw wf.ApplicationFailure.create({ type: 'TASK_NOT_PENDING', message: 'already decided', nonRetryable: true });
        if (cmd.action.type !== 'APPROVE') throw wf.ApplicationFailure.create({ type: 'UNSUPPORTED', message: 'approve only', nonRetryable: true });
      },
    },
  );
  await wf.condition(() => decided !== null);
  await wf.condition(wf.allHandlersFinished);
  return decided;
}

/** The bare workflow's counterpart of scenario 5's project-year: one Update per human action, counted. */
export const bareActUpdate = wf.defineUpdate<number, [unknown]>('act');

/**
 * The baseline of a project-year (scenario 5): a bare workflow that accepts `updates` Updates and
 * waits on `timers` timers, with no machine, activity, child or search attribute — the history
 * Temporal needs for that year's human actions and waits and nothing else.
 */
export async function bareProjectYear({ updates, timers }: { updates: number; timers: number }): Promise<number> {
  let received = 0;
  wf.setHandler(bareActUpdate, () => ++received);
  for (let i = 0; i < timers; i++) await wf.sleep('1 day');
  await wf.condition(() => received >= updates);
  await wf.condition(wf.allHandlersFinished);
  return received;
}
