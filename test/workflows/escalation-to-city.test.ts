import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import type { TActor } from '../../src/domain/actor';
import type { TRole } from '../../src/domain/roles';
import { buildApp } from '../../src/http/app';
import type { projectLifecycle } from '../../workflows/project-lifecycle';
import type { TProjectLifecycleInput } from '../../workflows/messages/project';
import { approvalActUpdate } from '../../workflows/messages/approval-step';
import { PASSED_CHECKS, sampleProposal } from '../support/proposal';
import { startTimeSkippingWorker, type TTimeSkippingWorker } from './fault-tolerance-time-skipping';

/**
 * Issue #17: a county-level task of a county under a city (白水县 under 东川市 in the demo province)
 * escalates to the same role at the city once it runs past its deadline. The city official's inbox
 * lists it and the city official decides it; the county official of the same role no longer can.
 * A root county's task (青山县) still has nowhere to go: test/workflows/approval-deadline.test.ts.
 */
const HOUR = 60 * 60 * 1000;
let s: TTimeSkippingWorker;
let app: FastifyInstance;
const actors: Record<string, TActor> = {};

beforeAll(async () => {
  s = await startTimeSkippingWorker('levels-escalation');
  for (const [username, token] of Object.entries(s.tokens)) actors[username] = (await actorForToken(s.db.prisma, token))!;
  const config = loadConfig({ TEMPORAL_TASK_QUEUE: s.taskQueue, DATABASE_URL: s.db.url, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  app = await buildApp({ config, prisma: s.db.prisma, temporal: s.env.client });
}, 180_000);
afterAll(async () => {
  await app?.close();
  await s?.close();
});

const unit = (id: string) => s.db.prisma.orgUnit.findUniqueOrThrow({ where: { id }, select: { id: true, name: true, path: true } });
const pending = (projectId: string, kind: string, role: TRole) =>
  s.db.prisma.task.findFirst({ where: { projectId, kind, candidateRole: role, status: 'PENDING' }, orderBy: { id: 'desc' } });
async function pendingTask(projectId: string, kind: string, role: TRole, orgUnitId: string) {
  await expect.poll(async () => (await pending(projectId, kind, role))?.candidateOrgUnitId, { timeout: 20_000 }).toBe(orgUnitId);
  return (await pending(projectId, kind, role))!;
}
const decision = (username: string, taskId: string) =>
  app.inject({
    method: 'POST',
    url: `/api/tasks/${encodeURIComponent(taskId)}/decision`,
    headers: { authorization: `Bearer ${s.tokens[username]}` },
    payload: { action: 'approve', requestId: `req-${crypto.randomUUID()}` },
  });
const inboxIds = async (username: string) => {
  const res = await app.inject({ method: 'GET', url: '/api/tasks?pageSize=100', headers: { authorization: `Bearer ${s.tokens[username]}` } });
  expect(res.statusCode).toBe(200);
  return (res.json() as { items: Array<{ id: string }> }).items.map((t) => t.id);
};

describe('escalation from a county to its city (time-skipping server)', () => {
  it('a county joint-review task past its deadline goes to 东川市乡村振兴局, which decides it; 白水县农业农村局 no longer can', async () => {
    const projectId = `lv-${crypto.randomBytes(5).toString('hex')}`;
    const input: TProjectLifecycleInput = {
      projectId,
      requestId: `req-${projectId}`,
      proposal: sampleProposal({ name: '清泉村茶园提升', fiscalYear: 2027 }) as TProjectLifecycleInput['proposal'],
      proposer: actors.bsvillage!,
      county: await unit('c-baishui'),
      township: await unit('t-baishui'),
      village: await unit('v-qingquan'),
      publicity: { villageDays: 0, townshipDays: 0, acceptanceDays: 0 },
      settings: { approvalTiming: { reminderAfterHours: 2, escalateAfterHours: 4, urgeIntervalHours: 1 } },
    };
    await s.env.client.workflow.start<typeof projectLifecycle>('projectLifecycle', {
      workflowId: `project-${projectId}`,
      taskQueue: s.taskQueue,
      args: [input],
    });
    await expect
      .poll(async () => (await s.db.prisma.project.findUnique({ where: { id: projectId } }))?.orgPath, { timeout: 20_000 })
      .toBe('/p-demo/m-dongchuan/c-baishui/t-baishui/v-qingquan/');

    const review = await pendingTask(projectId, 'TOWNSHIP_REVIEW', 'TOWNSHIP_REVIEWER', 't-baishui');
    await s.env.client.workflow.getHandle(review.workflowId).executeUpdate(approvalActUpdate, {
      args: [{ requestId: `req-${crypto.randomUUID()}`, taskId: review.id, actor: actors.bstownship!, action: { type: 'APPROVE', checks: PASSED_CHECKS } }],
    });

    // The joint review's agriculture task sits at the county, with the county's full path.
    const atCounty = await pendingTask(projectId, 'COUNTY_JOINT_REVIEW', 'COUNTY_AGRICULTURE', 'c-baishui');
    expect(atCounty.candidateOrgPath).toBe('/p-demo/m-dongchuan/c-baishui/');
    expect(await inboxIds('bsagri')).toContain(atCounty.id);

    await s.env.sleep(4 * HOUR + 60_000);
    const atCity = await pendingTask(projectId, 'COUNTY_JOINT_REVIEW', 'COUNTY_AGRICULTURE', 'm-dongchuan');
    expect(atCity).toMatchObject({ candidateOrgPath: '/p-demo/m-dongchuan/', status: 'PENDING' });
    expect(await s.db.prisma.task.findUniqueOrThrow({ where: { id: atCounty.id } })).toMatchObject({ status: 'DONE', outcome: 'ESCALATED' });
    expect(await s.db.prisma.auditEvent.count({ where: { entityId: atCounty.id, action: 'TASK_DEADLINE_EXPIRED' } })).toBe(1);

    // The city's official sees it; the county's official of the same role neither sees nor decides it.
    expect(await inboxIds('cityagri')).toContain(atCity.id);
    expect(await inboxIds('bsagri')).not.toContain(atCity.id);
    const refused = await decision('bsagri', atCity.id);
    expect(refused.statusCode).toBe(403);
    expect(await s.db.prisma.decision.count({ where: { taskId: atCity.id } })).toBe(0);

    // The task page names the department at its level: the city's 市乡村振兴局, the county's 县农业农村局.
    const matter = await app.inject({
      method: 'GET',
      url: `/api/web/tasks/${encodeURIComponent(atCity.id)}`,
      headers: { authorization: `Bearer ${s.tokens.cityagri}` },
    });
    expect(matter.statusCode, matter.body).toBe(200);
    const signers = (matter.json() as { signers: Array<{ taskId: string; candidate: { roleTitle: string | null; orgUnitName: string | null } }> }).signers;
    expect(signers.find((t) => t.taskId === atCity.id)?.candidate).toMatchObject({ roleTitle: '市乡村振兴局', orgUnitName: '东川市' });

    const decided = await decision('cityagri', atCity.id);
    expect(decided.statusCode).toBe(200);
    await expect.poll(async () => (await s.db.prisma.task.findUniqueOrThrow({ where: { id: atCity.id } })).status, { timeout: 20_000 }).toBe('DONE');
    expect(await s.db.prisma.decision.findFirstOrThrow({ where: { taskId: atCity.id } })).toMatchObject({
      actorId: actors.cityagri!.userId,
      action: 'approve',
    });
  });
});
