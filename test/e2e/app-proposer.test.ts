import { describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';
import { foreignText, screenshot, useBrowserStack } from './browser';

/**
 * The proposer's side (issue #18) as people do it: the village committee opens 我发起的, revises
 * the project the township returned and resubmits it; it urges the township, whose reviewer sees
 * the urge in the inbox and 本次修改 (money in yuan) on the task page.
 */
const web = useBrowserStack();
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });

describe('the proposer revises a returned proposal; the reviewer sees the changes and the urge', () => {
  it('我发起的 → 修改申报 → resubmitted as version 2 → 本次修改 and 催办 on the reviewer side', async () => {
    const s = web.s;
    const call = (url: string, who: string, payload: object) =>
      s.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${s.tokens[who]}` } });
    const started = await call('/api/projects', 'village', { ...sampleProposal({ name: '桃源村茶园退回修改' }), requestId: newRequestId() });
    const { projectId, taskId } = started.json() as { projectId: string; taskId: string };
    const ret = await call(`/api/tasks/${encodeURIComponent(taskId)}/decision`, 'township', {
      action: 'return',
      comment: '预算明细不全',
      checks: PASSED_CHECKS,
      requestId: newRequestId(),
    });
    expect(ret.json().stageAfter).toBe('RETURNED');

    // The proposer: 我发起的 lists the project as returned, waiting for them; 修改申报 opens the form.
    const village = await web.asApp('village');
    await village.page.locator('#nav-mine').click();
    const row = village.page.locator('#mine-table tbody tr', { hasText: '桃源村茶园退回修改' });
    await poll(() => row.count()).toBe(1);
    await poll(() => row.innerText()).toContain('退回修改');
    await poll(() => row.innerText()).toContain('桃源村两委 王村长');
    await screenshot(village.page, 'app-mine-zh');
    expect(await foreignText(village.page)).toEqual([]);
    await row.locator('.mine-revise').click();
    await poll(() => village.page.locator('#revise-proposal').count()).toBe(1);
    await village.page.locator('#revise-budget').fill('550000');
    await village.page.locator('#revise-source-0').fill('450000');
    await village.page.locator('#revise-mechanism').fill('务工工资 + 入股分红 + 土地租金');
    await village.page.locator('#revise-comment').fill('已补预算明细');
    await screenshot(village.page, 'app-revise-zh');
    await village.page.locator('#revise-submit').click();
    await poll(() => village.page.locator('[data-task-status]').getAttribute('data-task-status')).toBe('DONE');
    await poll(() => s.prisma.proposalVersion.count({ where: { projectId } })).toBe(2);
    expect(Number((await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).budgetFen)).toBe(55_000_000);

    // The proposer urges the township's new review task.
    const review = await s.prisma.task.findFirstOrThrow({ where: { projectId, kind: 'TOWNSHIP_REVIEW', status: 'PENDING' } });
    const urged = await call(`/api/tasks/${encodeURIComponent(review.id)}/decision`, 'village', {
      action: 'urge',
      comment: '请尽快审核',
      requestId: newRequestId(),
    });
    expect(urged.statusCode, urged.body).toBe(200);

    // The reviewer: the urge in the inbox, then 本次修改 on the task page, money in yuan.
    const township = await web.asApp('township');
    const item = township.page.locator('tbody tr', { hasText: '桃源村茶园退回修改' });
    await poll(() => item.locator('.urge-mark').innerText()).toContain('桃源村两委 王村长');
    await item.getByRole('link').first().click();
    const changes = township.page.locator('#proposal-changes');
    await poll(() => changes.count()).toBe(1);
    await poll(() => changes.innerText()).toContain('本次修改');
    const text = await changes.innerText();
    expect(text).toContain('¥500,000.00');
    expect(text).toContain('¥550,000.00');
    expect(text).toContain('务工工资 + 入股分红 + 土地租金');
    await poll(() => township.page.locator('.urge-mark').innerText()).toContain('催办');
    await screenshot(township.page, 'app-task-changes-zh');
    expect(await foreignText(township.page)).toEqual([]);
  });
});
