import type { TPrisma } from '../src/db/prisma';
import { writeAuditEvent } from '../src/audit/write-audit-event';
import { AppError } from '../src/domain/errors';
import { honourRefusal, refusalToAppError } from '../src/domain/fault-tolerance';

/**
 * Recording an honour (表彰奖励, POST /api/officials/:userId/honours): the facts the rule needs are
 * read here (the project's latest grade, the official's final review outcomes), the rule itself is
 * the pure `honourRefusal` (honour-eligibility.ts), and the honour and its audit event are written in
 * one transaction. A retry with the same requestId is answered with the first honour.
 */
export function createHonourRecording({ prisma }: { prisma: TPrisma }) {
  return {
    async recordHonour({
      officialId,
      project,
      title,
      awardedBy,
      requestId,
      at,
    }: {
      officialId: string;
      project: { id: string; latestGrade: string | null };
      title: string;
      awardedBy: string;
      requestId: string;
      at: number;
    }) {
      const earlier = await prisma.honour.findUnique({ where: { requestId } });
      if (earlier) return { honour: earlier, replayed: true };
      const outcomes = await prisma.officialRecord.findMany({ where: { officialId }, orderBy: { decidedAt: 'desc' } });
      const refusal = honourRefusal({
        latestGrade: project.latestGrade,
        reviewOutcomes: outcomes.map((o) => ({
          caseId: o.caseId,
          officialId,
          outcome: o.outcome,
          decidedAt: o.decidedAt.getTime(),
          impactPeriodEndsAt: o.impactPeriodEndsAt?.getTime() ?? null,
        })),
        at,
      });
      if (refusal) throw refusalToAppError(refusal);
      const honour = await prisma.$transaction(async (tx) => {
        const existing = await tx.honour.findUnique({ where: { officialId_projectId_title: { officialId, projectId: project.id, title } } });
        if (existing) throw new AppError('CONFLICT', 'this honour is already recorded', [{ path: 'body.title', message: 'duplicate' }]);
        const created = await tx.honour.create({ data: { officialId, projectId: project.id, title, awardedBy, requestId } });
        await writeAuditEvent(
          tx,
          {
            eventKey: `honour:${requestId}`,
            actorId: awardedBy,
            role: 'ADMIN',
            action: 'HONOUR_AWARDED',
            entityType: 'Honour',
            entityId: created.id,
            requestId,
            details: { officialId, projectId: project.id, title },
          },
          { ifNew: false },
        );
        return created;
      });
      return { honour, replayed: false };
    },
  };
}
