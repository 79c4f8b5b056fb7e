import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TTestStack } from '../support/stack';
import { taoyuanProjectRow, townshipReviewTaskRow } from '../support/project-row';

/**
 * The read routes by the issue's classes: success, validation error (a malformed param or
 * query), 401, out of scope and 404. A read of something outside the caller's org units answers
 * exactly like an unknown id (404 NOT_FOUND on the param), so the route never confirms it exists.
 * 409 does not apply to reads; the state-changing routes' classes live in accounts.test.ts,
 * thin-path.test.ts, project-actions.test.ts and test/security.
 */
let s: TTestStack;

beforeAll(async () => {
  s = await startTestStack({ worker: false });
  // A Hexi (河西镇) project with a pending township review, written as a fixture: reads need no workflow.
  await s.prisma.project.create({
    data: taoyuanProjectRow({ id: 'rr-tea', proposerId: s.userIds.village! }),
  });
  await s.prisma.task.create({ data: townshipReviewTaskRow({ id: 'rr-tea:t', projectId: 'rr-tea' }) });
});
afterAll(async () => {
  await s?.close();
});

const get = (url: string, who?: string) => s.app.inject({ method: 'GET', url, headers: who ? { authorization: `Bearer ${s.tokens[who]}` } : {} });

const answer = async (url: string, who?: string) => {
  const res = await get(url, who);
  return [res.statusCode, res.statusCode >= 400 ? res.json().error.code : 'ok'];
};

/** Each read route with an id: the in-scope reader, an out-of-scope reader, an unknown id and a malformed one. */
const BY_ID = [
  { route: 'GET /api/projects/:id', url: (id: string) => `/api/projects/${id}`, id: 'rr-tea', field: 'params.id', malformed: ['x'.repeat(80), 'params.id'] },
  {
    route: 'GET /api/projects/:id/records',
    url: (id: string) => `/api/projects/${id}/records`,
    id: 'rr-tea',
    field: 'params.id',
    malformed: ['x'.repeat(80), 'params.id'],
  },
  {
    route: 'GET /api/web/projects/:id/commands',
    url: (id: string) => `/api/web/projects/${id}/commands`,
    id: 'rr-tea',
    field: 'params.id',
    malformed: ['x'.repeat(80), 'params.id'],
  },
  // A task id may be long (workflow id + step key); past Fastify's 100-character limit the router refuses it on `params`.
  {
    route: 'GET /api/web/tasks/:taskId',
    url: (id: string) => `/api/web/tasks/${encodeURIComponent(id)}`,
    id: 'rr-tea:t',
    field: 'params.taskId',
    malformed: ['x'.repeat(400), 'params'],
  },
];

describe('read routes by id', () => {
  for (const { route, url, id, field, malformed } of BY_ID) {
    it(`${route}: 200 in scope, 404 outside it and for an unknown id, 400 on a malformed id, 401 anonymous`, async () => {
      const ok = await get(url(id), 'township');
      expect(ok.statusCode, ok.body).toBe(200);
      expect(JSON.stringify(ok.json())).toContain('rr-tea');
      // Dongling's (东岭镇) reviewer and Chaling's village committee: not theirs, answered as absent.
      for (const outsider of ['township2', 'village2']) {
        const res = await get(url(id), outsider);
        expect(res.statusCode, `${outsider}: ${res.body}`).toBe(404);
        expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', details: [{ path: field }] });
      }
      expect(await answer(url('rr-nobody'), 'township')).toEqual([404, 'NOT_FOUND']);
      const bad = await get(url(malformed[0]!), 'township');
      expect([bad.statusCode, bad.json().error.code, bad.json().error.details[0].path]).toEqual([400, 'VALIDATION_FAILED', malformed[1]]);
      expect(await answer(url(id))).toEqual([401, 'UNAUTHENTICATED']);
    });
  }
});

