import type { TPrisma } from '../src/db/prisma';
import { notifyTasksOpened } from '../src/notifications/notify-task-opened';
import { writeAuditEvent } from '../src/audit/write-audit-event';
import { checkAuditPayload } from '../src/domain/audit/audit-events';
import type { Prisma, Role } from '../src/generated/prisma/client';
import { decidingRoleHolders } from './review-opening';
import {
  CORRECTIVE_MEASURE_TASK_KIND,
  correctiveMeasureTasks,
  FALLBACK_MEASURE_ROLE,
  MEASURE_ROLE_BY_LEVEL,
} from '../src/domain/fault-tolerance/corrective-measure-tasks';
import type { TOfficialRecordEffect } from '../src/domain/fault-tolerance/official-record-effect';
import { closedTaskStatus, REVIEW_STEP_TASK_KINDS, reviewStepTasks } from '../src/domain/fault-tolerance/review-step-tasks';
import type { TReviewContext } from '../src/domain/fault-tolerance/schemas';

/** The case row as the workflow computed it after a transition (ReviewCase). */
export interface TReviewCaseRow {
  id: string;
  workflowId: string;
  stage: string;
  outcome: string | null;
  countyId: string;
  county: string;
  projectIds: string[];
  concernedOfficials: Array<{ userId: string; name: string; post?: string }>;
  matter: string;
  triggerType: string;
  openedById: string;
  context: object;
  seq: number;
  openedAt: number;
  decidedAt: number | null;
  closedAt: number | null;
}

export interface TReviewActionRow {
  requestId: string;
  seq: number;
  type: string;
  actorId: string;
  role: string | null;
  stageBefore: string;
  stageAfter: string;
  payload: object;
}

export interface TRecordReviewChange {
  /** Epoch ms of the change (the workflow's clock). */
  at: number;
  caseRow: TReviewCaseRow;
  action: TReviewActionRow;
  /** Written once the result is final (结果运用): one per concerned official. */
  officialRecords: TOfficialRecordEffect[];
}

type TTx = Parameters<Parameters<TPrisma['$transaction']>[0]>[0];

/**
 * An application uses the applicant's open eligibilities for the case's projects and trigger
 * (review-eligibility.ts): they point at the case, and the REVIEW_ELIGIBLE notices leave the inbox.
 * Eligibilities already used by another case, or whose window had closed, stay as they are.
 */
async function useEligibility(tx: TTx, u: { caseId: string; applicantId: string; projectIds: string[]; trigger: string; at: Date }) {
  const where = { userId: u.applicantId, projectId: { in: u.projectIds }, trigger: u.trigger, caseId: null, closesAt: { gt: u.at } };
  const open = await tx.reviewEligibility.findMany({ where, select: { taskId: true } });
  if (open.length === 0) return;
  await tx.reviewEligibility.updateMany({ where, data: { caseId: u.caseId, appliedAt: u.at } });
  await tx.task.updateMany({
    where: { id: { in: open.map((e) => e.taskId) }, status: 'PENDING' },
    data: { status: 'DONE', outcome: 'APPLIED', assigneeId: u.applicantId, completedAt: u.at, updatedAt: u.at },
  });
}

/**
 * 纠错 tracked to completion: when the result becomes final, each corrective measure of the final
 * decision becomes a Task in the responsible org unit's inbox (corrective-measure-tasks.ts), due
 * when the measure is due. A measure about a project this database does not hold (a case opened by
 * hand about a project from before Bangfu) cannot carry a task; its audit event says so.
 */
