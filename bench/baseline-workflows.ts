/**
 * The baseline of the approval round trip: a bare Temporal workflow that accepts the same
 * Update payload as the approval step (`TApprovalActCommand`) with no XState machine, no
 * projection activity, no parent report and no HTTP. Bundled on its own and served by its own
 * worker on its own task queue, so nothing of the project's workflow code is loaded with it.
 * `bareApprovalWithRecord` is the projection floor: the same, plus one durable audit record
 * written by a local activity before the Update answers.
 */
import * as wf from '@temporalio/workflow';
import type { TApprovalActCommand } from '../workflows/messages/approval-step';
import type { TFloorActivities } from './floor-activities';

export interface TBareResult {
  requestId: string;
  taskId: string;
  action: string;
  phaseBefore: 'pending';
  phaseAfter: 'approved';
}

export const bareApproveUpdate = wf.defineUpdate<TBareResult, [TApprovalActCommand]>('approvalAct');

/** The bare workflows' validator: one decision only, and an approval. */
function refuseUnlessFirstApproval(alreadyDecided: boolean, cmd: TApprovalActCommand): void {
  if (alreadyDecided) throw wf.ApplicationFailure.create({ type: 'TASK_NOT_PENDING', message: 'already decided', nonRetryable: true });
  if (cmd.action.type !== 'APPROVE') throw wf.ApplicationFailure.create({ type: 'UNSUPPORTED', message: 'approve only', nonRetryable: true });
}

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
      validator: (cmd) => refuseUnlessFirstApproval(decided !== null, cmd),
    },
  );
  await wf.condition(() => decided !== null);
  await wf.condition(wf.allHandlersFinished);
  return decided;
}

/** The approval step's retry policy for its record (workflows/approval-step.ts ACTIVITY_RETRY). */
const floorActs = wf.proxyLocalActivities<TFloorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * The projection floor of scenario 1: `bareApproval` whose Update handler, before answering, runs
 * one local activity writing one durable audit record (bench/floor-activities.ts
 * `recordBareDecision`: an AuditEvent row through the real hash-chain trigger, in a Prisma
 * transaction). No machine, no Task or Decision rows, no parent report, no HTTP: the least a
 * decision that is recorded durably before it is answered can cost.
 */
export async function bareApprovalWithRecord(): Promise<TBareResult | null> {
  // Taken when the handler starts, so a second decision is refused while the first is recording.
  let taken = false;
  let decided: TBareResult | null = null;
  wf.setHandler(
    bareApproveUpdate,
    async (cmd) => {
      taken = true;
      const action = cmd.action.type.toLowerCase();
      await floorActs.recordBareDecision({
        workflowId: wf.workflowInfo().workflowId,
        requestId: cmd.requestId,
        taskId: cmd.taskId,
        actorId: cmd.actor.userId,
        action: `TASK_${cmd.action.type}`,
        at: Date.now(),
      });
      decided = { requestId: cmd.requestId, taskId: cmd.taskId, action, phaseBefore: 'pending', phaseAfter: 'approved' };
      return decided;
    },
    {
      validator: (cmd) => refuseUnlessFirstApproval(taken, cmd),
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
