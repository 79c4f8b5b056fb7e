/**
 * `npm run bench`: starts its own Temporal dev server (in memory, free ports) and PostgreSQL
 * (BENCH_DATABASE_URL's server, in a scratch database, else embedded PGlite), applies the
 * migrations, runs every scenario side by side with its baseline, and writes
 * bench/results/<date>.json and .md. Exits non-zero when a scenario failed to run (a missed
 * target is a finding, reported in the table, not a failure of the run).
 *
 *   BENCH_SCALE=small|medium|large   scenario 1's decisions and the inbox runs (default small: scenario 1 in 1–2 min);
 *                                    scenarios 2–4 run at the issue's sizes whatever the scale (scenario 4's 10,000
 *                                    open workflows alone took 25 min on the idle 2 cores): pick with BENCH_SCENARIOS
 *   BENCH_CONCURRENCY=1,8,32         concurrent approvers per level
 *   BENCH_MIN_DECISIONS, BENCH_ROUNDS_PER_APPROVER, BENCH_WARMUP, BENCH_SETUP_CONCURRENCY
 *   BENCH_INBOX_TASKS=100000, BENCH_INBOX_PROJECTS, BENCH_INBOX_TOWNSHIPS, BENCH_VILLAGES_PER_TOWNSHIP
 *   BENCH_INBOX_RUNS (≥ 200), BENCH_INBOX_WARMUP, BENCH_HISTORY_SAMPLE
 *   BENCH_LIFECYCLE_PROJECTS=1000, BENCH_LIFECYCLE_CONCURRENCY=8   scenario 2 (per side)
 *   BENCH_OPEN_WORKFLOWS=10000, BENCH_OPEN_START_CONCURRENCY=16, BENCH_OPEN_CONCURRENCY=1,8   scenario 4
 *   BENCH_OPEN_MAX_SECONDS           scenario 4: stop opening after this long, measure with what is open (default: no limit)
 *   BENCH_PROJECT_YEARS_PROJECTS=3, BENCH_PROJECT_YEARS=4   scenario 5's projects on the time-skipping server, simulated years each
 *   BENCH_PROJECT_YEARS_PROFILE=both            scenario 5's profiles: happy (every evaluation 良), hard (objection, return, flagged payments, failed acceptance, 差 and rectification each year), or both
 *   BENCH_WORKFLOW_MEMORY_COUNT=300, BENCH_WORKFLOW_MEMORY_WARMUP=30   scenario 6's bare workflows per side (also alone, without a database: npm run bench:workflow-memory)
 *   BENCH_SCENARIOS=1,2,3,4,5,6      which scenarios run (default all; 5's thin path reads scenario 1's projects)
 *   BENCH_DATABASE_URL               PostgreSQL server to use instead of PGlite (needs CREATEDB)
 *   BENCH_MAX_CACHED_WORKFLOWS       the project worker's workflow cache (default 1000, as TEMPORAL_MAX_CACHED_WORKFLOWS)
 *   BENCH_WORKFLOW_THREADS           the project worker's workflow threads (default the SDK's)
 *   BENCH_TEMPORAL_DB=file           the dev server on a SQLite file, as `npm start` runs it (default in memory)
 *   BENCH_WORKERS                    project workers: this process's and N − 1 `src/worker.ts` processes (default 1)
 *   TEMPORAL_CLI_PATH                Temporal CLI binary (default .tools/py/bin/temporal)
 */
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/infra/temporal-dev-server';
import { loadSettings } from './lib/settings';
import { startStack, type TStack } from './lib/services';
import { machineInfo, versions } from './lib/machine';
import { runApproval } from './scenarios/approval';
import { runInbox } from './scenarios/inbox';
import { runHistory } from './scenarios/history';
import { runLifecycle } from './scenarios/lifecycle';
import { runOpenWorkflows } from './scenarios/open-workflows';
import { PROJECT_YEARS_PROFILES, runProjectYears } from './scenarios/project-years';
import { runWorkflowMemory, workflowMemorySettings } from './scenarios/workflow-memory';
import { machineLine, writeReport, type TBenchReport, type TNotRun } from './report';

const NOT_RUN: TNotRun[] = [];

const errorOf = (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) });

