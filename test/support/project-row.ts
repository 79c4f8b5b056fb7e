import type { Prisma } from '../../src/generated/prisma/client';

/**
 * The data of a Project row in 桃源村 (河西镇, 青山县) with a ¥10,000 budget, waiting in the township
 * review, for tests of the read side and of approval steps that need a project but no lifecycle
 * workflow. `id` and `proposerId` are the caller's; anything else may be overridden.
 */
export function taoyuanProjectRow(row: { id: string; proposerId: string } & Partial<Prisma.ProjectUncheckedCreateInput>): Prisma.ProjectUncheckedCreateInput {
  return {
    workflowId: `project-${row.id}`,
    name: '桃源村茶园',
    industry: '茶叶',
    orgUnitId: 'v-taoyuan',
    countyId: 'c-qingshan',
    townshipId: 't-hexi',
    villageId: 'v-taoyuan',
    orgPath: '/c-qingshan/t-hexi/v-taoyuan/',
    budgetFen: 1_000_000n,
    stage: 'TOWNSHIP_REVIEW',
    proposal: {},
    ...row,
  };
}

/** The data of the pending township review (乡镇审核) task of such a project, open to 河西镇's reviewers. */
export function townshipReviewTaskRow(row: { id: string; projectId: string } & Partial<Prisma.TaskUncheckedCreateInput>): Prisma.TaskUncheckedCreateInput {
  return {
    workflowId: `project-${row.projectId}`,
    stepKey: 't',
    kind: 'TOWNSHIP_REVIEW',
    title: '乡镇审核',
    candidateRole: 'TOWNSHIP_REVIEWER',
    candidateOrgUnitId: 't-hexi',
    candidateOrgPath: '/c-qingshan/t-hexi/',
    ...row,
  };
}
