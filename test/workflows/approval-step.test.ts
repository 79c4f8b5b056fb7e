import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/tokens';
import type { TApprovalStepConfigInput } from '../../src/domain/approval';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';
import { AGRI_SLOT, fingerprint, startStepOnNewProject, TOWNSHIP_SLOT } from './approval-support';

let s: TTestStack;
/** A second township reviewer of 河西镇, so candidate groups have two people. */
let reviewerB: { id: string; token: string };
let donglingAdminToken: string;

beforeAll(async () => {
  s = await startTestStack();
  const user = await s.prisma.user.create({ data: { username: 'township-b', displayName: '河西镇审核 钱审核', passwordHash: 'x' } });
  await s.prisma.roleAssignment.create({ data: { userId: user.id, role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' } });
  reviewerB = { id: user.id, token: await issueToken(s.prisma, user.id, 'test') };
  // Another county, for a signer from outside the project's county; and an administrator of the
  // other township of 青山县, outside 河西镇's matters.
  await s.prisma.orgUnit.createMany({
    data: [
      { id: 'c-far', name: '远山县', level: 'COUNTY', parentId: null, path: '/c-far/' },
      { id: 't-far', name: '远山镇', level: 'TOWNSHIP', parentId: 'c-far', path: '/c-far/t-far/' },
    ],
  });
  const admin = await s.prisma.user.create({
    data: { username: 'dongling-admin', displayName: '东岭乡管理员', passwordHash: 'x', homeOrgUnitId: 't-dongling' },
  });
  await s.prisma.roleAssignment.create({ data: { userId: admin.id, role: 'ADMIN', orgUnitId: 't-dongling' } });
  donglingAdminToken = await issueToken(s.prisma, admin.id, 'test');
});
afterAll(async () => {
  await s?.close();
});

const tokenOf = (who: string) => (who === 'township-b' ? reviewerB.token : who === 'dongling-admin' ? donglingAdminToken : s.tokens[who]!);
const post = (who: string, taskId: string, body: Record<string, unknown>) =>
  s.app.inject({
    method: 'POST',
    url: `/api/tasks/${encodeURIComponent(taskId)}/decision`,
    payload: { requestId: newRequestId(), ...body },
    headers: { authorization: `Bearer ${tokenOf(who)}` },
  });
const inbox = async (who: string, query = '') =>
  (await s.app.inject({ method: 'GET', url: `/api/tasks${query}`, headers: { authorization: `Bearer ${tokenOf(who)}` } })).json() as {
    items: Array<{ id: string; status: string; claimedBy: string | null }>;
    total: number;
  };

async function step(config: Partial<TApprovalStepConfigInput> = {}) {
  const started = await startStepOnNewProject({
    client: s.client,
    prisma: s.prisma,
    taskQueue: s.taskQueue,
    config: { stepId: 'review', mode: 'SEQUENTIAL', candidates: [TOWNSHIP_SLOT, AGRI_SLOT], applicantId: s.userIds.village!, ...config },
  });
  const status = async (n: number) => (await s.prisma.task.findUniqueOrThrow({ where: { id: started.taskId(n) } })).status;
  const outcome = async (n: number) => (await s.prisma.task.findUniqueOrThrow({ where: { id: started.taskId(n) } })).outcome;
  return { ...started, status, outcome };
}

async function expectOk(res: Awaited<ReturnType<typeof post>>) {
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('approval step modes (real dev server)', () => {
  it('依次 SEQUENTIAL: the second signer is WAITING until the first approves; the step returns approved', async () => {
    const st = await step();
    expect([await st.status(1), await st.status(2)]).toEqual(['PENDING', 'WAITING']);
    expect((await inbox('agri')).items.some((t) => t.id === st.taskId(2))).toBe(false);
    const first = await expectOk(await post('township', st.taskId(1), { action: 'approve', comment: '同意' }));
    expect(first).toMatchObject({ phaseAfter: 'pending', nextTaskId: st.taskId(2) });
    expect([await st.status(1), await st.status(2)]).toEqual(['DONE', 'PENDING']);
    expect((await inbox('agri')).items.some((t) => t.id === st.taskId(2))).toBe(true);
    await expectOk(await post('agri', st.taskId(2), { action: 'approve' }));
    const result = await st.handle.result();
    expect(result.outcome).toBe('approved');
    expect(result.history.map((h) => h.type)).toEqual(['APPROVE', 'APPROVE']);
    expect(await s.prisma.decision.count({ where: { projectId: st.projectId } })).toBe(2);
  });

  it('会签 COUNTERSIGN: all must approve; one rejection rejects and closes the rest', async () => {
    const both = await step({ mode: 'COUNTERSIGN' });
    expect([await both.status(1), await both.status(2)]).toEqual(['PENDING', 'PENDING']);
    await expectOk(await post('agri', both.taskId(2), { action: 'approve' }));
    expect(await both.status(1)).toBe('PENDING');
    await expectOk(await post('township', both.taskId(1), { action: 'approve' }));
    expect((await both.handle.result()).outcome).toBe('approved');

    const rej = await step({ mode: 'COUNTERSIGN' });
    const res = await expectOk(await post('township', rej.taskId(1), { action: 'reject', comment: '资金来源不清' }));
    expect(res).toMatchObject({ phaseAfter: 'rejected', nextTaskId: null });
    expect((await rej.handle.result()).outcome).toBe('rejected');
    expect([await rej.outcome(1), await rej.outcome(2)]).toEqual(['REJECTED', 'NO_LONGER_NEEDED']);
  });

  it('或签 ANY_ONE: two approvals at once, exactly one wins, the other gets 409 and records nothing', async () => {
    const st = await step({
      mode: 'ANY_ONE',
      candidates: [
        { kind: 'user', userId: s.userIds.township! },
        { kind: 'user', userId: reviewerB.id },
      ],
    });
    const [a, b] = await Promise.all([post('township', st.taskId(1), { action: 'approve' }), post('township-b', st.taskId(2), { action: 'approve' })]);
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error.code).toBe('TASK_NOT_PENDING');
    expect(await s.prisma.decision.count({ where: { projectId: st.projectId } })).toBe(1);
    // The loser left no audit event either: one approval on record, on the winner's task.
    expect(await s.prisma.auditEvent.count({ where: { entityId: { in: [st.taskId(1), st.taskId(2)] }, action: 'TASK_APPROVE' } })).toBe(1);
    expect((await st.handle.result()).outcome).toBe('approved');
    expect([await st.outcome(1), await st.outcome(2)].sort()).toEqual(['APPROVED', 'NO_LONGER_NEEDED']);
  });
});

describe('approval step actions (real dev server)', () => {
  it('return to the applicant, resubmission resumes the chain at the returning signer', async () => {
    const st = await step();
    await expectOk(await post('township', st.taskId(1), { action: 'approve' }));
    const ret = await expectOk(await post('agri', st.taskId(2), { action: 'return', comment: '补充用地手续' }));
    expect(ret.phaseAfter).toBe('returned');
    const resubmitTaskId = ret.nextTaskId as string;
    expect(resubmitTaskId).toContain(':resubmit:');
    expect(await st.status(2)).toBe('SUSPENDED');
    // Only the applicant sees the resubmission task; another village committee does not.
    expect((await inbox('village')).items.some((t) => t.id === resubmitTaskId)).toBe(true);
    expect((await inbox('village2')).items.some((t) => t.id === resubmitTaskId)).toBe(false);
    const resub = await expectOk(await post('village', resubmitTaskId, { action: 'resubmit', comment: '已补充' }));
    expect(resub).toMatchObject({ phaseAfter: 'pending', nextTaskId: st.taskId(2) });
    // The township's approval stands: the chain resumed at agriculture, not from the start.
    expect([await st.outcome(1), await st.status(2)]).toEqual(['APPROVED', 'PENDING']);
    await expectOk(await post('agri', st.taskId(2), { action: 'approve' }));
    expect((await st.handle.result()).outcome).toBe('approved');
  });

  it('transfer 转交: an ineligible target is refused with nothing changed; an eligible one gets a new task', async () => {
    const st = await step();
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const bad = await post('township', st.taskId(1), { action: 'transfer', toUserId: s.userIds.township2 });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('TRANSFER_TARGET_INELIGIBLE');
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);

    const moved = await expectOk(await post('township', st.taskId(1), { action: 'transfer', toUserId: reviewerB.id, comment: '出差' }));
    const newTaskId = moved.nextTaskId as string;
    expect(await st.outcome(1)).toBe('TRANSFERRED');
    const row = await s.prisma.task.findUniqueOrThrow({ where: { id: newTaskId } });
    expect(row).toMatchObject({ candidateUserId: reviewerB.id, status: 'PENDING' });
    expect((await inbox('township-b')).items.some((t) => t.id === newTaskId)).toBe(true);
    expect((await inbox('township')).items.some((t) => t.id === newTaskId)).toBe(false);
    await expectOk(await post('township-b', newTaskId, { action: 'approve' }));
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: newTaskId } })).outcome).toBe('APPROVED');
  });

  it('add signer 加签 before and after oneself re-orders the chain', async () => {
    const st = await step({ candidates: [TOWNSHIP_SLOT] });
    // After oneself: a colleague of the township's review group reviews too.
    const after = await expectOk(
      await post('township', st.taskId(1), { action: 'add_signer', position: 'AFTER', signer: { role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' } }),
    );
    expect(after.phaseAfter).toBe('pending');
    expect(await st.status(2)).toBe('WAITING');
    const before = await expectOk(await post('township', st.taskId(1), { action: 'add_signer', position: 'BEFORE', signer: { userId: s.userIds.finance } }));
    expect(before.nextTaskId).toBe(st.taskId(3));
    expect([await st.status(1), await st.status(3)]).toEqual(['WAITING', 'PENDING']);
    await expectOk(await post('finance', st.taskId(3), { action: 'approve' }));
    await expectOk(await post('township', st.taskId(1), { action: 'approve' }));
    await expectOk(await post('township-b', st.taskId(2), { action: 'approve' }));
    const result = await st.handle.result();
    expect(result.outcome).toBe('approved');
    expect(result.history.map((h) => h.type)).toEqual(['ADD_SIGNER', 'ADD_SIGNER', 'APPROVE', 'APPROVE', 'APPROVE']);
  });

  it('claim 认领 / unclaim: a claimed task is visible as claimed and blocks colleagues until released', async () => {
    const st = await step({ candidates: [TOWNSHIP_SLOT] });
    await expectOk(await post('township-b', st.taskId(1), { action: 'claim' }));
    expect((await inbox('township-b', '?view=claimed')).items.map((t) => t.id)).toEqual([st.taskId(1)]);
    expect((await inbox('township')).items.find((t) => t.id === st.taskId(1))?.claimedBy).toBe(reviewerB.id);
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const blocked = await post('township', st.taskId(1), { action: 'approve' });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.code).toBe('TASK_CLAIMED');
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
    await expectOk(await post('township-b', st.taskId(1), { action: 'unclaim' }));
    expect((await inbox('township-b', '?view=claimed')).total).toBe(0);
    await expectOk(await post('township', st.taskId(1), { action: 'approve' }));
    expect((await inbox('township', '?view=done')).items.some((t) => t.id === st.taskId(1))).toBe(true);
  });

  it('comment with attachments, cc 抄送 into "copied to me", urge 催办 rate-limited', async () => {
    const st = await step();
    const attachment = { name: '用地证明.pdf', size: 12345, sha256: 'a'.repeat(64), link: 'https://files.example/1' };
    const c = await expectOk(await post('village', st.taskId(1), { action: 'comment', comment: '补充材料见附件', attachments: [attachment] }));
    const decision = await s.prisma.decision.findUniqueOrThrow({ where: { requestId: c.requestId } });
    expect(decision.attachments).toEqual([attachment]);

    await expectOk(await post('village', st.taskId(1), { action: 'cc', recipientIds: [s.userIds.monitor] }));
    expect((await inbox('monitor', '?view=copied')).items.map((t) => t.id)).toEqual([st.taskId(1)]);

    await expectOk(await post('village', st.taskId(1), { action: 'urge', comment: '请尽快审核' }));
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: st.taskId(1) } })).urgeCount).toBe(1);
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const again = await post('village', st.taskId(1), { action: 'urge' });
    expect(again.statusCode).toBe(429);
    expect(again.json().error.code).toBe('URGE_RATE_LIMITED');
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
  });

  it('withdraw 撤回 by the applicant closes every task; after a decision it is refused', async () => {
    const st = await step();
    await expectOk(await post('village', st.taskId(1), { action: 'withdraw', comment: '重新规划' }));
    expect((await st.handle.result()).outcome).toBe('withdrawn');
    expect([await st.status(1), await st.status(2)]).toEqual(['CANCELLED', 'CANCELLED']);

    const late = await step();
    await expectOk(await post('township', late.taskId(1), { action: 'approve' }));
    const before = await fingerprint(s.prisma, s.client, late.workflowId);
    const res = await post('village', late.taskId(2), { action: 'withdraw' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('WITHDRAW_NOT_ALLOWED');
    expect(await fingerprint(s.prisma, s.client, late.workflowId)).toEqual(before);
  });

  it('a repeated request id answers the first result once; reused for another action it is refused', async () => {
    const st = await step();
    const requestId = newRequestId();
    const first = await expectOk(await post('township', st.taskId(1), { action: 'approve', requestId }));
    const again = await expectOk(await post('township', st.taskId(1), { action: 'approve', requestId }));
    expect(again).toEqual({ ...first, replayed: true });
    expect(await s.prisma.decision.count({ where: { requestId } })).toBe(1);
    expect(await s.prisma.auditEvent.count({ where: { requestId } })).toBe(1);
    const reused = await post('township', st.taskId(1), { action: 'reject', comment: 'x', requestId });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('DUPLICATE_REQUEST');
    // The workflow itself deduplicates too (a request that bypassed the API's record).
    const { approvalActUpdate } = await import('../../workflows/messages/approval-step');
    const actor = { userId: s.userIds.township!, roles: [{ role: 'TOWNSHIP_REVIEWER' as const, orgUnitId: 't-hexi', orgPath: '/c-qingshan/t-hexi/' }] };
    const direct = await st.handle.executeUpdate(approvalActUpdate, {
      args: [{ requestId, taskId: st.taskId(1), actor, action: { type: 'APPROVE' } }],
      updateId: `other-${requestId}`,
    });
    expect(direct).toEqual(first);
    expect(await s.prisma.decision.count({ where: { projectId: st.projectId } })).toBe(1);
  });

  it.each([
    ['reject without a reason', 'township', 1, { action: 'reject' }, 400, 'VALIDATION_FAILED'],
    ['the applicant approving', 'village', 1, { action: 'approve' }, 403, 'ROLE_NOT_ALLOWED'],
    ['another township approving', 'township2', 1, { action: 'approve' }, 403, 'OUT_OF_SCOPE'],
    ['a later signer acting before their turn', 'agri', 2, { action: 'approve' }, 409, 'TASK_NOT_PENDING'],
    ['a bystander urging', 'finance', 1, { action: 'urge' }, 403, 'FORBIDDEN'],
    ['a bystander withdrawing', 'township', 1, { action: 'withdraw' }, 403, 'FORBIDDEN'],
    ['a resubmission that nothing asked for', 'village', 1, { action: 'resubmit' }, 409, 'TRANSITION_NOT_ALLOWED'],
    ['a bystander commenting', 'finance', 1, { action: 'comment', comment: '路过' }, 403, 'FORBIDDEN'],
    [
      'adding the applicant as a signer',
      'township',
      1,
      { action: 'add_signer', position: 'AFTER', signer: { userId: '__applicant__' } },
      403,
      'SEPARATION_OF_DUTIES',
    ],
    [
      'adding a person who does not exist as a signer',
      'township',
      1,
      { action: 'add_signer', position: 'AFTER', signer: { userId: 'no-such-user' } },
      400,
      'VALIDATION_FAILED',
    ],
    ['copying a person who does not exist', 'village', 1, { action: 'cc', recipientIds: ['no-such-user'] }, 400, 'VALIDATION_FAILED'],
  ] as const)('refuses %s, changing nothing', async (_label, who, n, body, status, code) => {
    const st = await step();
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const payload = JSON.parse(JSON.stringify(body).replace('__applicant__', s.userIds.village!));
    const res = await post(who, st.taskId(n), payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
  });
});

/** Refusals that need the step moved first; each must leave the fingerprint exactly as it was. */
describe('approval step refusals after a move (real dev server)', () => {
  const refused = async (st: { workflowId: string }, res: Awaited<ReturnType<typeof post>>, status: number, code: string, before: unknown) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
  };

  it('nobody signs twice in one chain (ALREADY_SIGNED), unless the step allows it', async () => {
    // The township reviewer is both the role slot's signer and the named second signer.
    const chain = [TOWNSHIP_SLOT, { kind: 'user' as const, userId: s.userIds.township! }];
    const st = await step({ candidates: chain });
    await expectOk(await post('township', st.taskId(1), { action: 'approve' }));
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    await refused(st, await post('township', st.taskId(2), { action: 'approve' }), 409, 'ALREADY_SIGNED', before);
    // A rejection is a signature too.
    await refused(st, await post('township', st.taskId(2), { action: 'reject', comment: '不同意' }), 409, 'ALREADY_SIGNED', before);

    const lenient = await step({ candidates: chain, forbidDoubleSigning: false });
    await expectOk(await post('township', lenient.taskId(1), { action: 'approve' }));
    await expectOk(await post('township', lenient.taskId(2), { action: 'approve' }));
    expect((await lenient.handle.result()).outcome).toBe('approved');
  });

  it('a transfer that would give a named signer of a 会签 a second task is refused (the step would stall)', async () => {
    const st = await step({
      mode: 'COUNTERSIGN',
      candidates: [
        { kind: 'user', userId: s.userIds.township! },
        { kind: 'user', userId: reviewerB.id },
      ],
    });
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    await refused(st, await post('township', st.taskId(1), { action: 'transfer', toUserId: reviewerB.id }), 409, 'ALREADY_SIGNED', before);
    await refused(
      st,
      await post('township', st.taskId(1), { action: 'add_signer', position: 'AFTER', signer: { userId: reviewerB.id } }),
      409,
      'ALREADY_SIGNED',
      before,
    );
  });

  it('someone who signed an earlier step of the chain (priorSignerIds) is refused', async () => {
    const st = await step({ priorSignerIds: [s.userIds.township!] });
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    await refused(st, await post('township', st.taskId(1), { action: 'approve' }), 409, 'ALREADY_SIGNED', before);
  });

  it('a return to a step that is not one of its earlier steps (RETURN_TARGET_INVALID)', async () => {
    const st = await step({ returnTargets: [{ stepId: 'village-publicity' }] });
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const res = await post('township', st.taskId(1), { action: 'return', comment: '重新审核', returnTo: { to: 'STEP', stepId: 'county-approval' } });
    await refused(st, res, 400, 'RETURN_TARGET_INVALID', before);
    expect(res.json().error.details[0].path).toContain('stepId');
  });

  it('acting on a step that has ended (TASK_NOT_PENDING), and on a task that does not exist (NOT_FOUND)', async () => {
    const st = await step({ candidates: [TOWNSHIP_SLOT] });
    await expectOk(await post('township', st.taskId(1), { action: 'approve' }));
    expect((await st.handle.result()).outcome).toBe('approved');
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    await refused(st, await post('township', st.taskId(1), { action: 'reject', comment: '晚了' }), 409, 'TASK_NOT_PENDING', before);
    await refused(st, await post('township-b', st.taskId(1), { action: 'approve' }), 409, 'TASK_NOT_PENDING', before);
    await refused(st, await post('township', `${st.workflowId}:review#9`, { action: 'approve' }), 404, 'NOT_FOUND', before);
  });

  it('a request id reused for another action (DUPLICATE_REQUEST) changes nothing', async () => {
    const st = await step();
    const requestId = newRequestId();
    await expectOk(await post('township', st.taskId(1), { action: 'claim', requestId }));
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    await refused(st, await post('township', st.taskId(1), { action: 'unclaim', requestId }), 409, 'DUPLICATE_REQUEST', before);
    // Someone else reusing it is refused as well, not answered with the first person's result.
    await refused(st, await post('township-b', st.taskId(1), { action: 'claim', requestId }), 409, 'DUPLICATE_REQUEST', before);
  });
});

