import type { Role } from '../generated/prisma/client';
import { coveringPathsOf } from '../domain/actor';
import type { TNoticeTx } from './enqueue-notices';

/** The Task fields that say who may act on it. */
export interface TTaskAddress {
  candidateRole: string | null;
  candidateOrgPath: string | null;
  candidateUserId: string | null;
  claimedBy?: string | null;
}

/**
 * The people a task is addressed to, as the inbox shows it: the named user, else whoever claimed
 * it, else every active holder of the candidate role at its org unit or an ancestor (a role scoped
 * at the county sees a township's task).
 */
export async function taskRecipients(tx: TNoticeTx, task: TTaskAddress): Promise<string[]> {
  if (task.candidateUserId) return [task.candidateUserId];
  if (task.claimedBy) return [task.claimedBy];
  if (!task.candidateRole || !task.candidateOrgPath) return [];
  const paths = coveringPathsOf(task.candidateOrgPath);
  const grants = await tx.roleAssignment.findMany({
    where: { role: task.candidateRole as Role, orgUnit: { path: { in: paths } }, user: { active: true } },
    select: { userId: true },
    orderBy: { userId: 'asc' },
  });
  return [...new Set(grants.map((g) => g.userId))];
}
