import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { taoyuanProjectRow } from '../support/project-row';
import { screenshot, useBrowserStack } from './browser';

/**
 * Issue #18, "tables that work" and "Temporal UI only for monitors and administrators", as people
 * do it in the React app: a township reviewer opens 项目台账, hides a column, filters and clicks
 * 导出 Excel, and the downloaded workbook (read by Python's zipfile and XML parser, not by the
 * exceljs that wrote it) holds their township's projects under the filter; the monitor finds the
 * Temporal UI in the menu, a village official does not, and the API's answer says the same.
 */
const web = useBrowserStack({
  setup: async (s) => {
    const rows = [
      { id: 'xl-tea', name: '桃源村茶园提质（导出）', village: 'v-taoyuan', township: 't-hexi', stage: 'OPERATION', budgetFen: 123_456_789n },
      { id: 'xl-solar', name: '石桥村光伏电站（导出）', village: 'v-shiqiao', township: 't-hexi', stage: 'IMPLEMENTATION', budgetFen: 80_000_099n },
      { id: 'xl-herb', name: '茶岭村中药材基地（导出）', village: 'v-chaling', township: 't-dongling', stage: 'OPERATION', budgetFen: 500_000n },
    ];
    for (const r of rows)
      await s.prisma.project.create({
        data: taoyuanProjectRow({
          id: r.id,
          name: r.name,
          proposerId: s.userIds.village!,
          orgUnitId: r.village,
          villageId: r.village,
          townshipId: r.township,
          orgPath: `/c-qingshan/${r.township}/${r.village}/`,
          stage: r.stage,
          budgetFen: r.budgetFen,
          latestGrade: 'GOOD',
        }),
      });
  },
});
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });

interface TSheet {
  name: string;
  frozenRows: number;
  rows: Array<Array<{ v: string | number | null; fmt: string } | null>>;
}
const readWorkbook = (file: string) => JSON.parse(execFileSync('python3', [path.resolve('test/support/read_xlsx.py'), file], { encoding: 'utf8' })) as TSheet[];

describe('项目台账 in the new app', () => {
  it('a township reviewer chooses columns, filters by stage and downloads the .xlsx of what the filter selects', async () => {
    const { page, errors } = await web.asApp('township');
    await page.getByRole('menuitem', { name: '项目台账' }).click();
    await page.getByRole('heading', { level: 1, name: '项目台账' }).waitFor();
    const names = () => page.locator('#projects-table tbody tr.ant-table-row td:first-child').allInnerTexts();
    // Hexi's two projects, not Dongling's.
    await poll(async () => (await names()).sort()).toEqual(['石桥村光伏电站（导出）', '桃源村茶园提质（导出）'].sort());
    expect(await page.getByRole('columnheader', { name: '总投资' }).count()).toBe(1);
    await poll(() => page.locator('#projects-table tbody tr', { hasText: '桃源村茶园提质' }).innerText()).toContain('¥1,234,567.89');

    // 列设置: hide 等级; the header goes, and stays gone after a reload (kept in this browser).
    await page.getByRole('button', { name: '列设置' }).click();
    await page.locator('.column-chooser').getByLabel('等级').uncheck();
    await poll(() => page.getByRole('columnheader', { name: '等级' }).count()).toBe(0);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '项目台账' }).waitFor();
    await poll(() => page.getByRole('columnheader', { name: '阶段' }).count()).toBe(1);
    expect(await page.getByRole('columnheader', { name: '等级' }).count()).toBe(0);

    // The stage filter (the API's): only the project in operation.
    await page.getByRole('columnheader', { name: '阶段' }).getByRole('button').click();
    await page.locator('.ant-table-filter-dropdown').getByText('运营', { exact: true }).click();
    await page
      .locator('.ant-table-filter-dropdown')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await poll(names).toEqual(['桃源村茶园提质（导出）']);
    await screenshot(page, 'app-projects-ledger');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^项目台账-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const [projects, payments] = readWorkbook((await download.path())!);
    expect(projects!.name).toBe('项目台账');
    expect(projects!.frozenRows).toBe(1);
    expect(projects!.rows[0]!.slice(0, 3).map((c) => c?.v)).toEqual(['项目编号', '项目名称', '县']);
    // The filter held: one project, Hexi's in operation, its budget in yuan as a number.
    expect(projects!.rows.slice(1).map((r) => r[0]?.v)).toEqual(['xl-tea']);
    expect(projects!.rows[1]![7]).toMatchObject({ v: 1_234_567.89, fmt: '#,##0.00' });
    expect(payments!.name).toBe('资金拨付台账');
    expect(errors).toEqual([]);
  });
});

describe('the classic app', () => {
  it("exports the projects page's filters, and links the Temporal UI on a project page for the monitor only", async () => {
    const { page } = await web.as('township');
    await page.goto('/#/projects?stage=OPERATION');
    await poll(() => page.locator('#projects tbody tr').count()).toBe(1);
    const exportLink = page.locator('#export-xlsx');
    expect(await exportLink.innerText()).toBe('导出 Excel');
    const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
    const [projects] = readWorkbook((await download.path())!);
    expect(projects!.rows.slice(1).map((r) => r[0]?.v)).toEqual(['xl-tea']);

    const monitor = await web.as('monitor');
    await monitor.page.goto('/#/projects/xl-tea');
    await poll(() => monitor.page.locator('#temporal-link').getAttribute('href')).toMatch(/\/workflows\/project-xl-tea$/);
    await page.goto('/#/projects/xl-tea');
    await page.locator('#timeline').waitFor();
    expect(await page.locator('#temporal-link').count()).toBe(0);
  });
});

describe('the Temporal UI link', () => {
  it('shows for the monitor, who the server says may open it; not for a village official', async () => {
    const monitor = await web.asApp('monitor');
    const link = monitor.page.locator('#temporal-ui-link');
    await poll(() => link.count()).toBe(1);
    expect(await link.getAttribute('href', { timeout: 5_000 })).toBe(web.s.config.temporal.uiUrl);
    expect(await link.innerText()).toBe('流程引擎监控');
    const monitorMe = await monitor.page.evaluate<{ temporalUiUrl: string | null }>("fetch('/api/me').then((r) => r.json())");
    expect(monitorMe.temporalUiUrl).toBe(web.s.config.temporal.uiUrl);

    const village = await web.asApp('village');
    await village.page.getByRole('menuitem', { name: '项目台账' }).waitFor();
    expect(await village.page.locator('#temporal-ui-link').count()).toBe(0);
    expect(await village.page.getByText('流程引擎').count()).toBe(0);
    const villageMe = await village.page.evaluate<{ temporalUiUrl: string | null }>("fetch('/api/me').then((r) => r.json())");
    expect(villageMe.temporalUiUrl).toBeNull();
  });
});