/**
 * Issue #14 items 2 and 4, through the API and the real step: 加签 by role named any role at any
 * unit (another township's reviewer, the implementer, MONITOR, ADMIN, another county's reviewer all
 * became signers), and an administrator of any unit could comment, urge and cc on any matter.
 */
describe('signers and copies only among people who could sign (real dev server)', () => {
  const TOWNSHIP_REVIEW = { candidates: [TOWNSHIP_SLOT], subjectOrgPath: ['c-qingshan', 't-hexi', 'v-taoyuan'] };

  it.each([
    ["another township's reviewer", { role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-dongling' }, 'OUT_OF_SCOPE', 'signer.orgUnitId'],
    ['the implementer of the project (it receives the money)', { role: 'IMPLEMENTER', orgUnitId: 'v-taoyuan' }, 'ROLE_NOT_ALLOWED', 'signer.role'],
    ['MONITOR', { role: 'MONITOR', orgUnitId: 'c-qingshan' }, 'ROLE_NOT_ALLOWED', 'signer.role'],
    ['ADMIN', { role: 'ADMIN', orgUnitId: 'c-qingshan' }, 'ROLE_NOT_ALLOWED', 'signer.role'],
    ['a reviewer of another county', { role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-far' }, 'OUT_OF_SCOPE', 'signer.orgUnitId'],
  ] as const)('refuses adding %s as a role signer (403), writing no decision and no audit event', async (_label, signer, code, field) => {
    const st = await step(TOWNSHIP_REVIEW);
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const res = await post('township', st.taskId(1), { action: 'add_signer', position: 'AFTER', signer });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details[0].path).toBe(field);
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
    expect(await s.prisma.decision.count({ where: { projectId: st.projectId } })).toBe(0);
  });

  it('accepts a candidate role at a unit covering the project (the county’s township reviewers)', async () => {
    const st = await step(TOWNSHIP_REVIEW);
    await expectOk(
      await post('township', st.taskId(1), { action: 'add_signer', position: 'AFTER', signer: { role: 'TOWNSHIP_REVIEWER', orgUnitId: 'c-qingshan' } }),
    );
    expect(await s.prisma.task.findUniqueOrThrow({ where: { id: st.taskId(2) } })).toMatchObject({
      candidateRole: 'TOWNSHIP_REVIEWER',
      candidateOrgUnitId: 'c-qingshan',
      status: 'WAITING',
    });
  });

  it.each([
    ['comment', { action: 'comment', comment: '请补充材料' }],
    ['urge', { action: 'urge', comment: '请尽快' }],
    ['cc', { action: 'cc', recipientIds: ['__monitor__'] }],
  ] as const)('refuses %s by an administrator of another township (OUT_OF_SCOPE), changing nothing', async (_label, body) => {
    const st = await step(TOWNSHIP_REVIEW);
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const payload = JSON.parse(JSON.stringify(body).replace('__monitor__', s.userIds.monitor!));
    const res = await post('dongling-admin', st.taskId(1), payload);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('OUT_OF_SCOPE');
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
    // The county's administrator covers the project and may.
    await expectOk(await post('admin', st.taskId(1), payload));
  });
});
