import { z } from 'zod';

/** The nonce the server's CSP allows for <style> elements in this response (index.html's meta, filled in per response). */
export const CSP_NONCE = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;

/*
 * Runs the app under the server's CSP (script-src 'self'; style-src 'self' plus a nonce) without
 * a single refusal:
 * - antd's CSS-in-JS gets the nonce through ConfigProvider, but rc-util, under antd's tables and
 *   dialogs, inserts <style> elements of its own (the scrollbar measure, the dialog's scroll lock)
 *   without it. Every <style> this page's own scripts create gets the nonce; markup injected by
 *   anyone else still cannot style the page.
 * - Zod compiles object parsers with `new Function` where it may; jitless keeps it from trying
 *   (script-src has no 'unsafe-eval').
 * Done on import, and main.tsx imports this module first: the domain modules build and parse
 * schemas as they load.
 */
z.config({ jitless: true });
if (CSP_NONCE) {
  const nonce = CSP_NONCE;
  const create = document.createElement.bind(document);
  document.createElement = (tagName: string, options?: ElementCreationOptions) => {
    const element = create(tagName, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  };
}
