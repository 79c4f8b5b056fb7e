import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TTestStack } from '../support/stack';
import { taoyuanProjectRow, townshipReviewTaskRow } from '../support/project-row';

/**
 * One pagination convention on every list route (docs/api.md, "Pagination"): `?page=&pageSize=` with
 * pageSize 1–200, answered as `{ items, total, page, pageSize }`. Per list: out-of-range values
 * are refused with 400 on the field, and walking the pages returns every item exactly once —
 * also when rows tie on the sort key (the fixtures here are created in the same instant on purpose).
 */
let s: TTestStack;
const SAME_INSTANT = new Date('2026-06-01T00:00:00Z');

beforeAll(async () => {
  s = await startTestStack({ worker: false });
  const village = s.userIds.village!;
  for (let i = 0; i < 7; i += 1) {
    const id = `pg-${i}`;
    await s.prisma.project.create({
      data: taoyuanProjectRow({ id, name: `分页项目 ${i}`, proposerId: village, createdAt: SAME_INSTANT }),
    });
    await s.prisma.task.create({
      data: townshipReviewTaskRow({ id: `project-${id}:t`, projectId: id, dueAt: SAME_INSTANT, createdAt: SAME_INSTANT }),
    });
    await s.prisma.reviewEligibility.create({
      data: {
        id: `${id}:POOR_GRADE:e:${village}`,
        projectId: id,
        userId: village,
        trigger: 'POOR_GRADE',
        triggerRef: 'e',
        bases: ['PROPOSER'],
        windowDays: 30,
        notifiedAt: SAME_INSTANT,
        closesAt: new Date(SAME_INSTANT.getTime() + 30 * 86_400_000),
        taskId: `project-${id}:t`,
      },
    });
    await s.prisma.reviewCase.create({
      data: {
        id: `case-${i}`,
        workflowId: `review-case-${i}`,
        stage: 'investigation',
        countyId: 'c-qingshan',
        county: '青山县',
        projectIds: [id],
        concernedUserIds: [village],
        concernedOfficials: [],
        matter: `分页案件 ${i}`,
        triggerType: 'LOSS',
        openedById: village,
        context: {},
        openedAt: SAME_INSTANT,
      },
    });
  }
  for (let i = 0; i < 5; i += 1) {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { authorization: `Bearer ${s.tokens.finance}` },
      payload: { name: `script ${i}` },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(async () => {
  await s?.close();
});

const get = (who: string, url: string) => s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${s.tokens[who]}` } });
const withQuery = (url: string, q: string) => `${url}${url.includes('?') ? '&' : '?'}${q}`;

/** Every list route, who lists it, and how many items that person sees at least. */
const LISTS: Array<{ url: string; who: string; atLeast: number }> = [
  { url: '/api/projects', who: 'township', atLeast: 7 },
  { url: '/api/tasks?view=pending', who: 'township', atLeast: 7 },
  { url: '/api/reviews', who: 'village', atLeast: 7 },
  { url: '/api/review-eligibilities', who: 'village', atLeast: 7 },
  { url: '/api/admin/users', who: 'admin', atLeast: 12 },
  { url: '/api/tokens', who: 'finance', atLeast: 5 },
];

describe.each(LISTS)('GET $url', ({ url, who, atLeast }) => {
  it('refuses a page size or page out of bounds with 400 on the field', async () => {
    for (const [q, path] of [
      ['pageSize=0', 'querystring.pageSize'],
      ['pageSize=201', 'querystring.pageSize'],
      ['pageSize=abc', 'querystring.pageSize'],
      ['page=0', 'querystring.page'],
      ['page=1.5', 'querystring.page'],
    ]) {
      const res = await get(who, withQuery(url, q!));
      expect([res.statusCode, res.json().error?.code, res.json().error?.details?.[0]?.path], q).toEqual([400, 'VALIDATION_FAILED', path]);
    }
    const max = await get(who, withQuery(url, 'pageSize=200'));
    expect(max.statusCode).toBe(200);
    expect(max.json()).toMatchObject({ page: 1, pageSize: 200 });
  });

  it('answers { items, total, page, pageSize } and its pages return every item exactly once', async () => {
    const all = (await get(who, withQuery(url, 'pageSize=200'))).json();
    expect(all.total).toBeGreaterThanOrEqual(atLeast);
    expect(all.items).toHaveLength(all.total);
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 2) + 1; page += 1) {
      const res = (await get(who, withQuery(url, `page=${page}&pageSize=2`))).json();
      expect(res).toMatchObject({ page, pageSize: 2, total: all.total });
      expect(res.items.length).toBe(Math.max(0, Math.min(2, all.total - (page - 1) * 2)));
      seen.push(...res.items.map((x: { id: string }) => x.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(all.items.map((x: { id: string }) => x.id).sort());
    // The default page size is 50.
    expect((await get(who, url)).json()).toMatchObject({ page: 1, pageSize: 50 });
  });
});
