import type { TSignerSlot } from './approval-config';
import type { TApprovalContext, TApprovalPhase } from './approval-context';
import { phaseOf, type TApprovalSnapshotLike } from './check-approval-action';
import { activeTasks, isActive } from './approval-tasks';

export interface TPendingSigner {
  taskKey: string;
  slot: TSignerSlot;
  claimedBy: string | null;
}

/** Who may act now: one entry per active task. Empty unless the step is pending. */
export function pendingSigners(snapshot: TApprovalSnapshotLike): TPendingSigner[] {
  if (phaseOf(snapshot.value) !== 'pending') return [];
  return activeTasks(snapshot.context).map((task) => ({ taskKey: task.taskKey, slot: task.slot, claimedBy: task.claimedBy }));
}

/**
 * Task row status. PENDING is in someone's inbox; WAITING is a later signer of a chain;
 * SUSPENDED is an open task while the matter is returned; the rest are final.
 */
export type TTaskRowStatus = 'PENDING' | 'WAITING' | 'SUSPENDED' | 'APPROVED' | 'REJECTED' | 'NO_LONGER_NEEDED' | 'TRANSFERRED' | 'ESCALATED' | 'CANCELLED';

export interface TTaskRow {
  taskKey: string;
  stepId: string;
  slot: TSignerSlot;
  status: TTaskRowStatus;
  claimedBy: string | null;
  decidedBy: string | null;
  replaces: string | null;
}

/** Every task of the step with its current status: the Task rows as they stand. */
export function taskRows(snapshot: TApprovalSnapshotLike): TTaskRow[] {
  return taskRowsOf(snapshot.context, phaseOf(snapshot.value));
}

/**
 * The Task rows of a context in a phase. The machine's actions call it on both sides of a
 * transition (approval-effects.ts): a row's status depends on the phase, which an action knows
 * for the target only through the reducer.
 */
export function taskRowsOf(context: TApprovalContext, phase: TApprovalPhase): TTaskRow[] {
  return context.tasks.map((task) => {
    let status: TTaskRowStatus;
    if (task.outcome !== null) status = task.outcome;
    else if (phase === 'returned') status = 'SUSPENDED';
    else status = isActive(context, task) ? 'PENDING' : 'WAITING';
    return {
      taskKey: task.taskKey,
      stepId: context.config.stepId,
      slot: task.slot,
      status,
      claimedBy: task.claimedBy,
      decidedBy: task.decidedBy,
      replaces: task.replaces,
    };
  });
}

/** Task rows currently in someone's inbox. */
export function openTasks(snapshot: TApprovalSnapshotLike): TTaskRow[] {
  return taskRows(snapshot).filter((row) => row.status === 'PENDING');
}
