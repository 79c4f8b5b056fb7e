import { taskRecipients } from '../notifications/recipients';
import type { TPrisma } from './prisma';

export interface TWaitingTask {
  taskId: string;
  kind: string;
  title: string;
  /** The people the task is addressed to (taskAudience), by name. */
  people: Array<{ userId: string; displayName: string }>;
}

/** Whom each project waits for: its pending tasks, each with the names of the people it is addressed to. */
export async function waitingFor(prisma: TPrisma, projectIds: readonly string[]): Promise<Map<string, TWaitingTask[]>> {
  const tasks = await prisma.task.findMany({
    where: { projectId: { in: [...projectIds] }, status: 'PENDING' },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, projectId: true, kind: true, title: true, candidateRole: true, candidateOrgPath: true, candidateUserId: true, claimedBy: true },
  });
  const recipients = await Promise.all(tasks.map((t) => taskRecipients(prisma, t)));
  const users = await prisma.user.findMany({ where: { id: { in: [...new Set(recipients.flat())] } }, select: { id: true, displayName: true } });
  const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
  const byProject = new Map<string, TWaitingTask[]>();
  tasks.forEach((t, i) => {
    const list = byProject.get(t.projectId) ?? [];
    list.push({ taskId: t.id, kind: t.kind, title: t.title, people: recipients[i]!.map((userId) => ({ userId, displayName: nameOf.get(userId) ?? userId })) });
    byProject.set(t.projectId, list);
  });
  return byProject;
}
