#!/usr/bin/env node
// The CLI is TypeScript like the rest of the project; tsx compiles it on load, scoped to this
// import, so `npx bangfu` needs no build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr });
