import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TTestStack } from '../support/stack';
import { caseBody, startCaseStack, type TDriver } from '../workflows/fault-tolerance-support';

/**
 * "Done by me" (已办) lists a fault-tolerance case's steps for whoever did them: the case closes
 * its tasks DONE for who acted and CANCELLED for the other members, with no Decision row. Real
 * workflow, driven over HTTP; the listing is GET /api/tasks?view=done.
 */
let s: TTestStack;
let d: TDriver;
let m: Record<string, { id: string; token: string }>;

beforeAll(async () => {
  // Five deciding-role holders in the county: the first body is the longest-serving three (discipline, d2, d3).
  ({ s, d, m } = await startCaseStack(['d2', 'd3', 'p1', 'p2'], { id: 'P-done', name: '桃源村高山茶园（已办）' }));
});
afterAll(async () => s?.close());

const doneIds = async (token: string, workflowId: string) => {
  const res = await s.app.inject({ method: 'GET', url: '/api/tasks?view=done&pageSize=200', headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { items: Array<{ id: string; kind: string; workflowId: string; status: string }>; total: number };
  expect(body.total).toBe(body.items.length);
  return body.items
    .filter((t) => t.workflowId === workflowId)
    .map((t) => `${t.kind}:${t.status}`)
    .sort();
};

describe('GET /api/tasks?view=done with review-case steps', () => {
  it('lists each step for the member who did it, not for the members whose task was cancelled', async () => {
    const disc = { id: s.userIds.discipline!, token: s.tokens.discipline! };
    const opened = await d.open(s.tokens.village!, { ...caseBody({ officialId: s.userIds.village! }), projectIds: ['P-done'] });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const caseId = opened.json.caseId as string;
    const workflowId = `review-${caseId}`;
    expect(await doneIds(disc.token, workflowId)).toEqual([]);

    // d2 admits the case: d2's admission task is DONE, the others' CANCELLED.
    await d.ok(m.d2!.token, caseId, { type: 'ACCEPT' });
    const admission = await s.prisma.task.findMany({ where: { workflowId, kind: 'REVIEW_ADMISSION' } });
    expect(Object.fromEntries(admission.map((t) => [t.candidateUserId, t.status]))).toEqual({
      [disc.id]: 'CANCELLED',
      [m.d2!.id]: 'DONE',
      [m.d3!.id]: 'CANCELLED',
    });
    expect(await s.prisma.decision.count({ where: { taskId: { in: admission.map((t) => t.id) } } })).toBe(0);

    expect(await doneIds(m.d2!.token, workflowId)).toEqual(['REVIEW_ADMISSION:DONE']);
    expect(await doneIds(disc.token, workflowId)).toEqual([]);
    expect(await doneIds(m.d3!.token, workflowId)).toEqual([]);
    // The official concerned never had a step of the case.
    expect(await doneIds(s.tokens.village!, workflowId)).toEqual([]);

    // The step left d2's pending view (the case now waits on the investigation).
    const pending = await s.app.inject({ method: 'GET', url: '/api/tasks?view=pending&pageSize=200', headers: { authorization: `Bearer ${m.d2!.token}` } });
    expect((pending.json().items as Array<{ workflowId: string; kind: string }>).filter((t) => t.workflowId === workflowId).map((t) => t.kind)).toEqual([
      'REVIEW_INVESTIGATION',
    ]);
  });
});
