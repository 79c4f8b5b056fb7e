import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app';
import { projectStateQuery } from '../../workflows/messages/project';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';

/**
 * The public 公示 board (issue #18): GET /api/public/counties/:countyCode/publicity and
 * POST /api/public/projects/:id/objections, without signing in. The county posts its village
 * publicity for 10 days, so a project stays in its period; each test objects from its own client
 * address, so the per-address limit (3 here) of one test does not bite another.
 */
let s: TTestStack;
let app: FastifyInstance;

beforeAll(async () => {
  s = await startTestStack();
  app = await buildApp(
    { config: s.config, prisma: s.prisma, temporal: s.client, countySettings: { publicity: { villageDays: 10, townshipDays: 0, acceptanceDays: 0 } } },
    { publicObjectionLimit: { perClient: 3, perProject: 5, windowMs: 60_000 } },
  );
  // A second county with nothing in publicity: the first county's projects must not show on its board.
  await s.prisma.orgUnit.create({ data: { id: 'c-other', name: '邻县', level: 'COUNTY', path: '/c-other/' } });
});
afterAll(async () => {
  await app?.close();
  await s?.close();
});

const board = (county: string) => app.inject({ method: 'GET', url: `/api/public/counties/${county}/publicity` });
const objectFrom = (ip: string, projectId: string, body: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: `/api/public/projects/${projectId}/objections`, remoteAddress: ip, payload: body });
const villager = (requestId = newRequestId()) => ({ name: '王秀英', phone: '13812345678', reason: '茶园占用了我家承包的林地，事先没有征求意见', requestId });

/** A Taoyuan project in its village publicity (open for 10 days). */
async function inPublicity(name: string): Promise<{ projectId: string; workflowId: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: { authorization: `Bearer ${s.tokens.village}` },
    payload: { ...sampleProposal({ name }), requestId: newRequestId() },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { projectId, workflowId } = res.json() as { projectId: string; workflowId: string };
  await expect.poll(() => s.prisma.publicity.count({ where: { projectId, outcome: null } }), { timeout: 15_000 }).toBe(1);
  await expect.poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 15_000 }).toBe('VILLAGE_PUBLICITY');
  return { projectId, workflowId };
}

