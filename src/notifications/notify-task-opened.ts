import { enqueueNotices, type TNoticeTx } from './enqueue-notices';
import { taskRecipients } from './recipients';

export interface TOpenedTask {
  id: string;
  projectId: string;
  title: string;
  candidateRole?: string | null;
  candidateOrgPath?: string | null;
  candidateUserId?: string | null;
}

/**
 * Tasks opened outside an approval step (lifecycle, funded-project and 容错纠错 tasks), told to
 * their candidates in the transaction that opens them. Keyed by each task's own deterministic id.
 */
export async function notifyTasksOpened(tx: TNoticeTx, tasks: TOpenedTask[], at = new Date()): Promise<void> {
  const notices = [];
  for (const task of tasks) {
    const userIds = await taskRecipients(tx, {
      candidateRole: task.candidateRole ?? null,
      candidateOrgPath: task.candidateOrgPath ?? null,
      candidateUserId: task.candidateUserId ?? null,
    });
    notices.push({
      eventKey: `task-opened:${task.id}`,
      kind: 'TASK_OPENED' as const,
      userIds,
      projectId: task.projectId,
      taskId: task.id,
      title: task.title,
      at,
    });
  }
  await enqueueNotices(tx, notices);
}
