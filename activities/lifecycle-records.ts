import type { TPrisma } from '../src/db/prisma';
import type { Prisma } from '../src/generated/prisma/client';
import type { TProposal } from '../src/domain/lifecycle/proposal';
import type { TOmitEach } from '../src/domain/audit/audit-events';
import { maskPhone, type TObjectionLodger } from '../src/domain/lifecycle/public-objection';
import { writeAuditEvent, type TAuditEntry } from '../src/audit/write-audit-event';
import { writeStage } from './operation-records';
import { openTask, type TTx } from './project-records';

/** Audit events are keyed by the fact they record, so a retry cannot write a second copy. */
async function audit(tx: TTx, event: TOmitEach<TAuditEntry, 'entityType'>) {
  await writeAuditEvent(tx, { ...event, entityType: 'Project' });
}

/**
 * Projections of the lifecycle's own stages (publicity, objections, pool, funding). Every write
 * is keyed by a deterministic id or the client's requestId, so an activity retried after a crash
 * finds its rows and leaves them; each writes its stage in the same transaction.
 */
export function createLifecycleActivities({ prisma }: { prisma: TPrisma }) {
  return {
    async startPublicity(args: {
      publicityId: string;
      projectId: string;
      kind: 'VILLAGE' | 'TOWNSHIP' | 'ACCEPTANCE';
      round: number;
      startsAt: number;
      endsAt: number;
      stage: string;
      stageVersion?: number;
    }) {
      await prisma.$transaction(async (tx) => {
        await tx.publicity.createMany({
          data: [
            {
              id: args.publicityId,
              projectId: args.projectId,
              kind: args.kind,
              round: args.round,
              startsAt: new Date(args.startsAt),
              endsAt: new Date(args.endsAt),
            },
          ],
          skipDuplicates: true,
        });
        await writeStage(tx, args.projectId, args);
        await audit(tx, {
          eventKey: `publicity-started:${args.publicityId}`,
          action: 'PUBLICITY_STARTED',
          entityId: args.projectId,
          details: {
            publicityId: args.publicityId,
            kind: args.kind,
            startsAt: new Date(args.startsAt).toISOString(),
            endsAt: new Date(args.endsAt).toISOString(),
          },
        });
      });
    },

    /** The period ran out without objection. */
    async endPublicity(args: { publicityId: string; projectId: string; at: number; stage: string; stageVersion?: number }) {
      await prisma.$transaction(async (tx) => {
        await tx.publicity.updateMany({ where: { id: args.publicityId, outcome: null }, data: { outcome: 'PASSED', closedAt: new Date(args.at) } });
        await writeStage(tx, args.projectId, args);
        await audit(tx, {
          eventKey: `publicity-ended:${args.publicityId}`,
          action: 'PUBLICITY_PASSED',
          entityId: args.projectId,
          details: { publicityId: args.publicityId },
        });
      });
    },

    /** An objection: the Objection row, the period closed as OBJECTED, the village's revision task. */
    async recordObjection(args: {
      requestId: string;
      projectId: string;
      workflowId: string;
      publicityId: string;
      actorId: string;
      text: string;
      /** A public objection's lodger (the board's form); absent for an official's own. */
      lodger?: TObjectionLodger;
      at: number;
      stage: string;
      resubmitTask: {
        id: string;
        kind: string;
        title: string;
        candidateRole: string;
        candidateOrgUnitId: string;
        candidateOrgPath: string;
        candidateUserId: string;
      };
    }) {
      return prisma.$transaction(async (tx) => {
        await tx.objection.createMany({
          data: [
            {
              requestId: args.requestId,
              projectId: args.projectId,
              publicityId: args.publicityId,
              actorId: args.actorId,
              text: args.text,
              lodgerName: args.lodger?.name ?? null,
              lodgerPhone: args.lodger?.phone ?? null,
              createdAt: new Date(args.at),
            },
          ],
          skipDuplicates: true,
        });
        await tx.publicity.updateMany({ where: { id: args.publicityId, outcome: null }, data: { outcome: 'OBJECTED', closedAt: new Date(args.at) } });
        const t = args.resubmitTask;
        await openTask(tx, { ...t, projectId: args.projectId, workflowId: args.workflowId });
        await tx.project.update({ where: { id: args.projectId }, data: { stage: args.stage } });
        await audit(tx, {
          eventKey: `objection:${args.requestId}`,
          actorId: args.actorId,
          action: 'OBJECTION_LODGED',
          entityId: args.projectId,
          requestId: args.requestId,
          comment: args.text,
          details: {
            publicityId: args.publicityId,
            resubmitTaskId: t.id,
            // The log is read by every auditor: the phone masked; the Objection row keeps it whole.
            ...(args.lodger ? { lodger: { name: args.lodger.name, phone: maskPhone(args.lodger.phone) } } : {}),
          },
        });
        const row = await tx.objection.findUniqueOrThrow({ where: { requestId: args.requestId } });
        return { objectionId: row.id };
      });
    },

    /** The village resubmitted after an objection: the revision task is done. */
    async closeObjectionTask(args: { taskId: string; projectId: string; actorId: string; requestId: string; at: number; stage: string }) {
      await prisma.$transaction(async (tx) => {
        await tx.task.updateMany({
          where: { id: args.taskId, status: 'PENDING' },
          data: { status: 'DONE', outcome: 'RESUBMITTED', assigneeId: args.actorId, completedAt: new Date(args.at), updatedAt: new Date(args.at) },
        });
        await tx.project.update({ where: { id: args.projectId }, data: { stage: args.stage } });
        await audit(tx, {
          eventKey: `objection-resubmitted:${args.requestId}`,
          actorId: args.actorId,
          action: 'PROJECT_RESUBMITTED',
          entityId: args.projectId,
          requestId: args.requestId,
          details: { taskId: args.taskId },
        });
      });
    },

    /**
     * 退回修改: the proposer's revised proposal, as version `version` (the one before it kept as
     * `version - 1` if a project registered before versions were kept lacks it); the Project row
     * takes the new name, industry, budget and proposal. Keyed by (project, version): a retry finds
     * its row and writes nothing twice.
     */
    async recordProposalVersion(args: {
      projectId: string;
      version: number;
      values: TProposal;
      previous: TProposal;
      authorId: string;
      proposerId: string;
      taskId: string;
      requestId: string;
      changedFields: string[];
      at: number;
    }) {
      await prisma.$transaction(async (tx) => {
        const created = await tx.proposalVersion.createMany({
          data: [
            {
              projectId: args.projectId,
              version: args.version - 1,
              values: args.previous as Prisma.InputJsonValue,
              authorId: args.proposerId,
              createdAt: new Date(args.at),
            },
            {
              projectId: args.projectId,
              version: args.version,
              values: args.values as Prisma.InputJsonValue,
              authorId: args.authorId,
              taskId: args.taskId,
              createdAt: new Date(args.at),
            },
          ],
          skipDuplicates: true,
        });
        if (created.count === 0) return;
        await tx.project.update({
          where: { id: args.projectId },
          data: {
            name: args.values.name,
            industry: args.values.industry,
            budgetFen: BigInt(args.values.budgetFen),
            proposal: args.values as Prisma.InputJsonValue,
          },
        });
        await audit(tx, {
          eventKey: `proposal-revised:${args.projectId}:${args.version}`,
          actorId: args.authorId,
          action: 'PROPOSAL_REVISED',
          entityId: args.projectId,
          requestId: args.requestId,
          details: { version: args.version, taskId: args.taskId, changedFields: args.changedFields },
        });
      });
    },

    /** 入库: the leading group approved; the project is in the pool of a fiscal year. */
    async enterPool(args: { projectId: string; fiscalYear: number; stage: string }) {
      await prisma.$transaction(async (tx) => {
        await tx.project.update({ where: { id: args.projectId }, data: { stage: args.stage } });
        await audit(tx, {
          eventKey: `pool-entered:${args.projectId}`,
          action: 'PROJECT_IN_POOL',
          entityId: args.projectId,
          details: { fiscalYear: args.fiscalYear },
        });
      });
    },

    /** 项目库 rollover: not funded by the year's end, the project waits in next year's pool. */
    async rollPoolOver(args: { projectId: string; fiscalYear: number }) {
      await prisma.$transaction(async (tx) => {
        await audit(tx, {
          eventKey: `pool-rollover:${args.projectId}:${args.fiscalYear}`,
          action: 'POOL_ROLLED_OVER',
          entityId: args.projectId,
          details: { fiscalYear: args.fiscalYear },
        });
      });
    },

    /** 资金下达: one FundAllocation per request. */
    async recordAllocation(args: {
      requestId: string;
      projectId: string;
      actorId: string;
      fiscalYear: number;
      amountFen: number;
      at: number;
      stage: string;
      payeeAccounts?: string[];
    }) {
      await prisma.$transaction(async (tx) => {
        await tx.fundAllocation.createMany({
          data: [
            {
              requestId: args.requestId,
              projectId: args.projectId,
              actorId: args.actorId,
              fiscalYear: args.fiscalYear,
              amountFen: BigInt(args.amountFen),
              createdAt: new Date(args.at),
              payeeAccounts: args.payeeAccounts ?? [],
            },
          ],
          skipDuplicates: true,
        });
        await tx.project.update({ where: { id: args.projectId }, data: { stage: args.stage } });
        await audit(tx, {
          eventKey: `funds-allocated:${args.requestId}`,
          actorId: args.actorId,
          action: 'FUNDS_ALLOCATED',
          entityId: args.projectId,
          requestId: args.requestId,
          details: { fiscalYear: args.fiscalYear, amountFen: args.amountFen, ...(args.payeeAccounts ? { payeeAccounts: args.payeeAccounts } : {}) },
        });
      });
    },
  };
}
