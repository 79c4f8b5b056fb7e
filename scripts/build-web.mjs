// Builds the React + Ant Design web app (src/web/app) with Vite into src/generated/web-app
// (git-ignored), which the Fastify server serves at /app/. Run by `npm install` (postinstall),
// by `npm start` and by the integration tests' global setup; `--if-stale` (and `ifStale`) builds
// only when a source is newer than the last build, so a start with nothing changed costs one
// directory walk.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
export const WEB_APP_SOURCE = path.join(root, 'src/web/app');
export const WEB_APP_OUT = path.join(root, 'src/generated/web-app');

/**
 * What the bundle is made of: the app, the domain modules and API schemas it imports (labels,
 * money, the decision body), the installed packages and this script.
 */
const INPUTS = ['src/web/app', 'src/domain', 'src/http/schemas', 'package-lock.json', 'scripts/build-web.mjs'].map((p) => path.join(root, p));

function newestMtime(p) {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const e of fs.readdirSync(p, { withFileTypes: true })) newest = Math.max(newest, newestMtime(path.join(p, e.name)));
  return newest;
}

/** Whether the last build is missing or older than any of its inputs. */
export function webAppIsStale() {
  const built = fs.statSync(path.join(WEB_APP_OUT, 'index.html'), { throwIfNoEntry: false });
  return !built || INPUTS.some((p) => newestMtime(p) > built.mtimeMs);
}

export async function buildWebApp({ ifStale = false } = {}) {
  if (ifStale && !webAppIsStale()) return false;
  const started = Date.now();
  // Always the production bundle: Vite follows NODE_ENV, which a test runner sets to "test".
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  await build({
    configFile: false,
    root: WEB_APP_SOURCE,
    // The server mounts the app here (src/http/web-app.ts); asset URLs in index.html carry it.
    base: '/app/',
    plugins: [react()],
    logLevel: 'warn',
    build: {
      outDir: WEB_APP_OUT,
      emptyOutDir: true,
      // antd is one large chunk by design; the warning would only repeat that on every build.
      chunkSizeWarningLimit: 4000,
    },
  });
  console.log(`[bangfu] built the web app into ${path.relative(root, WEB_APP_OUT)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await buildWebApp({ ifStale: process.argv.includes('--if-stale') });
}
