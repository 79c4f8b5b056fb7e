/**
 * Scenario 4, open workflows: W project workflows left open on the project worker — half in the
 * village publicity waiting on its 10-day timer, half in the township review waiting on a task
 * (their approval-step children open too, with their deadline timers) — started as the API starts
 * them (update-with-start, the real activities writing their rows), untimed. Then, with all of
 * them open: the worker's memory (RSS of the benchmark process, which hosts the project worker,
 * the API and the load driver; the Temporal dev server's RSS beside it), its workflow-cache
 * settings and how many workflows it holds, and the approval round trip of scenario 1 — township
 * approvals over HTTP on tasks of the open projects, spread over the start order so most belong to
 * workflows the cache has evicted — beside the bare baseline at the same moment.
 */
import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import type { TBenchSettings } from '../lib/settings';
import type { TStack } from '../lib/services';
import { pool, ratio } from '../lib/stats';
import { approveOverHttp, benchRequestId, demoActor, projectInput, startProjectOnTemporal, townshipApprovers } from '../lib/api';
import { bareDecision, startBareWorkflows, TARGET_P50_RATIO, timedLevel, type TApprovalLevel } from './approval';
import { decisionsFor } from '../lib/settings';

export interface TMemory {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}

export interface TOpenResult {
  target: string;
  openProjects: number;
  waitingOnTimer: number;
  waitingOnTask: number;
  /** Project workflows plus the approval steps of those waiting on a task. */
  openExecutions: number;
  /** Running executions the server reports on the project's task queue (visibility count), if it answered. */
  serverRunningCount: number | null;
  setup: {
    seconds: number;
    startsPerSecond: number;
    concurrency: number;
    retries: number;
    failed: number;
    samples: string[];
    wanted: number;
    notStartedByTimeBox: number;
    maxSeconds: number | null;
  };
  worker: {
    maxCachedWorkflows: number;
    maxConcurrentWorkflowTaskExecutions: number | null;
    maxConcurrentActivityTaskExecutions: number | null;
    workflowThreadPoolSize: number;
    reuseV8Context: boolean;
    stickyQueueScheduleToStartTimeoutMs: number;
    nodeHeapLimitMiB: number;
    cachedAfterSetup: number;
    cachedAfterDecisions: number;
  };
  memory: {
    before: TMemory;
    afterSetup: TMemory;
    afterDecisions: TMemory;
    peakRssMiB: number;
    temporalServerRssMiB: { before: number | null; afterSetup: number | null };
  };
  levels: Array<TApprovalLevel & { scenario1OursP50: number | null; vsScenario1P50: number | null }>;
  errorSamples: string[];
}

