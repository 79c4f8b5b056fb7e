import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TTestStack } from '../support/stack';
import { bodyMembers, caseBody, DAY, investigate, startCaseStack, type TDriver } from './fault-tolerance-support';

/**
 * A case's steps in the inbox (review-step-tasks.ts): while the case waits on someone, GET
 * /api/tasks shows them a task of the case; the task closes when the case moves on; an official
 * concerned never gets one, even one holding the deciding role. Real dev server, driven over HTTP.
 * The county's deciding-role holders are discipline, d2, d3, d4, p1 and p2 (granted in that order).
 */
let s: TTestStack;
let d: TDriver;
let m: Record<string, { id: string; token: string }>;

beforeAll(async () => {
  ({ s, d, m } = await startCaseStack(['d2', 'd3', 'd4', 'p1', 'p2'], { id: 'P-inbox', name: '桃源村高山茶园试点' }));
}, 120_000);
afterAll(async () => s?.close());

describe('fault-tolerance case steps in the inbox', () => {
  it('each waiting step is a task of the people it waits on, closed when the case moves on; conflicted people never get one', async () => {
    const disc = { id: s.userIds.discipline!, token: s.tokens.discipline! };
    // d2 is one of the officials concerned: off the body, which the county's draw makes disc, d3, d4.
    const opened = await d.open(s.tokens.village!, {
      ...caseBody({ officialId: s.userIds.village! }),
      projectIds: ['P-inbox'],
      concernedOfficials: [{ userId: s.userIds.village! }, { userId: m.d2!.id }],
    });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const caseId = opened.json.caseId as string;
    expect(await bodyMembers(s.prisma, caseId)).toEqual([disc.id, m.d3!.id, m.d4!.id]);
    const workflowId = `review-${caseId}`;

    /** The case's tasks in `token`'s pending inbox, as kinds. */
    const inbox = async (token: string) => {
      const res = await s.app.inject({ method: 'GET', url: '/api/tasks?view=pending&pageSize=200', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      return (res.json().items as Array<{ kind: string; workflowId: string }>)
        .filter((t) => t.workflowId === workflowId)
        .map((t) => t.kind)
        .sort();
    };
    const statuses = async (kind: string) =>
      Object.fromEntries((await s.prisma.task.findMany({ where: { workflowId, kind } })).map((t) => [t.candidateUserId, t.status]));

    /** What the case page offers `token`'s holder now (GET /api/reviews/:id → mayAct). */
    const mayAct = async (token: string) =>
      (await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}`, headers: { authorization: `Bearer ${token}` } })).json().mayAct;

    expect(await inbox(disc.token)).toEqual(['REVIEW_ADMISSION']);
    expect(await inbox(m.d3!.token)).toEqual(['REVIEW_ADMISSION']);
    expect(await inbox(m.d2!.token)).toEqual([]);
    expect(await mayAct(disc.token)).toEqual(['ACCEPT', 'REFUSE']);
    expect(await mayAct(m.d2!.token)).toEqual([]);
    expect(await mayAct(s.tokens.village!)).toEqual([]);

    await d.ok(disc.token, caseId, { type: 'ACCEPT' });
    expect(await statuses('REVIEW_ADMISSION')).toEqual({ [disc.id]: 'DONE', [m.d3!.id]: 'CANCELLED', [m.d4!.id]: 'CANCELLED' });
    expect(await inbox(m.d4!.token)).toEqual(['REVIEW_INVESTIGATION']);

    await investigate(d, m.d3!.token, caseId);
    expect(await statuses('REVIEW_INVESTIGATION')).toEqual({ [disc.id]: 'CANCELLED', [m.d3!.id]: 'DONE', [m.d4!.id]: 'CANCELLED' });
    expect(await inbox(disc.token)).toEqual(['REVIEW_VOTE']);

    expect(await mayAct(disc.token)).toEqual(['RECORD_EXCLUSION', 'CAST_VOTE']);
    await d.ok(disc.token, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
    expect(await inbox(disc.token)).toEqual([]);
    expect(await mayAct(disc.token)).toEqual(['RECORD_EXCLUSION']);
    expect(await inbox(m.d3!.token)).toEqual(['REVIEW_VOTE']);
    await d.ok(m.d3!.token, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
    await d.ok(m.d4!.token, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
    // The quorum (2 of 3) is present: the decision waits on the members who may decide.
    expect(await inbox(disc.token)).toEqual(['REVIEW_DECISION']);
    expect(await statuses('REVIEW_VOTE')).toEqual({ [disc.id]: 'DONE', [m.d3!.id]: 'DONE', [m.d4!.id]: 'DONE' });

    await d.ok(m.d4!.token, caseId, { type: 'DECIDE' });
    expect(await statuses('REVIEW_DECISION')).toEqual({ [disc.id]: 'CANCELLED', [m.d3!.id]: 'CANCELLED', [m.d4!.id]: 'DONE' });
    expect(await inbox(m.d4!.token)).toEqual(['REVIEW_NOTICE']);
    await d.ok(m.d4!.token, caseId, { type: 'SERVE_NOTICE' });
    expect(await inbox(m.d4!.token)).toEqual(['REVIEW_FILING']);
    await d.ok(m.d4!.token, caseId, { type: 'PUBLICISE_AND_FILE' });
    expect(await inbox(m.d4!.token)).toEqual([]);
    expect(await mayAct(s.tokens.village!)).toEqual(['APPEAL']);
    expect(await mayAct(m.d4!.token)).toEqual([]);

    // The appeal waits on the deciding-body role holders new to the case: not the first round's members.
    await d.ok(s.tokens.village!, caseId, { type: 'APPEAL', grounds: '霜冻属不可抗力' });
    expect(await inbox(m.p1!.token)).toEqual(['APPEAL_REVIEW']);
    expect(await inbox(disc.token)).toEqual([]);
    const item = (
      await s.app.inject({ method: 'GET', url: '/api/tasks?view=pending&kind=APPEAL_REVIEW', headers: { authorization: `Bearer ${m.p1!.token}` } })
    ).json().items[0];
    expect(item).toMatchObject({ projectId: 'P-inbox', candidateUserId: m.p1!.id, project: { name: '桃源村高山茶园试点' } });
    expect(item.title).toContain(caseId);

    await d.ok(m.p1!.token, caseId, { type: 'OPEN_APPEAL_REVIEW' });
    expect(await bodyMembers(s.prisma, caseId, 1)).toEqual([m.p1!.id, m.p2!.id]);
    expect(await statuses('APPEAL_REVIEW')).toEqual({ [m.p1!.id]: 'DONE', [m.p2!.id]: 'CANCELLED' });
    expect(await inbox(m.p1!.token)).toEqual(['REVIEW_INVESTIGATION']);

    // Never a task for the officials concerned, at any step.
    expect(await s.prisma.task.count({ where: { workflowId, candidateUserId: { in: [s.userIds.village!, m.d2!.id] } } })).toBe(0);
    expect(await s.prisma.auditEvent.count({ where: { entityId: caseId, action: 'INBOX_TASKS_UNTRACKED' } })).toBe(0);
  });

  it('a refusal at admission cancels every open task; a case about no project of this database writes none and says so', async () => {
    const opened = await d.open(s.tokens.village!, { ...caseBody({ officialId: s.userIds.village! }), projectIds: ['P-inbox'] });
    const caseId = opened.json.caseId as string;
    await d.ok(m.d3!.token, caseId, { type: 'REFUSE', reasons: ['不属于容错纠错情形'] });
    const tasks = await s.prisma.task.findMany({ where: { workflowId: `review-${caseId}` } });
    expect(Object.fromEntries(tasks.map((t) => [t.candidateUserId, t.status]))).toEqual({
      [s.userIds.discipline!]: 'CANCELLED',
      [m.d2!.id]: 'CANCELLED',
      [m.d3!.id]: 'DONE',
    });

    const old = await d.open(s.tokens.village!, { ...caseBody({ officialId: s.userIds.village! }), notifiedAt: Date.now() - 2 * DAY });
    expect(await s.prisma.task.count({ where: { workflowId: `review-${old.json.caseId}` } })).toBe(0);
    expect(await s.prisma.auditEvent.count({ where: { entityId: old.json.caseId, action: 'INBOX_TASKS_UNTRACKED' } })).toBe(1);
  });
});
