import { enqueueNotices, type TNoticeTx } from './enqueue-notices';
import { taskRecipients } from './recipients';

/**
 * A project task opened outside an approval step (lifecycle and funded-project tasks), told to its
 * candidates in the transaction that opens it. Keyed by the task's own deterministic id.
 */
export async function notifyTaskOpened(
  tx: TNoticeTx,
  task: { id: string; projectId: string; title: string; candidateRole: string; candidateOrgPath: string; candidateUserId?: string | null },
): Promise<void> {
  const userIds = await taskRecipients(tx, { ...task, candidateUserId: task.candidateUserId ?? null });
  await enqueueNotices(tx, [
    { eventKey: `task-opened:${task.id}`, kind: 'TASK_OPENED', userIds, projectId: task.projectId, taskId: task.id, title: task.title, at: new Date() },
  ]);
}
