import type { TPrisma } from '../src/db/prisma';
import type { Prisma, Role } from '../src/generated/prisma/client';
import { writeAuditEvent } from '../src/audit/write-audit-event';
import type { TProjectLifecycleInput } from '../workflows/messages/project';
import { notifyTasksOpened } from '../src/notifications/notify-task-opened';

export interface TTaskToOpen {
  id: string;
  projectId: string;
  workflowId: string;
  kind: string;
  title: string;
  candidateRole: string;
  candidateOrgUnitId: string;
  candidateOrgPath: string;
}

export type TTx = Parameters<Parameters<TPrisma['$transaction']>[0]>[0];

/**
 * Opens one of a project's Task rows (its step key is its kind), keyed by its deterministic id: a
 * retried activity finds the row and leaves it as it is.
 */
export async function openTask(tx: TTx, task: TTaskToOpen & { candidateUserId?: string | null; dueAt?: number | null }) {
  await tx.task.createMany({
    data: [
      {
        id: task.id,
        projectId: task.projectId,
        workflowId: task.workflowId,
        stepKey: task.kind,
        kind: task.kind,
        title: task.title,
        candidateRole: task.candidateRole as Role,
        candidateOrgUnitId: task.candidateOrgUnitId,
        candidateOrgPath: task.candidateOrgPath,
        candidateUserId: task.candidateUserId ?? null,
        dueAt: task.dueAt ? new Date(task.dueAt) : null,
      },
    ],
    skipDuplicates: true,
  });
  // The outbox: its candidates are told in the transaction that opens it (src/notifications).
  await notifyTasksOpened(tx, [task]);
}

export function createProjectActivities({ prisma }: { prisma: TPrisma }) {
  return {
    async registerProject(args: { input: TProjectLifecycleInput; workflowId: string; stage: string; firstTask: TTaskToOpen | null }) {
      const { input } = args;
      const p = input.proposal;
      await prisma.$transaction(async (tx) => {
        await tx.project.createMany({
          data: [
            {
              id: input.projectId,
              workflowId: args.workflowId,
              name: p.name,
              industry: p.industry,
              orgUnitId: p.orgUnitId,
              countyId: input.county.id,
              townshipId: input.township.id,
              villageId: input.village.id,
              orgPath: input.village.path,
              budgetFen: BigInt(p.budgetFen),
              proposerId: input.proposer.userId,
              stage: args.stage,
              proposal: p as Prisma.InputJsonValue,
            },
          ],
          skipDuplicates: true,
        });
        // Version 1 of the proposal (申报书), kept beside the revisions made while returned.
        await tx.proposalVersion.createMany({
          data: [{ projectId: input.projectId, version: 1, values: p as Prisma.InputJsonValue, authorId: input.proposer.userId }],
          skipDuplicates: true,
        });
        if (args.firstTask) await openTask(tx, args.firstTask);
        const grant = input.proposer.roles.find((g) => g.role === 'VILLAGE_COMMITTEE') ?? input.proposer.roles[0];
        await writeAuditEvent(tx, {
          eventKey: `project-proposed:${input.projectId}`,
          actorId: input.proposer.userId,
          role: grant?.role,
          orgUnitId: grant?.orgUnitId,
          action: 'PROJECT_PROPOSED',
          entityType: 'Project',
          entityId: input.projectId,
          requestId: input.requestId,
          details: { name: p.name, budgetFen: p.budgetFen, stage: args.stage },
        });
      });
    },
  };
}
