import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { DEMO_PASSWORD, startTestStack, type TTestStack } from '../support/stack';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

/** The flags the stack notes give for Debian's Chromium on these machines (root, no network). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Fails (never skips) when the browser is missing, saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Browser tests need Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  const { chromium } = await import('playwright-core');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

export interface TBrowserUser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors (a CSP violation shows up here too). */
  errors: string[];
}

/** A fresh browser profile (its own cookie jar) that records page errors and console errors. */
export async function newProfile(browser: Browser, baseUrl: string, viewport: { width: number; height: number }): Promise<TBrowserUser> {
  // Reduced motion: the React app then opens its dialogs without animation, so a screenshot shows them whole.
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'zh-CN', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A 4xx answer the page shows inline is logged by Chromium as a failed resource; that is expected.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { context, page, errors };
}

/**
 * A fresh browser profile (its own cookie jar) signed in through a sign-in page: the classic
 * app's at /, or the React app's at /app/ (which shows its sign-in page to anyone not signed in).
 */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
  viewport = { width: 1280, height: 900 },
  appPath: '/' | '/app/' = '/',
): Promise<TBrowserUser> {
  const { context, page, errors } = await newProfile(browser, baseUrl, viewport);
  await page.goto(appPath);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { level: 1, name: /我的待办/ }).waitFor();
  return { context, page, errors };
}

/**
 * What a Chinese reader would find foreign on the page: runs of Latin letters (English words,
 * codes such as PAYMENT_APPROVAL) and raw ids (UUIDs, long hex strings). Elements marked as
 * another language (the "English" switch, lang="en") are that language on purpose.
 */
// Run in the page (the tests compile without the DOM's types): the body's visible text without
// the elements marked as another language; innerText needs layout, so the copy is measured in place, off screen.
const VISIBLE_CHINESE_TEXT = `(() => {
  const copy = document.body.cloneNode(true);
  for (const el of copy.querySelectorAll('[lang]:not([lang^="zh"])')) el.remove();
  copy.style.position = 'absolute';
  copy.style.left = '-99999px';
  document.documentElement.appendChild(copy);
  const visible = copy.innerText;
  copy.remove();
  return visible;
})()`;
export async function foreignText(page: Page): Promise<string[]> {
  const text = await page.evaluate<string>(VISIBLE_CHINESE_TEXT);
  return [...(text.match(/[A-Za-z]{2,}/g) ?? []), ...(text.match(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}\b|\b[0-9a-f]{16,}\b/gi) ?? [])];
}

/** The page is no wider than the window: nothing to scroll sideways on a phone. */
export const fitsWidth = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export interface TBrowserStack {
  /** Filled in by the file's first beforeAll: the stack, its browser and the app's address. */
  s: TTestStack;
  browser: Browser;
  baseUrl: string;
  /** Sign a demo user in (a fresh profile each call); the profile is closed after the file. */
  as(username: string, viewport?: { width: number; height: number }): Promise<TBrowserUser>;
  /** The same through the React app at /app/. */
  asApp(username: string, viewport?: { width: number; height: number }): Promise<TBrowserUser>;
}

/**
 * The harness every browser test file shares: Chromium, a test stack with its app listening on a
 * free loopback port, `setup` run once on top, and everything closed after the file. Call it at
 * the top of the file; read its fields inside tests and hooks (they are set in beforeAll).
 */
export function useBrowserStack({ setup, timeout }: { setup?: (s: TTestStack) => Promise<void>; timeout?: number } = {}): TBrowserStack {
  const users: TBrowserUser[] = [];
  const stack = {
    async as(username: string, viewport?: { width: number; height: number }) {
      const u = await signIn(stack.browser, stack.baseUrl, username, DEMO_PASSWORD, viewport);
      users.push(u);
      return u;
    },
    async asApp(username: string, viewport?: { width: number; height: number }) {
      const u = await signIn(stack.browser, stack.baseUrl, username, DEMO_PASSWORD, viewport, '/app/');
      users.push(u);
      return u;
    },
  } as TBrowserStack;
  beforeAll(async () => {
    stack.browser = await launchChromium();
    stack.s = await startTestStack();
    stack.baseUrl = await stack.s.app.listen({ port: 0, host: '127.0.0.1' });
    await setup?.(stack.s);
  }, timeout);
  afterAll(async () => {
    for (const u of users) await u.context.close().catch(() => undefined);
    await stack.browser?.close();
    await stack.s?.close();
  });
  return stack;
}
