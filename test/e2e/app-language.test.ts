import { describe, expect, it } from 'vitest';
import { httpProject } from '../support/http-project';
import { PASSED_CHECKS } from '../support/proposal';
import { DEMO_PASSWORD, newRequestId, sampleProposal } from '../support/stack';
import { fitsWidth, foreignText, screenshot, useBrowserStack } from './browser';

/**
 * The React app's pages as a Chinese-speaking official sees them: no English word, no code and
 * no raw id in the visible text (issue #18); the same pages switched to English; each at desktop
 * and phone width, with screenshots into test-results/screenshots, and no page wider than a phone.
 */
const web = useBrowserStack();
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 250 });

const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
const PAYMENT_PROJECT = '林下生态鸡养殖（语言检查）';
const JOINT_PROJECT = '茶岭村肉牛养殖（会签检查）';
/**
 * The two tasks the pages show, made once by whichever test runs first (inside a test: the
 * helpers poll with expect.poll, which a hook may not).
 */
let tasks: Promise<{ paymentTask: string; jointTask: string }> | undefined;
const setUp = () => (tasks ??= makeTasks());

async function makeTasks() {
  const s = web.s;
  const h = httpProject(s);
  const { taskId: paymentTask } = await h.paymentAwaitingFinance(PAYMENT_PROJECT, {
    payeeAccount: '6222 0201 0001 1234',
    invoices: [{ number: '044001900211', sha256: h.sha('发票') }],
  });
  // A countersign (会签) half signed: agriculture has approved, finance has not.
  const started = await h.call('POST', '/api/projects', s.tokens.village!, { ...sampleProposal({ name: JOINT_PROJECT }), requestId: newRequestId() });
  const { projectId, taskId } = started.json();
  await h.call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township!, {
    action: 'approve',
    checks: PASSED_CHECKS,
    requestId: newRequestId(),
  });
  expect((await h.approveTask('agri', await h.inboxTask('agri', projectId, 'COUNTY_JOINT_REVIEW'))).statusCode).toBe(200);
  return { paymentTask, jointTask: await h.inboxTask('finance', projectId, 'COUNTY_JOINT_REVIEW') };
}

async function signedOutPage(viewport: { width: number; height: number }) {
  const context = await web.browser.newContext({ baseURL: web.baseUrl, viewport, locale: 'zh-CN', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/status of 401/.test(m.text()) && errors.push(m.text()));
  return { context, page, errors };
}

describe('the new web app in Chinese and English, desktop and phone', () => {
  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    it(`${width}: the Chinese pages show no English, codes or ids; the English switch changes every page`, async () => {
      const { paymentTask, jointTask } = await setUp();
      const { context, page, errors } = await signedOutPage(viewport);
      try {
        // Sign-in page.
        await page.goto('/app/');
        await page.getByLabel('用户名').waitFor();
        expect(await foreignText(page)).toEqual([]);
        await screenshot(page, `app-login-zh-${width}`);
        await page.getByLabel('用户名').fill('finance');
        await page.getByLabel('密码').fill(DEMO_PASSWORD);
        await page.getByRole('button', { name: '登录' }).click();

        // Inbox.
        await page.getByRole('heading', { level: 1, name: '我的待办' }).waitFor();
        await poll(() => page.getByRole('row').filter({ hasText: PAYMENT_PROJECT }).count()).toBe(1);
        await poll(() => page.getByRole('row').filter({ hasText: JOINT_PROJECT }).count()).toBe(1);
        expect(await foreignText(page)).toEqual([]);
        expect(await fitsWidth(page)).toBe(true);
        await screenshot(page, `app-inbox-zh-${width}`);

        // 项目台账 with its 导出 Excel button (the product name marked as English).
        await page.goto('/app/projects');
        await page.getByRole('heading', { level: 1, name: '项目台账' }).waitFor();
        await poll(() => page.getByRole('row').filter({ hasText: PAYMENT_PROJECT }).count()).toBe(1);
        expect(await foreignText(page)).toEqual([]);
        expect(await fitsWidth(page)).toBe(true);
        await screenshot(page, `app-projects-zh-${width}`);

        // 统计看板: the ECharts canvases and their hidden tables (stage names, township names, yuan).
        await page.goto('/app/dashboard');
        await page.getByRole('heading', { level: 1, name: '统计看板' }).waitFor();
        await page.locator('#chart-stages canvas').first().waitFor();
        await poll(() => page.locator('#chart-funds figcaption tbody tr').count()).toBeGreaterThan(0);
        expect(await foreignText(page)).toEqual([]);
        expect(await fitsWidth(page)).toBe(true);
        await screenshot(page, `app-dashboard-zh-${width}`);

        // The payment task, its decision dialog, and the countersign task.
        await page.goto(`/app/tasks/${encodeURIComponent(paymentTask)}`);
        await page.locator('#payment-amount').waitFor();
        expect(await foreignText(page)).toEqual([]);
        expect(await fitsWidth(page)).toBe(true);
        await screenshot(page, `app-task-payment-zh-${width}`);
        await page.getByRole('toolbar', { name: '办理' }).getByRole('button', { name: '退回' }).click();
        await page.getByRole('dialog', { name: '退回' }).getByRole('button', { name: '提交' }).click();
        await poll(() => page.getByRole('dialog', { name: '退回' }).getByText('请填写理由').count()).toBe(1);
        expect(await foreignText(page)).toEqual([]);
        await screenshot(page, `app-return-dialog-zh-${width}`);
        await page.getByRole('dialog', { name: '退回' }).getByRole('button', { name: '取消' }).click();

        await page.goto(`/app/tasks/${encodeURIComponent(jointTask)}`);
        const signers = page.locator('#signers');
        await signers.waitFor();
        const steps = await signers.innerText();
        expect(steps).toContain('会签（须全部同意）');
        expect(steps).toMatch(/县农业农村局[\s\S]*同意 · 县农业农村局 刘科长/);
        expect(steps).toMatch(/县财政局\s*待处理/);
        expect(await foreignText(page)).toEqual([]);
        await screenshot(page, `app-task-countersign-zh-${width}`);

        // English: the switch in the header turns every page, antd's own texts included.
        await page.getByRole('button', { name: 'English' }).click();
        await page.getByText('Countersign (all must approve)').waitFor();
        await screenshot(page, `app-task-countersign-en-${width}`);
        await page.goto(`/app/tasks/${encodeURIComponent(paymentTask)}`);
        await page.getByText('What the tranche rests on').waitFor();
        expect(await page.locator('#payment').innerText()).toContain('Start');
        await screenshot(page, `app-task-payment-en-${width}`);
        await page.goto('/app/');
        await page.getByRole('heading', { level: 1, name: 'My inbox' }).waitFor();
        await poll(() => page.getByRole('row').filter({ hasText: PAYMENT_PROJECT }).count()).toBe(1);
        expect(await fitsWidth(page)).toBe(true);
        await screenshot(page, `app-inbox-en-${width}`);
        await page.goto('/app/dashboard');
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        await page.getByRole('img', { name: 'Bar chart: projects by stage' }).locator('canvas').first().waitFor();
        expect(await fitsWidth(page)).toBe(true);
        await screenshot(page, `app-dashboard-en-${width}`);
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        await screenshot(page, `app-login-en-${width}`);
        // Back to Chinese for the next profile's sake (the choice is kept in this profile only).
        await page.getByRole('button', { name: '中文' }).click();
        await page.getByRole('button', { name: '登录' }).waitFor();
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
