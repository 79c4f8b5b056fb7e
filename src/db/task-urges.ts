import type { TPrisma } from './prisma';

export interface TUrger {
  userId: string;
  displayName: string | null;
}

/**
 * Who urged (催办) each task last. An urge's Decision row and the urged tasks' `lastUrgedAt` are
 * written with the same instant in one transaction (activities/approval-records.ts), so the urge
 * behind a task's mark is the project's `urge` decision of that instant.
 */
export async function lastUrgers(
  prisma: TPrisma,
  tasks: ReadonlyArray<{ id: string; projectId: string; lastUrgedAt: Date | null }>,
): Promise<Map<string, TUrger>> {
  const urged = tasks.filter((t) => t.lastUrgedAt !== null);
  const found = new Map<string, TUrger>();
  if (urged.length === 0) return found;
  const decisions = await prisma.decision.findMany({
    where: { action: 'urge', OR: urged.map((t) => ({ projectId: t.projectId, createdAt: t.lastUrgedAt! })) },
    select: { projectId: true, createdAt: true, actorId: true },
  });
  const users = await prisma.user.findMany({ where: { id: { in: [...new Set(decisions.map((d) => d.actorId))] } }, select: { id: true, displayName: true } });
  const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
  for (const t of urged) {
    const d = decisions.find((x) => x.projectId === t.projectId && x.createdAt.getTime() === t.lastUrgedAt!.getTime());
    if (d) found.set(t.id, { userId: d.actorId, displayName: nameOf.get(d.actorId) ?? null });
  }
  return found;
}
