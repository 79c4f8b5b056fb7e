/**
 * `npm run bench`: starts its own Temporal dev server (in memory, free ports) and PostgreSQL
 * (BENCH_DATABASE_URL's server, in a scratch database, else embedded PGlite), applies the
 * migrations, runs every scenario side by side with its baseline, and writes
 * bench/results/<date>.json and .md. Exits non-zero when a scenario failed to run (a missed
 * target is a finding, reported in the table, not a failure of the run).
 *
 *   BENCH_SCALE=small|medium|large   preset sizes (default small: < 10 min on 2 cores)
 *   BENCH_CONCURRENCY=1,8,32         concurrent approvers per level
 *   BENCH_MIN_DECISIONS, BENCH_ROUNDS_PER_APPROVER, BENCH_WARMUP, BENCH_SETUP_CONCURRENCY
 *   BENCH_INBOX_TASKS=100000, BENCH_INBOX_PROJECTS, BENCH_INBOX_TOWNSHIPS, BENCH_VILLAGES_PER_TOWNSHIP
 *   BENCH_INBOX_RUNS (≥ 200), BENCH_INBOX_WARMUP, BENCH_HISTORY_SAMPLE
 *   BENCH_DATABASE_URL               PostgreSQL server to use instead of PGlite (needs CREATEDB)
 *   TEMPORAL_CLI_PATH                Temporal CLI binary (default .tools/py/bin/temporal)
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../src/infra/temporal-dev-server';
import { loadSettings } from './lib/settings';
import { startStack, type TStack } from './lib/services';
import { machineInfo, versions } from './lib/machine';
import { runApproval } from './scenarios/approval';
import { runInbox } from './scenarios/inbox';
import { runHistory } from './scenarios/history';
import { machineLine, writeReport, type TBenchReport, type TNotRun } from './report';

const NOT_RUN: TNotRun[] = [
  {
    scenario: '2 lifecycle throughput (N ≥ 1,000 projects, proposal → pool)',
    status: 'not run',
    reason: 'the lifecycle ends at the township review today (stages PROPOSED → TOWNSHIP_REVIEW → APPROVED/RETURNED/REJECTED/WITHDRAWN): there is no path to the project pool to drive yet, and the time budget of this harness went to scenarios 1, 3 and 5. Add it with the lifecycle issue.',
  },
  {
    scenario: '4 open workflows (10,000 waiting on timers and tasks)',
    status: 'not run',
    reason: 'skipped to keep the default run under 10 minutes on 2 cores (10,000 project starts alone take longer than the whole budget at the setup rate measured in scenario 1); planned next, with worker RSS and workflow-cache settings.',
  },
  {
    scenario: '5 history per project-year (time-skipping, multi-year)',
    status: 'not run',
    reason: 'awaits the lifecycle issue: no multi-year lifecycle exists to run on the time-skipping server; the thin-path events per project are measured above.',
  },
];

const errorOf = (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) });

async function main() {
  const started = new Date();
  const t0 = performance.now();
  const log = (line: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const settings = loadSettings();
  const machine = machineInfo();
  log(`BENCH_SCALE=${settings.scale}, approvers ${settings.concurrency.join('/')}, ${settings.inboxTasks} inbox tasks`);

  let stack: TStack | undefined;
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
    const attempt = async <T>(title: string, fn: () => Promise<T>): Promise<T | { error: string }> => {
      log(title);
      try {
        return await fn();
      } catch (err) {
        failed = true;
        log(`  FAILED: ${errorOf(err).error}`);
        return errorOf(err);
      }
    };
    const approval = await attempt('Scenario 1: approval round trip (ours over HTTP vs bare Temporal Update)', () => runApproval(stack!, settings, log));
    const history = await attempt('Scenario 5 (thin path): history events per project', () =>
      runHistory(stack!, settings, 'error' in approval ? [] : approval.baselineWorkflowIds, log),
    );
    const inbox = await attempt('Scenario 3: inbox at scale (route and Prisma vs plain pg)', () => runInbox(stack!, settings, log));

    const report: TBenchReport = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      durationSeconds: Math.round((performance.now() - t0) / 1000),
      machine,
      versions: v,
      settings: {
        ...settings,
        databaseUrl: settings.databaseUrl ? '(set)' : undefined,
        database: stack.db.display,
        temporal: `temporal server start-dev, in memory, headless, on ${stack.temporal.address}`,
        worker: 'one project worker and one baseline worker in the benchmark process, SDK 1.24 default options (workflow cache, pollers, concurrency), separate Prisma pools for API and worker (10 each)',
        api: 'Fastify app from buildApp listening on 127.0.0.1, driven with fetch (keep-alive); logging off',
      },
      approval: 'error' in approval ? approval : { ...approval, projectWorkflowIds: approval.projectWorkflowIds.slice(0, 5), baselineWorkflowIds: approval.baselineWorkflowIds.slice(0, 5) },
      inbox,
      history,
      notRun: NOT_RUN,
    };
    const files = writeReport(report, path.join(PROJECT_ROOT, 'bench/results'));
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