const MiB = 1024 * 1024;
const r1 = (x: number) => Math.round(x * 10) / 10;
const memory = (): TMemory => {
  const m = process.memoryUsage();
  return { rssMiB: r1(m.rss / MiB), heapUsedMiB: r1(m.heapUsed / MiB), externalMiB: r1(m.external / MiB) };
};
/** VmRSS of another process (Linux /proc), MiB. */
function rssOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? r1(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Until the worker has had nothing in flight for a second (all starts processed). */
async function workerIdle(stack: TStack): Promise<void> {
  let quietSince = performance.now();
  for (let i = 0; i < 6000; i++) {
    const st = stack.worker.getStatus();
    if (st.numInFlightWorkflowActivations + st.numInFlightActivities > 0) quietSince = performance.now();
    else if (performance.now() - quietSince > 1000) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runOpenWorkflows(
  stack: TStack,
  settings: TBenchSettings,
  scenario1: Array<{ concurrency: number; ours: { p50: number } }>,
  log: (line: string) => void,
): Promise<TOpenResult> {
  const w = settings.openWorkflows;
  const proposer = await demoActor(stack, 'village');
  const template = await projectInput(stack, proposer, 'template');
  const before = memory();
  const temporalBefore = rssOf(stack.temporal.process.pid);
  let peak = before.rssMiB;
  const sampler = setInterval(() => (peak = Math.max(peak, memory().rssMiB)), 1000);
  try {
    // Even indexes wait on the 10-day village publicity timer, odd ones on the township task.
    log(`  opening ${w.toLocaleString('en')} project workflows, ${settings.openStartConcurrency} at a time (update-with-start, real activities)`);
    const retries: string[] = [];
    const failures: string[] = [];
    const t0 = performance.now();
    let skipped = 0;
    const created = await pool(
      Array.from({ length: w }, (_, i) => i),
      settings.openStartConcurrency,
      async (i) => {
        // Time box (BENCH_OPEN_MAX_SECONDS): on shared cores opening 10,000 can take hours; measure with what is open by then.
        if (settings.openMaxSeconds && performance.now() - t0 > settings.openMaxSeconds * 1000) {
          skipped++;
          return null;
        }
        const input = {
          ...template,
          projectId: `open-${i}-${benchRequestId('p').slice(-10)}`,
          requestId: benchRequestId(),
          publicity: { ...template.publicity!, villageDays: i % 2 === 0 ? 10 : 0 },
        };
        if (i > 0 && i % Math.max(1, Math.round(w / 10)) === 0)
          log(
            `    ${i}/${w} started after ${((performance.now() - t0) / 1000).toFixed(0)} s; RSS ${memory().rssMiB} MiB, ${stack.worker.getStatus().numCachedWorkflows} cached; Temporal server RSS ${rssOf(stack.temporal.process.pid)} MiB; load average ${os.loadavg()[0]!.toFixed(1)}`,
          );
        for (let attempt = 1; attempt <= 4; attempt++) {
          try {
            return await startProjectOnTemporal(stack, stack.taskQueue, input);
          } catch (err) {
            retries.push((err as Error).message);
            await new Promise((r) => setTimeout(r, 1000 * attempt));
          }
        }
        failures.push(input.projectId);
        return null;
      },
    );
    await workerIdle(stack);
    const seconds = (performance.now() - t0) / 1000;
    const tasks = created.filter((c, i) => c && i % 2 === 1 && c.taskId).map((c) => c!.taskId!);
    const afterSetup = memory();
    const temporalAfter = rssOf(stack.temporal.process.pid);
    const cachedAfterSetup = stack.worker.getStatus().numCachedWorkflows;
    let serverRunningCount: number | null = null;
    try {
      serverRunningCount = (await stack.client.workflow.count(`TaskQueue = "${stack.taskQueue}" AND ExecutionStatus = "Running"`)).count;
    } catch {
      /* visibility count not available: reported as unknown */
    }
    log(
      `  ${created.filter(Boolean).length} open in ${seconds.toFixed(0)} s (${retries.length} retries, ${failures.length} failed${skipped ? `, ${skipped} not started: time box of ${settings.openMaxSeconds} s` : ''}); RSS ${before.rssMiB} → ${afterSetup.rssMiB} MiB (peak ${peak}), heap ${before.heapUsedMiB} → ${afterSetup.heapUsedMiB} MiB; cache holds ${cachedAfterSetup} of max ${stack.worker.options.maxCachedWorkflows}; server: ${serverRunningCount ?? '?'} running; Temporal server RSS ${temporalBefore} → ${temporalAfter} MiB`,
    );

    // Approvals on tasks of the open projects, spread over the start order, beside the bare baseline.
    const levels = settings.openConcurrency;
    const perLevel = levels.map((c) => decisionsFor(settings, c));
    const total = perLevel.reduce((a, b) => a + b, 0);
    if (tasks.length < total) throw new Error(`only ${tasks.length} township tasks open, ${total} decisions wanted`);
    const stride = Math.floor(tasks.length / total);
    const picked = Array.from({ length: total }, (_, k) => tasks[k * stride]!);
    const approvers = await townshipApprovers(stack, Math.max(...levels));
    const bareIds = await startBareWorkflows(stack, total, settings.setupConcurrency);
    const ours = (taskId: string, approver: number) => approveOverHttp(stack, taskId, approvers[approver]!.token, 'TOWNSHIP_PUBLICITY');
    const baseline = bareDecision(
      stack,
      approvers.map((a) => a.actor),
    );
    const errorSamples: string[] = [];
    const results: TOpenResult['levels'] = [];
    for (let i = 0; i < levels.length; i++) {
      const c = levels[i]!;
      const level = await timedLevel({
        c,
        ourItems: picked.splice(0, perLevel[i]!),
        ours,
        bareItems: bareIds.splice(0, perLevel[i]!),
        baseline,
        errorSamples,
        log,
      });
      const s1 = scenario1.find((l) => l.concurrency === c)?.ours.p50 ?? null;
      results.push({ ...level, scenario1OursP50: s1, vsScenario1P50: s1 ? ratio(level.ours.p50, s1) : null });
    }
    const o = stack.worker.options;
    /** Slots of a fixed-size slot supplier (what the SDK builds from maxConcurrent*), else null. */
    const slots = (supplier: unknown) =>
      (supplier as { type?: string; numSlots?: number } | undefined)?.type === 'fixed-size' ? (supplier as { numSlots: number }).numSlots : null;
    return {
      target: `approval p50 ≤ ${TARGET_P50_RATIO}× the bare baseline's while ${(w - skipped).toLocaleString('en')} projects are open (scenario 1's target)`,
      openProjects: created.filter(Boolean).length,
      waitingOnTimer: created.filter((c, i) => c && i % 2 === 0).length,
      waitingOnTask: tasks.length,
      openExecutions: created.filter(Boolean).length + tasks.length,
      serverRunningCount,
      setup: {
        seconds: Math.round(seconds),
        startsPerSecond: r1((w - skipped) / seconds),
        concurrency: settings.openStartConcurrency,
        retries: retries.length,
        failed: failures.length,
        samples: retries.slice(0, 3),
        wanted: w,
        notStartedByTimeBox: skipped,
        maxSeconds: settings.openMaxSeconds ?? null,
      },
      worker: {
        maxCachedWorkflows: o.maxCachedWorkflows,
        maxConcurrentWorkflowTaskExecutions: slots(o.tuner.workflowTaskSlotSupplier),
        maxConcurrentActivityTaskExecutions: slots(o.tuner.activityTaskSlotSupplier),
        workflowThreadPoolSize: o.workflowThreadPoolSize,
        reuseV8Context: o.reuseV8Context,
        stickyQueueScheduleToStartTimeoutMs: o.stickyQueueScheduleToStartTimeoutMs,
        nodeHeapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / MiB),
        cachedAfterSetup,
        cachedAfterDecisions: stack.worker.getStatus().numCachedWorkflows,
      },
      memory: { before, afterSetup, afterDecisions: memory(), peakRssMiB: peak, temporalServerRssMiB: { before: temporalBefore, afterSetup: temporalAfter } },
      levels: results,
      errorSamples: errorSamples.slice(0, 10),
    };
  } finally {
    clearInterval(sampler);
  }
}
