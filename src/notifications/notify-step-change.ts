import { enqueueNotices, type TNotice, type TNoticeTx } from './enqueue-notices';
import { taskRecipients } from './recipients';

/** What of an approval step's recorded change concerns people (activities/approval-records.ts). */
export interface TStepChangeForNotices {
  at: number;
  rows: Array<{ id: string; projectId: string; title: string; status: string }>;
  audit: { eventKey: string; actorId: string | null };
  decision: { taskId: string; projectId: string; actorId: string; action: string } | null;
  urgedTaskIds: string[];
  remindedTaskIds: string[];
  escalatedTaskIds: string[];
}

/** The statuses of the rows before the change writes them: a row that becomes PENDING is a task opened. */
export async function readTaskStatuses(tx: TNoticeTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.task.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
  return new Map(rows.map((r) => [r.id, r.status]));
}

/**
 * The notices of one approval-step change, in its transaction (after its Task rows are written):
 * each task that became PENDING goes to its candidates; an urge, a reminder and an escalation to
 * the people of the task they touched; a decision to the project's proposer. Keys are the change's
 * audit key, which a retried attempt of the same change repeats.
 */
export async function notifyStepChange(tx: TNoticeTx, change: TStepChangeForNotices, statusesBefore: Map<string, string>): Promise<void> {
  const at = new Date(change.at);
  const key = change.audit.eventKey;
  const notices: TNotice[] = [];
  const opened = change.rows.filter((r) => r.status === 'PENDING' && statusesBefore.get(r.id) !== 'PENDING');
  const touched = [...new Set([...change.urgedTaskIds, ...change.remindedTaskIds, ...change.escalatedTaskIds])];
  const tasks = await tx.task.findMany({
    where: { id: { in: [...new Set([...opened.map((r) => r.id), ...touched])] } },
    select: { id: true, projectId: true, title: true, candidateRole: true, candidateOrgPath: true, candidateUserId: true, claimedBy: true },
  });
  const taskOf = new Map(tasks.map((t) => [t.id, t]));
  const actorIds = [change.audit.actorId, change.decision?.actorId].filter((id): id is string => Boolean(id));
  const actors = await tx.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, displayName: true } });
  const actorName = (id: string | null | undefined) => actors.find((a) => a.id === id)?.displayName;

  for (const row of opened) {
    const task = taskOf.get(row.id);
    if (!task) continue;
    const userIds = await taskRecipients(tx, { ...task, claimedBy: null });
    notices.push({ eventKey: `${key}:opened:${row.id}`, kind: 'TASK_OPENED', userIds, projectId: task.projectId, taskId: task.id, title: task.title, at });
  }
  const touches = [
    ['TASK_URGED', 'urged', change.urgedTaskIds],
    ['TASK_REMINDED', 'reminded', change.remindedTaskIds],
    ['TASK_ESCALATED', 'escalated', change.escalatedTaskIds],
  ] as const;
  for (const [kind, suffix, ids] of touches) {
    for (const id of ids) {
      const task = taskOf.get(id);
      if (!task) continue;
      const userIds = await taskRecipients(tx, task);
      const params = kind === 'TASK_URGED' ? { actorName: actorName(change.audit.actorId) } : {};
      notices.push({ eventKey: `${key}:${suffix}:${id}`, kind, userIds, projectId: task.projectId, taskId: task.id, title: task.title, params, at });
    }
  }
  const d = change.decision;
  if (d) {
    const [project, task] = await Promise.all([
      tx.project.findUnique({ where: { id: d.projectId }, select: { proposerId: true } }),
      tx.task.findUnique({ where: { id: d.taskId }, select: { title: true } }),
    ]);
    const userIds = project && project.proposerId !== d.actorId ? [project.proposerId] : [];
    notices.push({
      eventKey: `${key}:decision:${d.taskId}`,
      kind: 'DECISION',
      userIds,
      projectId: d.projectId,
      taskId: d.taskId,
      title: task?.title ?? '',
      params: { action: d.action, actorName: actorName(d.actorId) },
      at,
    });
  }
  await enqueueNotices(tx, notices);
}
