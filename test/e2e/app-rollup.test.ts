import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password';
import { taoyuanProjectRow } from '../support/project-row';
import { DEMO_PASSWORD } from '../support/stack';
import { foreignText, screenshot, useBrowserStack } from './browser';

/**
 * 汇总分析 in the React app (issue #17): a city monitor finds the roll-up in the menu, sees their
 * city's two counties (and not the other city's), drills into a county and on to the county
 * dashboard. The province is built with Prisma directly and its projects are projection rows (a
 * read-side test: no workflow is needed to show figures).
 */
const CITY_A = [
  ['c-e2e-a1', '东岭县', 123_456_789n],
  ['c-e2e-a2', '西岭县', 1n],
] as const;

const web = useBrowserStack({
  setup: async (s) => {
    const units = [
      { id: 'p-e2e', name: '示范省', level: 'PROVINCE', parentId: null, path: '/p-e2e/' },
      { id: 'm-e2e-a', name: '东川市', level: 'CITY', parentId: 'p-e2e', path: '/p-e2e/m-e2e-a/' },
      { id: 'm-e2e-b', name: '西山市', level: 'CITY', parentId: 'p-e2e', path: '/p-e2e/m-e2e-b/' },
      ...CITY_A.map(([id, name]) => ({ id, name, level: 'COUNTY' as const, parentId: 'm-e2e-a', path: `/p-e2e/m-e2e-a/${id}/` })),
      { id: 'c-e2e-b1', name: '南山县', level: 'COUNTY', parentId: 'm-e2e-b', path: '/p-e2e/m-e2e-b/c-e2e-b1/' },
    ] as const;
    for (const u of units) await s.prisma.orgUnit.create({ data: { ...u } });
    for (const [county, name, budgetFen] of [...CITY_A, ['c-e2e-b1', '南山县', 5n] as const]) {
      const path = units.find((u) => u.id === county)!.path;
      await s.prisma.orgUnit.create({
        data: { id: `t-${county}`, name: `${name.slice(0, 2)}镇`, level: 'TOWNSHIP', parentId: county, path: `${path}t-${county}/` },
      });
      await s.prisma.orgUnit.create({
        data: { id: `v-${county}`, name: `${name.slice(0, 2)}村`, level: 'VILLAGE', parentId: `t-${county}`, path: `${path}t-${county}/v-${county}/` },
      });
      await s.prisma.project.create({
        data: taoyuanProjectRow({
          id: `pr-${county}`,
          proposerId: s.userIds.village!,
          name: `${name}茶园`,
          orgUnitId: `v-${county}`,
          countyId: county,
          townshipId: `t-${county}`,
          villageId: `v-${county}`,
          orgPath: `${path}t-${county}/v-${county}/`,
          stage: 'IMPLEMENTATION',
          budgetFen,
        }),
      });
      await s.prisma.fundAllocation.create({
        data: { requestId: `fa-${county}`, projectId: `pr-${county}`, fiscalYear: 2025, amountFen: budgetFen, actorId: 'x' },
      });
    }
    // Paid out: 东岭县 from two sources, 西岭县 from one, 南山县 (the other city) from one.
    for (const [seq, county, fiscalSource, amountFen] of [
      [1, 'c-e2e-a1', 'CENTRAL_LINKAGE', 30_000_001n],
      [2, 'c-e2e-a1', 'LOCAL', 99n],
      [3, 'c-e2e-a2', 'LOCAL', 1n],
      [4, 'c-e2e-b1', 'CENTRAL_LINKAGE', 5n],
    ] as const) {
      await s.prisma.payment.create({
        data: {
          id: `pr-${county}:pay:${seq}`,
          requestId: `rollup-pay-${seq}`,
          projectId: `pr-${county}`,
          seq,
          tranche: 'ADVANCE',
          amountFen,
          payeeId: 'x',
          fiscalSource,
          status: 'PAID',
          requestedBy: 'x',
          requestedAt: new Date(),
          paidAt: new Date(),
        },
      });
    }
    await s.prisma.user.create({
      data: {
        username: 'city-monitor',
        displayName: '东川市监测员',
        passwordHash: await hashPassword(DEMO_PASSWORD),
        roles: { create: { role: 'MONITOR', orgUnitId: 'm-e2e-a' } },
      },
    });
  },
});
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });

describe('汇总分析 in the new app', () => {
  it('a city monitor opens the roll-up, sees their counties only, and drills to a county and its dashboard', async () => {
    const { page, errors } = await web.asApp('city-monitor');
    await page.getByRole('menuitem', { name: '汇总分析' }).click();
    await page.getByRole('heading', { level: 1, name: '汇总分析 · 东川市' }).waitFor();
    const rows = () => page.locator('#rollup-groups tbody tr.ant-table-row td:first-child').allInnerTexts();
    await poll(rows).toEqual(['东岭县', '西岭县']);
    await poll(() => page.locator('#rollup-groups tbody tr', { hasText: '东岭县' }).innerText()).toContain('¥1,234,567.89');
    expect(await page.locator('#rollup-totals').innerText()).toContain('¥1,234,567.90');
    expect(await page.getByText('南山县').count()).toBe(0);
    // The ECharts bars: funds by source per county and projects by stage, each a named canvas with its figures as a table.
    const figures = (chart: string) =>
      page.locator(`#${chart} figcaption tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())));
    await poll(() => figures('rollup-chart-sources')).toEqual([
      ['东岭县', '¥300,000.01', '¥0.99', '¥0.00', '¥0.00'],
      ['西岭县', '¥0.00', '¥0.01', '¥0.00', '¥0.00'],
      ['合计', '¥300,000.01', '¥1.00', '¥0.00', '¥0.00'],
    ]);
    expect(await figures('rollup-chart-stages')).toEqual([['实施中', '2']]);
    for (const name of ['堆叠柱状图：各下级单位按资金来源的已拨付资金（元）', '柱状图：各阶段项目数']) {
      const chart = page.getByRole('img', { name });
      expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    }
    expect(await page.locator('.ant-progress').count()).toBe(0);
    expect(await foreignText(page)).toEqual([]);
    await screenshot(page, 'app-rollup-city-zh');

    // Drill: the county's own roll-up (its townships), with the city in the breadcrumb to go back.
    await page.getByRole('link', { name: '东岭县' }).click();
    await page.getByRole('heading', { level: 1, name: '汇总分析 · 东岭县' }).waitFor();
    await poll(rows).toEqual(['东岭镇']);
    expect(page.url()).toMatch(/\/app\/rollup\/c-e2e-a1$/);
    await page.getByRole('link', { name: '东川市' }).click();
    await page.getByRole('heading', { level: 1, name: '汇总分析 · 东川市' }).waitFor();

    // The county's 统计看板 (React app) from its row, narrowed to that county.
    await page.locator('#rollup-groups tbody tr', { hasText: '西岭县' }).getByRole('link', { name: '县级看板' }).click();
    await page.waitForURL(/\/app\/dashboard\?orgUnitId=c-e2e-a2$/);
    await page.getByRole('heading', { level: 1, name: '统计看板' }).waitFor();
    await poll(() => page.locator('#chart-funds figcaption tbody tr').allTextContents()).toEqual(['西岭镇¥0.01¥0.00¥0.01']);
    expect(errors).toEqual([]);
  });

  it('a county official has no roll-up in the menu', async () => {
    const { page } = await web.asApp('leader');
    await page.getByRole('menuitem', { name: '项目台账' }).waitFor();
    // The menu asks GET /api/rollups/units once; after it answered, no roll-up item.
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('menuitem', { name: '汇总分析' }).count()).toBe(0);
  });
});
