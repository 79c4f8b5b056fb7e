/**
 * A workflow bundle built as the worker builds it (`bundleWorkflowCode`, with the options given:
 * the worker's are src/temporal/workflow-bundle.ts), plus the list of the modules webpack put in
 * it, with their sizes and imports. With `reuseV8Context` every cached workflow evaluates its own
 * instance of each module that is not preloaded (shared), so this list is what a cached workflow
 * costs (bench/REFERENCE.md, "What a cached workflow's 3 MiB is"); bench scenario 6
 * (bench/scenarios/workflow-memory.ts) and test/workflows/workflow-bundle-modules.test.ts read it.
 */
import { bundleWorkflowCode, DefaultLogger, type BundleOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Compiler, Configuration, Module } from 'webpack';

export interface TBundledModule {
  /** The module's resource path, relative to the project where it is inside it (node_modules/zod/…). */
  name: string;
  /** Its source size after the loaders (TypeScript compiled), bytes: what the workflow context evaluates. */
  bytes: number;
  /** The module that first imported it (its issuer), named the same way; absent for the entry. */
  importedBy?: string;
  /** The modules it imports (type-only imports are gone by then). */
  imports: string[];
}

export interface TBundleWithModules {
  bundle: WorkflowBundleWithSourceMap;
  /** The bundle's code, inline source map included (the worker refuses a bundle without it). */
  bytes: number;
  /** Every module in the bundle, largest first. */
  modules: TBundledModule[];
}

/** `…/node_modules/zod/v4/core/schemas.js` → `zod`, `src/domain/approval/index.ts` → `src/domain`, `workflows/messages/project.ts` → `workflows`. */
export function packageOf(name: string): string {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(name);
  if (m) return m[1]!;
  const parts = name.split('/');
  // src/domain, src/http …; elsewhere the top folder (workflows, bench).
  return parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : parts[0]!;
}

export async function bundleWithModules(opts: {
  workflowsPath: string;
  projectRoot: string;
  /** More bundler options (the worker's `preloadModules`). */
  options?: Partial<BundleOptions>;
}): Promise<TBundleWithModules> {
  const modules: TBundledModule[] = [];
  // node_modules is a link to the main checkout's in a worktree: name packages from node_modules/ on.
  const relative = (p: string) =>
    p.startsWith(opts.projectRoot + '/') ? p.slice(opts.projectRoot.length + 1) : p.replace(/^.*\/node_modules\//, 'node_modules/');
  const collect = {
    apply(compiler: Compiler) {
      compiler.hooks.done.tap('bangfu-bundle-modules', (stats) => {
        const nameOf = (m: Module) => {
          const resource = m.nameForCondition();
          // The SDK's generated entry and webpack's runtime modules have no resource of their own.
          return resource ? relative(resource) : m.identifier();
        };
        const graph = stats.compilation.moduleGraph;
        for (const m of stats.compilation.modules) {
          const issuer = graph.getIssuer(m);
          const imports = new Set<string>();
          for (const c of graph.getOutgoingConnections(m)) if (c.module && c.module !== m) imports.add(nameOf(c.module));
          modules.push({ name: nameOf(m), bytes: m.size(), ...(issuer ? { importedBy: nameOf(issuer) } : {}), imports: [...imports] });
        }
      });
    },
  };
  const bundle = await bundleWorkflowCode({
    workflowsPath: opts.workflowsPath,
    logger: new DefaultLogger('WARN'),
    ...opts.options,
    webpackConfigHook: (config: Configuration) => ({ ...config, plugins: [...(config.plugins ?? []), collect] }),
  });
  modules.sort((a, b) => b.bytes - a.bytes);
  return { bundle, bytes: Buffer.byteLength(bundle.code), modules };
}

/** Bytes per package (or per top-level project folder), largest first. */
export function bytesByPackage(modules: TBundledModule[]): Array<{ name: string; modules: number; bytes: number }> {
  const by = new Map<string, { modules: number; bytes: number }>();
  for (const m of modules) {
    const key = packageOf(m.name);
    const e = by.get(key) ?? { modules: 0, bytes: 0 };
    e.modules++;
    e.bytes += m.bytes;
    by.set(key, e);
  }
  return [...by].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.bytes - a.bytes);
}

/** `from` and every module it imports, directly or not (by name). */
export function importClosure(modules: TBundledModule[], from: readonly string[]): Set<string> {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const seen = new Set<string>();
  const queue = [...from];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...(byName.get(name)?.imports ?? []));
  }
  return seen;
}
