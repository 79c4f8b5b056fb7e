import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createActivities } from '../../activities';
import { hashPassword } from '../../src/auth/password';
import { CRITERIA } from '../../src/domain/fault-tolerance';
import { DEMO_PASSWORD, startTestStack, type TTestStack } from '../support/stack';
import { addProject } from '../workflows/fault-tolerance-support';
import { launchChromium, screenshot, signIn, type TBrowserUser } from './browser';

/**
 * One fault-tolerance case driven entirely from the web app, each step by the person whose turn it
 * is, found in their inbox: the official applies from the eligibility notice, the deciding body
 * admits, investigates (a finding without evidence refused inline), its two members vote, one
 * decides with a corrective measure, and the written notice is there to read.
 */
let s: TTestStack;
let browser: Browser;
let baseUrl: string;
const users: TBrowserUser[] = [];
const DAY = 86_400_000;
const PROJECT = 'P-web-review';
const MATTER = '桃源村高山茶园因霜冻减产造成亏损（浏览器）';

beforeAll(async () => {
  browser = await launchChromium();
  s = await startTestStack();
  baseUrl = await s.app.listen({ port: 0, host: '127.0.0.1' });
  await addProject(s.prisma, { id: PROJECT, name: '桃源村高山茶园（容错）', proposerId: s.userIds.village! });
  // Two more holders of the deciding role, granted after the seeded one: the county's draw puts the
  // two longest-serving (discipline, discipline2) on the body and keeps discipline3 for an appeal.
  for (const [i, username] of ['discipline2', 'discipline3'].entries()) {
    const member = await s.prisma.user.create({
      data: { username, displayName: `县纪委监委 钱委员${i + 2}`, passwordHash: await hashPassword(DEMO_PASSWORD), homeOrgUnitId: 'c-qingshan' },
    });
    await s.prisma.roleAssignment.create({
      data: { userId: member.id, role: 'DISCIPLINE_INSPECTION', orgUnitId: 'c-qingshan', createdAt: new Date(Date.now() + (i + 1) * 1_000) },
    });
  }
  // The project's 差 grade was approved yesterday: the proposer may apply (review-eligibility.ts).
  await createActivities({ prisma: s.prisma }).notifyReviewEligibility({
    projectId: PROJECT,
    trigger: 'POOR_GRADE',
    triggerRef: 'eval-web-1',
    at: Date.now() - DAY,
    windowDays: 30,
  });
}, 120_000);
afterAll(async () => {
  for (const u of users) await u.context.close().catch(() => undefined);
  await browser?.close();
  await s?.close();
});

async function as(username: string) {
  const u = await signIn(browser, baseUrl, username, DEMO_PASSWORD);
  users.push(u);
  return u;
}

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

/** From the inbox, open the case task of this kind (a link to the case page, not to an approval task). */
async function openFromInbox(page: Page, kindLabel: string) {
  await page.goto('/#/inbox');
  const link = page.locator('#tasks li', { hasText: kindLabel }).getByRole('link');
  await poll(() => link.count()).toBe(1);
  await link.click();
  await page.locator('.review-page').waitFor();
}

/** Submit the case page's form for `action` and wait for the page to show the new stage (or count). */
async function act(page: Page, action: string, fill: (form: ReturnType<Page['locator']>) => Promise<void> = async () => undefined) {
  const form = page.locator(`form[data-action="${action}"]`);
  await fill(form);
  await form.getByRole('button').last().click();
}

