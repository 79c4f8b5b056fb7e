import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/password';
import { DEMO_PASSWORD, newRequestId, sampleProposal, type TTestStack } from '../support/stack';
import { screenshot, useBrowserStack } from './browser';

/**
 * The decision form with the keyboard alone (issue #6: "keyboard usable"): the township reviewer
 * signs in, reaches each task from the inbox and returns one with a comment, approves one with its
 * five checks, and transfers one to a colleague, using Tab, Shift+Tab, Enter, Space and the arrow
 * keys only (no clicks, no `fill`). Every decision is checked in the database, and focus is checked
 * where it has to move: onto the first invalid field, whose message is announced.
 */
const web = useBrowserStack({
  // A second Hexi reviewer, the transfer's target, able to sign in.
  setup: async (s) => {
    const colleague = await s.prisma.user.create({
      data: { username: 'township3', displayName: '河西镇审核 钱审核', passwordHash: await hashPassword(DEMO_PASSWORD), homeOrgUnitId: 't-hexi' },
    });
    await s.prisma.roleAssignment.create({ data: { userId: colleague.id, role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' } });
  },
});
let s: TTestStack;
beforeAll(() => void (s = web.s));

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

/**
 * What has focus now, described the way the assertions below need it. A string, run in the page:
 * the project's TypeScript setup has no DOM types.
 */
const FOCUSED = `(() => {
  const el = document.activeElement;
  const describedBy = el && el.getAttribute('aria-describedby');
  const message = describedBy ? document.getElementById(describedBy) : null;
  const role = message && message.getAttribute('role');
  return {
    tag: el ? el.tagName.toLowerCase() : '',
    name: (el && el.getAttribute('name')) || '',
    type: (el && el.getAttribute('type')) || '',
    text: ((el && el.textContent) || '').trim(),
    label: el && el.id ? (document.querySelector('label[for="' + CSS.escape(el.id) + '"]') || {}).textContent || '' : '',
    value: (el && el.value) || '',
    invalid: !!el && el.getAttribute('aria-invalid') === 'true',
    // The message a screen reader reads with the field, and whether it is a live region.
    message: (message && message.textContent) || '',
    messageLive: !!message && (role === 'status' || role === 'alert' || !!message.getAttribute('aria-live')),
    outline: el ? getComputedStyle(el).outlineStyle : '',
  };
})()`;
interface TFocus {
  tag: string;
  name: string;
  type: string;
  text: string;
  label: string;
  value: string;
  invalid: boolean;
  message: string;
  messageLive: boolean;
  outline: string;
}
const focused = (page: Page) => page.evaluate(FOCUSED) as Promise<TFocus>;

/**
 * Press Tab (or Shift+Tab) until the focused element matches; failing after `max` presses is the
 * "not reachable by keyboard" finding.
 */
async function tabTo(page: Page, what: string, match: (f: TFocus) => boolean, { back = false, max = 80 } = {}) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error(`${what} is not reachable with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
}

/** Arrow through the focused radio group until the radio labelled `label` is checked. */
async function arrowToRadio(page: Page, label: string) {
  for (let i = 0; i < 15; i += 1) {
    const f = await focused(page);
    if (f.type === 'radio' && f.label === label) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`no radio labelled ${label}`);
}

/** Arrow through the focused select until its value is `value` (no opening it with the mouse). */
async function arrowToOption(page: Page, value: string) {
  for (let i = 0; i < 10 && (await focused(page)).value !== value; i += 1) await page.keyboard.press('ArrowDown');
  expect((await focused(page)).value).toBe(value);
}

async function propose(name: string) {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: { authorization: `Bearer ${s.tokens.village}` },
    payload: { ...sampleProposal({ name }), requestId: newRequestId() },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { projectId: string; taskId: string };
}

/** Sign in by typing, then Tab from the inbox's start to the task link for `projectName` and follow it. */
async function openFromInbox(page: Page, projectName: string) {
  await page.goto('/#/inbox');
  await page.locator('#tasks').waitFor();
  await page.locator('h1').focus();
  await tabTo(page, `the inbox link to ${projectName}`, (f) => f.tag === 'a' && f.text.includes(projectName));
  await page.keyboard.press('Enter');
  await page.locator('#decision-form').waitFor();
  // The page's heading takes focus, so a screen reader starts at the top of the new page.
  expect(await focused(page)).toMatchObject({ tag: 'h1', text: expect.stringContaining(projectName) });
}

/** The submit button by Tab, then Enter. */
async function submitByKeyboard(page: Page) {
  const f = await tabTo(page, 'the submit button', (x) => x.tag === 'button' && x.text === '提交');
  // The focus ring is visible on what the keyboard reached.
  expect(f.outline).not.toBe('none');
  await page.keyboard.press('Enter');
}

const stageOf = async (projectId: string) => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage;

describe('the decision form by keyboard alone', () => {
  it('signs in, returns with a comment, approves with checks and transfers, focus following each step', { timeout: 150_000 }, async () => {
    const returned = await propose('键盘退回茶园');
    const approved = await propose('键盘通过茶园');
    const transferred = await propose('键盘转交茶园');

    // Sign in by typing: the login form is reachable and submits on Enter.
    const context = await web.browser.newContext({ baseURL: web.baseUrl, viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto('/');
      await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
      // The login page starts on the username field, no Tab needed.
      await poll(async () => (await focused(page)).name).toBe('username');
      await page.keyboard.type('township');
      await page.keyboard.press('Tab');
      expect((await focused(page)).name).toBe('password');
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: /我的待办/ }).waitFor();

      // 1. Return with a comment. Submitting without one puts focus on the comment, marked
      //    invalid, its message announced; nothing reaches the server.
      await openFromInbox(page, '键盘退回茶园');
      await tabTo(page, 'the action radios', (f) => f.type === 'radio');
      await arrowToRadio(page, '退回');
      await submitByKeyboard(page);
      await poll(async () => (await focused(page)).name).toBe('comment');
      expect(await focused(page)).toMatchObject({ tag: 'textarea', invalid: true, message: expect.stringContaining('请填写意见'), messageLive: true });
      expect(await stageOf(returned.projectId)).toBe('TOWNSHIP_REVIEW');
      await page.keyboard.type('用地手续不全，请补充');
      // The return target: a select, left on the applicant (the village).
      await tabTo(page, 'the return target', (f) => f.tag === 'select' && f.label === '退回到');
      expect((await focused(page)).value).toBe('APPLICANT');
      await screenshot(page, 'keyboard-return');
      await submitByKeyboard(page);
      await page.locator('.project-page').waitFor();
      await poll(() => stageOf(returned.projectId)).toBe('RETURNED');
      const decision = await s.prisma.decision.findFirstOrThrow({ where: { taskId: returned.taskId } });
      expect(decision).toMatchObject({ actorId: s.userIds.township, comment: '用地手续不全，请补充' });
      expect(await focused(page)).toMatchObject({ tag: 'h1', text: expect.stringContaining('键盘退回茶园') });

      // 2. Approve with the five on-site checks set by arrow keys. One check left blank: the API
      //    refuses and focus lands on that check, its message announced; then all five pass.
      await openFromInbox(page, '键盘通过茶园');
      await tabTo(page, 'the action radios', (f) => f.type === 'radio');
      await arrowToRadio(page, '通过');
      await tabTo(page, 'the comment', (f) => f.name === 'comment');
      await page.keyboard.type('材料齐全，同意');
      for (const check of ['真实性', '必要性', '科学性', '完整性']) {
        await tabTo(page, `the ${check} check`, (f) => f.tag === 'select' && f.label === check);
        await arrowToOption(page, 'PASS');
      }
      await submitByKeyboard(page);
      await poll(async () => (await focused(page)).label).toBe('可行性');
      expect(await focused(page)).toMatchObject({ tag: 'select', invalid: true, messageLive: true });
      expect((await focused(page)).message).not.toBe('');
      expect(await stageOf(approved.projectId)).toBe('TOWNSHIP_REVIEW');
      await arrowToOption(page, 'PASS');
      // Shift+Tab goes back over the fields already filled: the comment is still there.
      const comment = await tabTo(page, 'the comment, backwards', (f) => f.name === 'comment', { back: true });
      expect(comment.value).toBe('材料齐全，同意');
      await submitByKeyboard(page);
      await page.locator('.project-page').waitFor();
      await poll(async () => (await s.prisma.task.findUniqueOrThrow({ where: { id: approved.taskId } })).status).toBe('DONE');
      expect(await s.prisma.decision.findFirstOrThrow({ where: { taskId: approved.taskId } })).toMatchObject({
        actorId: s.userIds.township,
        action: 'approve',
      });
      expect(await stageOf(approved.projectId)).not.toBe('TOWNSHIP_REVIEW');

      // 3. Transfer to the colleague: the radio by arrows, the person chosen from the eligible
      // ones the page offers (the colleague is the only one: not the reviewer, not the proposer),
      // Space on the button.
      const colleague = await s.prisma.user.findUniqueOrThrow({ where: { username: 'township3' } });
      await openFromInbox(page, '键盘转交茶园');
      await tabTo(page, 'the action radios', (f) => f.type === 'radio');
      await arrowToRadio(page, '转交');
      const target = await tabTo(page, 'the transfer target', (f) => f.name === 'toUserId');
      expect(target.tag).toBe('select');
      await page.keyboard.press('ArrowDown');
      expect((await focused(page)).value).toBe(colleague.id);
      await page.keyboard.press('Shift+Tab');
      expect((await focused(page)).name).toBe('comment');
      await page.keyboard.type('出差，转交钱审核');
      const button = await tabTo(page, 'the submit button', (x) => x.tag === 'button' && x.text === '提交');
      expect(button.outline).not.toBe('none');
      await page.keyboard.press('Space');
      await poll(async () => s.prisma.task.count({ where: { projectId: transferred.projectId, status: 'PENDING', candidateUserId: colleague.id } })).toBe(1);
      // The reviewer stays on the (re-rendered) task page, told what happened, focus at its top.
      await poll(() => page.locator('.flash').textContent()).toContain('转交');
      expect((await focused(page)).tag).toBe('h1');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
