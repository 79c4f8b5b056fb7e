import { coveringPathsOf, holdsRoleOver, type TActor } from './actor';
import type { TRole } from './roles';

/** The Task fields that say whom a task is addressed to (a Task row has them all). */
export interface TTaskAddress {
  candidateRole: string | null;
  candidateOrgPath: string | null;
  candidateUserId: string | null;
  claimedBy?: string | null;
}

/**
 * Whom a task is addressed to, the one rule behind the inbox's pending view and the people told of
 * a task: a named user; else, once claimed, whoever claimed it; else the candidate group, every
 * holder of the candidate role at the task's unit or a unit above it (a role granted at the county
 * covers a township's task). A task with neither is addressed to nobody.
 *
 * The inbox shows a claimed group task to the whole group (others see it claimed and cannot act),
 * so it asks with `claimedBy` left out; notifications go to the claimer alone.
 */
export type TTaskAudience = { kind: 'user'; userId: string } | { kind: 'group'; role: TRole; orgPath: string; coveringPaths: string[] } | { kind: 'nobody' };

export function taskAudience(task: TTaskAddress): TTaskAudience {
  if (task.candidateUserId) return { kind: 'user', userId: task.candidateUserId };
  if (task.claimedBy) return { kind: 'user', userId: task.claimedBy };
  if (!task.candidateRole || !task.candidateOrgPath) return { kind: 'nobody' };
  return { kind: 'group', role: task.candidateRole as TRole, orgPath: task.candidateOrgPath, coveringPaths: coveringPathsOf(task.candidateOrgPath) };
}

/** Whether a task is addressed to this actor: the predicate the inbox's SQL and the recipients' query each answer in bulk. */
export function isAddressedTo(task: TTaskAddress, actor: Pick<TActor, 'userId' | 'roles'>): boolean {
  const audience = taskAudience(task);
  if (audience.kind === 'user') return audience.userId === actor.userId;
  if (audience.kind === 'group') return holdsRoleOver(actor, audience.role, audience.orgPath);
  return false;
}
