import type { TPrisma } from '../src/db/prisma';
import type { TOfficialRecordEffect } from '../src/domain/fault-tolerance/official-record-effect';

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
    context: row.context as never,
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
        concernedOfficials: row.concernedOfficials as never,
        matter: row.matter,
        triggerType: row.triggerType,
        openedById: row.openedById,
        openedAt: new Date(row.openedAt),
        ...state,
      },
      update: {},
    });
    await tx.reviewCase.updateMany({ where: { id: row.id, seq: { lt: row.seq } }, data: state });
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
          role: a.role as never,
          stageBefore: a.stageBefore,
          stageAfter: a.stageAfter,
          payload: a.payload as never,
          at,
        },
      ],
      skipDuplicates: true,
    });
    await tx.auditEvent.createMany({
      data: [
        {
          eventKey: `review:${row.id}:${a.requestId}`,
          at,
          actorId: a.actorId,
          role: a.role as never,
          action: `REVIEW_${a.type}`,
          entityType: 'ReviewCase',
          entityId: row.id,
          requestId: a.requestId,
          details: { seq: a.seq, stageBefore: a.stageBefore, stageAfter: a.stageAfter, outcome: row.outcome } as never,
        },
      ],
      skipDuplicates: true,
    });
    for (const effect of change.officialRecords) {
      const data = {
        outcome: effect.outcome,
        decidedAt: new Date(effect.decidedAt),
        noNegativeEffect: effect.noNegativeEffect,
        impactPeriodEndsAt: effect.impactPeriodEndsAt === undefined ? null : new Date(effect.impactPeriodEndsAt),
        correctiveMeasures: effect.correctiveMeasures as never,
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
