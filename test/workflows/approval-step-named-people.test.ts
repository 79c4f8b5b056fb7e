import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namedPeopleFacts } from '../../src/db/county-people';
import type { TActor } from '../../src/domain/actor';
import type { TApprovalStepConfigInput } from '../../src/domain/approval';
import { approvalActUpdate, type TApprovalAction } from '../../workflows/messages/approval-step';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';
import { expectUpdateRefused } from '../support/update-refused';
import { fingerprint, PATHS, startStepOnNewProject, TOWNSHIP_SLOT } from './approval-support';

/**
 * Issue #13: "a named signer or copy recipient is an active user of the project's county" was a
 * pre-check of the route only, so an approvalAct Update sent to the step by any other caller named
 * whom it liked: a person of another county, a deactivated account, an id nobody holds. The step's
 * validator now refuses them itself, from the account facts its caller looked up.
 */
let s: TTestStack;
/** An active township reviewer of another county, a deactivated one of 河西镇, an active second one of 河西镇. */
const people = { far: '', inactive: '', colleague: '' };

beforeAll(async () => {
  s = await startTestStack();
  await s.prisma.orgUnit.createMany({
    data: [
      { id: 'c-named-far', name: '远水县', level: 'COUNTY', parentId: null, path: '/c-named-far/' },
      { id: 't-named-far', name: '远水镇', level: 'TOWNSHIP', parentId: 'c-named-far', path: '/c-named-far/t-named-far/' },
    ],
    skipDuplicates: true,
  });
  const reviewer = async (username: string, orgUnitId: string, active: boolean) => {
    const user = await s.prisma.user.create({ data: { username, displayName: username, passwordHash: 'x', active } });
    await s.prisma.roleAssignment.create({ data: { userId: user.id, role: 'TOWNSHIP_REVIEWER', orgUnitId } });
    return user.id;
  };
  people.far = await reviewer('named-far', 't-named-far', true);
  people.inactive = await reviewer('named-inactive', 't-hexi', false);
  people.colleague = await reviewer('named-colleague', 't-hexi', true);
});
afterAll(async () => {
  await s?.close();
});

const TOWNSHIP_REVIEW: Partial<TApprovalStepConfigInput> = { candidates: [TOWNSHIP_SLOT], subjectOrgPath: ['c-qingshan', 't-hexi', 'v-taoyuan'] };

async function step() {
  return startStepOnNewProject({
    client: s.client,
    prisma: s.prisma,
    taskQueue: s.taskQueue,
    config: { stepId: 'review', mode: 'SEQUENTIAL', applicantId: s.userIds.village!, ...TOWNSHIP_REVIEW } as TApprovalStepConfigInput,
  });
}

const townshipActor = (): TActor => ({
  userId: s.userIds.township!,
  roles: [{ role: 'TOWNSHIP_REVIEWER' as const, orgUnitId: 't-hexi', orgPath: PATHS['t-hexi']! }],
});
const villageActor = (): TActor => ({
  userId: s.userIds.village!,
  roles: [{ role: 'VILLAGE_COMMITTEE' as const, orgUnitId: 'v-taoyuan', orgPath: PATHS['v-taoyuan']! }],
});

/** The Update sent straight to the step, past the route; `facts` as the accounts say (or none). */
async function direct(st: Awaited<ReturnType<typeof step>>, actor: TActor, action: TApprovalAction, ids: string[] | null) {
  const named = ids ? await namedPeopleFacts(s.prisma, ids) : undefined;
  return st.handle.executeUpdate(approvalActUpdate, {
    args: [{ requestId: newRequestId(), taskId: st.taskId(1), actor, action, ...(named ? { named } : {}) }],
  });
}

const post = (who: string, taskId: string, body: Record<string, unknown>) =>
  s.app.inject({
    method: 'POST',
    url: `/api/tasks/${encodeURIComponent(taskId)}/decision`,
    payload: { requestId: newRequestId(), ...body },
    headers: { authorization: `Bearer ${s.tokens[who]}` },
  });

const addSigner = (userId: string): TApprovalAction => ({ type: 'ADD_SIGNER', position: 'AFTER', signer: { kind: 'user', userId } });

