import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { httpProject } from '../support/http-project';
import { approveThroughCounty, newRequestId, type TTestStack } from '../support/stack';
import { screenshot, useBrowserStack } from './browser';

const web = useBrowserStack();
let s: TTestStack;
beforeAll(() => void (s = web.s));
const { as } = web;

/** Playwright's own `expect` lives in @playwright/test; vitest's poll retries a locator read instead. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

const PROJECT = '桃源村高山茶园提质扩面（浏览器）';

const post = async (url: string, who: string, payload: object) => {
  const res = await s.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${s.tokens[who]}` }, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};

/** Reload until the page shows what the background (payment pipeline, next step) has since written. */
const pollReloading = <T>(page: Page, ready: string, read: () => Promise<T>) =>
  expect.poll(
    async () => {
      await page.reload();
      await page.locator(ready).waitFor();
      return read();
    },
    { timeout: 20_000, interval: 500 },
  );

/** Open a task of this kind for this project from the inbox and approve it with a comment. */
async function approveFromInbox(page: Page, projectId: string, kindLabel: string) {
  await page.goto('/#/inbox');
  const row = page.locator(`#tasks li[data-project-id="${projectId}"]`, { hasText: kindLabel });
  // The step opens its task a moment after the previous one closed: reload until it is listed.
  await pollReloading(page, '#tasks', () => row.count()).toBe(1);
  await row.getByRole('link').click();
  await page.getByRole('radio', { name: '通过' }).check();
  await page.getByLabel('意见').fill('核验通过');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.locator('.project-page').waitFor();
}