describe('a fault-tolerance case driven from the web app', () => {
  it("apply → accept → findings → votes → decision → written notice, each by its own user; an honour on the official's record page", async () => {
    // The official applies from the eligibility notice in their inbox.
    const official = await as('village');
    const op = official.page;
    const notice = op.locator('#tasks li', { hasText: '可申请容错纠错' }).getByRole('link');
    await notice.click();
    await op.getByRole('heading', { level: 1, name: '申请或启动容错纠错' }).waitFor();
    expect(await op.getByLabel('申请资格').inputValue()).toContain(PROJECT);
    expect(await op.locator('#review-new-facts').isHidden()).toBe(true);
    await op.getByRole('button', { name: '提交' }).click();
    await poll(() => op.locator('[data-path="body.matter"] .field-error').textContent()).toBe('必填');
    await op.getByLabel('事项').fill(MATTER);
    await op.getByLabel('损失金额（元）').fill('12345.67');
    // The form offers no deciding body, level, quorum or window: the county's are used.
    expect(await op.locator('[data-path^="body.decidingBody"], [data-path^="body.settings"]').count()).toBe(0);
    expect(await op.locator('#review-new-body').textContent()).toContain('系统');
    await op.getByRole('button', { name: '提交' }).click();
    await op.getByRole('heading', { level: 1, name: MATTER }).waitFor();
    expect(await op.locator('.review-page').getAttribute('data-stage')).toBe('admissibility');
    // Nothing for the official to do while the body decides admissibility.
    expect(await op.locator('#review-forms').count()).toBe(0);
    const caseRow = await s.prisma.reviewCase.findFirstOrThrow({ where: { matter: MATTER } });
    expect(caseRow).toMatchObject({ projectIds: [PROJECT], concernedUserIds: [s.userIds.village] });
    expect((caseRow.context as { case: { lossFen: number } }).case.lossFen).toBe(1_234_567);
    const discipline2 = await s.prisma.user.findUniqueOrThrow({ where: { username: 'discipline2' } });
    expect((caseRow.context as { rounds: Array<{ body: { memberIds: string[] } }> }).rounds[0]!.body.memberIds).toEqual([s.userIds.discipline, discipline2.id]);

    // The deciding body admits the case from its inbox, then investigates.
    const body = await as('discipline');
    const bp = body.page;
    await openFromInbox(bp, '容错纠错受理审查');
    expect(await bp.locator('form[data-action]').evaluateAll((forms) => forms.map((f) => f.getAttribute('data-action')))).toEqual(['ACCEPT', 'REFUSE']);
    await act(bp, 'ACCEPT');
    await poll(() => bp.locator('.review-page').getAttribute('data-stage')).toBe('investigation');
    // A definite finding needs evidence: the API's refusal lands on the evidence field.
    await act(bp, 'RECORD_FINDING', async (f) => {
      await f.getByLabel('条件').selectOption('NOT_PROHIBITED_AT_THE_TIME');
      await f.getByLabel('结论').selectOption('MET');
    });
    await poll(() => bp.locator('form[data-action="RECORD_FINDING"] [data-path="evidence"] .field-error').textContent()).toContain('evidence');
    for (const [i, criterion] of CRITERIA.entries()) {
      await act(bp, 'RECORD_FINDING', async (f) => {
        await f.getByLabel('条件').selectOption(criterion);
        await f.getByLabel('结论').selectOption('MET');
        await f.getByLabel('证据（链接或文件编号）').fill(`https://records.example/qingshan/${criterion}.pdf\n村民代表会议纪要 2026-03`);
      });
      await poll(() => bp.locator('#findings-1 tbody tr').count()).toBe(i + 1);
    }
    await act(bp, 'COMPLETE_INVESTIGATION');
    await poll(() => bp.locator('.review-page').getAttribute('data-stage')).toBe('collectiveDecision');
    await act(bp, 'CAST_VOTE', (f) =>
      f
        .getByLabel('意见')
        .selectOption('EXEMPT')
        .then(() => undefined),
    );
    await poll(() => bp.locator('#votes-1 tbody tr').count()).toBe(1);
    // One vote per member: the vote form is gone, and deciding waits for the quorum.
    expect(await bp.locator('form[data-action="CAST_VOTE"]').count()).toBe(0);
    expect(await bp.locator('form[data-action="DECIDE"]').count()).toBe(0);

    // The second member votes from their own inbox.
    const second = await as('discipline2');
    const sp = second.page;
    await openFromInbox(sp, '容错纠错集体表决');
    await act(sp, 'CAST_VOTE', (f) =>
      f
        .getByLabel('意见')
        .selectOption('EXEMPT')
        .then(() => undefined),
    );
    await poll(() => sp.locator('#votes-1 tbody tr').count()).toBe(2);

    // The first member decides, with a corrective measure due in 60 days; a past due date is refused inline.
    await openFromInbox(bp, '容错纠错集体认定');
    const due = (days: number) => new Date(Date.now() + days * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
    await act(bp, 'DECIDE', async (f) => {
      await f.getByRole('button', { name: '添加纠错措施' }).click();
      await f.getByLabel('纠错措施').fill('完善茶园防霜冻预案');
      await f.getByLabel('期限').fill(due(-2));
    });
    await poll(() => bp.locator('[data-path="correctiveMeasures.0.dueAt"] .field-error').textContent()).toContain('due after the decision');
    await act(bp, 'DECIDE', (f) => f.getByLabel('期限').fill(due(60)));
    await poll(() => bp.locator('.review-page').getAttribute('data-stage')).toBe('writtenNotice');
    expect(await bp.locator('#review-outcome').textContent()).toBe('免责');
    await screenshot(bp, 'review-decided');

    // The written notice is there for the official to read.
    await op.reload();
    await op.locator('.review-page[data-stage="writtenNotice"]').waitFor();
    const href = await op.locator('#notice-link').getAttribute('href');
    await op.goto(href!);
    const text = await op.locator('body').textContent();
    expect(text).toContain('容错纠错认定结果书面反馈');
    expect(text).toContain('予以免责');
    expect(text).toContain('完善茶园防霜冻预案');

    // An administrator records an honour on the official's record page, reached from the case: only for a project graded 优.
    const admin = await as('admin');
    const ap = admin.page;
    await ap.goto(`/#/reviews/${encodeURIComponent(caseRow.id)}`);
    await ap.locator('.review-page').waitFor();
    await ap.locator('a.official-link').click();
    await ap.locator('#honour-form').waitFor();
    await ap.getByLabel('项目编号（评价为优）').fill(PROJECT);
    await ap.getByLabel('表彰名称').fill('产业帮扶先进个人');
    await ap.getByRole('button', { name: '记录表彰' }).click();
    // The refusal in the page's words, the API's detail after it.
    await poll(() => ap.locator('[data-path="body.projectId"] .field-error').textContent()).toMatch(/^项目最近一次评价不是“优”，不能表彰（.*EXCELLENT/);
    await s.prisma.project.update({ where: { id: PROJECT }, data: { latestGrade: 'EXCELLENT' } });
    await ap.getByRole('button', { name: '记录表彰' }).click();
    await poll(() => ap.locator('#official-honours tbody').textContent()).toContain('产业帮扶先进个人');
    expect(await s.prisma.honour.count({ where: { officialId: s.userIds.village!, projectId: PROJECT } })).toBe(1);
    await screenshot(ap, 'official-record');
    expect(await ap.evaluate("import('/web/i18n.js').then((m) => m.missingKeys())")).toEqual({ en: [], zh: [] });
    expect([...official.errors, ...body.errors, ...second.errors, ...admin.errors]).toEqual([]);
  });
});
