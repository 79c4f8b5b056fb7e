/**
 * The workflow bundle, built as the worker builds it (src/temporal/workflow-bundle.ts), holds no
 * Zod, and what all workflows share holds nothing of the SDK. With `reuseV8Context` every cached
 * workflow evaluates its own copy of every module it does not share, and Zod was most of a cached
 * workflow's memory (3.0 MiB with it: bench/REFERENCE.md, scenario 6). Workflow code reads payloads
 * with the domain's shapes (src/domain/shape); Zod stays with the API and the activities
 * (src/domain/zod-schemas.ts). The domain is shared by every workflow (preloaded); a shared module
 * that reached `@temporalio/workflow` would share one workflow's state with all the others.
 * A module that breaks either fails here, named with the project module that brought it in.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/infra/temporal-dev-server';
import { SHARED_WORKFLOW_MODULES, WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from '../../src/temporal/workflow-bundle';
import { bundleWithModules, importClosure, type TBundledModule } from '../support/workflow-bundle';

/** The first module of the project on the way to `m` (who brought it in). */
function broughtInBy(m: TBundledModule, byName: Map<string, TBundledModule>): string {
  let at: TBundledModule | undefined = m;
  while (at?.importedBy && at.name.startsWith('node_modules/')) at = byName.get(at.importedBy);
  return at?.name ?? '?';
}

let modules: TBundledModule[];
let byName: Map<string, TBundledModule>;

beforeAll(async () => {
  ({ modules } = await bundleWithModules({ workflowsPath: WORKFLOWS_PATH, projectRoot: PROJECT_ROOT, options: WORKFLOW_BUNDLER_OPTIONS }));
  byName = new Map(modules.map((m) => [m.name, m]));
});

describe('the workflow bundle (workflows/index.ts, as the worker bundles it)', () => {
  it('has no Zod module, nor the Zod twins of the shapes', () => {
    // Sanity: the bundle was read (the project's workflows and the domain are in it).
    expect(modules.map((m) => m.name)).toEqual(expect.arrayContaining(['workflows/project-lifecycle.ts', 'src/domain/shape/read.ts']));
    const offenders = modules
      .filter((m) => /^node_modules\/zod\//.test(m.name) || m.name === 'src/domain/shape/to-zod.ts' || m.name === 'src/domain/zod-schemas.ts')
      .map((m) => `${m.name} (brought in by ${broughtInBy(m, byName)})`);
    expect(offenders).toEqual([]);
  });

  it('shares the domain with every workflow, and nothing of the SDK', () => {
    const shared = SHARED_WORKFLOW_MODULES.map((file) => path.relative(PROJECT_ROOT, file));
    expect(shared).toEqual(expect.arrayContaining(['src/domain/approval/approval-machine.ts', 'src/domain/shape/read.ts', 'src/domain/policies/settings.ts']));
    const closure = importClosure(modules, shared);
    // Every domain module the workflows import is shared, not evaluated per workflow.
    expect(modules.filter((m) => m.name.startsWith('src/domain/') && !closure.has(m.name)).map((m) => m.name)).toEqual([]);
    const sdk = [...closure].filter((name) => name.startsWith('node_modules/@temporalio/') || name.startsWith('workflows/'));
    expect(sdk).toEqual([]);
  });
});