describe('the web app in Chromium', () => {
  it('village proposes, township returns with a comment, village resubmits, township approves', async () => {
    // The village committee proposes the project through the form.
    const village = await as('village');
    const vp = village.page;
    await screenshot(vp, 'inbox-village');
    await vp.getByRole('link', { name: '申报项目' }).click();
    await vp.getByRole('heading', { level: 1, name: '申报项目' }).waitFor();
    // The browser's own checks name the fields before anything is sent.
    await vp.getByRole('button', { name: '提交申报' }).click();
    await poll(() => vp.locator('[data-path="body.name"] .field-error').textContent()).toBe('必填');
    await vp.getByLabel('项目名称').fill(PROJECT);
    await vp.getByLabel('产业').fill('茶叶');
    await vp.getByLabel('预算（元）').fill('500000');
    await vp.getByLabel('来源').selectOption('CENTRAL_LINKAGE');
    await vp.getByLabel('金额（元）').fill('400000');
    await vp.getByRole('button', { name: '添加资金来源' }).click();
    await vp.getByLabel('来源').nth(1).selectOption('OWN_CAPITAL');
    await vp.getByLabel('金额（元）').nth(1).fill('100000');
    await vp.getByLabel('实施主体名称').fill('桃源茶叶合作社');
    await vp.getByLabel('带动农户数').fill('86');
    await vp.getByLabel('联农带农机制').fill('务工工资 + 入股分红');
    await vp.getByLabel('指标').fill('新增茶园面积');
    await vp.getByLabel('目标值').fill('300亩');
    await vp.getByLabel('村民代表大会记录').fill('2026-11-20 村民代表大会，到会45人，同意42人');
    await screenshot(vp, 'new-project');
    await vp.getByRole('button', { name: '提交申报' }).click();
    await vp.getByRole('heading', { level: 1, name: new RegExp(PROJECT) }).waitFor();
    await poll(() => vp.locator('.project-page').getAttribute('data-stage')).toBe('TOWNSHIP_REVIEW');
    const projectId = (await s.prisma.project.findFirstOrThrow({ where: { name: PROJECT } })).id;

    // The township reviewer finds it in the inbox and returns it with a comment.
    const township = await as('township');
    const tp = township.page;
    const row = tp.locator('#tasks li', { hasText: PROJECT });
    await poll(() => row.count()).toBe(1);
    await poll(() => tp.locator('[data-view="pending"] .count').textContent()).toMatch(/^[1-9]/);
    await screenshot(tp, 'inbox-township');
    await row.getByRole('link').click();
    await tp.getByRole('heading', { level: 1, name: new RegExp(PROJECT) }).waitFor();
    // Only the actions the step allows now: approve/return/reject, no resubmit.
    await poll(() => tp.getByRole('radio', { name: '通过' }).count()).toBe(1);
    await poll(() => tp.getByRole('radio', { name: '退回' }).count()).toBe(1);
    await poll(() => tp.getByRole('radio', { name: '重新提交' }).count()).toBe(0);
    // Claiming keeps the reviewer on the task, which now offers to unclaim instead.
    await tp.getByRole('radio', { name: '认领', exact: true }).check();
    await tp.getByRole('button', { name: '提交' }).click();
    await tp.getByRole('radio', { name: '取消认领' }).waitFor();
    await poll(() => tp.getByRole('radio', { name: '认领', exact: true }).count()).toBe(0);
    await tp.getByRole('radio', { name: '退回' }).check();
    await tp.getByRole('button', { name: '提交' }).click();
    await poll(() => tp.locator('[data-path="body.comment"] .field-error').textContent()).toContain('请填写意见');
    await tp.getByLabel('意见').fill('预算明细不全，请补充用地手续');
    await screenshot(tp, 'task-township');
    await tp.getByRole('button', { name: '提交' }).click();
    await poll(() => tp.locator('.project-page').getAttribute('data-stage')).toBe('RETURNED');
    await poll(() => tp.locator('.flash').textContent()).toContain('已退回');
    await poll(() => tp.locator('#timeline').textContent()).toContain('预算明细不全，请补充用地手续');

    // The village committee revises and resubmits.
    await vp.goto('/#/inbox');
    const revise = vp.locator('#tasks li', { hasText: PROJECT });
    await poll(() => revise.textContent()).toContain('退回修改');
    await revise.getByRole('link').click();
    await vp.getByRole('radio', { name: '重新提交' }).waitFor();
    await poll(() => vp.getByRole('radio', { name: '通过' }).count()).toBe(0);
    await vp.getByLabel('意见').fill('已补充用地手续和预算明细');
    await vp.getByRole('button', { name: '提交' }).click();
    await poll(() => vp.locator('.project-page').getAttribute('data-stage')).toBe('TOWNSHIP_REVIEW');

    // The township approves; the project page shows APPROVED, its money and the Temporal link.
    await tp.goto('/#/inbox');
    await tp.locator('#tasks li', { hasText: PROJECT }).getByRole('link').click();
    await tp.getByRole('radio', { name: '通过' }).check();
    await tp.getByLabel('意见').fill('材料齐全，同意');
    // The five on-site checks: one left blank (the API's refusal lands on that check), then one failed.
    const checks = tp.locator('#township-checks');
    for (const name of ['真实性', '必要性', '科学性', '完整性']) await checks.getByLabel(name, { exact: true }).selectOption('PASS');
    await tp.getByRole('button', { name: '提交' }).click();
    await poll(() => checks.locator('[data-path="body.checks.feasibility"] .field-error').textContent()).toMatch(/\S/);
    expect(await checks.locator('[data-path="body.checks.authenticity"] .field-error').textContent()).toBe('');
    await checks.getByLabel('可行性', { exact: true }).selectOption('PASS');
    await checks.getByLabel('科学性', { exact: true }).selectOption('FAIL');
    await checks.getByLabel('科学性备注').fill('测土报告缺失');
    await tp.getByRole('button', { name: '提交' }).click();
    // A failed check cannot go with an approval: the browser says so on that check (the API refuses it too).
    await poll(() => checks.locator('[data-path="body.checks.soundness"] .field-error').textContent()).toContain('不能通过');
    expect(await checks.locator('[data-path="body.checks.feasibility"] .field-error').textContent()).toBe('');
    await checks.getByLabel('科学性', { exact: true }).selectOption('PASS');
    await checks.getByLabel('科学性备注').fill('已补测土报告');
    await screenshot(tp, 'task-township-checks');
    await tp.getByRole('button', { name: '提交' }).click();
    // The decision's answer: the township approval opens the township publicity — 0 days here, so
    // on a loaded machine the page may already show the county joint review that follows it.
    await poll(() => tp.locator('.project-page').getAttribute('data-stage')).toMatch(/^(TOWNSHIP_PUBLICITY|COUNTY_JOINT_REVIEW)$/);
    // The record keeps the five checks with the approval, and the timeline shows them.
    const recorded = tp.locator('#timeline .checks-recorded li');
    await poll(() => recorded.count()).toBe(5);
    expect(await tp.locator('#timeline .checks-recorded li[data-check="soundness"]').textContent()).toBe('科学性：通过（已补测土报告）');
    const approval = await s.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'TASK_APPROVE', entityType: 'Task', details: { path: ['stepId'], equals: 'township-review' }, comment: '材料齐全，同意' },
    });
    expect((approval.details as { checks: object }).checks).toEqual({
      authenticity: { result: 'PASS' },
      necessity: { result: 'PASS' },
      soundness: { result: 'PASS', note: '已补测土报告' },
      completeness: { result: 'PASS' },
      feasibility: { result: 'PASS' },
    });
    await poll(() => tp.locator('#approved-fen').textContent()).toBe('¥0.00');
    // The county countersigns and the leading group approves (over the API); the page shows the pool.
    await approveThroughCounty(s, projectId);
    await tp.reload();
    await poll(() => tp.locator('.project-page').getAttribute('data-stage')).toBe('IN_POOL');
    await poll(() => tp.locator('#approved-fen').textContent()).toBe('¥500,000.00');
    const history = (await s.app.inject({ method: 'GET', url: `/api/projects/${projectId}`, headers: { authorization: `Bearer ${s.tokens.township}` } })).json()
      .history;
    await poll(() => tp.locator('#timeline .tl-item').count()).toBe(history.length); // every recorded step, proposal to pool
    // The Temporal UI is linked for monitors and administrators only: the township reviewer's page has no link.
    expect(await tp.locator('#temporal-link').count()).toBe(0);
    await screenshot(tp, 'project-approved');
    expect((await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage).toBe('IN_POOL');

    // The list finds it by name and stage.
    await tp.goto(`/#/projects?stage=IN_POOL&q=${encodeURIComponent('浏览器')}`);
    await poll(() => tp.locator('#projects tbody tr').count()).toBe(1);
    await screenshot(tp, 'projects');
    // The filters live in the URL and run on the server: the form shows them, another one narrows the list.
    const filters = tp.locator('#project-filters');
    expect(await filters.locator('select[name="stage"]').inputValue()).toBe('IN_POOL');
    await filters.locator('select[name="orgUnitId"]').selectOption('v-shiqiao');
    await filters.getByRole('button', { name: '应用' }).click();
    await poll(() => tp.evaluate<string>('location.hash')).toContain('orgUnitId=v-shiqiao');
    await poll(() => tp.locator('#projects-total').textContent()).toBe('共 0 个');
    await filters.locator('select[name="orgUnitId"]').selectOption('t-hexi');
    await filters.getByRole('button', { name: '应用' }).click();
    await poll(() => tp.locator('#projects tbody tr').count()).toBe(1);
    // A value the API refuses (here typed into the URL) is named next to its control.
    await tp.goto('/#/projects?year=1999');
    await poll(() => tp.locator('#project-filters [data-path="querystring.year"] .field-error').textContent()).toMatch(/\S/);
    expect([...village.errors, ...township.errors]).toEqual([]);
  });

  it('an administrator creates a user (field errors inline) and assigns a role', async () => {
    const admin = await as('admin');
    const ap = admin.page;
    await ap.getByRole('link', { name: '系统管理', exact: true }).click();
    await ap.getByRole('heading', { level: 1, name: '系统管理' }).waitFor();
    await poll(() => ap.locator('.tree').first().textContent()).toContain('桃源村');
    const create = ap.locator('form.create-user');
    await create.getByLabel('用户名').fill('x!');
    await create.getByLabel('姓名').fill('新审核员 钱');
    await create.getByLabel('初始密码').fill('short');
    await create.getByRole('button', { name: '创建' }).click();
    // The API's details[].path put each message next to its field.
    await poll(() => create.locator('[data-path="body.username"] .field-error').textContent()).toMatch(/\S/);
    await poll(() => create.locator('[data-path="body.password"] .field-error').textContent()).toMatch(/\S/);
    await create.getByLabel('用户名').fill('qian.reviewer');
    await create.getByLabel('初始密码').fill('a-long-enough-password');
    await create.getByLabel('所属单位').selectOption('t-dongling');
    await create.getByRole('button', { name: '创建' }).click();
    const card = ap.locator('li.user[data-username="qian.reviewer"]');
    await poll(() => card.count()).toBe(1);
    await card.getByText('分配角色', { exact: true }).first().click();
    await card.getByLabel('角色').selectOption('TOWNSHIP_REVIEWER');
    await card.getByLabel('单位').selectOption('t-dongling');
    await card.locator('form.assign-role').getByRole('button', { name: '分配角色' }).click();
    await poll(() => ap.locator('li.user[data-username="qian.reviewer"] .roles').textContent()).toContain('乡镇审核 @ 东岭乡');
    await screenshot(ap, 'admin');
    const user = await s.prisma.user.findUniqueOrThrow({ where: { username: 'qian.reviewer' }, include: { roles: true } });
    expect(user.roles.map((r) => [r.role, r.orgUnitId])).toEqual([['TOWNSHIP_REVIEWER', 't-dongling']]);
    expect(admin.errors).toEqual([]);
  });

  it('the dashboard draws its charts from the API, and the page switches to English on a phone', async () => {
    const leader = await as('leader');
    const lp = leader.page;
    await lp.getByRole('link', { name: '统计看板' }).click();
    await lp.getByRole('heading', { level: 1, name: '统计看板' }).waitFor();
    const stageBars = lp.locator('#chart-stages svg rect.bar[data-value]');
    await stageBars.first().waitFor();
    expect(await stageBars.evaluateAll((bars) => bars.map((b) => [b.getAttribute('data-label'), Number(b.getAttribute('data-value'))]))).toContainEqual([
      '已入库',
      1,
    ]);
    const fundBars = lp.locator('#chart-funds svg rect.bar[data-value]');
    expect(await fundBars.evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-value'))))).toContain(50_000_000);
    // The sums arrive as decimal strings and are shown as yuan, exactly (never "NaN" or "—").
    expect(await lp.locator('#kpi-approved').textContent()).toMatch(/: ¥[\d,]+\.\d\d$/);
    expect(await lp.locator('#chart-funds svg text.value').first().textContent()).toMatch(/^[\d,]+(\.\d{1,2})?$/);
    await poll(() => lp.locator('#chart-overdue svg, #chart-overdue p').count()).toBe(1);
    await poll(() => lp.locator('#chart-grades svg, #chart-grades p').count()).toBe(1);
    await screenshot(lp, 'dashboard');
    expect(leader.errors).toEqual([]);

    const phone = await as('township', { width: 390, height: 844 });
    await screenshot(phone.page, 'inbox-phone');
    await phone.page.getByRole('button', { name: 'English' }).click();
    await phone.page.getByRole('heading', { level: 1, name: /My tasks/ }).waitFor();
    await poll(() => phone.page.locator('html').getAttribute('lang')).toBe('en');
    await phone.page.goto('/#/dashboard');
    await phone.page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await screenshot(phone.page, 'dashboard-phone-en');
    // Keyboard: the first Tab reaches the skip link, and the login page is reachable after sign-out.
    await phone.page.getByRole('button', { name: 'Sign out' }).click();
    await phone.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(phone.errors).toEqual([]);
  });

  it('a personal API token is made by keyboard on the account page, shown once, works as a bearer token, and is revoked', async () => {
    const monitor = await as('monitor');
    const mp = monitor.page;
    await mp.goto('/#/account');
    await mp.getByLabel('名称').fill('对账脚本');
    // Keyboard only: Enter in the form submits it.
    await mp.getByLabel('名称').press('Enter');
    const secret = mp.locator('#new-token code');
    await poll(() => secret.count()).toBe(1);
    const token = (await secret.textContent())!.trim();
    await poll(() => mp.locator('#token-list').textContent()).toContain('对账脚本');
    const me = await s.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect([me.statusCode, me.json().userId]).toEqual([200, s.userIds.monitor]);
    // Only its hash is stored; the list never shows the secret again.
    await mp.reload();
    await poll(() => mp.locator('#token-list').textContent()).toContain('对账脚本');
    expect(await mp.locator('body').textContent()).not.toContain(token);
    mp.once('dialog', (d) => void d.accept());
    await mp.locator('#token-list').getByRole('button', { name: '吊销 对账脚本' }).click();
    await poll(() => mp.locator('#token-list').textContent()).not.toContain('对账脚本');
    expect((await s.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    await screenshot(mp, 'account');
    expect(monitor.errors).toEqual([]);
  });

  it('after funding: capital reported and verified, a START payment verified, approved and paid, in the browser', async () => {
    const projectId = await httpProject(s).fundedProject();
    const url = `/#/projects/${projectId}`;

    // The implementer sees only the commands of their role in IMPLEMENTATION, and reports capital.
    const implementer = await as('implementer');
    const ip = implementer.page;
    await ip.goto(url);
    await ip.locator('#command-form').waitFor();
    const choice = ip.getByLabel('事项', { exact: true });
    expect(await choice.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual([
      'REPORT_PROGRESS',
      'REPORT_CAPITAL',
      'REQUEST_PAYMENT',
      'REQUEST_ACCEPTANCE',
    ]);
    await choice.selectOption('REPORT_CAPITAL');
    const submit = ip.locator('#command-form').getByRole('button', { name: '提交', exact: true });
    // The browser's own check: yuan with at most two decimals, evidence required.
    await ip.getByLabel('金额（元）').fill('4万');
    await submit.click();
    await poll(() => ip.locator('[data-path="body.command.amountFen"] .field-error').textContent()).toContain('最多两位小数');
    await poll(() => ip.locator('[data-path="body.command.evidence"] .field-error').textContent()).toBe('必填');
    await ip.getByLabel('金额（元）').fill('40,000');
    await ip.getByLabel(/佐证材料/).fill('银行进账单 2027-03-02.pdf');
    await submit.click();
    await poll(() => ip.locator('.flash').textContent()).toContain('报告资本金到位');
    await poll(() => ip.locator('#reports tbody tr').textContent()).toContain('¥40,000.00');
    // Verifying is the finance bureau's: the implementer gets no button.
    expect(await ip.locator('#reports').getByRole('button').count()).toBe(0);

    const finance = await as('finance');
    const fp = finance.page;
    await fp.goto(url);
    await fp.locator('#reports').getByRole('button', { name: /核实/ }).click();
    await poll(() => fp.locator('#reports tbody tr').textContent()).toContain('已核实');

    // A tranche not yet due: the API's refusal lands on the tranche field.
    await ip.reload();
    await ip.getByLabel('事项', { exact: true }).selectOption('REQUEST_PAYMENT');
    await ip.getByLabel('拨付阶段').selectOption('ACCEPTANCE');
    await ip.getByLabel('金额（元）').fill('20000');
    await submit.click();
    await poll(() => ip.locator('[data-path="body.command.tranche"] .field-error').textContent()).toMatch(
      /^该笔资金现在不能申请拨付（.*ACCEPTANCE cannot be paid now/,
    );
    // The START tranche, 160,000 yuan, with an invoice whose SHA-256 the browser computes.
    await ip.getByLabel('拨付阶段').selectOption('START');
    await ip.getByLabel('金额（元）').fill('160,000');
    await ip.getByRole('button', { name: '添加发票' }).click();
    await ip.getByLabel('发票号码').fill('ZJ-2027-000123');
    await ip.getByLabel('发票文件').setInputFiles({ name: 'invoice-123.pdf', mimeType: 'application/pdf', buffer: Buffer.from('zj-123') });
    await screenshot(ip, 'project-payment-request');
    await submit.click();
    await poll(() => ip.locator('.flash').textContent()).toContain('申请拨付');
    await poll(() => ip.locator('#payments .payment-status').getAttribute('data-status')).toBe('VERIFYING');
    const payment = await s.prisma.payment.findFirstOrThrow({ where: { projectId }, include: { invoices: true } });
    expect(payment).toMatchObject({ tranche: 'START', amountFen: 16_000_000n, payeeId: '桃源茶叶合作社' });
    expect(payment.invoices[0]).toMatchObject({ number: 'ZJ-2027-000123', sha256: crypto.createHash('sha256').update('zj-123').digest('hex') });

    // The agriculture bureau verifies from its inbox, then the finance bureau approves.
    const agri = await as('agri');
    await approveFromInbox(agri.page, projectId, '拨付核验');
    await approveFromInbox(fp, projectId, '财政审批拨付');

    await pollReloading(ip, '.project-page', () => ip.locator('#payments .payment-status').textContent()).toBe('已拨付');
    expect(await ip.locator('#disbursed-fen').textContent()).toBe('¥160,000.00');
    expect(await ip.locator('#tranches tr[data-tranche="START"] td').textContent()).toBe('¥160,000.00');
    expect(await ip.locator('#payments').textContent()).toContain('ZJ-2027-000123');

    // A progress report through the command form: the browser checks the percent; the agriculture
    // bureau verifies it from the project page, and the implementer then sees who verified it, by name.
    await ip.getByLabel('事项', { exact: true }).selectOption('REPORT_PROGRESS');
    await ip.getByLabel('完成进度（%）').fill('120');
    await ip.getByLabel(/佐证材料/).fill('施工日志 2027-04.pdf\n现场照片 04-10.jpg');
    await submit.click();
    await poll(() => ip.locator('[data-path="body.command.percent"] .field-error').textContent()).toMatch(/\S/);
    expect(await s.prisma.progressReport.count({ where: { projectId, kind: 'PROGRESS' } })).toBe(0);
    await ip.getByLabel('完成进度（%）').fill('45');
    await submit.click();
    await poll(() => ip.locator('.flash').textContent()).toContain('报告建设进度');
    const progress = ip.locator('#reports tbody tr', { hasText: '45%' });
    await poll(() => progress.count()).toBe(1);
    expect(await progress.textContent()).toContain('施工日志 2027-04.pdf');
    // (The bureau's page already shows this project from its inbox: reload to see the new report.)
    await pollReloading(agri.page, '.project-page', () =>
      agri.page
        .locator('#reports')
        .getByRole('button', { name: /核实.*45%/ })
        .count(),
    ).toBe(1);
    await agri.page
      .locator('#reports')
      .getByRole('button', { name: /核实.*45%/ })
      .click();
    await poll(() => agri.page.locator('#reports tbody tr', { hasText: '45%' }).textContent()).toContain('已核实');
    await pollReloading(ip, '.project-page', () => ip.locator('#reports tbody tr', { hasText: '45%' }).textContent()).toContain('县农业农村局 刘科长');
    expect(await s.prisma.progressReport.findFirstOrThrow({ where: { projectId, kind: 'PROGRESS' } })).toMatchObject({
      percent: 45,
      verifiedBy: s.userIds.agri,
    });
    expect(await ip.locator('#temporal-link').count()).toBe(0);
    await screenshot(ip, 'project-paid');
    await ip.setViewportSize({ width: 390, height: 844 });
    await screenshot(ip, 'project-paid-phone');
    expect([...implementer.errors, ...finance.errors, ...agri.errors]).toEqual([]);
    // Four people, a funded project, a payment through its whole pipeline and a verified report.
  }, 150_000);

  it('lists fault-tolerance cases and shows one: findings, votes, outcome, appeal, the written notice', async () => {
    const review = (who: string, event: object, caseId?: string) =>
      post(
        caseId ? `/api/reviews/${caseId}/actions` : '/api/reviews',
        who,
        caseId ? { requestId: newRequestId(), event } : { requestId: newRequestId(), ...event },
      );
    const opened = await review('village', {
      opening: 'APPLY',
      countyOrgUnitId: 'c-qingshan',
      projectIds: ['P-tea-pilot'],
      concernedOfficials: [{ userId: s.userIds.village, post: '村党支部书记' }],
      matter: '高山茶园试点因霜冻亏损',
      lossFen: 1_234_500,
      triggerType: 'POOR_GRADE',
      notifiedAt: Date.now() - 86_400_000,
    });
    const caseId = opened.caseId as string;
    await review('discipline', { type: 'ACCEPT' }, caseId);
    for (const criterion of ['NOT_PROHIBITED_AT_THE_TIME', 'PROCEDURE_FOLLOWED', 'NO_IMPROPER_GAIN', 'DILIGENCE_AND_LOSS_RECOVERY', 'FORCE_MAJEURE']) {
      await review('discipline', { type: 'RECORD_FINDING', criterion, value: 'MET', evidence: ['会议纪要 2026-03.pdf'] }, caseId);
    }
    await review('discipline', { type: 'COMPLETE_INVESTIGATION' }, caseId);
    await review('discipline', { type: 'CAST_VOTE', choice: 'LENIENT' }, caseId);
    await review(
      'discipline',
      {
        type: 'DECIDE',
        impactPeriodEndsAt: Date.now() + 180 * 86_400_000,
        correctiveMeasures: [{ id: 'm1', description: '完善茶园防霜冻预案', dueAt: Date.now() + 60 * 86_400_000 }],
      },
      caseId,
    );
    await review('discipline', { type: 'SERVE_NOTICE' }, caseId);
    await review('discipline', { type: 'PUBLICISE_AND_FILE' }, caseId);
    await review('village', { type: 'APPEAL', grounds: '霜冻属不可抗力，已积极挽回损失' }, caseId);

    const official = await as('village');
    const vp = official.page;
    await vp.getByRole('link', { name: '容错纠错' }).click();
    await vp.getByRole('heading', { level: 1, name: /容错纠错案件/ }).waitFor();
    const row = vp.locator('#reviews tbody tr', { hasText: '高山茶园试点因霜冻亏损' });
    await poll(() => row.textContent()).toContain('从轻/减轻');
    await screenshot(vp, 'reviews');
    await row.getByRole('link').click();
    await vp.getByRole('heading', { level: 1, name: /高山茶园试点因霜冻亏损/ }).waitFor();
    await poll(() => vp.locator('#findings-1 tbody tr').count()).toBe(5);
    expect(await vp.locator('#findings-1').textContent()).toContain('当时法律法规和纪律未明令禁止');
    expect(await vp.locator('#votes-1 tbody tr').count()).toBe(1);
    expect(await vp.locator('#review-outcome').textContent()).toBe('从轻/减轻');
    expect(await vp.locator('.review-page').getAttribute('data-stage')).toBe('appeal');
    expect(await vp.locator('#review-appeal').textContent()).toContain('霜冻属不可抗力，已积极挽回损失');
    expect(await vp.locator('.decision').textContent()).toContain('完善茶园防霜冻预案');
    // The names, not ids, of the people who acted.
    expect(await vp.locator('#review-actions').textContent()).not.toContain(s.userIds.discipline!);
    const href = await vp.locator('#notice-link').getAttribute('href');
    expect(href).toBe(`/api/reviews/${caseId}/notice`);
    const notice = await official.context.request.get(href!);
    expect(notice.status()).toBe(200);
    expect(await notice.text()).toContain('容错纠错认定结果书面反馈');
    await screenshot(vp, 'review-case');
    // Every label the pages use exists in both languages.
    expect(await vp.evaluate("import('/web/i18n.js').then((m) => m.missingKeys())")).toEqual({ en: [], zh: [] });
    expect(official.errors).toEqual([]);
  });
});
