import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateZh } from '../../src/domain/fault-tolerance';
import { STATE_COUNCIL_CALENDAR, workingDaysClosesAt } from '../../src/domain/policies/working-days';
import { buildApp } from '../../src/http/app';
import { launchChromium, screenshot } from './browser';
import { newRequestId, sampleProposal, startTestStack, tenDayPublicityApp, type TTestStack } from '../support/stack';

/**
 * The printable publicity notice (公示, issue #18): the facts as proposed, the period as dates in
 * Asia/Shanghai and whom to object to, for a reader of the project only; and, printed by a real
 * Chromium, one A4 PDF page with no text running off it.
 */
let s: TTestStack;
let app: FastifyInstance;
let browser: Browser;
let projectId: string;
let publicityId: string;

const get = (url: string, who: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${s.tokens[who]}` } });

beforeAll(async () => {
  s = await startTestStack();
  app = await tenDayPublicityApp(s);
  browser = await launchChromium();
  const res = await app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: { authorization: `Bearer ${s.tokens.village}` },
    payload: { ...sampleProposal({ name: '桃源村<茶园>扩建' }), requestId: newRequestId() },
  });
  expect(res.statusCode, res.body).toBe(201);
  projectId = (res.json() as { projectId: string }).projectId;
  for (let i = 0; i < 150 && (await s.prisma.publicity.count({ where: { projectId, outcome: null } })) === 0; i++) await new Promise((r) => setTimeout(r, 100));
  publicityId = (await s.prisma.publicity.findFirstOrThrow({ where: { projectId } })).id;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await s?.close();
});

describe('the publicity notice (公示)', () => {
  it('states the facts, the period and whom to object to, escaped, as a document that loads nothing', async () => {
    const res = await get(`/api/projects/${projectId}/publicities/${encodeURIComponent(publicityId)}/notice`, 'village');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const row = await s.prisma.publicity.findFirstOrThrow({ where: { projectId } });
    const proposal = sampleProposal({ name: 'x' });
    const html = res.body;
    expect(html).toContain('关于桃源村&lt;茶园&gt;扩建的村级公示');
    expect(html).not.toContain('<茶园>');
    // Ten working days: the row's end is midnight after the last one, which the notice prints.
    expect(row.endsAt.getTime()).toBe(workingDaysClosesAt({ openedAt: row.startsAt.getTime(), workingDays: 10, calendar: STATE_COUNCIL_CALENDAR }));
    expect(html).toContain(`公示期：${formatDateZh(row.startsAt.getTime())}至${formatDateZh(row.endsAt.getTime() - 1)}（含当日）`);
    expect(html).toContain('中央衔接资金');
    expect(html).toContain(`带动${proposal.householdLinkage.households}户`);
    expect(html).toMatch(/向桃源村村民委员会反映/);
    expect(html).not.toContain(projectId);
    expect(html).not.toContain('公示栏网页');

    // With its public address configured, the notice also names the county's online board.
    const addressed = await buildApp({
      config: { ...s.config, notifications: { ...s.config.notifications, publicBaseUrl: 'https://bangfu.qingshan.gov.cn' } },
      prisma: s.prisma,
      temporal: s.client,
    });
    try {
      const res2 = await addressed.inject({
        method: 'GET',
        url: `/api/projects/${projectId}/publicities/${encodeURIComponent(publicityId)}/notice`,
        headers: { authorization: `Bearer ${s.tokens.village}` },
      });
      expect(res2.body).toContain('公示栏网页（https://bangfu.qingshan.gov.cn/app/public/c-qingshan）');
    } finally {
      await addressed.close();
    }
  });

  it('answers 404 to an official outside the project and for a publicity of another project', async () => {
    const other = await get(`/api/projects/${projectId}/publicities/${encodeURIComponent(publicityId)}/notice`, 'township2');
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('NOT_FOUND');
    const wrong = await get(`/api/projects/${projectId}/publicities/${encodeURIComponent(`${publicityId}x`)}/notice`, 'village');
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().error.details[0].path).toBe('params.publicityId');
  });

  it('prints in Chromium to one A4 page, nothing wider than the page, the title drawn', async () => {
    const html = (await get(`/api/projects/${projectId}/publicities/${encodeURIComponent(publicityId)}/notice`, 'village')).body;
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    try {
      await page.setContent(html);
      await page.emulateMedia({ media: 'print' });
      const layout = await page.evaluate<{ scrollWidth: number; title: number; rows: number }>(
        `({ scrollWidth: document.documentElement.scrollWidth, title: document.querySelector('h1').getBoundingClientRect().width, rows: document.querySelectorAll('tr').length })`,
      );
      expect(layout.scrollWidth).toBeLessThanOrEqual(794);
      expect(layout.title).toBeGreaterThan(200);
      expect(layout.rows).toBe(8);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBe(1);
      // The page as an image: mostly white paper with enough dark text on it to be the notice.
      const png = await page.screenshot({ fullPage: true });
      await screenshot(page, 'publicity-notice-zh');
      expect(png.length).toBeGreaterThan(20_000);
    } finally {
      await page.close();
    }
  });
});
