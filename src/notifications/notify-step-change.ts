import { z } from 'zod';
import { Prisma } from '../generated/prisma/client';
import { rawTable, type TPrisma } from '../db/prisma';
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
 * A step change's notices, as the decision's transaction stores them (NotificationCause.payload):
 * ids only, everything the fan-out needs to work out who is told what. Keyed by the change's audit
 * key, which a retried attempt of the same change repeats.
 */
const ZStepNoticeCause = z.object({
  at: z.number(),
  key: z.string(),
  actorId: z.string().nullable(),
  openedTaskIds: z.array(z.string()),
  urgedTaskIds: z.array(z.string()),
  remindedTaskIds: z.array(z.string()),
  escalatedTaskIds: z.array(z.string()),
  decision: z.object({ taskId: z.string(), projectId: z.string(), actorId: z.string(), action: z.string() }).nullable(),
});
type TStepNoticeCause = z.infer<typeof ZStepNoticeCause>;

/** The cause of a change's notices, or null when it concerns nobody (no task opened or touched, no decision). */
export function stepNoticeCause(change: TStepChangeForNotices, statusesBefore: Map<string, string>): TStepNoticeCause | null {
  const openedTaskIds = change.rows.filter((r) => r.status === 'PENDING' && statusesBefore.get(r.id) !== 'PENDING').map((r) => r.id);
  const cause = {
    at: change.at,
    key: change.audit.eventKey,
    actorId: change.audit.actorId,
    openedTaskIds,
    urgedTaskIds: change.urgedTaskIds,
    remindedTaskIds: change.remindedTaskIds,
    escalatedTaskIds: change.escalatedTaskIds,
    decision: change.decision && {
      taskId: change.decision.taskId,
      projectId: change.decision.projectId,
      actorId: change.decision.actorId,
      action: change.decision.action,
    },
  };
  const concernsSomeone =
    openedTaskIds.length + cause.urgedTaskIds.length + cause.remindedTaskIds.length + cause.escalatedTaskIds.length > 0 || cause.decision !== null;
  return concernsSomeone ? cause : null;
}

/**
 * Stores a change's notices in its own transaction as one row: the transactional outbox's
 * write, with none of the reads that working out the recipients takes (those ran on the approver's
 * path before, ~20 statements per decision inside the record's transaction; issue #20).
 */
export async function storeStepNoticeCause(tx: TNoticeTx, cause: TStepNoticeCause): Promise<void> {
  await tx.notificationCause.createMany({ data: [{ id: cause.key, payload: cause, createdAt: new Date(cause.at) }], skipDuplicates: true });
}

/**
 * The fan-out, run by every API process's delivery loop before it sends: claims the stored causes
 * (`FOR UPDATE SKIP LOCKED`, so two processes never take the same one), writes their notifications
 * and deliveries, and deletes them, in one transaction. A process that dies mid-way rolls it back
 * and leaves the causes for the next round; every row it writes has an id derived from the cause,
 * so nothing is written twice either way. Returns how many causes it handled.
 */
export async function fanOutNoticeCauses(prisma: TPrisma, batch: number): Promise<number> {
  // Schema-qualified: the database's schema (tests run one per file) is not on every connection's search_path.
  const table = rawTable(prisma, 'NotificationCause');
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<Array<{ id: string; payload: unknown }>>(
      Prisma.sql`SELECT "id", "payload" FROM ${table} ORDER BY "createdAt", "id" LIMIT ${batch} FOR UPDATE SKIP LOCKED`,
    );
    for (const row of claimed) await notifyStepCause(tx, ZStepNoticeCause.parse(row.payload));
    if (claimed.length > 0) await tx.notificationCause.deleteMany({ where: { id: { in: claimed.map((c) => c.id) } } });
    return claimed.length;
  });
}
/**
 * The notices of one approval-step change: each task that became PENDING goes to its candidates;
 * an urge, a reminder and an escalation to the people of the task they touched; a decision to the
 * project's proposer. Keys are the change's audit key.
 */
async function notifyStepCause(tx: TNoticeTx, change: TStepNoticeCause): Promise<void> {
  const at = new Date(change.at);
  const key = change.key;
  const notices: TNotice[] = [];
  const opened = change.openedTaskIds.map((id) => ({ id }));
  const touched = [...new Set([...change.urgedTaskIds, ...change.remindedTaskIds, ...change.escalatedTaskIds])];
  const tasks = await tx.task.findMany({
    where: { id: { in: [...new Set([...opened.map((r) => r.id), ...touched])] } },
    select: { id: true, projectId: true, title: true, candidateRole: true, candidateOrgPath: true, candidateUserId: true, claimedBy: true },
  });
  const taskOf = new Map(tasks.map((t) => [t.id, t]));
  const actorIds = [change.actorId, change.decision?.actorId].filter((id): id is string => Boolean(id));
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
      const params = kind === 'TASK_URGED' ? { actorName: actorName(change.actorId) } : {};
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