async function main() {
  const started = new Date();
  const t0 = performance.now();
  const log = (line: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const settings = loadSettings();
  const machine = machineInfo();
  log(
    `BENCH_SCALE=${settings.scale}, scenarios ${settings.scenarios.join(',')}; approvers ${settings.concurrency.join('/')}, ${settings.inboxTasks} inbox tasks, ${settings.lifecycleProjects} lifecycle projects per side, ${settings.openWorkflows} open workflows`,
  );

  // Initialised, not declared bare: the signal handler reads it before startStack() returns.
  let stack: TStack | undefined = undefined;
  const stopOnSignal = async (sig: string) => {
    log(`${sig}: stopping services`);
    await stack?.close();
    process.exit(130);
  };
  process.once('SIGINT', () => void stopOnSignal('SIGINT'));
  process.once('SIGTERM', () => void stopOnSignal('SIGTERM'));

  stack = await startStack(settings, log);
  // PGlite serves one transaction at a time: concurrent project starts beyond 2 exceed Prisma's
  // transaction wait (P2028) during the untimed setup. Timed levels keep their concurrency.
  if (stack.db.kind === 'pglite' && !process.env.BENCH_SETUP_CONCURRENCY) settings.setupConcurrency = 2;
  let failed = false;
  try {
    const v = await versions(stack.db.url, settings.temporalCli);
    log(machineLine({ machine, versions: v }));

    /** Runs one scenario; a failure is recorded in the report and fails the run, the others still run. */
    const attempt = async <T>(n: number, title: string, fn: () => Promise<T>): Promise<T | { error: string } | { skipped: string }> => {
      if (!settings.scenarios.includes(n)) return { skipped: `not selected (BENCH_SCENARIOS=${settings.scenarios.join(',')})` };
      log(
        `${title} — load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      );
      try {
        return await fn();
      } catch (err) {
        failed = true;
        log(`  FAILED: ${errorOf(err).error}`);
        return errorOf(err);
      }
    };
    const ok = <T extends object>(r: T | { error: string } | { skipped: string }): r is T => !('error' in r) && !('skipped' in r);
    const pending = { skipped: 'not reached yet (a partial report, written after an earlier scenario)' };
    const results: Pick<TBenchReport, 'approval' | 'history' | 'projectYears' | 'projectYearsHard' | 'inbox' | 'lifecycle' | 'open' | 'workflowMemory'> = {
      approval: pending,
      history: pending,
      projectYears: pending,
      projectYearsHard: pending,
      inbox: pending,
      lifecycle: pending,
      open: pending,
      workflowMemory: pending,
    };
    /** The report so far, rewritten after each scenario so a run cut short keeps what it measured. */
    const write = () => {
      const { approval } = results;
      const report: TBenchReport = {
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        durationSeconds: Math.round((performance.now() - t0) / 1000),
        machine,
        versions: v,
        settings: {
          ...settings,
          databaseUrl: settings.databaseUrl ? '(set)' : undefined,
          database: stack!.db.display,
          temporal: `temporal server start-dev, in memory, headless, on ${stack!.temporal.address}`,
          worker: `the project worker, the bare baseline worker and the no-op-activities worker (scenario 2's baseline) in the benchmark process; the project worker caches ${settings.maxCachedWorkflows} workflows (BENCH_MAX_CACHED_WORKFLOWS)${settings.workflowThreads ? ` on ${settings.workflowThreads} workflow threads` : ''}, otherwise SDK 1.24 default options (pollers, concurrency); separate Prisma pools for API and worker (10 each)`,
          api: 'Fastify app from buildApp listening on 127.0.0.1, driven with fetch (keep-alive); logging off',
        },
        loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
        ...results,
        approval: ok(approval)
          ? { ...approval, projectWorkflowIds: approval.projectWorkflowIds.slice(0, 5), baselineWorkflowIds: approval.baselineWorkflowIds.slice(0, 5) }
          : approval,
        notRun: NOT_RUN,
      };
      return writeReport(report, path.join(PROJECT_ROOT, 'bench/results'));
    };
    results.approval = await attempt(1, 'Scenario 1: approval round trip (ours over HTTP vs bare Temporal Update)', () => runApproval(stack!, settings, log));
    write();
    const approval = results.approval;
    results.history = ok(approval)
      ? await attempt(5, 'Scenario 5 (thin path): history events per project', () => runHistory(stack!, settings, approval.baselineWorkflowIds, log))
      : { skipped: "the thin path measures scenario 1's projects, and scenario 1 did not run" };
    for (const profile of PROJECT_YEARS_PROFILES) {
      const outcome = settings.projectYearsProfiles.includes(profile)
        ? await attempt(
            5,
            `Scenario 5: history per project-year, ${profile} profile (${settings.projectYearsProjects} projects × ${settings.projectYears} simulated years on the time-skipping server)`,
            () => runProjectYears(stack!, settings, log, profile),
          )
        : { skipped: `not selected (BENCH_PROJECT_YEARS_PROFILE=${process.env.BENCH_PROJECT_YEARS_PROFILE})` };
      if (profile === 'happy') results.projectYears = outcome;
      else results.projectYearsHard = outcome;
      write();
    }
    results.inbox = await attempt(3, 'Scenario 3: inbox at scale (route and Prisma vs plain pg)', () => runInbox(stack!, settings, log));
    write();
    results.lifecycle = await attempt(2, 'Scenario 2: lifecycle throughput, proposal → pool (ours over HTTP vs the same workflows with no-op activities)', () =>
      runLifecycle(stack!, settings, log),
    );
    write();
    results.open = await attempt(
      4,
      `Scenario 4: ${settings.openWorkflows.toLocaleString('en')} open project workflows, worker memory, approvals while open`,
      () => runOpenWorkflows(stack!, settings, ok(approval) ? approval.levels : [], log),
    );
    write();
    results.workflowMemory = await attempt(6, "Scenario 6: memory per cached workflow (the same bare workflow on its own bundle and on the project's)", () =>
      runWorkflowMemory({ temporalAddress: stack!.temporal.address, settings: workflowMemorySettings(), log }),
    );
    const files = write();
    log(`Wrote ${path.relative(PROJECT_ROOT, files.json)} and ${path.relative(PROJECT_ROOT, files.md)}`);
  } finally {
    await stack.close();
  }
  log(failed ? 'Done, with a scenario that failed to run (see the report)' : 'Done');
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : err}`);
  process.exit(1);
});
