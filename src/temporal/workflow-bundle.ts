/**
 * How the workflows are bundled, in one place for the worker, the tests, the replays and the
 * benchmark, so that all of them run the workflow code the same way.
 *
 * With `reuseV8Context` (the SDK's default) every cached workflow evaluates its own instance of
 * every module of the bundle, except the modules preloaded into the worker's V8 context, which all
 * workflows share. The domain (src/domain) is shared: it is pure by design (no I/O, no clock, no
 * state kept between calls; its schemas are Zod-free shapes), so one instance serves every
 * workflow, and the SDK freezes it, so no workflow can change it for another. That is most of what
 * a cached workflow cost: 766 KiB each with a copy of the domain, 398 KiB shared (bench scenario 6).
 * Workflow code itself (workflows/) and the SDK stay per workflow. Not shared: the Zod edge of the
 * domain, which workflows never import (test/workflows/workflow-bundle-modules.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type BundleOptions } from '@temporalio/worker';

const ROOT = path.resolve(import.meta.dirname, '../..');

export const WORKFLOWS_PATH = path.join(ROOT, 'workflows/index.ts');

/** Domain modules that are not workflow code: they import Zod (the API's and the activities' side). */
const NOT_SHARED = new Set(['shape/to-zod.ts', 'zod-schemas.ts', 'audit/audit-events.ts']);

/** The modules every workflow shares (the SDK's `preloadModules`): src/domain, but for its Zod edge. */
export const SHARED_WORKFLOW_MODULES: readonly string[] = fs
  .readdirSync(path.join(ROOT, 'src/domain'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !NOT_SHARED.has(file.split(path.sep).join('/')))
  .sort()
  .map((file) => path.join(ROOT, 'src/domain', file));

/** The bundler options of every workflow bundle (Worker `bundlerOptions`, `bundleWorkflowCode`). */
export const WORKFLOW_BUNDLER_OPTIONS = { preloadModules: [...SHARED_WORKFLOW_MODULES] };

/** The workflow bundle as the worker builds it; `options` add interceptor modules, a logger, … */
export function bundleWorkflows(options: Partial<BundleOptions> = {}) {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN'), ...WORKFLOW_BUNDLER_OPTIONS, ...options });
}
