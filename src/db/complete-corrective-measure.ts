import type { TPrisma } from './prisma';
import { writeAuditEvent } from '../audit/write-audit-event';
import type { TActor } from '../domain/actor';
import { AppError, refusalToAppError } from '../domain/errors';
import { CORRECTIVE_MEASURE_TASK_KIND, measureCompletionGrant, measureTaskId } from '../domain/fault-tolerance';

/**
 * Completing a corrective measure (纠错整改) of a final review outcome: its task, in the responsible
 * unit's inbox, is marked done and audited in one transaction. Who may complete it is the pure
 * `measureCompletionGrant` (the inbox's role over its unit, exactly as GET /api/tasks shows it).
 * Idempotent by the audit event's key: the same sender's retry is answered with the task as done,
 * anyone else is told it is done already.
 */
export async function completeCorrectiveMeasure(
  prisma: TPrisma,
  {
    actor,
    caseId,
    measureId,
    requestId,
    note,
    evidence,
    at,
  }: { actor: TActor; caseId: string; measureId: string; requestId: string; note: string; evidence: string[]; at: Date },
) {
  const row = await prisma.reviewCase.findUnique({ where: { id: caseId }, select: { id: true, workflowId: true } });
  const task = row ? await prisma.task.findUnique({ where: { id: measureTaskId(row.workflowId, measureId) } }) : null;
  if (!row || !task || task.kind !== CORRECTIVE_MEASURE_TASK_KIND) {
    throw new AppError('NOT_FOUND', `no corrective measure ${measureId} in case ${caseId}`, [{ path: 'params.measureId', message: 'not found' }]);
  }
  const allowed = measureCompletionGrant(actor, task);
  if ('refusal' in allowed) throw refusalToAppError(allowed.refusal, 'not the responsible unit');
  const eventKey = `measure-done:${task.id}`;
  const answer = (t: { completedAt: Date | null; dueAt: Date | null; assigneeId: string | null }) => ({
    requestId,
    caseId: row.id,
    measureId,
    taskId: task.id,
    status: 'DONE' as const,
    completedAt: t.completedAt,
    completedBy: t.assigneeId,
    overdue: t.dueAt !== null && t.completedAt !== null && t.completedAt > t.dueAt,
  });
  const earlier = await prisma.auditEvent.findUnique({ where: { eventKey } });
  if (earlier) {
    if (earlier.requestId !== requestId || earlier.actorId !== actor.userId) {
      throw new AppError('TASK_NOT_PENDING', `measure ${measureId} was completed already`, [{ path: 'params.measureId', message: 'done' }]);
    }
    return { ...answer(await prisma.task.findUniqueOrThrow({ where: { id: task.id } })), replayed: true };
  }
  const { grant } = allowed;
  const done = await prisma.$transaction(async (tx) => {
    const changed = await tx.task.updateMany({
      where: { id: task.id, status: 'PENDING' },
      data: { status: 'DONE', outcome: 'COMPLETED', assigneeId: actor.userId, completedAt: at, updatedAt: at },
    });
    if (changed.count === 0)
      throw new AppError('TASK_NOT_PENDING', `measure ${measureId} is ${task.status.toLowerCase()}`, [{ path: 'params.measureId', message: task.status }]);
    await writeAuditEvent(
      tx,
      {
        eventKey,
        at,
        actorId: actor.userId,
        role: grant.role,
        orgUnitId: grant.orgUnitId,
        action: 'CORRECTIVE_MEASURE_DONE',
        entityType: 'ReviewCase',
        entityId: row.id,
        requestId,
        comment: note,
        details: { measureId, taskId: task.id, evidence, dueAt: task.dueAt?.toISOString() ?? null, overdue: task.dueAt !== null && at > task.dueAt },
      },
      { ifNew: false },
    );
    return tx.task.findUniqueOrThrow({ where: { id: task.id } });
  });
  return answer(done);
}