/** Everything a public objection could write. */
const written = async (projectId: string) => ({
  objections: await s.prisma.objection.count({ where: { projectId } }),
  stage: (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage,
  audit: await s.prisma.auditEvent.count({ where: { projectId } }),
  tasks: await s.prisma.task.count({ where: { projectId } }),
});

describe('public 公示 board', () => {
  it("lists a county's projects in publicity, without sign-in, with their facts and no ids or phones; not on another county's board", async () => {
    const { projectId } = await inPublicity('公示栏展示项目');
    const res = await board('c-qingshan');
    expect(res.statusCode, res.body).toBe(200);
    const item = (res.json() as { items: Array<Record<string, unknown>> }).items.find((i) => i.projectId === projectId);
    expect(item).toMatchObject({
      name: '公示栏展示项目',
      village: '桃源村',
      implementer: '桃源茶叶合作社',
      budgetYuan: '500000.00',
      fiscalYuan: '400000.00',
      publicity: { kind: 'VILLAGE' },
    });
    // The period as the workflow posted it (10 working days: at least 10 calendar days).
    const posted = await s.prisma.publicity.findFirstOrThrow({ where: { projectId, outcome: null } });
    expect(item!.publicity).toEqual({ kind: 'VILLAGE', startsAt: posted.startsAt.toISOString(), endsAt: posted.endsAt.toISOString() });
    expect(posted.endsAt.getTime() - posted.startsAt.getTime()).toBeGreaterThanOrEqual(10 * 24 * 3600 * 1000);
    expect(Object.keys(item!).sort()).toEqual(['budgetYuan', 'fiscalYuan', 'implementer', 'industry', 'name', 'projectId', 'publicity', 'township', 'village']);
    // Nothing that names a person or an internal record: no user ids, no phone numbers, no org paths or workflow ids.
    for (const id of Object.values(s.userIds)) expect(res.body).not.toContain(id);
    expect(res.body).not.toMatch(/1[3-9]\d{9}/);
    expect(res.body).not.toContain('/c-qingshan/');
    expect(res.body).not.toContain('project-');

    const other = await board('c-other');
    expect(other.statusCode).toBe(200);
    expect(other.json()).toMatchObject({ county: { code: 'c-other' }, items: [] });
    const unknown = await board('c-nowhere');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'NOT_FOUND', details: [{ path: 'params.countyCode' }] });
  });

  it('an objection from the board returns the project to the village, keeps name and phone for officials, masks the phone in the audit log, and applies once per requestId', async () => {
    const { projectId, workflowId } = await inPublicity('公示栏异议项目');
    const body = villager();
    const first = await objectFrom('203.0.113.1', projectId, body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ requestId: body.requestId, projectName: '公示栏异议项目' });

    // The workflow itself moved: its own state, not only the row.
    expect((await s.client.workflow.getHandle(workflowId).query(projectStateQuery)).stage).toBe('RETURNED');
    expect((await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage).toBe('RETURNED');
    const row = await s.prisma.objection.findUniqueOrThrow({ where: { requestId: body.requestId } });
    expect(row).toMatchObject({ projectId, actorId: 'public', lodgerName: '王秀英', lodgerPhone: '13812345678', text: body.reason });
    const event = await s.prisma.auditEvent.findFirstOrThrow({ where: { action: 'OBJECTION_LODGED', requestId: body.requestId } });
    expect(event.details).toMatchObject({ lodger: { name: '王秀英', phone: '138****5678' } });
    expect(JSON.stringify({ ...event, id: String(event.id), seq: String(event.seq) })).not.toContain('13812345678');

    // Officials see who objected on the project page.
    const detail = await app.inject({ method: 'GET', url: `/api/projects/${projectId}`, headers: { authorization: `Bearer ${s.tokens.township}` } });
    expect(detail.json().objections).toEqual([
      expect.objectContaining({ requestId: body.requestId, lodgerName: '王秀英', lodgerPhone: '13812345678', actorId: 'public' }),
    ]);

    // The same requestId again: answered, not recorded twice.
    const before = await written(projectId);
    const again = await objectFrom('203.0.113.1', projectId, body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ requestId: body.requestId, replayed: true });
    expect(await written(projectId)).toEqual(before);
    expect(before.objections).toBe(1);
    // The same requestId with someone else's phone is not theirs to replay.
    const stolen = await objectFrom('203.0.113.1', projectId, { ...body, phone: '13900001111' });
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().error).toMatchObject({ code: 'DUPLICATE_REQUEST', details: [{ path: 'body.requestId' }] });

    // Out of its period now: off the board.
    const items = (await board('c-qingshan')).json().items as Array<{ projectId: string }>;
    expect(items.map((i) => i.projectId)).not.toContain(projectId);
  });

  it('outside a publicity period: refused by the workflow with a typed error, nothing written', async () => {
    const { projectId } = await inPublicity('公示期外异议项目');
    expect((await objectFrom('203.0.113.2', projectId, villager())).statusCode).toBe(201);
    const before = await written(projectId);
    const late = await objectFrom('203.0.113.2', projectId, villager());
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', details: [{ path: 'stage' }] });
    expect(await written(projectId)).toEqual(before);
  });

  it('a bad phone, name or reason: 400 naming the field, nothing written', async () => {
    const { projectId } = await inPublicity('异议校验项目');
    const before = await written(projectId);
    for (const [patch, field] of [
      [{ phone: '12812345678' }, 'body.phone'],
      [{ phone: '1381234567' }, 'body.phone'],
      [{ phone: '+8613812345678' }, 'body.phone'],
      [{ name: ' ' }, 'body.name'],
      [{ reason: '太短' }, 'body.reason'],
      [{ reason: '理'.repeat(1001) }, 'body.reason'],
    ] as const) {
      const res = await objectFrom('203.0.113.3', projectId, { ...villager(), ...patch });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    expect(await written(projectId)).toEqual(before);
  });

  it('rate-limited: 429 after 3 objections from one address, and after 5 on one project from any', async () => {
    const { projectId } = await inPublicity('异议限流项目');
    // The period closes with the first; the later ones are refused by the workflow (409) and still count.
    const codes = [];
    for (let i = 0; i < 3; i += 1) codes.push((await objectFrom('203.0.113.4', projectId, villager())).statusCode);
    expect(codes).toEqual([201, 409, 409]);
    const limited = await objectFrom('203.0.113.4', projectId, villager());
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', details: [{ path: 'client' }] });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // Three counted on the project so far (the address's refused fourth never reached the project's count).
    const fromOthers = [];
    for (let i = 0; i < 3; i += 1) fromOthers.push((await objectFrom(`198.51.100.${i + 1}`, projectId, villager())).statusCode);
    expect(fromOthers).toEqual([409, 409, 429]);
    const last = await objectFrom('198.51.100.9', projectId, villager());
    expect(last.json().error).toMatchObject({ code: 'RATE_LIMITED', details: [{ path: 'params.id' }] });
  });
});
