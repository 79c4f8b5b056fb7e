import { describe, expect, it } from 'vitest';
import { taoyuanProjectRow } from '../support/project-row';
import { useBrowserStack } from './browser';

/**
 * The inbox as an antd Table (issue #18, "tables that work"): paging, the type filter and the
 * due-time sort are the API's, so they hold across pages. 25 open tasks of the finance bureau,
 * due one hour apart, every fifth a payment verification.
 */
const web = useBrowserStack();
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });
const HOUR = 3_600_000;

describe('the inbox table of the new app', () => {
  it('pages, filters by type and sorts by due time through the API', async () => {
    const s = web.s;
    await s.prisma.project.create({
      data: taoyuanProjectRow({ id: 'inbox-table', name: '收件箱表格', proposerId: s.userIds.village!, stage: 'IMPLEMENTATION' }),
    });
    const start = Date.now() + 24 * HOUR;
    await s.prisma.task.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        id: `inbox-table:t${String(i).padStart(2, '0')}`,
        projectId: 'inbox-table',
        workflowId: `inbox-table-wf-${i}`,
        stepKey: `k${i}`,
        kind: i % 5 === 0 ? 'PAYMENT_VERIFICATION' : 'COUNTY_JOINT_REVIEW',
        title: `第${i + 1}号事项`,
        candidateRole: 'COUNTY_FINANCE' as const,
        candidateOrgUnitId: 'c-qingshan',
        candidateOrgPath: '/c-qingshan/',
        status: 'PENDING' as const,
        // Due in the reverse of their numbers: the 25th is due first.
        dueAt: new Date(start + (24 - i) * HOUR),
      })),
    });
    const { page } = await web.asApp('finance');
    const titles = () => page.locator('tbody tr.ant-table-row a').allInnerTexts();

    // The default order (due first) and the first page of 20.
    await poll(() => page.getByText('共 25 项').count()).toBe(1);
    await poll(titles).toHaveLength(20);
    expect((await titles())[0]).toBe('第25号事项');
    await page.getByRole('listitem', { name: '2' }).click();
    await poll(titles).toEqual(['第5号事项', '第4号事项', '第3号事项', '第2号事项', '第1号事项']);

    // Sorted by due time, latest first (the sorter's second click), from page 1 again.
    await page.getByRole('listitem', { name: '1' }).click();
    const due = page.getByRole('columnheader', { name: /办理期限/ });
    await due.click();
    await due.click();
    await poll(async () => (await titles())[0]).toBe('第1号事项');
    await poll(() => due.getAttribute('aria-sort')).toBe('descending');

    // Filtered by type: the five payment verifications, still latest due first.
    await page.getByRole('columnheader', { name: /类型/ }).getByRole('button').click();
    await page.getByRole('menuitem', { name: '拨付核验' }).click();
    await page.getByRole('button', { name: '确定' }).click();
    await poll(titles).toEqual(['第1号事项', '第6号事项', '第11号事项', '第16号事项', '第21号事项']);
    await poll(() => page.getByText('共 5 项').count()).toBe(1);
  });
});
