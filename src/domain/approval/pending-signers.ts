import type { TSignerSlot } from './approval-config';
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

/**
 * Every task of the step with its current status, for the workflow to upsert Task rows by
 * `taskKey` after each transition (diff against the previous snapshot's rows to write only changes).
 */
export function taskRows(snapshot: TApprovalSnapshotLike): TTaskRow[] {
  const { context } = snapshot;
  const phase = phaseOf(snapshot.value);
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

/** Rows whose status differs between two snapshots (new tasks included): what to write. */
export function changedTaskRows(before: TApprovalSnapshotLike, after: TApprovalSnapshotLike): TTaskRow[] {
  const previous = new Map(taskRows(before).map((row) => [row.taskKey, row]));
  return taskRows(after).filter((row) => {
    const old = previous.get(row.taskKey);
    return !old || old.status !== row.status || old.claimedBy !== row.claimedBy;
  });
}
