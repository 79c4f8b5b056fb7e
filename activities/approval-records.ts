import type { TPrisma } from '../src/db/prisma';
import type { Prisma, Role } from '../src/generated/prisma/client';
import type { TApprovalEventType } from '../src/domain/approval/approval-events';
import { checkAuditPayload } from '../src/domain/audit/audit-events';
import { writeAuditEvent } from '../src/audit/write-audit-event';
import { writeStage } from './operation-records';
import { readTaskStatuses, stepNoticeCause, storeStepNoticeCause } from '../src/notifications/notify-step-change';

/** One Task row of an approval step, as the workflow computed it after a transition. */
export interface TStepTaskRow {
  id: string;
  projectId: string;
  workflowId: string;
  stepId: string;
  mode: string;
  kind: string;
  title: string;
  candidateRole: string | null;
  candidateOrgUnitId: string | null;
  candidateOrgPath: string | null;
  candidateUserId: string | null;
  status: 'PENDING' | 'WAITING' | 'SUSPENDED' | 'DONE' | 'CANCELLED';
  outcome: string | null;
  claimedBy: string | null;
  assigneeId: string | null;
  /** Epoch ms; null while the task waits its turn. */
  dueAt: number | null;
}

export interface TStepDecision {
  requestId: string;
  taskId: string;
  projectId: string;
  actorId: string;
  role: string | null;
  orgUnitId: string | null;
  action: string;
  comment: string | null;
  attachments: unknown[] | null;
  stageBefore: string;
  stageAfter: string;
  nextTaskId: string | null;
  result: object;
}

export interface TStepAudit {
  eventKey: string;
  /** 'Task' for actions on tasks (they show in the project's history); 'ApprovalStep' for bookkeeping. */
  entityType?: 'Task' | 'ApprovalStep';
  actorId: string | null;
  role: string | null;
  orgUnitId: string | null;
  /** `TASK_<event>` for the approval machine's events (the audit catalogue lists each). */
  action: `TASK_${TApprovalEventType}` | 'STEP_ACTIVATED';
  taskId: string;
  requestId: string;
  comment: string | null;
  details: object;
}

/** The project's stage, written with a hosted step's record when the decision moves it (stageVersion-guarded). */
export interface TStageWrite {
  projectId: string;
  stage: string;
  stageVersion: number;
}

export interface TRecordStepChange {
  /** Epoch ms of the change (the workflow's clock). */
  at: number;
  /** Set by a project hosting its steps: the stage the decision moved it to, in the same transaction. */
  stage?: TStageWrite | null;
  rows: TStepTaskRow[];
  audit: TStepAudit;
  decision: TStepDecision | null;
  cc: { taskId: string; projectId: string; workflowId: string; stepId: string; userIds: string[]; requestId: string } | null;
  /** Tasks an URGE reached, a reminder touched, or an expiry escalated. */
  urgedTaskIds: string[];
  remindedTaskIds: string[];
  escalatedTaskIds: string[];
}

const FINAL = new Set(['DONE', 'CANCELLED']);

/**
 * One applied action of an approval step, in one transaction. The audit event is keyed by the
 * step and the request id and written first: if it already exists the change was recorded by an
 * earlier attempt, and the counters (urge count) are not bumped twice. Task rows are upserted by
 * their deterministic ids with the state the workflow computed, so replays converge.
 */
export async function recordStepChange(prisma: TPrisma, change: TRecordStepChange): Promise<{ firstTime: boolean }> {
  const at = new Date(change.at);
  return prisma.$transaction(async (tx) => {
    const statusesBefore = await readTaskStatuses(
      tx,
      change.rows.map((r) => r.id),
    );
    for (const row of change.rows) {
      const state = {
        status: row.status,
        outcome: row.outcome,
        claimedBy: row.claimedBy,
        assigneeId: row.assigneeId,
        dueAt: row.dueAt === null ? null : new Date(row.dueAt),
        completedAt: FINAL.has(row.status) ? at : null,
        updatedAt: at,
      };
      await tx.task.upsert({
        where: { id: row.id },
        create: {
          id: row.id,
          projectId: row.projectId,
          workflowId: row.workflowId,
          stepKey: row.stepId,
          stepId: row.stepId,
          mode: row.mode,
          kind: row.kind,
          title: row.title,
          candidateRole: row.candidateRole as Role,
          candidateOrgUnitId: row.candidateOrgUnitId,
          candidateOrgPath: row.candidateOrgPath,
          candidateUserId: row.candidateUserId,
          ...state,
        },
        update: state,
      });
    }
    const { audit } = change;
    const { written: firstTime } = await writeAuditEvent(tx, {
      eventKey: audit.eventKey,
      at,
      actorId: audit.actorId,
      role: audit.role,
      orgUnitId: audit.orgUnitId,
      // The details carry the action's own fields, so they are typed only as an object: checked here.
      ...checkAuditPayload({ action: audit.action, details: audit.details }),
      entityType: audit.entityType ?? 'Task',
      entityId: audit.entityType === 'ApprovalStep' ? audit.requestId : audit.taskId,
      // The project's own audit chain, so approvals of different projects do not wait on one another.
      projectId: change.rows[0]?.projectId ?? change.decision?.projectId ?? change.stage?.projectId ?? change.cc?.projectId ?? null,
      requestId: audit.requestId,
      comment: audit.comment,
    });
    if (change.decision) {
      const d = change.decision;
      await tx.decision.createMany({
        data: [
          {
            ...d,
            role: d.role as Role,
            attachments: (d.attachments ?? undefined) as Prisma.InputJsonValue | undefined,
            result: d.result as Prisma.InputJsonValue,
            createdAt: at,
          },
        ],
        skipDuplicates: true,
      });
    }
    if (change.cc) {
      const { cc } = change;
      await tx.taskCc.createMany({
        data: cc.userIds.map((userId) => ({
          id: `${cc.workflowId}:${userId}`,
          taskId: cc.taskId,
          projectId: cc.projectId,
          workflowId: cc.workflowId,
          stepId: cc.stepId,
          userId,
          requestId: cc.requestId,
          createdAt: at,
        })),
        skipDuplicates: true,
      });
    }
    if (firstTime && change.urgedTaskIds.length > 0) {
      await tx.task.updateMany({ where: { id: { in: change.urgedTaskIds } }, data: { lastUrgedAt: at, urgeCount: { increment: 1 } } });
    }
    if (change.remindedTaskIds.length > 0) {
      await tx.task.updateMany({ where: { id: { in: change.remindedTaskIds } }, data: { remindedAt: at } });
    }
    if (change.escalatedTaskIds.length > 0) {
      await tx.task.updateMany({ where: { id: { in: change.escalatedTaskIds } }, data: { escalatedAt: at } });
    }
    if (change.stage) await writeStage(tx, change.stage.projectId, change.stage);
    // The outbox: the cause of the notices is stored in this same transaction, and the delivery
    // loop works out who is told (src/notifications/notify-step-change.ts), off the approver's path.
    const cause = firstTime ? stepNoticeCause(change, statusesBefore) : null;
    if (cause) await storeStepNoticeCause(tx, cause);
    return { firstTime };
  });
}

export function createApprovalActivities({ prisma }: { prisma: TPrisma }) {
  return {
    recordStepChange: (change: TRecordStepChange) => recordStepChange(prisma, change),

    /** The lifecycle's projection of its stage; idempotent (same value on retry). */
    async setProjectStage(args: { projectId: string; stage: string; stageVersion?: number }) {
      await writeStage(prisma, args.projectId, args);
    },
  };
}