async function openMeasureTasks(tx: TTx, row: TReviewCaseRow, at: Date) {
  const specs = correctiveMeasureTasks({ context: row.context as TReviewContext, workflowId: row.workflowId, countyOrgUnitId: row.countyId });
  if (specs.length === 0) return;
  const units = await tx.orgUnit.findMany({ where: { id: { in: [...new Set(specs.map((m) => m.orgUnitId))] } } });
  const projects = new Set((await tx.project.findMany({ where: { id: { in: specs.map((m) => m.projectId) } }, select: { id: true } })).map((p) => p.id));
  const tracked = specs.flatMap((m) => {
    const unit = units.find((u) => u.id === m.orgUnitId);
    if (!unit || !projects.has(m.projectId)) return [];
    return [{ ...m, unit, role: m.role ?? MEASURE_ROLE_BY_LEVEL[unit.level] ?? FALLBACK_MEASURE_ROLE }];
  });
  await tx.task.createMany({
    data: tracked.map((m) => ({
      id: m.taskId,
      projectId: m.projectId,
      workflowId: row.workflowId,
      stepKey: `measure:${m.measureId}`,
      kind: CORRECTIVE_MEASURE_TASK_KIND,
      title: m.title,
      candidateRole: m.role,
      candidateOrgUnitId: m.unit.id,
      candidateOrgPath: m.unit.path,
      dueAt: new Date(m.dueAt),
      createdAt: at,
    })),
    skipDuplicates: true,
  });
  // The outbox: the responsible units are told in this transaction (src/notifications).
  await notifyTasksOpened(
    tx,
    tracked.map((m) => ({ id: m.taskId, projectId: m.projectId, title: m.title, candidateRole: m.role, candidateOrgPath: m.unit.path })),
    at,
  );
  await writeAuditEvent(tx, {
    eventKey: `review-measures:${row.id}`,
    at,
    action: 'CORRECTIVE_MEASURES_OPENED',
    entityType: 'ReviewCase',
    entityId: row.id,
    details: {
      tasks: tracked.map((m) => ({ taskId: m.taskId, measureId: m.measureId, orgUnitId: m.unit.id, role: m.role, dueAt: new Date(m.dueAt).toISOString() })),
      untracked: specs
        .filter((m) => !tracked.some((t) => t.taskId === m.taskId))
        .map((m) => ({ measureId: m.measureId, projectId: m.projectId, orgUnitId: m.orgUnitId })),
    },
  });
}

/**
 * The case's inbox brought in line with its stage (review-step-tasks.ts): tasks the case now waits
 * on are created under deterministic ids (skipDuplicates), pending ones it no longer waits on are
 * closed, DONE for whoever did the step, CANCELLED for the rest. Tasks hang on a project of the
 * case that this database holds (Task.projectId); a case only about projects from before Bangfu
 * has no inbox tasks, and its first change records that in an audit event.
 */
async function syncStepTasks(tx: TTx, row: TReviewCaseRow, actorId: string, at: Date) {
  const context = row.context as TReviewContext;
  const appealCandidateIds = row.stage === 'appeal' ? await disciplineOver(tx, row.countyId) : [];
  const wanted = reviewStepTasks({ context, stage: row.stage, workflowId: row.workflowId, appealCandidateIds });
  const open = await tx.task.findMany({
    where: { workflowId: row.workflowId, kind: { in: [...REVIEW_STEP_TASK_KINDS] }, status: 'PENDING' },
    select: { id: true, kind: true, candidateUserId: true },
  });
  const keep = new Set(wanted.map((w) => w.taskId));
  for (const t of open.filter((o) => !keep.has(o.id))) {
    const userId = t.candidateUserId ?? '';
    const status = closedTaskStatus({ kind: t.kind, userId, actorId, context });
    await tx.task.updateMany({
      where: { id: t.id, status: 'PENDING' },
      // The outcome is the stage the case moved on to; a DONE task is credited to the person it was addressed to.
      data: { status, outcome: row.stage, completedAt: at, updatedAt: at, ...(status === 'DONE' ? { assigneeId: userId } : {}) },
    });
  }
  if (wanted.length === 0) return;
  const project = await tx.project.findFirst({ where: { id: { in: row.projectIds } }, select: { id: true }, orderBy: { id: 'asc' } });
  if (!project) {
    await writeAuditEvent(tx, {
      eventKey: `review-inbox-untracked:${row.id}`,
      at,
      action: 'INBOX_TASKS_UNTRACKED',
      entityType: 'ReviewCase',
      entityId: row.id,
      details: { projectIds: row.projectIds, reason: 'no project of the case in this database' },
    });
    return;
  }
  await tx.task.createMany({
    data: wanted.map((w) => ({
      id: w.taskId,
      projectId: project.id,
      workflowId: row.workflowId,
      stepKey: w.stepKey,
      kind: w.kind,
      title: w.title,
      candidateUserId: w.userId,
      createdAt: at,
    })),
    skipDuplicates: true,
  });
  await notifyTasksOpened(
    tx,
    wanted.map((w) => ({ id: w.taskId, projectId: project.id, title: w.title, candidateUserId: w.userId })),
    at,
  );
}

