/**
 * Scenario 6, memory per cached workflow: what the workflow bundle's module graph costs each
 * cached workflow. With `reuseV8Context` (the SDK's default) every workflow evaluates its own
 * instance of every module in the bundle, so a cached workflow costs what its bundle's modules
 * build, whatever the workflow keeps (bench/REFERENCE.md, "What a cached workflow's 3 MiB is").
 *
 * The same bare workflow (`bareApproval`, bench/baseline-workflows.ts: one Update handler, almost no
 * state) runs on three workers side by side in one run, each in a process of its own
 * (bench/workflow-memory-child.ts): on a bundle of its own file only; on the project's bundle
 * (workflows/index.ts plus that file, bench/workflow-memory-entry.ts) built as the worker builds it
 * (src/temporal/workflow-bundle.ts: the domain preloaded, shared by all workflows); and on the
 * same bundle with every module evaluated per workflow (no module shared). Each starts
 * `warmup` executions, reads RSS, starts `count` more (all left open, all cached), reads RSS
 * again: (RSS after − RSS after the warm-up) / count is the cost of one cached workflow. Also
 * reported: each bundle's size and its largest modules and packages (webpack's own module list).
 *
 * Needs only a Temporal server: `npm run bench:workflow-memory` starts its own (about a minute on
 * 2 cores at the default 300); `BENCH_SCENARIOS=6 npm run bench` runs it in the full benchmark.
 *   BENCH_WORKFLOW_MEMORY_COUNT=300, BENCH_WORKFLOW_MEMORY_WARMUP=30
 *   BENCH_WORKFLOW_MEMORY_EXTRA=path.ts[,…]   more bundles to measure beside the three (each must export `bareApproval`; nothing shared)
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../src/infra/temporal-dev-server';
import { WORKFLOW_BUNDLER_OPTIONS } from '../../src/temporal/workflow-bundle';
import { bundleWithModules, bytesByPackage, importClosure, type TBundledModule } from '../../test/support/workflow-bundle';
import type { TChildInput, TChildResult } from '../workflow-memory-child';
import { BASELINE_WORKFLOWS_PATH } from '../lib/services';

export const WORKFLOW_MEMORY_PROJECT_ENTRY = path.join(PROJECT_ROOT, 'bench/workflow-memory-entry.ts');
/** Issue #20: at most 1 MiB per open project. */
export const TARGET_MIB_PER_WORKFLOW = 1;

export interface TWorkflowMemorySettings {
  count: number;
  warmup: number;
  startConcurrency: number;
  /** Entry files measured after the three standard sides. */
  extraEntries: string[];
}

