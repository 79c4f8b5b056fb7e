import { describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal } from '../support/stack';
import { screenshot, useBrowserStack } from './browser';

/**
 * The notification centre of the new app (issue #18): the bell in the page frame counts the unread
 * notifications, its list says in Chinese what each is about and leads to the task, and marking
 * one read lowers the count. The notifications come from a real proposal through the workflow.
 */
const web = useBrowserStack();
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });

describe('the notification centre', () => {
  it('shows the unread count on the bell and the notification in Chinese, and reads it', async () => {
    const s = web.s;
    const started = await s.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { authorization: `Bearer ${s.tokens.village}` },
      payload: { ...sampleProposal({ name: '消息中心茶园' }), requestId: newRequestId() },
    });
    expect(started.statusCode).toBe(201);
    await poll(() => s.prisma.notification.count({ where: { userId: s.userIds.township } })).toBe(1);
    const task = await s.prisma.task.findFirstOrThrow({ where: { projectId: (started.json() as { projectId: string }).projectId } });

    const { page, errors } = await web.asApp('township');
    const bell = page.getByRole('link', { name: /^消息通知，\d+ 条未读$/ });
    await poll(() => bell.getAttribute('aria-label')).toBe('消息通知，1 条未读');
    await poll(() => page.locator('.ant-badge-count').first().innerText()).toBe('1');

    await bell.click();
    await page.getByRole('heading', { level: 1, name: '消息通知' }).waitFor();
    const item = page.locator('.notification-list .notification').first();
    await poll(() => item.innerText()).toContain(`项目「消息中心茶园」有一项待您办理：${task.title}`);
    expect(await item.innerText()).toContain('新待办');
    expect(await item.innerText()).toContain('未读');
    await screenshot(page, 'app-notifications-zh');

    await item.getByRole('button', { name: '标为已读' }).click();
    await poll(() => bell.getAttribute('aria-label')).toBe('消息通知，0 条未读');
    await poll(() => item.innerText()).toContain('已读');
    expect(await s.prisma.notification.count({ where: { userId: s.userIds.township, readAt: null } })).toBe(0);

    // The notification leads to its task.
    await item.getByRole('link', { name: '去办理' }).click();
    await poll(async () => page.url()).toContain(`/app/tasks/${encodeURIComponent(task.id)}`);
    expect(errors).toEqual([]);
  });
});
