/**
 * Issue #13, item 8: a person holding two roles signed two review stages of one project (the
 * lifecycle never told a step who signed the earlier ones). Now the township reviewer who also
 * sits in the agriculture bureau approves the township review, and is refused (409 ALREADY_SIGNED,
 * nothing recorded) on the county joint review's agriculture task, which a colleague then signs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/tokens';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';
import type { Role } from '../../src/generated/prisma/client';

let s: TTestStack;
let twoHats: { id: string; token: string };

beforeAll(async () => {
  s = await startTestStack();
  const user = await s.prisma.user.create({ data: { username: 'two-hats', displayName: '双岗 李审核', passwordHash: 'x' } });
  await s.prisma.roleAssignment.createMany({
    data: [
      { userId: user.id, role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' },
      { userId: user.id, role: 'COUNTY_AGRICULTURE', orgUnitId: 'c-qingshan' },
    ],
  });
  twoHats = { id: user.id, token: await issueToken(s.prisma, user.id, 'test') };
});
afterAll(async () => {
  await s?.close();
});

const post = (token: string, url: string, payload: object) => s.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });
const decide = (token: string, taskId: string, body: object) =>
  post(token, `/api/tasks/${encodeURIComponent(taskId)}/decision`, { requestId: newRequestId(), ...body });

async function pendingTask(projectId: string, role: string) {
  let id = '';
  await expect
    .poll(async () => (id = (await s.prisma.task.findFirst({ where: { projectId, status: 'PENDING', candidateRole: role as Role } }))?.id ?? ''), {
      timeout: 15_000,
    })
    .not.toBe('');
  return id;
}

describe('nobody signs two stages of one project (forbidDoubleSigning across steps)', () => {
  it('two stages by one person with two roles: the second is refused with nothing recorded; a colleague signs it', async () => {
    const started = await post(s.tokens.village!, '/api/projects', { ...sampleProposal(), requestId: newRequestId() });
    expect(started.statusCode, started.body).toBe(201);
    const { projectId, taskId } = started.json();
    expect((await decide(twoHats.token, taskId, { action: 'approve', comment: '同意', checks: PASSED_CHECKS })).statusCode).toBe(200);

    const agriTask = await pendingTask(projectId, 'COUNTY_AGRICULTURE');
    const refused = await decide(twoHats.token, agriTask, { action: 'approve', comment: '同意' });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'ALREADY_SIGNED']);
    expect(await s.prisma.decision.count({ where: { projectId, actorId: twoHats.id } })).toBe(1);
    expect(await s.prisma.auditEvent.count({ where: { entityId: agriTask, action: 'TASK_APPROVE' } })).toBe(0);
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: agriTask } })).status).toBe('PENDING');

    expect((await decide(s.tokens.agri!, agriTask, { action: 'approve', comment: '同意' })).statusCode).toBe(200);
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: agriTask } })).assigneeId).toBe(s.userIds.agri);
  });
});
