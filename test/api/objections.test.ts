import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal, startTestStack, tenDayPublicityApp, type TTestStack } from '../support/stack';

/**
 * POST /api/projects/:id/objections and its requestId (issue #6): a requestId names one objection
 * by one person on one project. Reused by someone else, or on another project, it answers 409
 * DUPLICATE_REQUEST under body.requestId and changes nothing; resent by its owner it answers the
 * first objection again (200, replayed). The test stack posts publicity for 0 days, so this file
 * serves a second app whose county posts the village publicity for 10 days: the period stays open.
 */
let s: TTestStack;
let app: FastifyInstance;

beforeAll(async () => {
  s = await startTestStack();
  app = await tenDayPublicityApp(s);
});
afterAll(async () => {
  await app?.close();
  await s?.close();
});

const post = (url: string, who: string, payload: object) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${s.tokens[who]}` }, payload });

/** A Taoyuan project in its village publicity (the period open for 10 days). */
async function inPublicity(name: string): Promise<string> {
  const res = await post('/api/projects', 'village', { ...sampleProposal({ name }), requestId: newRequestId() });
  expect(res.statusCode, res.body).toBe(201);
  const { projectId } = res.json() as { projectId: string };
  await expect.poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 15_000 }).toBe('VILLAGE_PUBLICITY');
  await expect.poll(() => s.prisma.publicity.count({ where: { projectId, outcome: null } }), { timeout: 15_000 }).toBe(1);
  return projectId;
}

const object = (projectId: string, who: string, requestId: string, text = '占用了集体林地，未经村民同意') =>
  post(`/api/projects/${projectId}/objections`, who, { text, requestId });

/** Everything an objection could change, for "changes nothing". */
const state = async (projectIds: string[]) => ({
  objections: await s.prisma.objection.findMany({ orderBy: { id: 'asc' } }),
  projects: await s.prisma.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, stage: true }, orderBy: { id: 'asc' } }),
  publicities: await s.prisma.publicity.findMany({ where: { projectId: { in: projectIds } }, select: { id: true, outcome: true }, orderBy: { id: 'asc' } }),
  tasks: await s.prisma.task.count({ where: { projectId: { in: projectIds } } }),
});

const expectDuplicate = (res: Awaited<ReturnType<typeof post>>) => {
  expect(res.statusCode, res.body).toBe(409);
  expect(res.json().error).toMatchObject({ code: 'DUPLICATE_REQUEST', details: [{ path: 'body.requestId' }] });
};

describe('objection requestIds', () => {
  it('reused by another user or on another project: 409 and nothing changes; resent by its owner: the same objection once', async () => {
    const a = await inPublicity('异议幂等项目甲');
    const b = await inPublicity('异议幂等项目乙');
    const rid = newRequestId();
    const first = await object(a, 'village', rid);
    expect(first.statusCode, first.body).toBe(201);
    const { objectionId } = first.json() as { objectionId: string };
    expect(await s.prisma.objection.findUniqueOrThrow({ where: { requestId: rid } })).toMatchObject({
      id: objectionId,
      projectId: a,
      actorId: s.userIds.village,
    });
    const before = await state([a, b]);
    expect(before.projects.find((p) => p.id === b)?.stage).toBe('VILLAGE_PUBLICITY');

    // The owner resends: the first answer again, marked replayed; no second objection.
    const again = await object(a, 'village', rid);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ requestId: rid, projectId: a, objectionId, replayed: true });

    // Another user on the same project, the owner on another project, another user on another project.
    expectDuplicate(await object(a, 'township', rid));
    expectDuplicate(await object(b, 'village', rid, '另一条异议'));
    expectDuplicate(await object(b, 'township', rid));
    expect(await state([a, b])).toEqual(before);

    // Project B's period was open all along: a fresh requestId is accepted there.
    const fresh = await object(b, 'township', newRequestId(), '用地手续不全');
    expect(fresh.statusCode, fresh.body).toBe(201);
  });

  it('two people sending one requestId at once: one objection, lodged by the one who is answered 201', async () => {
    const c = await inPublicity('异议并发项目丙');
    const rid = newRequestId();
    const [v, t] = await Promise.all([object(c, 'village', rid, '村民甲的异议'), object(c, 'township', rid, '乡镇的异议')]);
    const codes = [v.statusCode, t.statusCode].sort();
    expect(codes, `${v.body} / ${t.body}`).toEqual([201, 409]);
    const [winner, loser] = v.statusCode === 201 ? ['village', t] : ['township', v];
    expectDuplicate(loser);
    const objections = await s.prisma.objection.findMany({ where: { projectId: c } });
    expect(objections).toHaveLength(1);
    expect(objections[0]).toMatchObject({ requestId: rid, actorId: s.userIds[winner] });
  });
});
