import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { buildApp } from '../../src/http/app';
import { reviewActUpdate, reviewWorkflowId, type TReviewWorkflowInput } from '../../workflows/messages/review';
import { addDisciplineUsers, DAY, driver, investigate, rid, type TDriver } from './fault-tolerance-support';
import { startTimeSkippingWorker, type TTimeSkippingWorker } from './fault-tolerance-time-skipping';

/**
 * The appeal window (申诉期, default 15 days) as a durable timer, on a time-skipping server of its
 * own. The time-skipping server cannot register custom search attributes, so the case is started
 * directly with `searchAttributes: false` (POST /api/reviews always publishes them); every action
 * after the opening goes through the HTTP API like the dev-server tests.
 */
let t: TTimeSkippingWorker;
let env: TTimeSkippingWorker['env'];
let db: TTimeSkippingWorker['db'];
let taskQueue: string;
let tokens: Record<string, string>;
let userIds: Record<string, string>;
let app: FastifyInstance;
let d: TDriver;
let body: string[];
let memberTokens: string[];

beforeAll(async () => {
  t = await startTimeSkippingWorker('review-deadline');
  ({ env, db, taskQueue, tokens, userIds } = t);
  const extra = await addDisciplineUsers(db.prisma, ['d2', 'd3']);
  body = [userIds.discipline!, extra.d2!.id, extra.d3!.id];
  memberTokens = [tokens.discipline!, extra.d2!.token, extra.d3!.token];
  const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: db.url, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  app = await buildApp({ config, prisma: db.prisma, temporal: env.client });
  d = driver(app);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

/** A case decided `choice` and filed: the appeal window is open. */
async function decidedAndFiled(choice: 'EXEMPT' | 'NOT_EXEMPT'): Promise<string> {
  const caseId = `FT-ts-${crypto.randomBytes(4).toString('hex')}`;
  const official = await db.prisma.user.findUniqueOrThrow({ where: { id: userIds.village! } });
  const input: TReviewWorkflowInput = {
    review: {
      case: {
        caseId,
        county: '青山县',
        projectIds: ['P-tea-pilot'],
        concernedOfficials: [{ userId: official.id, name: official.displayName }],
        matter: '高山茶园试点项目因霜冻造成亏损',
        lossFen: 500_000,
        triggerType: 'LOSS',
        notifiedAt: Date.now() - DAY,
      },
      decidingBody: { name: '青山县纪委监委', level: 'COUNTY', memberIds: body },
    },
    countyId: 'c-qingshan',
    countyOrgPath: '/c-qingshan/',
    searchAttributes: false,
  };
  const handle = await env.client.workflow.start('faultToleranceReview', { workflowId: reviewWorkflowId(caseId), taskQueue, args: [input] });
  const actor = (await actorForToken(db.prisma, tokens.village!))!;
  await handle.executeUpdate(reviewActUpdate, { args: [{ requestId: rid(), actor, action: { type: 'APPLY' } }] });
  await d.ok(tokens.discipline!, caseId, { type: 'ACCEPT' });
  await investigate(d, tokens.discipline!, caseId);
  for (const token of memberTokens) await d.ok(token, caseId, { type: 'CAST_VOTE', choice });
  await d.ok(tokens.discipline!, caseId, { type: 'DECIDE' });
  await d.ok(tokens.discipline!, caseId, { type: 'SERVE_NOTICE' });
  const filed = await d.ok(tokens.discipline!, caseId, { type: 'PUBLICISE_AND_FILE' });
  expect(filed).toMatchObject({ stageAfter: 'appealWindow', outcome: choice });
  return caseId;
}

describe('fault-tolerance review deadlines (time-skipping server)', () => {
  it('after the appeal window the decision is final: the exemption is on the record and a late appeal is refused', async () => {
    const caseId = await decidedAndFiled('EXEMPT');
    expect(await db.prisma.officialRecord.count({ where: { caseId } })).toBe(0);

    await env.sleep(16 * DAY);
    await expect.poll(async () => (await db.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).stage, { timeout: 15_000 }).toBe('resultApplied');
    const closed = await db.prisma.reviewAction.findFirstOrThrow({ where: { caseId, type: 'APPEAL_WINDOW_CLOSED' } });
    expect(closed).toMatchObject({ actorId: 'system', stageBefore: 'appealWindow', stageAfter: 'resultApplied' });
    expect(await db.prisma.officialRecord.findUniqueOrThrow({ where: { caseId_officialId: { caseId, officialId: userIds.village! } } })).toMatchObject({
      outcome: 'EXEMPT',
      noNegativeEffect: true,
    });
    await expect.poll(async () => (await db.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).closedAt, { timeout: 10_000 }).not.toBeNull();

    const late = await d.act(tokens.village!, caseId, { type: 'APPEAL', grounds: '对认定结果有异议' });
    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({ code: 'APPEAL_WINDOW_CLOSED' });
    expect(await db.prisma.reviewAction.count({ where: { caseId, type: 'APPEAL' } })).toBe(0);

    const record = await app.inject({ method: 'GET', url: `/api/officials/${userIds.village}/record`, headers: { authorization: `Bearer ${tokens.village}` } });
    expect(record.json().reviews).toEqual([expect.objectContaining({ caseId, outcome: 'EXEMPT', adverseNow: false })]);
  });

  it('an appeal on the last day is in time and stops the clock: nothing closes after the window', async () => {
    const caseId = await decidedAndFiled('NOT_EXEMPT');
    await env.sleep(14 * DAY);
    const appealed = await d.ok(tokens.village!, caseId, { type: 'APPEAL', grounds: '霜冻属不可抗力' });
    expect(appealed).toMatchObject({ stageBefore: 'appealWindow', stageAfter: 'appeal' });
    await env.sleep(5 * DAY);
    const row = await db.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
    expect(row).toMatchObject({ stage: 'appeal', closedAt: null });
    expect(await db.prisma.reviewAction.count({ where: { caseId, type: 'APPEAL_WINDOW_CLOSED' } })).toBe(0);
    expect(await db.prisma.officialRecord.count({ where: { caseId } })).toBe(0);
    await env.client.workflow.getHandle(`review-${caseId}`).terminate('test done');
  });
});
