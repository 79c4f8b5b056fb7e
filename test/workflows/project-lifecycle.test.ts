import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { sampleProposal, startTestStack, newRequestId, type TTestStack } from '../support/stack';
import { projectStateQuery, registerProjectUpdate, type TProjectLifecycleInput } from '../../workflows/messages/project';
import { SA } from '../../workflows/messages/search-attributes';
import type { projectLifecycle } from '../../workflows/project-lifecycle';
import { STATE_COUNCIL_CALENDAR, workingDaysClosesAt } from '../../src/domain/policies/working-days';

let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack({ app: false });
});
afterAll(async () => {
  await s?.close();
});

async function startProject(projectId: string, publicity: TProjectLifecycleInput['publicity'] | null = { villageDays: 0, townshipDays: 0 }) {
  const proposerId = s.userIds.village;
  const input: TProjectLifecycleInput = {
    projectId,
    requestId: newRequestId(),
    proposal: sampleProposal() as TProjectLifecycleInput['proposal'],
    proposer: { userId: proposerId, roles: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-taoyuan', orgPath: '/c-qingshan/t-hexi/v-taoyuan/' }] },
    county: { id: 'c-qingshan', name: '青山县', path: '/c-qingshan/' },
    township: { id: 't-hexi', name: '河西镇', path: '/c-qingshan/t-hexi/' },
    village: { id: 'v-taoyuan', name: '桃源村', path: '/c-qingshan/t-hexi/v-taoyuan/' },
    ...(publicity ? { publicity } : {}),
  };
  const op = new WithStartWorkflowOperation<typeof projectLifecycle>('projectLifecycle', {
    workflowId: `project-${projectId}`,
    taskQueue: s.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const registered = await s.client.workflow.executeUpdateWithStart(registerProjectUpdate, { args: [], startWorkflowOperation: op });
  return { registered, handle: await op.workflowHandle() };
}

describe('projectLifecycle workflow (real dev server)', () => {
  it('registers the project and opens the township review before answering the start', async () => {
    const projectId = `wf-${Date.now()}`;
    const { registered, handle } = await startProject(projectId);
    expect(registered.stage).toBe('TOWNSHIP_REVIEW');
    // The answer came after the projection was written: the rows exist now.
    expect(await s.prisma.project.count({ where: { id: projectId } })).toBe(1);
    const pending = await s.prisma.task.findMany({ where: { projectId, status: 'PENDING' } });
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ candidateRole: 'TOWNSHIP_REVIEWER', candidateOrgUnitId: 't-hexi' });

    const state = await handle.query(projectStateQuery);
    expect(state.stage).toBe('TOWNSHIP_REVIEW');
    const desc = await handle.describe();
    expect(desc.typedSearchAttributes.get(SA.ProjectStage)).toBe('TOWNSHIP_REVIEW');
    expect(desc.typedSearchAttributes.get(SA.County)).toBe('青山县');
    expect(desc.typedSearchAttributes.get(SA.Village)).toBe('桃源村');
  });

  it('with the county defaults the project waits out a 10-working-day village publicity before any review', async () => {
    const projectId = `wf-pub-${Date.now()}`;
    const { registered, handle } = await startProject(projectId, null);
    expect(registered).toMatchObject({ stage: 'VILLAGE_PUBLICITY', taskId: null });
    const publicity = await s.prisma.publicity.findFirstOrThrow({ where: { projectId } });
    expect(publicity).toMatchObject({ kind: 'VILLAGE', round: 1, outcome: null });
    // Ten working days on the State Council's calendar: at least two weekends, so 12 calendar days or more.
    expect(publicity.endsAt.getTime()).toBe(workingDaysClosesAt({ openedAt: publicity.startsAt.getTime(), workingDays: 10, calendar: STATE_COUNCIL_CALENDAR }));
    expect(publicity.endsAt.getTime() - publicity.startsAt.getTime()).toBeGreaterThanOrEqual(12 * 24 * 60 * 60 * 1000);
    expect(await s.prisma.task.count({ where: { projectId } })).toBe(0);
    expect((await handle.describe()).typedSearchAttributes.get(SA.ProjectStage)).toBe('VILLAGE_PUBLICITY');
    await handle.terminate('test done');
  });

  it('a second registration with the same workflow id starts nothing new', async () => {
    const projectId = `wf-dup-${Date.now()}`;
    const a = await startProject(projectId);
    const b = await startProject(projectId);
    expect(b.registered.workflowId).toBe(a.registered.workflowId);
    expect((await b.handle.describe()).runId).toBe((await a.handle.describe()).runId);
    expect(await s.prisma.project.count({ where: { id: projectId } })).toBe(1);
  });
});
