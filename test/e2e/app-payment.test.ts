import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { httpProject } from '../support/http-project';
import type { TTestStack } from '../support/stack';
import { screenshot, useBrowserStack } from './browser';

/**
 * The React + Ant Design app at /app/ (issue #18), in Chromium: the finance officer of the demo
 * county opens a payment to approve, sees what is paid and to whom, is asked for a reason before
 * a refusal and to confirm the approval, and the approval reaches the records.
 */
const web = useBrowserStack();
let s: TTestStack;
beforeAll(() => void (s = web.s));

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 250 });

const INVOICE = '044001900211';
const ACCOUNT = '6222 0201 0001 1234';

/** Opens a task from the inbox table by its row, as a person would. */
async function openFromInbox(page: Page, projectName: string) {
  await page.goto('/app/');
  const row = page.getByRole('row').filter({ hasText: projectName });
  await poll(() => row.count()).toBe(1);
  await row.getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: new RegExp(projectName) }).waitFor();
}

describe('the new web app (/app/): a payment approved by the finance officer', () => {
  it('shows the amount and payee, asks for a reason to refuse, confirms the approval, and records the Decision', async () => {
    const name = '林下生态鸡养殖（新版界面）';
    const { projectId, taskId } = await httpProject(s).paymentAwaitingFinance(name, {
      payeeAccount: ACCOUNT,
      invoices: [{ number: INVOICE, sha256: 'a'.repeat(64) }],
    });
    const finance = await web.asApp('finance');
    const { page } = finance;

    await openFromInbox(page, name);
    expect(page.url()).toContain(`/app/tasks/${encodeURIComponent(taskId)}`);
    // The matter: what is paid, to whom, against which invoice, on what verified facts.
    const payment = page.locator('#payment');
    await expect(payment.locator('#payment-amount').textContent()).resolves.toBe('¥160,000.00');
    await expect(payment.locator('#payment-payee').textContent()).resolves.toBe('桃源茶叶合作社');
    const text = await payment.innerText();
    for (const fact of ['启动拨付', ACCOUNT, INVOICE, '中央衔接资金', '¥400,000.00', '30%', '¥40,000.00', '¥100,000.00', '未发现风险疑点'])
      expect(text).toContain(fact);
    // Nothing is chosen in advance: the bar offers the actions, none pressed, no dialog open.
    const bar = page.getByRole('toolbar', { name: '办理' });
    await expect(bar.getByRole('button', { name: '同意' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await screenshot(page, 'app-task-payment-zh-desktop');

    // A refusal needs a reason: the dialog says so beside the field and sends nothing.
    await bar.getByRole('button', { name: '拒绝' }).click();
    const dialog = page.getByRole('dialog', { name: '拒绝' });
    await dialog.getByRole('button', { name: '提交' }).click();
    await poll(() => dialog.getByText('请填写理由').count()).toBe(1);
    await dialog.getByRole('button', { name: '取消' }).click();
    await poll(() => dialog.isVisible()).toBe(false);
    expect(await s.prisma.decision.count({ where: { taskId } })).toBe(0);

    // Approving the funds, by keyboard alone, asks for a confirmation naming the amount and the payee.
    await bar.getByRole('button', { name: '同意' }).focus();
    await page.keyboard.press('Enter');
    const approve = page.getByRole('dialog', { name: '同意' });
    const comment = approve.getByLabel('审批意见');
    await comment.waitFor();
    await comment.focus();
    await page.keyboard.type('票据齐全，同意拨付');
    await page.keyboard.press('Tab');
    await poll(() => page.evaluate<string>('document.activeElement.textContent')).toBe('取消');
    await page.keyboard.press('Tab');
    await poll(() => page.evaluate<string>('document.activeElement.textContent')).toBe('提交');
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog').filter({ hasText: '请确认' });
    await poll(() => confirm.innerText()).toContain('确认同意拨付 ¥160,000.00 给 桃源茶叶合作社？');
    await screenshot(page, 'app-confirm-approve-zh-desktop');
    // The confirmation takes the focus; Enter confirms.
    await poll(() => page.evaluate<string>('document.activeElement.textContent')).toBe('确认');
    await page.keyboard.press('Enter');

    // The page shows the task done, and the records hold the approval by the finance officer.
    await poll(() => page.locator('#task-status').textContent()).toBe('已办');
    const decision = await s.prisma.decision.findFirstOrThrow({ where: { taskId } });
    expect([decision.action, decision.actorId, decision.comment, decision.role]).toEqual([
      'approve',
      s.userIds.finance,
      '票据齐全，同意拨付',
      'COUNTY_FINANCE',
    ]);
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('DONE');
    await poll(async () => (await s.prisma.payment.findUniqueOrThrow({ where: { id: `${projectId}:pay:1` } })).status).toBe('PAID');
    await poll(() => page.getByRole('toolbar', { name: '办理' }).count()).toBe(0);
    expect(finance.errors).toEqual([]);
  });
});
