import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, startTestStack, type TTestStack } from '../support/stack';
import { launchChromium, screenshot, signIn, type TBrowserUser } from './browser';

let s: TTestStack;
let browser: Browser;
let baseUrl: string;
const users: TBrowserUser[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  s = await startTestStack();
  baseUrl = await s.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  for (const u of users) await u.context.close().catch(() => undefined);
  await browser?.close();
  await s?.close();
});

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });
const row = () => s.prisma.countySettings.findUniqueOrThrow({ where: { countyId: 'c-qingshan' } });

describe('county settings in the browser (administrator)', () => {
  it('saves a change by keyboard, shows it after a reload with its editor, refuses out-of-range values inline, and reports a concurrent change', async () => {
    const admin = await signIn(browser, baseUrl, 'admin', DEMO_PASSWORD);
    users.push(admin);
    const p = admin.page;
    const open = async () => {
      await p.getByRole('link', { name: '系统管理', exact: true }).click();
      await p.getByRole('heading', { level: 2, name: '县级参数设置' }).waitFor();
    };
    await open();
    const form = p.locator('.county-settings[data-county="c-qingshan"] form');
    const village = form.getByLabel('村公示（工作日）');
    await poll(() => village.inputValue()).toBe('10');
    await expect(p.locator('.settings-meta').textContent()).resolves.toContain('版本 1');

    // Keyboard only: focus the field, replace its value, Enter submits the form.
    await village.focus();
    await p.keyboard.press('Control+A');
    await p.keyboard.type('12');
    await p.keyboard.press('Enter');
    await poll(() => p.locator('.county-settings .flash').textContent()).toBe('已保存（版本 2）');
    expect(await row()).toMatchObject({ version: 2, updatedById: s.userIds.admin, values: { publicity: { villageDays: 12 } } });

    await p.reload();
    await p.getByRole('heading', { level: 2, name: '县级参数设置' }).waitFor();
    await poll(() => form.getByLabel('村公示（工作日）').inputValue()).toBe('12');
    await expect(p.locator('.settings-meta').textContent()).resolves.toMatch(/版本 2 · 最近修改：系统管理员，/);

    // Out of range: the API's field path puts the message next to the field, which gets the focus.
    await form.getByLabel('村公示（工作日）').fill('0');
    await form.getByRole('button', { name: '保存参数' }).click();
    const slot = form.locator('[data-path="body.settings.publicity.villageDays"] > .field-error');
    await poll(() => slot.textContent()).toBe('不能小于 1');
    await expect(form.getByLabel('村公示（工作日）').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(p.evaluate('document.activeElement && document.activeElement.name')).resolves.toBe('publicity.villageDays');
    // A rule across fields lands on its group.
    await form.getByLabel('村公示（工作日）').fill('12');
    await form.getByLabel('产出', { exact: true }).fill('60');
    await form.getByRole('button', { name: '保存参数' }).click();
    await poll(() => form.locator('[data-path="body.settings.evaluation.weights"] > .field-error').textContent()).toMatch(
      /^绩效评价权重之和须为 100，现为 \d+$/,
    );
    // The working-day calendar, a list of dates per year: a weekday as an adjusted workday (调休) is refused on its list.
    await form.getByLabel('产出', { exact: true }).fill('50');
    const adjusted2025 = form.locator('textarea[name="workingDays.calendar.2025.adjustedWorkdays"]');
    await poll(() => adjusted2025.inputValue()).toContain('2025-09-28');
    const adjustedAsSaved = await adjusted2025.inputValue();
    await adjusted2025.fill('2025-09-28\n2025-09-29');
    await form.getByRole('button', { name: '保存参数' }).click();
    await poll(() => form.locator('[data-path="body.settings.workingDays.calendar.2025.adjustedWorkdays"] > .field-error').textContent()).toBe(
      '2025-09-29 不是周末：调休上班日只能是周六或周日',
    );
    await screenshot(p, 'county-settings-errors');
    expect((await row()).version).toBe(2);
    await adjusted2025.fill(adjustedAsSaved);

    // Another administrator saves meanwhile: this form's version is stale, and it says so.
    const current = await row();
    const other = await s.app.inject({
      method: 'PUT',
      url: '/api/admin/counties/c-qingshan/settings',
      headers: { authorization: `Bearer ${s.tokens.admin}` },
      payload: { expectedVersion: current.version, settings: { ...(current.values as object), income: { minDividendRateBp: 900 } } },
    });
    expect(other.statusCode, other.body).toBe(200);
    await form.getByLabel('产出', { exact: true }).fill('50');
    await form.getByRole('button', { name: '保存参数' }).click();
    await poll(() => form.locator('.form-error').textContent()).toContain('参数已被他人修改');
    await form.getByRole('button', { name: '重新加载' }).click();
    await poll(() => form.getByLabel('最低分红率', { exact: false }).inputValue()).toBe('900');
    await expect(p.locator('.settings-meta').textContent()).resolves.toContain('版本 3');
    expect((await row()).version).toBe(3);

    expect(await p.evaluate("import('/web/i18n.js').then((m) => m.missingKeys())")).toEqual({ en: [], zh: [] });
    expect(admin.errors).toEqual([]);
  });
});
