/**
 * Where the project worker's workflow thread spends its time, read from a V8 CPU profile of a
 * benchmark run (bench/REFERENCE.md, "The worker's CPU per decision"):
 *
 *   BENCH_SCENARIOS=1 BENCH_CONCURRENCY=1 node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/run.ts
 *   npx tsx bench/cpu-profile.ts /tmp/prof [--from <s> --to <s>] [--decisions <n>]
 *
 * Node writes one profile per thread. This picks the thread that ran the project's workflow bundle
 * most, bundles the workflows again as the worker did (the same code, so the same lines) to tell
 * their modules apart, and prints the thread's busy time by category: the SDK's promise hook (a
 * stack trace taken for every promise a workflow creates, for the `__stack_trace` query), entering
 * the sandbox (`vm.runInContext` with the SDK's deadlock timeout, a watchdog thread per call), the
 * SDK inside the sandbox, XState, the domain, our workflows. `--from`/`--to` keep a window of
 * seconds since the thread started (the per-second timeline printed first shows the phases: setup,
 * then the timed decisions); `--decisions` divides the window's figures by the decisions it holds.
 * A sample counts its whole interval, on CPU or blocked (a native call waiting shows as its own time).
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../src/temporal/workflow-bundle';

interface TNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface TProfile {
  nodes: TNode[];
  samples: number[];
  timeDeltas: number[];
}

const BUNDLE_URL = /workflow-bundle-[0-9a-f]+\.js$/;

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : Number(process.argv[i + 1]);
}

/** Module of each line of the bundle: webpack opens every module with a `/***\/ "<path>"` line. */
function moduleLines(code: string): Array<[line: number, module: string]> {
  const out: Array<[number, string]> = [];
  code.split('\n').forEach((text, i) => {
    const m = /^\/\*\*\*\/ "(.+)"/.exec(text);
    if (m) out.push([i + 1, m[1]!.replace(/^(\.\.\/)+(main\/)?node_modules\//, 'node_modules/')]);
  });
  return out;
}

function moduleAt(modules: Array<[number, string]>, line: number): string {
  let lo = 0;
  let hi = modules.length - 1;
  let found = '?';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (modules[mid]![0] <= line) {
      found = modules[mid]![1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function categoryOf(module: string): string {
  if (module.startsWith('./workflows/')) return `our workflows: ${module.slice(2)}`;
  if (module.startsWith('./src/domain/')) return 'the domain (src/domain, shared)';
  if (module.includes('node_modules/xstate/')) return 'XState';
  if (module.includes('node_modules/@temporalio/')) return 'the SDK inside the sandbox';
  return `other bundled code: ${module}`;
}

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tsx bench/cpu-profile.ts <dir of .cpuprofile files> [--from s --to s] [--decisions n]');
  const from = arg('--from') ?? 0;
  const to = arg('--to') ?? Infinity;
  const decisions = arg('--decisions');

  // The workflow thread: the profile with the most samples in the project's bundle.
  let best: { file: string; profile: TProfile; hits: number } | undefined;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as TProfile;
    const inBundle = new Set(
      profile.nodes.filter((n) => BUNDLE_URL.test(n.callFrame.url) && /projectLifecycle/.test(n.callFrame.functionName)).map((n) => n.id),
    );
    const hits = profile.samples.filter((s) => inBundle.has(s)).length + inBundle.size;
    if (inBundle.size > 0 && (!best || hits > best.hits)) best = { file, profile, hits };
  }
  if (!best) throw new Error(`no profile in ${dir} ran projectLifecycle`);
  const { profile } = best;
  const modules = moduleLines((await bundleWorkflows()).code);

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (leaf: number) => {
    const stack: TNode[] = [];
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!);
    return stack;
  };
  const moduleOf = (n: TNode) => moduleAt(modules, n.callFrame.lineNumber + 1);
  const sane = profile.nodes.find((n) => n.callFrame.functionName === 'projectLifecycle' && BUNDLE_URL.test(n.callFrame.url));
  if (sane && moduleOf(sane) !== './workflows/project-lifecycle.ts') {
    throw new Error(`the bundle built now is not the one profiled (projectLifecycle maps to ${moduleOf(sane)}): profile the current code`);
  }

  const perSecond = new Map<number, number>();
  const categories = new Map<string, number>();
  const ours = new Map<string, number>();
  let busy = 0;
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]! / 1e6;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const stack = stackOf(profile.samples[i]!);
    const leaf = stack[0]!.callFrame;
    if (leaf.functionName === '(idle)') continue;
    perSecond.set(Math.floor(t), (perSecond.get(Math.floor(t)) ?? 0) + ms);
    if (t < from || t > to) continue;
    busy += ms;
    const hook = stack.some((n) => n.callFrame.functionName === 'initAll' && n.callFrame.url.includes('promise_hooks'));
    const inBundle = stack.find((n) => BUNDLE_URL.test(n.callFrame.url));
    const category = hook
      ? "the SDK's promise hook: a stack trace per promise"
      : inBundle
        ? categoryOf(moduleOf(inBundle))
        : leaf.functionName === 'runInContext' && leaf.url === ''
          ? 'entering the sandbox: vm.runInContext itself (with its deadlock watchdog)'
          : leaf.functionName === '(garbage collector)'
            ? 'garbage collection'
            : 'the SDK and Node outside the sandbox (messages, scope switch, …)';
    categories.set(category, (categories.get(category) ?? 0) + ms);
    if (hook) continue;
    const seen = new Set<string>();
    for (const n of stack) {
      if (!BUNDLE_URL.test(n.callFrame.url)) continue;
      const m = moduleOf(n);
      if (!m.startsWith('./workflows/') && !m.startsWith('./src/')) continue;
      const label = `${m.slice(2)} ${n.callFrame.functionName || '(anonymous)'}`;
      if (seen.has(label)) continue;
      seen.add(label);
      ours.set(label, (ours.get(label) ?? 0) + ms);
    }
  }

  const per = (ms: number) => (decisions ? `${(ms / decisions).toFixed(2).padStart(7)} ms/decision` : '');
  console.log(`workflow thread: ${best.file}`);
  console.log(`busy ms per second since the thread started: ${[...perSecond].map(([s, ms]) => `${s}:${ms.toFixed(0)}`).join(' ')}`);
  console.log(`\nwindow ${from}–${to === Infinity ? 'end' : to} s: busy ${busy.toFixed(0)} ms ${per(busy)}`);
  for (const [name, ms] of [...categories].sort((a, b) => b[1] - a[1])) {
    console.log(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)} % ${per(ms)}  ${name}`);
  }
  console.log('\nour code, inclusive (without the promise hook it triggers):');
  for (const [name, ms] of [...ours].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${name}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
