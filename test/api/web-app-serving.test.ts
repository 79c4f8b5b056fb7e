import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * The React app (/app/) and the classic app (/) served side by side by the same server: the app's
 * page under the classic CSP plus a fresh style nonce per response, its routes answered with the
 * page, its hashed files cached for good, and nothing else read from disk.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

const get = (url: string) => s.app.inject({ method: 'GET', url });
const nonceOf = (csp: string) => /style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];

describe('serving the React app at /app/ next to the classic app', () => {
  it('answers every app route with the page, under a CSP whose style nonce is new each time and is the one the page carries', async () => {
    const first = await get('/app/');
    const second = await get('/app/tasks/some-task%3Astep');
    for (const res of [first, second]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      const csp = String(res.headers['content-security-policy']);
      // Scripts only from the server itself; no inline script, no eval; styles: the server's and the nonce's.
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      const nonce = nonceOf(csp);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(res.body).toContain(`<meta name="csp-nonce" content="${nonce}" />`);
      expect(res.body).not.toContain('__CSP_NONCE__');
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    expect(nonceOf(String(first.headers['content-security-policy']))).not.toBe(nonceOf(String(second.headers['content-security-policy'])));
  });

  it("serves the build's files with their types, caches the hashed ones for good, and 404s a file it does not have", async () => {
    const page = (await get('/app/')).body;
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    const style = /href="(\/app\/assets\/[^"]+\.css)"/.exec(page)?.[1];
    expect(script && style).toBeTruthy();
    const js = await get(script!);
    expect([js.statusCode, js.headers['content-type'], js.headers['cache-control'], js.headers['x-content-type-options']]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
      'nosniff',
    ]);
    expect((await get(style!)).headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await get('/app/favicon.svg');
    expect([icon.statusCode, icon.headers['content-type'], icon.headers['cache-control']]).toEqual([200, 'image/svg+xml', 'no-cache']);
    const missing = await get('/app/assets/nothing.js');
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await get('/app/../package.json')).statusCode).not.toBe(200);
  });

  it('/app redirects to /app/, and the classic app stays at / under its own CSP', async () => {
    const bare = await get('/app');
    expect([bare.statusCode, bare.headers.location]).toEqual([302, '/app/']);
    const classic = await get('/');
    expect(classic.statusCode).toBe(200);
    expect(classic.body).toContain('/web/app.js');
    expect(String(classic.headers['content-security-policy'])).toContain("style-src 'self';");
  });
});
