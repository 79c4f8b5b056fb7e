import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateZh } from '../../src/domain/fault-tolerance';
import { launchChromium, screenshot } from './browser';
import { httpProject } from '../support/http-project';
import { FAVOURABLE_VOTE } from '../support/proposal';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';

/**
 * The printable 立项批复 with its number and the 竣工验收报告 (issue #18), printed by a real
 * Chromium to A4 PDF and read back as rendered text: the number and the facts are there, names and
 * posts instead of ids, and no Latin letter (no id, no English code) on the Chinese page.
 */
let s: TTestStack;
let h: ReturnType<typeof httpProject>;
let browser: Browser;
let projectId: string;
let number: string;

beforeAll(async () => {
  s = await startTestStack();
  h = httpProject(s);
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

/** Prints `html` to A4 as Chromium does; answers the rendered text, the PDF's page count and the widest line. */
async function printed(html: string, name: string) {
  const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
  try {
    await page.setContent(html);
    await page.emulateMedia({ media: 'print' });
    const text = await page.innerText('body');
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    const png = await page.screenshot({ fullPage: true });
    expect(png.length).toBeGreaterThan(20_000);
    await screenshot(page, name);
    return { text, pages, scrollWidth };
  } finally {
    await page.close();
  }
}

describe('the printable 批复 and acceptance report', () => {
  it('the 批复 prints to A4 with its number, the facts, the publicities and the approvers by name and post', async () => {
    projectId = await h.fundedProject();
    const issued = await h.call('POST', `/api/projects/${projectId}/approval-document`, s.tokens.leader!, { requestId: newRequestId() });
    expect(issued.statusCode, issued.body).toBe(201);
    number = issued.json().number;
    const res = await h.call('GET', `/api/projects/${projectId}/approval-document`, s.tokens.village!);
    expect(res.statusCode, res.body).toBe(200);
    expect(number).toMatch(/^青山县乡振批〔\d{4}〕1号$/);
    const { text, pages, scrollWidth } = await printed(res.body, 'approval-document-zh');
    expect(scrollWidth).toBeLessThanOrEqual(794);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    expect(text).toContain(number);
    expect(text).toContain('关于桃源村高山茶园提质扩面立项的批复');
    expect(text).toContain('青山县河西镇桃源村');
    expect(text).toContain('桃源茶叶合作社');
    expect(text).toContain('500,000.00元');
    expect(text).toContain('中央衔接资金 400,000.00元');
    for (const person of ['河西镇审核 张审核', '县农业农村局 刘科长', '县财政局 陈科长', '县领导小组 周组长']) expect(text).toContain(person);
    expect(text).toContain('县巩固衔接领导小组');
    expect(text).toMatch(/村级公示：\d{4}年\d+月\d+日至/);
    const approval = await s.prisma.decision.findFirstOrThrow({ where: { projectId, stageBefore: 'COUNTY_APPROVAL', stageAfter: 'IN_POOL' } });
    expect(text).toContain(formatDateZh(approval.createdAt.getTime()));
    expect(text).not.toMatch(/[A-Za-z]/);
  }, 120_000);

  it('the acceptance report is refused before acceptance, then prints the vote, the inspectors, the defects and the conclusion', async () => {
    const early = await h.call('GET', `/api/projects/${projectId}/acceptance-report`, s.tokens.village!);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('ACCEPTANCE_NOT_RECORDED');

    await h.paidStartPayment(projectId);
    await h.throughHandover(projectId);
    const defect = await h.act(projectId, 'village', { type: 'REPORT_DEFECT', text: '茶园灌溉管道渗漏' });
    expect(defect.statusCode, defect.body).toBe(201);
    const defectId = defect.json().recordId;
    expect((await h.act(projectId, 'implementer', { type: 'REPORT_DEFECT_REPAIRED', defectId, evidence: ['repair.jpg'], text: '已更换管道' })).statusCode).toBe(
      201,
    );
    expect((await h.act(projectId, 'agri', { type: 'VERIFY_DEFECT_REPAIR', defectId, result: 'ACCEPTED' })).statusCode).toBe(201);

    expect((await h.call('GET', `/api/projects/${projectId}/acceptance-report`, s.tokens.township2!)).statusCode).toBe(404);
    const res = await h.call('GET', `/api/projects/${projectId}/acceptance-report`, s.tokens.village!);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const { text, pages, scrollWidth } = await printed(res.body, 'acceptance-report-zh');
    expect(scrollWidth).toBeLessThanOrEqual(794);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    expect(text).toContain('桃源村高山茶园提质扩面竣工验收报告');
    expect(text).toContain(
      `应到代表${FAVOURABLE_VOTE.representatives}人；赞成${FAVOURABLE_VOTE.votesFor}票，反对${FAVOURABLE_VOTE.votesAgainst}票，弃权${FAVOURABLE_VOTE.abstentions}票；达到法定人数：是；满意度${FAVOURABLE_VOTE.satisfactionPercent}%`,
    );
    for (const person of ['县农业农村局 刘科长', '县财政局 陈科长', '第三方专家 吴工']) expect(text).toContain(person);
    expect(text).toContain('已拨付资金\t160,000.00元');
    expect(text).toContain('茶园灌溉管道渗漏（修复已核验；修复：已更换管道）');
    const round = await s.prisma.acceptance.findFirstOrThrow({ where: { projectId, result: 'PASSED' } });
    expect(text).toContain(`验收合格（${formatDateZh(round.decidedAt!.getTime())}）`);
    expect(text).not.toMatch(/[A-Za-z]/);
  }, 120_000);
});
