import { describe, expect, it } from 'vitest';
import { LEDGER_COLUMNS } from '../../src/domain/assets/asset-register';
import { screenshot, useBrowserStack } from './browser';

/**
 * Issue #15, the register as an official uses it in the React app: the county agriculture bureau
 * opens 资产台账, sees the imported legacy ledger with its totals, filters by class, and opens an
 * asset to read its history.
 */
const web = useBrowserStack({
  setup: async (s) => {
    const header = LEDGER_COLUMNS.map((c) => c.header).join(',');
    const rows = [
      'E2E-001,桃源村茶叶加工厂房,经营性,财政专项扶贫,桃源村,1234567.89,桃源村股份经济合作社,王村长,桃源村三组,QS-2018-011',
      'E2E-002,石桥村村道,公益性,财政衔接资金,石桥村,800000,石桥村股份经济合作社,李书记,,',
    ];
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/assets/imports',
      headers: { authorization: `Bearer ${s.tokens.agri}` },
      payload: { format: 'csv', content: Buffer.from([header, ...rows].join('\n')).toString('base64') },
    });
    if (res.statusCode !== 201) throw new Error(res.body);
  },
});
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });

describe('资产台账 in the new app', () => {
  it('the agriculture bureau lists the register with totals, filters by class and opens an asset with its history', async () => {
    const { page, errors } = await web.asApp('agri');
    await page.locator('#nav-assets').click();
    await page.getByRole('heading', { level: 1, name: '资产台账' }).waitFor();
    const names = () => page.locator('#assets-table tbody tr.ant-table-row td:nth-child(2)').allInnerTexts();
    await poll(async () => (await names()).sort()).toEqual(['桃源村茶叶加工厂房', '石桥村村道'].sort());
    await poll(() => page.locator('#asset-totals').innerText()).toContain('¥2,034,567.89');

    await page.locator('#asset-class-filter').click();
    await page.locator('.ant-select-dropdown').getByText('公益性', { exact: true }).click();
    await poll(names).toEqual(['石桥村村道']);
    await poll(() => page.locator('#asset-totals').innerText()).toContain('¥800,000.00');
    await screenshot(page, 'app-assets-register');

    await page.getByRole('link', { name: '石桥村村道' }).click();
    await page.getByRole('heading', { level: 1, name: '石桥村村道' }).waitFor();
    await poll(() => page.locator('#asset-details').innerText()).toContain('E2E-002');
    expect(await page.locator('#asset-details').innerText()).toContain('财政衔接资金');
    await poll(() => page.locator('#asset-history').innerText()).toContain('台账导入 · 县农业农村局');
    await screenshot(page, 'app-asset-page');
    expect(errors).toEqual([]);
  });
});
