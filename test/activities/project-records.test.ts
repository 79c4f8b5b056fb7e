import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { seedDemoCounty } from '../../src/seed/demo-county';
import { createTestDatabase } from '../support/db';
import { sampleProposal } from '../support/stack';
import type { TProjectLifecycleInput } from '../../workflows/messages/project';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let acts: ReturnType<typeof createActivities>;
const env = new MockActivityEnvironment();

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoCounty(db.prisma, 'irrelevant-password');
  acts = createActivities({ prisma: db.prisma });
});
afterAll(async () => {
  await db?.drop();
});

function input(projectId: string): TProjectLifecycleInput {
  return {
    projectId,
    requestId: `req-${projectId}`,
    proposal: sampleProposal() as TProjectLifecycleInput['proposal'],
    proposer: { userId: 'u-village', roles: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-taoyuan', orgPath: '/c-qingshan/t-hexi/v-taoyuan/' }] },
    county: { id: 'c-qingshan', name: '青山县', path: '/c-qingshan/' },
    township: { id: 't-hexi', name: '河西镇', path: '/c-qingshan/t-hexi/' },
    village: { id: 'v-taoyuan', name: '桃源村', path: '/c-qingshan/t-hexi/v-taoyuan/' },
  };
}

const task = (projectId: string, n: number) => ({
  id: `project-${projectId}:TOWNSHIP_REVIEW:${n}`,
  projectId,
  workflowId: `project-${projectId}`,
  kind: 'TOWNSHIP_REVIEW',
  title: '乡镇审核',
  candidateRole: 'TOWNSHIP_REVIEWER',
  candidateOrgUnitId: 't-hexi',
  candidateOrgPath: '/c-qingshan/t-hexi/',
});

describe('project record activities (real PostgreSQL)', () => {
  it('registerProject run twice (a retry) writes one project, one task, one audit event', async () => {
    const args = { input: input('p1'), workflowId: 'project-p1', stage: 'TOWNSHIP_REVIEW', firstTask: task('p1', 1) };
    await env.run(acts.registerProject, args);
    await env.run(acts.registerProject, args);
    expect(await db.prisma.project.count({ where: { id: 'p1' } })).toBe(1);
    expect(await db.prisma.task.count({ where: { projectId: 'p1' } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { entityId: 'p1' } })).toBe(1);
    const p = await db.prisma.project.findUniqueOrThrow({ where: { id: 'p1' } });
    expect(p.budgetFen).toBe(50_000_000n);
    expect(p.orgPath).toBe('/c-qingshan/t-hexi/v-taoyuan/');
  });

  it('recordStepChange run twice (a retry) writes one decision, one audit event, one set of task rows', async () => {
    await env.run(acts.registerProject, { input: input('p2'), workflowId: 'project-p2', stage: 'TOWNSHIP_REVIEW', firstTask: null });
    const stepWf = 'project-p2:step:township-review:1';
    const row = {
      id: `${stepWf}:township-review#1`,
      projectId: 'p2',
      workflowId: stepWf,
      stepId: 'township-review',
      mode: 'SEQUENTIAL',
      kind: 'TOWNSHIP_REVIEW',
      title: '乡镇审核',
      candidateRole: 'TOWNSHIP_REVIEWER',
      candidateOrgUnitId: 't-hexi',
      candidateOrgPath: '/c-qingshan/t-hexi/',
      candidateUserId: null,
      claimedBy: null,
      dueAt: Date.UTC(2026, 11, 1),
    };
    // The task opens...
    const open = {
      at: Date.UTC(2026, 10, 28),
      rows: [{ ...row, status: 'PENDING' as const, outcome: null, assigneeId: null }],
      audit: {
        eventKey: `approval:${stepWf}:open`,
        entityType: 'ApprovalStep' as const,
        actorId: null,
        role: null,
        orgUnitId: null,
        // Actions and details from the audit catalogue: the write path refuses others.
        action: 'STEP_ACTIVATED' as 'STEP_ACTIVATED' | 'TASK_APPROVE',
        taskId: row.id,
        requestId: 'open',
        comment: null,
        details: { stepId: 'township-review', mode: 'SEQUENTIAL', candidates: [] } as object,
      },
      decision: null,
      cc: null,
      urgedTaskIds: [],
      remindedTaskIds: [],
      escalatedTaskIds: [],
    };
    await env.run(acts.recordStepChange, open);
    // ...and is approved, the activity running twice as after a worker crash.
    const approve = {
      ...open,
      at: Date.UTC(2026, 10, 29),
      rows: [{ ...row, status: 'DONE' as const, outcome: 'APPROVED', assigneeId: 'u-township' }],
      audit: {
        ...open.audit,
        eventKey: `approval:${stepWf}:req-approve-1`,
        entityType: 'Task' as const,
        actorId: 'u-township',
        role: 'TOWNSHIP_REVIEWER',
        orgUnitId: 't-hexi',
        action: 'TASK_APPROVE' as const,
        requestId: 'req-approve-1',
        details: { stepId: 'township-review', type: 'APPROVE' },
        comment: '同意',
      },
      decision: {
        requestId: 'req-approve-1',
        taskId: row.id,
        projectId: 'p2',
        actorId: 'u-township',
        role: 'TOWNSHIP_REVIEWER',
        orgUnitId: 't-hexi',
        action: 'approve',
        comment: '同意',
        attachments: null,
        stageBefore: 'TOWNSHIP_REVIEW',
        stageAfter: 'APPROVED',
        nextTaskId: null,
        result: { ok: true },
      },
    };
    const first = (await env.run(acts.recordStepChange, approve)) as { firstTime: boolean };
    const again = (await env.run(acts.recordStepChange, approve)) as { firstTime: boolean };
    expect(first.firstTime).toBe(true);
    expect(again.firstTime).toBe(false);
    expect(await db.prisma.decision.count({ where: { projectId: 'p2' } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { requestId: 'req-approve-1' } })).toBe(1);
    expect(await db.prisma.task.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'DONE', outcome: 'APPROVED', assigneeId: 'u-township' });
    expect(await db.prisma.task.count({ where: { projectId: 'p2' } })).toBe(1);
  });

  it('the audit log refuses UPDATE and DELETE at the database', async () => {
    const before = await db.prisma.auditEvent.count();
    await expect(db.prisma.auditEvent.updateMany({ data: { action: 'TAMPERED' } })).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await db.prisma.auditEvent.count()).toBe(before);
    expect(await db.prisma.auditEvent.count({ where: { action: 'TAMPERED' } })).toBe(0);
  });
});
