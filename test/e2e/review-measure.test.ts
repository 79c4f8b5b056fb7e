import { beforeAll, describe, expect, it } from 'vitest';
import type { TTestStack } from '../support/stack';
import { addDisciplineUsers, addProject, caseWithFinalMeasure, driver, type TDriver } from '../workflows/fault-tolerance-support';
import { screenshot, useBrowserStack } from './browser';

/**
 * 纠错 in the browser (issue #5): a case whose final decision carries a corrective measure for the
 * village puts the measure in the village committee's inbox; the committee completes it on the
 * case page (a missing note refused inline first). The case reaches its final result over the API
 * the real way: decision, appeal, the appeal round's decision (final, no second appeal), filing.
 */
const PROJECT = 'P-web-measure';
const MEASURE = '建立茶园霜冻预警和应急管护制度';
let s: TTestStack;
let d: TDriver;
let members: Record<string, { id: string; token: string }>;
const web = useBrowserStack({
  setup: async (st) => {
    members = await addDisciplineUsers(st.prisma, ['d2', 'p1']);
    await addProject(st.prisma, { id: PROJECT, name: '桃源村高山茶园（纠错整改）', proposerId: st.userIds.village! });
  },
});
beforeAll(() => {
  s = web.s;
  d = driver(s.app);
});

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000 });

describe('completing a corrective measure in the browser', () => {
  it('the responsible village committee completes the measure from its inbox; task, API and audit record it', { timeout: 150_000 }, async () => {
    const caseId = await caseWithFinalMeasure(d, {
      projectId: PROJECT,
      official: { id: s.userIds.village!, token: s.tokens.village! },
      discipline: { id: s.userIds.discipline!, token: s.tokens.discipline! },
      d2: members.d2!,
      p1: members.p1!,
      measure: { description: MEASURE, responsibleOrgUnitId: 'v-taoyuan' },
    });
    const taskId = `review-${caseId}:measure:m1`;
    await poll(async () => (await s.prisma.task.findUnique({ where: { id: taskId } }))?.status).toBe('PENDING');

    const village = await web.as('village');
    const vp = village.page;
    await vp.goto('/#/inbox');
    const link = vp.locator(`#tasks li[data-task-id="${taskId}"]`).getByRole('link');
    await poll(() => link.textContent()).toContain('纠错整改');
    await link.click();
    await vp.locator('.review-page').waitFor();
    const form = vp.locator('form.review-measure[data-measure="m1"]');
    await poll(() => form.locator('h3').textContent()).toContain(MEASURE);

    // No note: refused in the browser, next to the note, and nothing is recorded.
    await form.getByRole('button', { name: '完成整改' }).click();
    await poll(() => form.locator('[data-path="body.note"] .field-error').textContent()).not.toBe('');
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('PENDING');

    await form.getByLabel('整改情况').fill('霜冻预警和应急管护制度已建立并公示');
    await form.getByLabel('证据（链接或文件编号）').fill('https://records.example/taoyuan/frost-plan.pdf\n村务公开栏照片 2026-12');
    await form.getByRole('button', { name: '完成整改' }).click();
    // The page re-renders: the form is gone and the measures table names who completed it.
    await poll(() => vp.locator('form.review-measure').count()).toBe(0);
    await poll(() => vp.locator('#review-measures').textContent()).toContain('桃源村两委 王村长');
    await screenshot(vp, 'review-measure-done');

    const task = await s.prisma.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(task).toMatchObject({ status: 'DONE', outcome: 'COMPLETED', assigneeId: s.userIds.village });
    const view = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}`, headers: { authorization: `Bearer ${s.tokens.discipline}` } });
    expect(view.json().measures).toMatchObject([{ measureId: 'm1', status: 'DONE', completedBy: s.userIds.village, overdue: false, mayComplete: false }]);
    const audit = await s.prisma.auditEvent.findMany({ where: { entityType: 'ReviewCase', entityId: caseId, action: 'CORRECTIVE_MEASURE_DONE' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: s.userIds.village,
      role: 'VILLAGE_COMMITTEE',
      orgUnitId: 'v-taoyuan',
      comment: '霜冻预警和应急管护制度已建立并公示',
    });
    expect(audit[0]!.details).toMatchObject({
      measureId: 'm1',
      taskId,
      evidence: ['https://records.example/taoyuan/frost-plan.pdf', '村务公开栏照片 2026-12'],
      overdue: false,
    });
    expect(village.errors).toEqual([]);
  });
});
