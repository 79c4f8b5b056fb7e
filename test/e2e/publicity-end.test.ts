import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { formatDateZh } from '../../src/domain/fault-tolerance/deadlines';
import { STATE_COUNCIL_CALENDAR, workingDaysClosesAt } from '../../src/domain/policies/working-days';
import { newRequestId, sampleProposal, tenDayPublicityApp } from '../support/stack';
import { screenshot, useBrowserStack } from './browser';

/**
 * Issue #18: the project page shows when a publicity period ends, as a date in Asia/Shanghai: the
 * last working day of the period, from the instant the workflow's timer fires (the row's endsAt).
 */
let slow: FastifyInstance | undefined;
const web = useBrowserStack();
afterAll(async () => {
  await slow?.close();
});

describe('the publicity end on the project page', () => {
  it('a project in its 10-working-day village publicity shows its last day, in Chinese', async () => {
    const s = web.s;
    slow = await tenDayPublicityApp(s);
    const res = await slow.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { authorization: `Bearer ${s.tokens.village}` },
      payload: { ...sampleProposal({ name: '桃源村公示截止日（浏览器）' }), requestId: newRequestId() },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { projectId } = res.json() as { projectId: string };
    const row = await s.prisma.publicity.findFirstOrThrow({ where: { projectId, kind: 'VILLAGE' } });
    expect(row.endsAt.getTime()).toBe(workingDaysClosesAt({ openedAt: row.startsAt.getTime(), workingDays: 10, calendar: STATE_COUNCIL_CALENDAR }));

    const village = await web.as('village');
    await village.page.goto(`/#/projects/${projectId}`);
    const end = village.page.locator('#timeline .publicity-end');
    await expect.poll(() => end.textContent(), { timeout: 15_000 }).toBe(`公示至 ${formatDateZh(row.endsAt.getTime() - 1)}（含当日）`);
    await screenshot(village.page, 'project-publicity-end');
    expect(village.errors).toEqual([]);
  });
});