/** Users holding the deciding body's role over the county (at the county or above it). */
async function disciplineOver(tx: TTx, countyId: string): Promise<string[]> {
  const county = await tx.orgUnit.findUnique({ where: { id: countyId }, select: { path: true } });
  if (!county) return [];
  return [...new Set((await decidingRoleHolders(tx, county.path)).map((h) => h.userId))].sort();
}

/**
 * One applied action of a review, in one transaction. The audit event (`review:<case>:<requestId>`)
 * and the ReviewAction (unique requestId) are inserted with skipDuplicates, so a retried activity
 * writes once; the case row is updated only when this change is newer than what it holds (seq),
 * so a late retry never rolls the stage back.
 */
async function recordReviewChange(prisma: TPrisma, change: TRecordReviewChange): Promise<{ firstTime: boolean }> {
  const at = new Date(change.at);
  const row = change.caseRow;
  const state = {
    stage: row.stage,
    outcome: row.outcome,
    context: row.context as Prisma.InputJsonValue,
    seq: row.seq,
    decidedAt: row.decidedAt === null ? null : new Date(row.decidedAt),
    closedAt: row.closedAt === null ? null : new Date(row.closedAt),
  };
  return prisma.$transaction(async (tx) => {
    await tx.reviewCase.upsert({
      where: { id: row.id },
      create: {
        id: row.id,
        workflowId: row.workflowId,
        countyId: row.countyId,
        county: row.county,
        projectIds: row.projectIds,
        concernedUserIds: row.concernedOfficials.map((o) => o.userId),
        concernedOfficials: row.concernedOfficials as Prisma.InputJsonValue,
        matter: row.matter,
        triggerType: row.triggerType,
        openedById: row.openedById,
        openedAt: new Date(row.openedAt),
        ...state,
      },
      update: {},
    });
    await tx.reviewCase.updateMany({ where: { id: row.id, seq: { lt: row.seq } }, data: state });
    // Only the newest change shapes the inbox: a late retry of an older one must not reopen tasks.
    const current = await tx.reviewCase.findUniqueOrThrow({ where: { id: row.id }, select: { seq: true } });
    const a = change.action;
    const inserted = await tx.reviewAction.createMany({
      data: [
        {
          id: `${row.id}:${a.seq}`,
          caseId: row.id,
          requestId: a.requestId,
          seq: a.seq,
          type: a.type,
          actorId: a.actorId,
          role: a.role as Role,
          stageBefore: a.stageBefore,
          stageAfter: a.stageAfter,
          payload: a.payload as Prisma.InputJsonValue,
          at,
        },
      ],
      skipDuplicates: true,
    });
    await writeAuditEvent(tx, {
      eventKey: `review:${row.id}:${a.requestId}`,
      at,
      actorId: a.actorId,
      role: a.role,
      entityType: 'ReviewCase',
      entityId: row.id,
      requestId: a.requestId,
      // The type comes from the review machine as a string: checked against the catalogue here.
      ...checkAuditPayload({ action: `REVIEW_${a.type}`, details: { seq: a.seq, stageBefore: a.stageBefore, stageAfter: a.stageAfter, outcome: row.outcome } }),
    });
    if (a.type === 'APPLY' && inserted.count === 1)
      await useEligibility(tx, { caseId: row.id, applicantId: a.actorId, projectIds: row.projectIds, trigger: row.triggerType, at });
    if (current.seq === row.seq) await syncStepTasks(tx, row, a.actorId, at);
    if (change.officialRecords.length > 0) await openMeasureTasks(tx, row, at);
    for (const effect of change.officialRecords) {
      const data = {
        outcome: effect.outcome,
        decidedAt: new Date(effect.decidedAt),
        noNegativeEffect: effect.noNegativeEffect,
        impactPeriodEndsAt: effect.impactPeriodEndsAt === undefined ? null : new Date(effect.impactPeriodEndsAt),
        correctiveMeasures: effect.correctiveMeasures as Prisma.InputJsonValue,
        summaryZh: effect.summaryZh,
      };
      await tx.officialRecord.upsert({
        where: { caseId_officialId: { caseId: row.id, officialId: effect.officialId } },
        create: { id: `${row.id}:${effect.officialId}`, caseId: row.id, officialId: effect.officialId, ...data },
        update: data,
      });
    }
    return { firstTime: inserted.count === 1 };
  });
}

export function createReviewActivities({ prisma }: { prisma: TPrisma }) {
  return {
    recordReviewChange: (change: TRecordReviewChange) => recordReviewChange(prisma, change),
  };
}
