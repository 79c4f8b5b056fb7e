/**
 * The projection floor's one activity (scenario 1): the least durable record a decision can leave
 * the way the product leaves it — one `AuditEvent` row, inserted in an interactive Prisma
 * transaction on the real database, so the hash-chain trigger (prisma/sql/audit-chain.sql) locks
 * the chain head and hashes the row as it does for every product write. Nothing else: no Task
 * upsert, no Decision row, no role or org unit lookup, no details. Served by the baseline worker
 * (bench/lib/services.ts) for `bareApprovalWithRecord` (bench/baseline-workflows.ts).
 */
import type { TPrisma } from '../src/db/prisma';

export interface TBareDecisionRecord {
  /** The bare workflow's id: with the request id, the audit event's idempotency key. */
  workflowId: string;
  requestId: string;
  taskId: string;
  actorId: string;
  /** e.g. `TASK_APPROVE`, as the approval step names it. */
  action: string;
  /** Epoch ms of the decision (the workflow's clock), as the product writes it. */
  at: number;
}

export function createFloorActivities({ prisma }: { prisma: TPrisma }) {
  return {
    /**
     * Safe on retry: the event is keyed by workflow and request id (`AuditEvent.eventKey` is
     * unique) and inserted with ON CONFLICT DO NOTHING, as recordStepChange does, so a second
     * attempt inserts nothing and the chain trigger only advances the head for a row really
     * inserted. Answers whether this attempt wrote it.
     */
    async recordBareDecision(r: TBareDecisionRecord): Promise<{ firstTime: boolean }> {
      return prisma.$transaction(async (tx) => {
        const inserted = await tx.auditEvent.createMany({
          data: [
            {
              eventKey: `bench-floor:${r.workflowId}:${r.requestId}`,
              at: new Date(r.at),
              actorId: r.actorId,
              action: r.action,
              entityType: 'Task',
              entityId: r.taskId,
              requestId: r.requestId,
            },
          ],
          skipDuplicates: true,
        });
        return { firstTime: inserted.count === 1 };
      });
    },
  };
}

export type TFloorActivities = ReturnType<typeof createFloorActivities>;
