import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { formatFenTotal } from '../../src/domain/policies/money';
import { CODE_LABELS } from '../../src/web/app/code-labels';
import { taoyuanProjectRow } from '../support/project-row';
import { fitsWidth, foreignText, screenshot, useBrowserStack } from './browser';

/**
 * 统计看板 in the React app (issue #18, ECharts): the county leader opens the dashboard and reads,
 * in each chart's text alternative, the figures the API gives, to the fen; a unit narrows it; the
 * page reads in English after the switch; a phone shows it without sideways scrolling. The figures
 * stand on projection rows made with Prisma (a read-side test: no workflow is needed).
 */
const PROJECTS = [
  // id, township, village, stage, budget (fen), disbursed (fen)
  ['pd-1', 't-hexi', 'v-taoyuan', 'IMPLEMENTATION', 123_456_789n, 23_456_701n],
  ['pd-2', 't-hexi', 'v-shiqiao', 'IN_POOL', 50_000_000n, 0n],
  ['pd-3', 't-dongling', 'v-chaling', 'OPERATION', 7_000_001n, 7_000_001n],
  ['pd-4', 't-dongling', 'v-yunshui', 'TOWNSHIP_REVIEW', 999n, 0n],
] as const;

const web = useBrowserStack({
  setup: async (s) => {
    for (const [id, townshipId, villageId, stage, budgetFen, disbursedFen] of PROJECTS) {
      await s.prisma.project.create({
        data: taoyuanProjectRow({
          id,
          proposerId: s.userIds.village!,
          name: `看板项目${id.slice(3)}`,
          orgUnitId: villageId,
          townshipId,
          villageId,
          orgPath: `/c-qingshan/${townshipId}/${villageId}/`,
          stage,
          budgetFen,
          disbursedFen,
        }),
      });
    }
    for (const [seq, projectId, grade, decidedAt] of [
      [1, 'pd-3', 'GOOD', '2024-12-20T02:00:00Z'],
      [2, 'pd-1', 'EXCELLENT', '2025-06-01T02:00:00Z'],
      [3, 'pd-2', 'GOOD', '2025-07-01T02:00:00Z'],
    ] as const) {
      await s.prisma.evaluation.create({
        data: {
          id: `${projectId}:evaluation:${seq}`,
          projectId,
          seq,
          indicators: {},
          scoreTenths: 850,
          grade,
          outcomeClass: 'NORMAL',
          status: 'APPROVED',
          submittedBy: s.userIds.agri!,
          submittedAt: new Date(decidedAt),
          decidedAt: new Date(decidedAt),
        },
      });
    }
    await s.prisma.payment.create({
      data: {
        id: 'pd-1:pay:1',
        requestId: 'pd-1-pay-1',
        projectId: 'pd-1',
        seq: 1,
        tranche: 'ADVANCE',
        amountFen: 1_000_000n,
        payeeId: 'x',
        status: 'VERIFYING',
        requestedBy: s.userIds.implementer!,
        requestedAt: new Date(),
      },
    });
    for (const code of ['DUPLICATE_INVOICE', 'PAYEE_NOT_IMPLEMENTER'])
      await s.prisma.riskFlag.create({
        data: { id: `pd-1:pay:1:${code}`, projectId: 'pd-1', paymentId: 'pd-1:pay:1', code, status: 'OPEN', message: code, details: {}, raisedAt: new Date() },
      });
  },
});
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });

/** A GET of the dashboard API as the given demo user. */
async function apiGet<T>(who: string, url: string): Promise<T> {
  const res = await web.s.app.inject({ url, headers: { authorization: `Bearer ${web.s.tokens[who]}` } });
  expect(res.statusCode).toBe(200);
  return res.json<T>();
}

