import type { TPrisma } from '../src/db/prisma';
import { notifyTasksOpened } from '../src/notifications/notify-task-opened';
import { writeAuditEvent } from '../src/audit/write-audit-event';
import {
  CONCERNED_APPROVAL_KINDS,
  ELIGIBILITY_BASIS_LABELS_ZH,
  eligibilityClosesAt,
  eligibilityId,
  eligibleOfficials,
  TRIGGER_LABELS_ZH,
  type TEligibilityTrigger,
} from '../src/domain/fault-tolerance';

export const REVIEW_ELIGIBLE_TASK_KIND = 'REVIEW_ELIGIBLE';

export interface TNotifyReviewEligibility {
  projectId: string;
  trigger: TEligibilityTrigger;
  /** The approved evaluation's id (POOR_GRADE) or the replacing project's id (REPLACEMENT). */
  triggerRef: string;
  /** Epoch ms of the trigger on the workflow's clock: the notification time the window counts from. */
  at: number;
  /** settings.faultTolerance.applicationWindowDays of the project's county. */
  windowDays: number;
}

/**
 * 可申请容错纠错: after a project's 差 grade is approved, or its replacement, every official concerned
 * (eligibility.ts: the proposer and the approvers of the township review, the county joint review
 * and the county approval, from the project's Decision rows) gets a ReviewEligibility row saying
 * until when they may apply, and a REVIEW_ELIGIBLE task addressed to them alone, due when the
 * window closes. Keys come from the trigger and the official, so a retried activity writes nothing
 * new; everything is one transaction with its audit event.
 */
async function notifyReviewEligibility(prisma: TPrisma, args: TNotifyReviewEligibility): Promise<{ userIds: string[]; closesAt: number }> {
  const project = await prisma.project.findUniqueOrThrow({
    where: { id: args.projectId },
    select: { id: true, name: true, workflowId: true, proposerId: true },
  });
  const approvals = await prisma.decision.findMany({
    where: { projectId: args.projectId, action: 'approve', task: { kind: { in: [...CONCERNED_APPROVAL_KINDS] } } },
    select: { actorId: true, task: { select: { kind: true } } },
  });
  const officials = eligibleOfficials({ proposerId: project.proposerId, approvals: approvals.map((a) => ({ actorId: a.actorId, taskKind: a.task.kind })) });
  const closesAt = eligibilityClosesAt({ notifiedAt: args.at, windowDays: args.windowDays });
  const rows = officials.map((o) => {
    const id = eligibilityId({ projectId: project.id, trigger: args.trigger, triggerRef: args.triggerRef, userId: o.userId });
    return { ...o, id, taskId: `review-eligible:${id}` };
  });
  await prisma.$transaction(async (tx) => {
    await tx.reviewEligibility.createMany({
      data: rows.map((r) => ({
        id: r.id,
        projectId: project.id,
        userId: r.userId,
        trigger: args.trigger,
        triggerRef: args.triggerRef,
        bases: r.bases,
        windowDays: args.windowDays,
        notifiedAt: new Date(args.at),
        closesAt: new Date(closesAt),
        taskId: r.taskId,
      })),
      skipDuplicates: true,
    });
    const titleOf = (r: (typeof rows)[number]) =>
      `可申请容错纠错（${TRIGGER_LABELS_ZH[args.trigger]}；${r.bases.map((b) => ELIGIBILITY_BASIS_LABELS_ZH[b]).join('、')}） · ${project.name}`;
    await tx.task.createMany({
      data: rows.map((r) => ({
        id: r.taskId,
        projectId: project.id,
        workflowId: project.workflowId,
        stepKey: REVIEW_ELIGIBLE_TASK_KIND,
        kind: REVIEW_ELIGIBLE_TASK_KIND,
        title: titleOf(r),
        candidateUserId: r.userId,
        dueAt: new Date(closesAt),
        createdAt: new Date(args.at),
      })),
      skipDuplicates: true,
    });
    // The outbox: each official is told in this transaction (src/notifications).
    await notifyTasksOpened(
      tx,
      rows.map((r) => ({
        id: r.taskId,
        projectId: project.id,
        title: titleOf(r),
        candidateUserId: r.userId,
      })),
      new Date(args.at),
    );
    await writeAuditEvent(tx, {
      eventKey: `review-eligible:${project.id}:${args.trigger}:${args.triggerRef}`,
      at: new Date(args.at),
      action: 'REVIEW_ELIGIBILITY_NOTIFIED',
      entityType: 'Project',
      entityId: project.id,
      details: {
        trigger: args.trigger,
        triggerRef: args.triggerRef,
        windowDays: args.windowDays,
        closesAt: new Date(closesAt).toISOString(),
        officials: rows.map((r) => ({ userId: r.userId, bases: r.bases })),
      },
    });
  });
  return { userIds: rows.map((r) => r.userId), closesAt };
}

export interface TExpireReviewEligibility {
  projectId: string;
  trigger: TEligibilityTrigger;
  triggerRef: string;
  /** Epoch ms on the workflow's clock, at or after the window closed. */
  at: number;
}

/**
 * The window of one trigger's notices has closed: every eligibility of it that no application used
 * leaves its official's inbox (the task CANCELLED, outcome EXPIRED), one audit event for the lot.
 * The eligibility rows stay: GET /api/review-eligibilities shows them closed, and a late
 * application is refused from them (APPLICATION_WINDOW_CLOSED). Idempotent: a retry finds nothing
 * pending and its audit event already written.
 */
async function expireReviewEligibility(prisma: TPrisma, args: TExpireReviewEligibility): Promise<{ expired: number }> {
  const at = new Date(args.at);
  return prisma.$transaction(async (tx) => {
    const lapsed = await tx.reviewEligibility.findMany({
      where: { projectId: args.projectId, trigger: args.trigger, triggerRef: args.triggerRef, caseId: null, closesAt: { lte: at } },
      select: { userId: true, taskId: true, closesAt: true },
      orderBy: { userId: 'asc' },
    });
    const closed = await tx.task.updateMany({
      where: { id: { in: lapsed.map((e) => e.taskId) }, status: 'PENDING' },
      data: { status: 'CANCELLED', outcome: 'EXPIRED', completedAt: at, updatedAt: at },
    });
    if (lapsed.length > 0) {
      await writeAuditEvent(tx, {
        eventKey: `review-eligible-expired:${args.projectId}:${args.trigger}:${args.triggerRef}`,
        at,
        action: 'REVIEW_ELIGIBILITY_EXPIRED',
        entityType: 'Project',
        entityId: args.projectId,
        details: { trigger: args.trigger, triggerRef: args.triggerRef, closesAt: lapsed[0]!.closesAt.toISOString(), userIds: lapsed.map((e) => e.userId) },
      });
    }
    return { expired: closed.count };
  });
}

export function createReviewEligibilityActivities({ prisma }: { prisma: TPrisma }) {
  return {
    notifyReviewEligibility: (args: TNotifyReviewEligibility) => notifyReviewEligibility(prisma, args),
    expireReviewEligibility: (args: TExpireReviewEligibility) => expireReviewEligibility(prisma, args),
  };
}