export function workflowMemorySettings(env: NodeJS.ProcessEnv = process.env): TWorkflowMemorySettings {
  const int = (name: string, fallback: number) => {
    const raw = env[name];
    const n = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return n;
  };
  return {
    count: int('BENCH_WORKFLOW_MEMORY_COUNT', 300),
    warmup: int('BENCH_WORKFLOW_MEMORY_WARMUP', 30),
    startConcurrency: int('BENCH_WORKFLOW_MEMORY_START_CONCURRENCY', 16),
    extraEntries: (env.BENCH_WORKFLOW_MEMORY_EXTRA ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((p) => path.resolve(p)),
  };
}

/** One side: its bundle, and what its child process measured (TChildResult). */
export interface TWorkflowMemorySide extends TChildResult {
  label: string;
  entry: string;
  /** Modules preloaded into the worker's V8 context with what they import (shared by every workflow): 0 when none. */
  sharedModules: number;
  bundleKiB: number;
  modules: number;
  /** The largest packages (node_modules) and project folders each workflow evaluates (the shared ones left out), KiB of module source. */
  largestPackages: Array<{ name: string; modules: number; kib: number }>;
  largestModules: Array<{ name: string; kib: number }>;
  /** Modules of zod in the bundle (0 is what test/workflows/workflow-bundle-modules.test.ts holds the project's bundle to). */
  zodModules: number;
  kibPerWorkflow: number;
}

export interface TWorkflowMemoryResult {
  target: string;
  count: number;
  warmup: number;
  sides: TWorkflowMemorySide[];
  /** The project bundle's (as the worker builds it) KiB per cached workflow over the bare bundle's. */
  projectOverBare: number;
  projectMiBPerWorkflow: number;
  withinTarget: boolean;
  /** What 10,000 cached workflows of the project's bundle would hold (the default cache is 1,000), MiB. */
  projectMiBFor10000: number;
}

const KiB = 1024;
const r1 = (x: number) => Math.round(x * 10) / 10;
const kib = (bytes: number) => r1(bytes / KiB);

/** Runs one side in its own process and returns what it measured. */
function runChild(input: TChildInput): Promise<TChildResult> {
  return new Promise((resolve, reject) => {
    // --expose-gc: the child collects its main thread before reading RSS.
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(PROJECT_ROOT, 'bench/workflow-memory-child.ts'), JSON.stringify(input)],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const m = /^RESULT (.*)$/m.exec(out);
      if (code === 0 && m) resolve(JSON.parse(m[1]!) as TChildResult);
      else reject(new Error(`workflow-memory child exited with ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

async function measureSide(opts: {
  label: string;
  options?: Partial<BundleOptions>;
  entry: string;
  address: string;
  settings: TWorkflowMemorySettings;
  dir: string;
  log: (line: string) => void;
}): Promise<TWorkflowMemorySide> {
  const { bundle, bytes, modules } = await bundleWithModules({
    workflowsPath: opts.entry,
    projectRoot: PROJECT_ROOT,
    ...(opts.options ? { options: opts.options } : {}),
  });
  const bundlePath = path.join(opts.dir, `${crypto.randomBytes(4).toString('hex')}.js`);
  fs.writeFileSync(bundlePath, bundle.code);
  const zodModules = modules.filter((m: TBundledModule) => /(?:^|\/)node_modules\/zod\//.test(m.name)).length;
  const shared = importClosure(
    modules,
    (opts.options?.preloadModules ?? []).map((file) => path.relative(PROJECT_ROOT, file)),
  );
  const perWorkflow = modules.filter((m) => !shared.has(m.name));
  opts.log(
    `    ${opts.label}: bundle ${kib(bytes).toLocaleString('en')} KiB, ${modules.length} modules (${zodModules} of zod); starting ${opts.settings.count} workflows`,
  );
  const r = await runChild({
    address: opts.address,
    taskQueue: `wf-memory-${crypto.randomBytes(3).toString('hex')}`,
    bundlePath,
    count: opts.settings.count,
    warmup: opts.settings.warmup,
    startConcurrency: opts.settings.startConcurrency,
  });
  const kibPerWorkflow = Math.round(((r.rssAfterAllMiB - r.rssAfterWarmupMiB) * KiB) / opts.settings.count);
  opts.log(
    `    ${opts.label}: RSS ${r.rssAfterWarmupMiB} → ${r.rssAfterAllMiB} MiB with ${r.cached} cached, ${kibPerWorkflow.toLocaleString('en')} KiB per cached workflow (main-thread heap ${r.heapAfterWarmupMiB} → ${r.heapAfterAllMiB} MiB)`,
  );
  return {
    label: opts.label,
    sharedModules: shared.size,
    entry: path.relative(PROJECT_ROOT, opts.entry),
    bundleKiB: kib(bytes),
    modules: modules.length,
    largestPackages: bytesByPackage(perWorkflow)
      .slice(0, 12)
      .map((p) => ({ name: p.name, modules: p.modules, kib: kib(p.bytes) })),
    largestModules: perWorkflow.slice(0, 15).map((m) => ({ name: m.name, kib: kib(m.bytes) })),
    zodModules,
    ...r,
    kibPerWorkflow,
  };
}

export async function runWorkflowMemory(opts: {
  temporalAddress: string;
  settings: TWorkflowMemorySettings;
  log: (line: string) => void;
}): Promise<TWorkflowMemoryResult> {
  const { settings, log } = opts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-wf-memory-'));
  try {
    const entries = [
      { label: 'bare file only', entry: BASELINE_WORKFLOWS_PATH },
      {
        label: "project's workflows/index.ts, as the worker bundles it (domain shared)",
        entry: WORKFLOW_MEMORY_PROJECT_ENTRY,
        options: WORKFLOW_BUNDLER_OPTIONS,
      },
      { label: "project's workflows/index.ts, every module per workflow", entry: WORKFLOW_MEMORY_PROJECT_ENTRY },
      ...settings.extraEntries.map((entry) => ({ label: path.relative(PROJECT_ROOT, entry), entry })),
    ];
    const sides: TWorkflowMemorySide[] = [];
    // One after the other: on 2 cores two sides at once would measure each other's start-up.
    for (const e of entries) sides.push(await measureSide({ ...e, address: opts.temporalAddress, settings, dir, log }));
    const [bare, project] = sides as [TWorkflowMemorySide, TWorkflowMemorySide];
    const projectMiBPerWorkflow = Math.round((project.kibPerWorkflow / KiB) * 100) / 100;
    return {
      target: `≤ ${TARGET_MIB_PER_WORKFLOW} MiB per cached project workflow (issue #20)`,
      count: settings.count,
      warmup: settings.warmup,
      sides,
      projectOverBare: bare.kibPerWorkflow > 0 ? Math.round((project.kibPerWorkflow / bare.kibPerWorkflow) * 100) / 100 : NaN,
      projectMiBPerWorkflow,
      withinTarget: projectMiBPerWorkflow <= TARGET_MIB_PER_WORKFLOW,
      projectMiBFor10000: Math.round(projectMiBPerWorkflow * 10_000),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The scenario's figures as Markdown (the full benchmark's report and the standalone run). */
export function workflowMemoryMarkdown(r: TWorkflowMemoryResult): string {
  const lines = [
    `The same bare workflow, ${r.count} executions left open and cached after ${r.warmup} warm-up ones, each side on a worker of its own process (SDK defaults: \`reuseV8Context\`, one workflow thread). Target: ${r.target}.`,
    '',
    '| bundle the bare workflow ran in | bundle size (inline source map) | modules (of zod; shared) | RSS after warm-up → with all cached | main-thread heap | RSS per cached workflow |',
    '|---|---|---|---|---|---|',
    ...r.sides.map(
      (s) =>
        `| ${s.label} (\`${s.entry}\`) | ${s.bundleKiB.toLocaleString('en')} KiB | ${s.modules} (${s.zodModules}; ${s.sharedModules}) | ${s.rssAfterWarmupMiB} → ${s.rssAfterAllMiB} MiB | ${s.heapAfterWarmupMiB} → ${s.heapAfterAllMiB} MiB | **${s.kibPerWorkflow.toLocaleString('en')} KiB** |`,
    ),
    '',
    `Project over bare: **${r.projectOverBare}×**; ${r.projectMiBPerWorkflow} MiB per cached project workflow (${r.withinTarget ? 'within' : '**over**'} the target), ~${r.projectMiBFor10000.toLocaleString('en')} MiB if 10,000 were cached at once.`,
  ];
  for (const s of r.sides) {
    lines.push(
      '',
      `Evaluated per workflow in ${s.label}, largest first: packages ${s.largestPackages.map((p) => `${p.name} ${p.kib} KiB (${p.modules})`).join(', ')}.`,
      `Modules: ${s.largestModules.map((m) => `\`${m.name}\` ${m.kib} KiB`).join(', ')}.`,
    );
  }
  return lines.join('\n');
}