/** The cells of a chart's text alternative (its hidden table), row by row. */
const tableOf = (page: Page, chart: string) =>
  page.locator(`#${chart} figcaption tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));

describe('统计看板 in the new app', () => {
  it('the county leader reads the API figures exactly in the charts’ text alternatives, narrows to a township and switches to English', async () => {
    const { page, errors } = await web.asApp('leader');
    await page.locator('#nav-dashboard').click();
    await page.getByRole('heading', { level: 1, name: '统计看板' }).waitFor();
    expect(page.url()).toMatch(/\/app\/dashboard$/);

    const stages = await apiGet<{ items: Array<{ stage: string; count: number; budgetFen: string }>; total: number }>(
      'leader',
      '/api/dashboard/projects-by-stage',
    );
    const funds = await apiGet<{ items: Array<{ townshipName: string; approvedFen: string; disbursedFen: string; requestedFen: string }> }>(
      'leader',
      '/api/dashboard/funds-by-township',
    );
    const grades = await apiGet<{ items: Array<{ year: number; counts: Record<string, number>; total: number }> }>('leader', '/api/dashboard/grades-by-year');
    const risks = await apiGet<{ total: number; byCode: Array<{ code: string; count: number }> }>('leader', '/api/dashboard/risk-flags');
    expect(stages.total).toBe(4);

    const zh = CODE_LABELS.zh;
    // The page shows the stages in the lifecycle's order, which the names' dictionary follows.
    const inLifecycleOrder = <T extends { stage: string }>(items: T[]) =>
      [...items].sort((a, b) => Object.keys(zh.stage).indexOf(a.stage) - Object.keys(zh.stage).indexOf(b.stage));
    expect(inLifecycleOrder(stages.items).map((s) => s.stage)).toEqual(['TOWNSHIP_REVIEW', 'IN_POOL', 'IMPLEMENTATION', 'OPERATION']);
    await poll(() => tableOf(page, 'chart-stages')).toEqual(
      inLifecycleOrder(stages.items).map((s) => [zh.stage[s.stage as 'IN_POOL'], String(s.count), formatFenTotal(s.budgetFen)]),
    );
    await poll(() => tableOf(page, 'chart-funds')).toEqual(
      funds.items.map((f) => [f.townshipName, formatFenTotal(f.approvedFen), formatFenTotal(f.disbursedFen), formatFenTotal(f.requestedFen)]),
    );
    // The figures themselves, to the fen: 河西镇 approved ¥1,234,567.89 + ¥500,000.00, disbursed ¥234,567.01.
    expect(await tableOf(page, 'chart-funds')).toContainEqual(['河西镇', '¥1,734,567.89', '¥234,567.01', '¥1,734,567.89']);
    expect(await tableOf(page, 'chart-funds')).toContainEqual(['东岭乡', '¥70,000.01', '¥70,000.01', '¥70,010.00']);
    await poll(() => tableOf(page, 'chart-grades')).toEqual(
      grades.items.map((y) => [`${y.year}年`, ...(['EXCELLENT', 'GOOD', 'FAIR', 'POOR'] as const).map((g) => String(y.counts[g])), String(y.total)]),
    );
    expect(grades.items.map((y) => [y.year, y.total])).toEqual([
      [2024, 1],
      [2025, 2],
    ]);
    await poll(() => tableOf(page, 'chart-risks')).toEqual(risks.byCode.map((r) => [zh.risk[r.code as 'DUPLICATE_INVOICE'], String(r.count)]));
    expect(risks.total).toBe(2);
    await poll(() => page.locator('#kpi-approved').innerText()).toContain('¥1,804,567.90');
    expect(await page.locator('#kpi-disbursed').innerText()).toContain('¥304,567.02');

    // Each chart is drawn on a canvas, named for screen readers.
    for (const id of ['chart-stages', 'chart-funds', 'chart-grades', 'chart-risks']) {
      const canvas = page.locator(`#${id} canvas`);
      await canvas.first().waitFor();
      expect(await canvas.first().evaluate((c) => (c as unknown as { width: number }).width)).toBeGreaterThan(100);
    }
    expect(await page.getByRole('img', { name: '堆叠柱状图：各乡镇已拨付与待拨付资金，合计为已批准资金' }).count()).toBe(1);
    // A pointer over 河西镇's bar: the tooltip is drawn on the canvas, so nothing breaks the CSP (errors stay empty).
    const box = (await page.locator('#chart-funds canvas').first().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.7);
    expect(await page.locator('#chart-funds div').evaluateAll((divs) => divs.filter((d) => d.innerHTML.includes('河西镇')).length)).toBe(0);
    expect(await foreignText(page)).toEqual([]);
    await screenshot(page, 'app-dashboard-zh');

    // One township: the figures narrow to it.
    await page.locator('.ant-select', { has: page.locator('#dashboard-unit') }).click();
    await page.locator('.ant-select-dropdown').getByText('东岭乡', { exact: true }).click();
    await poll(() => tableOf(page, 'chart-funds')).toEqual([['东岭乡', '¥70,000.01', '¥70,000.01', '¥70,010.00']]);
    await poll(() => page.locator('#kpi-projects .ant-statistic-content').innerText()).toBe('2');
    expect(await page.locator('#chart-risks').count()).toBe(0);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    const township = await apiGet<typeof stages>('leader', '/api/dashboard/projects-by-stage?orgUnitId=t-dongling');
    expect(township.items.map((s) => s.stage).sort()).toEqual(['OPERATION', 'TOWNSHIP_REVIEW']);
    await poll(() => tableOf(page, 'chart-stages')).toEqual(
      inLifecycleOrder(township.items).map((s) => [CODE_LABELS.en.stage[s.stage as 'IN_POOL'], String(s.count), formatFenTotal(s.budgetFen)]),
    );
    expect(await page.getByRole('img', { name: 'Bar chart: projects by stage' }).count()).toBe(1);
    await screenshot(page, 'app-dashboard-en');
    expect(errors).toEqual([]);
  });

  it('fits a phone and reads in English there', async () => {
    const { page, errors } = await web.asApp('monitor', { width: 390, height: 844 });
    await page.goto('/app/dashboard');
    await page.getByRole('heading', { level: 1, name: '统计看板' }).waitFor();
    await page.locator('#chart-funds canvas').first().waitFor();
    expect(await fitsWidth(page)).toBe(true);
    expect(await foreignText(page)).toEqual([]);
    await screenshot(page, 'app-dashboard-phone-zh');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.locator('#chart-funds canvas').first().waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'app-dashboard-phone-en');
    expect(errors).toEqual([]);
  });
});
