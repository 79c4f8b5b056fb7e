import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TTestStack } from '../support/stack';
import { taoyuanProjectRow, townshipReviewTaskRow } from '../support/project-row';
import { tinyPdf, tinyPng } from '../support/tiny-files';
import { screenshot, useBrowserStack } from './browser';

/**
 * The project's archive (档案) in the React app, in Chromium: a township official opens it from a
 * task, uploads a publicity photo and sees it previewed in the page, has a disguised file refused
 * in Chinese, previews a PDF in the page's frame, and reads the page in English. Any CSP violation
 * (the photo, the framed PDF) would show as a console error.
 */
const web = useBrowserStack();
let s: TTestStack;
const NAME = '桃源村茶园（档案）';
const projectId = `arch-${crypto.randomBytes(4).toString('hex')}`;
const taskId = `${projectId}:t`;
beforeAll(async () => {
  s = web.s;
  await s.prisma.project.create({ data: taoyuanProjectRow({ id: projectId, proposerId: s.userIds.village!, name: NAME }) });
  await s.prisma.task.create({ data: townshipReviewTaskRow({ id: taskId, projectId }) });
});

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 250 });
/** Codes (PUBLICITY_PHOTO) and raw ids (UUIDs, long hex) a Chinese reader should never see. */
const rawCodesAndIds = (text: string) => [
  ...(text.match(/\b[A-Z]{2,}_[A-Z_]+\b/g) ?? []),
  ...(text.match(/\b[0-9a-f]{8}-[0-9a-f]{4}\b|\b[0-9a-f]{16,}\b/gi) ?? []),
];

describe('the archive page (/app/projects/<id>/archive)', () => {
  it('an official uploads a PNG and sees its preview; a renamed HTML page is refused; a PDF previews in a frame; zh and en', async () => {
    const { page, errors } = await web.asApp('township');
    await page.goto(`/app/tasks/${encodeURIComponent(taskId)}`);
    await page.locator('#task-archive-link').click();
    await page.getByRole('heading', { level: 1, name: `项目档案 · ${NAME}` }).waitFor();
    expect(page.url()).toContain(`/app/projects/${projectId}/archive`);
    await page.getByText('暂无档案材料').waitFor();

    // Choosing a file before the kind says what is missing, and sends nothing.
    const picker = page.locator('#archive input[type="file"]');
    await picker.setInputFiles({ name: '公示照片.png', mimeType: 'image/png', buffer: tinyPng({ size: 64, rgb: [20, 120, 60] }) });
    await page.getByText('请先选择材料类别').waitFor();
    expect(await s.prisma.attachment.count({ where: { projectId } })).toBe(0);

    await page.locator('#archive .ant-select-selector').click();
    await page.locator('.ant-select-item-option[title="公示照片"]').click();
    await page.getByLabel('备注').fill('村委会公示栏，2026年12月');
    const png = tinyPng({ size: 64, rgb: [20, 120, 60] });
    await picker.setInputFiles({ name: '公示照片.png', mimeType: 'image/png', buffer: png });
    const photos = page.locator('[data-kind="PUBLICITY_PHOTO"]');
    await photos.waitFor();
    const thumb = photos.locator('img.archive-thumb');
    // The browser loaded and decoded the stored bytes: the picture is 64 pixels wide.
    await poll(() => thumb.evaluate((img: { naturalWidth: number }) => img.naturalWidth)).toBe(64);
    const row = await s.prisma.attachment.findFirstOrThrow({ where: { projectId } });
    expect(row).toMatchObject({ kind: 'PUBLICITY_PHOTO', contentType: 'image/png', sha256: crypto.createHash('sha256').update(png).digest('hex') });
    const text = await page.locator('#archive').innerText();
    expect(text).toContain('公示照片.png');
    expect(text).toContain('河西镇审核 张审核');
    expect(rawCodesAndIds(text)).toEqual([]);
    await screenshot(page, 'app-archive-zh-desktop');

    // An HTML page named .png: refused by its content, said in Chinese, nothing stored.
    await picker.setInputFiles({ name: '照片.png', mimeType: 'image/png', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
    await page.getByRole('alert').filter({ hasText: '不支持的文件类型' }).waitFor();
    expect(await s.prisma.attachment.count({ where: { projectId } })).toBe(1);

    // A PDF previews in the page, framed from the same origin.
    await page.locator('#archive .ant-select-selector').click();
    await page.locator('.ant-select-item-option[title="会议纪要"]').click();
    await picker.setInputFiles({ name: '村民代表大会纪要.pdf', mimeType: 'application/pdf', buffer: tinyPdf() });
    const minutes = page.locator('[data-kind="MINUTES"]');
    await minutes.waitFor();
    await minutes.getByRole('button', { name: /预览/ }).click();
    const frame = page.getByRole('dialog').locator('iframe');
    await frame.waitFor();
    expect(await frame.getAttribute('src')).toMatch(new RegExp(`^/api/attachments/[0-9a-f-]{36}/${encodeURIComponent('村民代表大会纪要.pdf')}$`));
    // Time for Chromium's viewer to draw the page, for the screenshot (what it shows is checked by eye).
    await page.waitForTimeout(2000);
    await screenshot(page, 'app-archive-pdf-zh-desktop');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /close|关闭/i })
      .click();

    // English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: `Project archive · ${NAME}` }).waitFor();
    await page.getByText('Publicity photos').waitFor();
    await screenshot(page, 'app-archive-en-desktop');
    expect(errors).toEqual([]);
  });

  it('an official of another township gets no archive and no file', async () => {
    const row = await s.prisma.attachment.findFirstOrThrow({ where: { projectId } });
    const { page } = await web.asApp('township2');
    await page.goto(`/app/projects/${projectId}/archive`);
    await page
      .getByRole('alert')
      .filter({ hasText: /没有|不在/ })
      .waitFor();
    const res = await page.request.get(`/api/attachments/${row.id}`);
    expect(res.status()).toBe(404);
    expect((await res.body()).includes(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBe(false);
  });
});
