import crypto from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../domain/errors';
import { CSP } from './web';

/** Where `npm install` / `npm start` put the Vite build of src/web/app (scripts/build-web.mjs). */
const BUILD_DIR = fileURLToPath(new URL('../generated/web-app/', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * The old app's CSP, with one addition: antd styles its components with CSS-in-JS, which inserts
 * <style> elements at run time. Each response gets a fresh nonce that only those elements carry
 * (antd's ConfigProvider `csp.nonce`), so style-src still refuses any other inline style; scripts
 * stay 'self' only.
 */
const cspWithStyleNonce = (nonce: string) => CSP.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`);

/** Every file of the build, read once at start-up: a fixed set, so no request path reaches the disk. */
async function loadBuild(): Promise<{ index: string; files: Map<string, { type: string; body: Buffer }> } | null> {
  const index = await readFile(path.join(BUILD_DIR, 'index.html'), 'utf8').catch(() => null);
  if (index === null) return null;
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const e of await readdir(BUILD_DIR, { recursive: true, withFileTypes: true })) {
    const type = TYPES[path.extname(e.name)];
    if (!e.isFile() || !type) continue;
    const abs = path.join(e.parentPath, e.name);
    files.set(path.relative(BUILD_DIR, abs).split(path.sep).join('/'), { type, body: await readFile(abs) });
  }
  return { index, files };
}

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>帮扶</title>
<p>新版界面尚未构建：请运行 <code>npm install</code>（或 <code>npm run build:web</code>）后重启。</p>
<p>The new web app has not been built: run <code>npm install</code> (or <code>npm run build:web</code>) and restart.</p></html>`;

/**
 * The React + Ant Design app at /app/, next to the classic app at / until it has the classic
 * app's pages (issue #18). Its routes are paths (/app/tasks/<id>): any path that is not a file of
 * the build answers the app's page, which routes in the browser.
 */
export async function webAppRoutes(app: FastifyInstance) {
  const build = await loadBuild();
  const r = app.withTypeProvider<ZodTypeProvider>();

  app.get('/app', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/app/'));

  r.get('/app/*', { schema: { hide: true, params: z.object({ '*': z.string().max(300) }) } }, async (req, reply) => {
    if (!build) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT);
    const name = req.params['*'];
    const file = build.files.get(name);
    if (file) {
      // Vite puts a content hash in every name under assets/: such a file never changes.
      const cache = name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return reply.type(file.type).header('cache-control', cache).header('x-content-type-options', 'nosniff').send(file.body);
    }
    if (path.extname(name)) throw new AppError('NOT_FOUND', `no web app file ${name}`);
    const nonce = crypto.randomBytes(16).toString('base64');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', cspWithStyleNonce(nonce))
      .header('cache-control', 'no-cache')
      .send(build.index.replaceAll(NONCE_PLACEHOLDER, nonce));
  });
}
