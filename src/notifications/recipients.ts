import type { Role } from '../generated/prisma/client';
import { taskAudience, type TTaskAddress } from '../domain/task-audience';
import type { TNoticeTx } from './enqueue-notices';

export type { TTaskAddress };

/**
 * The people a task is addressed to (`taskAudience`, src/domain), found in the database: for a
 * candidate group, every active holder of the role at one of the units covering the task's unit.
 * test/api/inbox.test.ts checks the answer against `isAddressedTo` and the inbox's pending view.
 */
export async function taskRecipients(tx: TNoticeTx, task: TTaskAddress): Promise<string[]> {
  const audience = taskAudience(task);
  if (audience.kind === 'user') return [audience.userId];
  if (audience.kind === 'nobody') return [];
  const grants = await tx.roleAssignment.findMany({
    where: { role: audience.role as Role, orgUnit: { path: { in: audience.coveringPaths } }, user: { active: true } },
    select: { userId: true },
    orderBy: { userId: 'asc' },
  });
  return [...new Set(grants.map((g) => g.userId))];
}
