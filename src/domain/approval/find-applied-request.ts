import type { TApprovalHistoryEntry } from './approval-context';
import type { TApprovalSnapshotLike } from './check-approval-action';

/** Idempotency: the history entry (and so the first result) of a request id, if it was applied. */
export function findAppliedRequest(snapshot: TApprovalSnapshotLike, requestId: string): TApprovalHistoryEntry | undefined {
  return snapshot.context.history.find((entry) => entry.requestId === requestId);
}