describe('a named person is checked by the step itself, not only by the route (issue #13)', () => {
  it.each([
    ['of another county', 'far', true],
    ['whose account is deactivated', 'inactive', true],
    ['given without facts', 'colleague', false],
  ] as const)(
    'an approvalAct sent directly, adding a signer %s, is refused on body.signer.userId with no task and no audit row',
    async (_label, who, withFacts) => {
      const st = await step();
      const before = await fingerprint(s.prisma, s.client, st.workflowId);
      await expectUpdateRefused(
        direct(st, townshipActor(), addSigner(people[who]), withFacts ? [people[who]] : null),
        'VALIDATION_FAILED',
        'body.signer.userId',
      );
      expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
      expect(await s.prisma.task.count({ where: { workflowId: st.workflowId } })).toBe(1);
    },
  );

  it('an approvalAct sent directly, copying a person of another county, is refused on body.recipientIds.N', async () => {
    const st = await step();
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const cc: TApprovalAction = { type: 'CC', recipientIds: [s.userIds.monitor!, people.far] };
    await expectUpdateRefused(direct(st, villageActor(), cc, cc.recipientIds), 'VALIDATION_FAILED', 'body.recipientIds.1');
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
  });

  it('an approvalAct sent directly, transferring to a deactivated reviewer of the township, is refused on body.toUserId', async () => {
    const st = await step();
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    // The target's roles make them an eligible candidate: only the account's state refuses them.
    const transfer: TApprovalAction = { type: 'TRANSFER', toUserId: people.inactive, toRoles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' }] };
    await expectUpdateRefused(direct(st, townshipActor(), transfer, [people.inactive]), 'VALIDATION_FAILED', 'body.toUserId');
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
  });

  it('a valid named signer sent directly with their facts is added', async () => {
    const st = await step();
    const answer = await direct(st, townshipActor(), addSigner(people.colleague), [people.colleague]);
    expect(answer.phaseAfter).toBe('pending');
    expect(await s.prisma.task.findUniqueOrThrow({ where: { id: st.taskId(2) } })).toMatchObject({ candidateUserId: people.colleague, status: 'WAITING' });
  });

  it.each([
    ['adding a signer of another county', 'township', { action: 'add_signer', position: 'AFTER', signer: { userId: '__far__' } }, 'body.signer.userId'],
    ['adding a deactivated signer', 'township', { action: 'add_signer', position: 'AFTER', signer: { userId: '__inactive__' } }, 'body.signer.userId'],
    ['copying a person of another county', 'village', { action: 'cc', recipientIds: ['__monitor__', '__far__'] }, 'body.recipientIds.1'],
    ['copying a deactivated person', 'village', { action: 'cc', recipientIds: ['__inactive__'] }, 'body.recipientIds.0'],
    ['transferring to a deactivated reviewer', 'township', { action: 'transfer', toUserId: '__inactive__' }, 'body.toUserId'],
  ] as const)('through HTTP, %s is refused 400 VALIDATION_FAILED on the same field, changing nothing', async (_label, who, body, path) => {
    const st = await step();
    const before = await fingerprint(s.prisma, s.client, st.workflowId);
    const payload = JSON.parse(
      JSON.stringify(body)
        .replace(/__far__/g, people.far)
        .replace(/__inactive__/g, people.inactive)
        .replace(/__monitor__/g, s.userIds.monitor!),
    );
    const res = await post(who, st.taskId(1), payload);
    expect(res.statusCode, res.body).toBe(400);
    expect([res.json().error.code, res.json().error.details[0].path]).toEqual(['VALIDATION_FAILED', path]);
    expect(await fingerprint(s.prisma, s.client, st.workflowId)).toEqual(before);
  });

  it('through HTTP, a valid named signer and copy recipients are accepted', async () => {
    const st = await step();
    const added = await post('township', st.taskId(1), { action: 'add_signer', position: 'AFTER', signer: { userId: people.colleague } });
    expect(added.statusCode, added.body).toBe(200);
    const copied = await post('village', st.taskId(1), { action: 'cc', recipientIds: [s.userIds.monitor, s.userIds.township2] });
    expect(copied.statusCode, copied.body).toBe(200);
    expect(await s.prisma.taskCc.count({ where: { workflowId: st.workflowId } })).toBe(2);
  });
});
