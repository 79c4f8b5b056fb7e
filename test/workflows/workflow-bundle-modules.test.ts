/**
 * The workflow bundle, built as the worker builds it, holds no Zod. With `reuseV8Context` every
 * cached workflow evaluates its own copy of every module in the bundle, and Zod was most of a
 * cached workflow's memory (3.0 MiB with it, 0.9 MiB without: bench/REFERENCE.md, scenario 6).
 * Workflow code reads payloads with the domain's shapes (src/domain/shape); Zod stays with the API
 * and the activities (src/domain/zod-schemas.ts). A module that brings Zod back fails here, naming
 * the project module that imported it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/infra/temporal-dev-server';
import { bundleWithModules, type TBundledModule } from '../support/workflow-bundle';

/** The first module of the project on the way to `m` (who brought it in). */
function broughtInBy(m: TBundledModule, byName: Map<string, TBundledModule>): string {
  let at: TBundledModule | undefined = m;
  while (at?.importedBy && at.name.startsWith('node_modules/')) at = byName.get(at.importedBy);
  return at?.name ?? '?';
}

describe('the workflow bundle (workflows/index.ts)', () => {
  it('has no Zod module, nor the Zod twins of the shapes', async () => {
    const { modules } = await bundleWithModules({ workflowsPath: path.join(PROJECT_ROOT, 'workflows/index.ts'), projectRoot: PROJECT_ROOT });
    const byName = new Map(modules.map((m) => [m.name, m]));
    // Sanity: the bundle was read (the project's workflows and the domain are in it).
    expect(modules.map((m) => m.name)).toEqual(expect.arrayContaining(['workflows/project-lifecycle.ts', 'src/domain/shape/read.ts']));
    const offenders = modules
      .filter((m) => /^node_modules\/zod\//.test(m.name) || m.name === 'src/domain/shape/to-zod.ts' || m.name === 'src/domain/zod-schemas.ts')
      .map((m) => `${m.name} (brought in by ${broughtInBy(m, byName)})`);
    expect(offenders).toEqual([]);
  });
});