describe('read routes without an id', () => {
  it('GET /api/me: 200 with the roles, 401 anonymous or with a bad token', async () => {
    const me = await get('/api/me', 'township');
    expect(me.statusCode).toBe(200);
    expect(JSON.stringify(me.json())).toContain('TOWNSHIP_REVIEWER');
    expect(await answer('/api/me')).toEqual([401, 'UNAUTHENTICATED']);
    const bad = await s.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.statusCode).toBe(401);
  });

  it('GET /api/audit/verify: 200 for the county administrator, 403 for other roles and for a township-level grant, 400 on a bad anchor', async () => {
    expect(await answer('/api/audit/verify', 'admin')).toEqual([200, 'ok']);
    expect(await answer('/api/audit/verify', 'township')).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect(await answer('/api/audit/verify?anchor=not-an-anchor', 'admin')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await answer('/api/audit/verify')).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('GET /api/web/people: 400 without ids, 401 anonymous', async () => {
    expect(await answer('/api/web/people', 'township')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await answer(`/api/web/people?ids=${s.userIds.township}`)).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('GET /api/dashboard/grades-by-year: approved evaluations by grade and Shanghai year, inside the scope only', async () => {
    const evaluation = (seq: number, grade: string, status: string, decidedAt: string | null) =>
      s.prisma.evaluation.create({
        data: {
          id: `rr-tea:evaluation:${seq}`,
          projectId: 'rr-tea',
          seq,
          indicators: {},
          scoreTenths: 700,
          grade,
          outcomeClass: 'CONSOLIDATE',
          status,
          submittedBy: s.userIds.agri!,
          submittedAt: new Date(),
          decidedAt: decidedAt ? new Date(decidedAt) : null,
        },
      });
    await evaluation(1, 'GOOD', 'APPROVED', '2026-03-01T00:00:00Z');
    // 2026-12-31 20:00 UTC is already 2027 in Shanghai.
    await evaluation(2, 'POOR', 'APPROVED', '2026-12-31T20:00:00Z');
    await evaluation(3, 'EXCELLENT', 'REJECTED', '2026-05-01T00:00:00Z');
    await evaluation(4, 'EXCELLENT', 'SUBMITTED', null);
    const mine = await get('/api/dashboard/grades-by-year', 'township');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items).toEqual([
      { year: 2026, counts: { EXCELLENT: 0, GOOD: 1, FAIR: 0, POOR: 0 }, total: 1 },
      { year: 2027, counts: { EXCELLENT: 0, GOOD: 0, FAIR: 0, POOR: 1 }, total: 1 },
    ]);
    expect((await get('/api/dashboard/grades-by-year', 'township2')).json().items).toEqual([]);
    expect((await get('/api/dashboard/grades-by-year?orgUnitId=t-dongling', 'leader')).json().items).toEqual([]);
    expect(await answer('/api/dashboard/grades-by-year?orgUnitId=', 'leader')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await answer('/api/dashboard/grades-by-year')).toEqual([401, 'UNAUTHENTICATED']);
  });

  it("dashboard figures: 200 inside the scope (another township's project not counted), 400 on a bad year, 401 anonymous", async () => {
    const mine = await get('/api/dashboard/projects-by-stage', 'township');
    const theirs = await get('/api/dashboard/projects-by-stage', 'township2');
    expect([mine.statusCode, theirs.statusCode]).toEqual([200, 200]);
    expect(JSON.stringify(mine.json())).toContain('TOWNSHIP_REVIEW');
    expect(JSON.stringify(theirs.json())).not.toContain('TOWNSHIP_REVIEW');
    for (const path of ['projects-by-stage', 'funds-by-township', 'risk-flags', 'overdue-tasks']) {
      expect(await answer(`/api/dashboard/${path}?year=1999`, 'leader'), path).toEqual([400, 'VALIDATION_FAILED']);
      expect(await answer(`/api/dashboard/${path}`), path).toEqual([401, 'UNAUTHENTICATED']);
    }
  });
});
