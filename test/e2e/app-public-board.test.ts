import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal, tenDayPublicityApp } from '../support/stack';
import { fitsWidth, foreignText, newProfile, screenshot, useBrowserStack } from './browser';

/**
 * The public 公示 board as a villager uses it (issue #18): no account, the county's board at
 * /app/public/<countyCode>, the project's facts, an objection lodged through the form (a wrong
 * phone number refused beside its field first), the confirmation; in Chinese with no English or
 * ids in the visible text, and in English; at desktop and phone width, with screenshots. The
 * board is served by an app whose county posts the village publicity for 10 days.
 */
const web = useBrowserStack();
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 250 });
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
const STAYS = '桃源村茶叶加工厂（公示中）';

let app: FastifyInstance;
let baseUrl: string;

/** A Taoyuan project in its village publicity, proposed by the village committee over the API. */
async function inPublicity(name: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: { authorization: `Bearer ${web.s.tokens.village}` },
    payload: { ...sampleProposal({ name }), requestId: newRequestId() },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { projectId } = res.json() as { projectId: string };
  await poll(() => web.s.prisma.publicity.count({ where: { projectId, outcome: null } })).toBe(1);
  return projectId;
}

beforeAll(async () => {
  app = await tenDayPublicityApp(web.s);
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
/** The project that stays on the board, made once by whichever test runs first (expect.poll needs a test). */
let stays: Promise<string> | undefined;
afterAll(async () => {
  await app?.close();
});

describe('the public 公示 board, without signing in', () => {
  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    it(`${width}: a villager sees the project, objects through the form and is told it was received; Chinese without English or ids, then English`, async () => {
      const name = `桃源村高山茶园（异议 ${width === 'desktop' ? '甲' : '乙'}）`;
      await (stays ??= inPublicity(STAYS));
      const projectId = await inPublicity(name);
      const { context, page, errors } = await newProfile(web.browser, baseUrl, viewport);
      try {
        await page.goto('/app/public/c-qingshan');
        await page.getByRole('heading', { level: 1, name: '青山县帮扶产业项目公示' }).waitFor();
        const card = page.locator('.ant-card').filter({ hasText: name });
        await card.waitFor();
        const facts = await card.innerText();
        expect(facts).toContain('桃源茶叶合作社');
        expect(facts).toContain('¥500,000.00');
        expect(facts).toContain('¥400,000.00');
        expect(facts).toContain('村公示');
        expect(facts).toMatch(/北京时间/);
        // No sign-in page on the way, and nothing foreign on the Chinese page.
        expect(await page.getByLabel('密码').count()).toBe(0);
        expect(await foreignText(page)).toEqual([]);
        expect(await fitsWidth(page)).toBe(true);
        await screenshot(page, `public-board-zh-${width}`);

        await card.getByRole('button', { name: '提出异议' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('姓名').fill('王秀英');
        await dialog.getByLabel('手机号码').fill('12345678901');
        await dialog.getByLabel('异议理由').fill('茶园占用了我家承包的林地，事先没有征求意见');
        await dialog.getByRole('button', { name: '提交异议' }).click();
        await poll(() => dialog.getByText('格式不正确').count()).toBe(1);
        expect(await foreignText(page)).toEqual([]);
        await screenshot(page, `public-board-objection-zh-${width}`);
        expect(await web.s.prisma.objection.count({ where: { projectId } })).toBe(0);

        await dialog.getByLabel('手机号码').fill('13812345678');
        await dialog.getByRole('button', { name: '提交异议' }).click();
        await page.getByText('异议已提交').waitFor();
        expect(await page.getByText(`您对「${name}」的异议已送达`, { exact: false }).count()).toBe(1);
        expect(await foreignText(page)).toEqual([]);
        await screenshot(page, `public-board-received-zh-${width}`);
        // The objection reached the workflow: the project is back with the village, the lodger on record.
        await poll(async () => (await web.s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage).toBe('RETURNED');
        expect(await web.s.prisma.objection.findFirstOrThrow({ where: { projectId } })).toMatchObject({ lodgerName: '王秀英', lodgerPhone: '13812345678' });
        if (width === 'desktop') {
          // The township official sees who objected, and how to reach them, on the project's timeline.
          const { page: official } = await web.as('township');
          await official.goto(`/#/projects/${projectId}`);
          await poll(() => official.locator('#timeline .objection-lodger').textContent()).toBe('异议人（公示栏）：王秀英 13812345678');
        }

        // Back on the board the project is gone; the other one is still there.
        await page.getByRole('button', { name: '返回公示栏' }).click();
        // The list is fetched again on the way back; the earlier one shows until the answer arrives.
        await page.locator('.ant-card').filter({ hasText: STAYS }).waitFor();
        await poll(() => page.locator('.ant-card').filter({ hasText: name }).count()).toBe(0);

        // English.
        await page.getByRole('button', { name: 'English' }).click();
        await page.getByRole('heading', { level: 1, name: 'Projects of 青山县 on public notice' }).waitFor();
        expect(await page.locator('.ant-card').filter({ hasText: STAYS }).innerText()).toContain('Village publicity');
        expect(await fitsWidth(page)).toBe(true);
        await screenshot(page, `public-board-en-${width}`);
        await page.locator('.ant-card').filter({ hasText: STAYS }).getByRole('button', { name: 'Raise an objection' }).click();
        await page.getByRole('dialog').getByLabel('Mobile number').waitFor();
        await screenshot(page, `public-board-objection-en-${width}`);
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
        // Back to Chinese for the next profile's sake.
        await page.getByRole('button', { name: '中文' }).click();
        await page.getByRole('heading', { level: 1, name: '青山县帮扶产业项目公示' }).waitFor();
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
