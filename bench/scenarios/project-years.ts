/**
 * Scenario 5 of the issue, history per project-year: N projects driven on the Temporal
 * time-skipping test server (timers of days and years pass in milliseconds) from proposal through
 * the pool, funding, implementation with payments, acceptance, its publicity, handover and Y years
 * of evaluation and income, with the drivers the time-skipping tests use
 * (test/support/lifecycle-drivers.ts) and the real activities on the benchmark's database.
 *
 * Two profiles (BENCH_PROJECT_YEARS_PROFILE=happy|hard|both), each on its own time-skipping server:
 * - happy: every evaluation 良, every payment clean, acceptance passed at once;
 * - hard: everything the time-skipping tests drive that goes wrong — an objection during the village
 *   publicity (returned, resubmitted, posted again), the county joint review returning the matter to
 *   the township (退回到之前的环节), two payments flagged and rejected and one flagged, dismissed and
 *   paid, a failed acceptance rectified (整改) and inspected again, and every year's evaluation 差:
 *   the 容错纠错 notices, a rectification plan (45 days), the re-evaluation 良, then the income.
 *
 * Afterwards every run of each project workflow (continue-as-new) and every child run it started
 * (approval steps, review windows) is read back with its history; each event is counted in the
 * simulated year of its timestamp since the project started. The baseline of each project-year is
 * a bare workflow (bench/baseline-workflows.ts `bareProjectYear`) given the same number of Updates
 * as that year's human actions and one timer per business wait of that year.
 */
import crypto from 'node:crypto';
import { Worker, bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { createPrisma } from '../../src/db/prisma';
import { allocateFundsUpdate, lodgeObjectionUpdate } from '../../workflows/messages/project';
import { startTimeSkippingWorker } from '../../test/support/time-skipping-worker';
import { BY_ROLE, DAY, indicators, lifecycleDrivers, waitFor, type THandle } from '../../test/support/lifecycle-drivers';
import { proposer, implementer, township, agri, finance, leader, expert, villager } from '../../test/support/county-actors';
import { FAVOURABLE_VOTE, PASSED_CHECKS, TEA_GARDEN_ASSET, TEA_ROAD_ASSET } from '../../test/support/proposal';
import { BASELINE_WORKFLOWS_PATH, type TStack } from '../lib/services';
import type { TBenchSettings } from '../lib/settings';
import { ratio } from '../lib/stats';
import { bareActUpdate, type bareProjectYear } from '../baseline-workflows';
import { CONTINUE_AS_NEW_SUGGESTED_AT } from './history';

export const TARGET_EVENTS_PER_PROJECT_YEAR = 2000;
const YEAR = 365 * DAY;
/**
 * The hard profile's rectification period after a 差: the re-evaluation is due when it ends. Longer
 * than the 30-day window of the 容错纠错 notices, as in lifecycle-operation.test.ts: a window that
 * closes after the project's run continued as new (its abandoned child completing) stalled the
 * time-skipping test server's clock (it then ran at wall-clock speed), with 30 days here.
 */
const HARD_RECTIFICATION_DAYS = 45;
/** The longest single wait asked of the time-skipping server (see `sleep` in runProjectYears). */
const SLEEP_STEP = 30 * DAY;

export const PROJECT_YEARS_PROFILES = ['happy', 'hard'] as const;
export type TProjectYearsProfile = (typeof PROJECT_YEARS_PROFILES)[number];

export interface TRunEvents {
  workflowType: string;
  workflowId: string;
  events: number;
  continuedAsNew: boolean;
}

export interface TProjectYearsResult {
  profile: TProjectYearsProfile;
  target: string;
  path: string;
  projects: number;
  years: number;
  seconds: number;
  /** Events of the project and all its children, per simulated year (index 0 = the year of the proposal). */
  perYear: Array<{ year: number; events: { mean: number; max: number }; updates: { mean: number }; timers: number; baseline: number; ratio: number }>;
  perProjectYear: { mean: number; max: number; withinTarget: boolean };
  baselinePerProjectYear: { mean: number; max: number };
  ratio: number;
  /** Per project: runs of the project workflow and children started, over the whole drive. */
  runs: { projectRunsMean: number; projectContinuedAsNew: boolean; childRunsMean: number; childTypes: Record<string, number> };
  maxRun: TRunEvents & { suggestedAt: number; withinSuggestion: boolean };
  /** The largest single run of the project workflow itself. */
  maxProjectRun: TRunEvents;
}

const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10;
const ms = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

type TEvent = temporal.api.history.v1.IHistoryEvent;

/** Every run of a workflow from `runId` on (following continue-as-new), with its events. */
async function runsFrom(client: Client, workflowId: string, runId: string): Promise<Array<{ runId: string; type: string; events: TEvent[] }>> {
  const runs: Array<{ runId: string; type: string; events: TEvent[] }> = [];
  for (let id: string | null | undefined = runId; id;) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, id).fetchHistory();
    const events: TEvent[] = history.events ?? [];
    const type = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?';
    runs.push({ runId: id, type, events });
    id = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return runs;
}

/** The project's runs and, recursively, every child run they started. */
async function executionsOf(client: Client, workflowId: string, firstRunId: string) {
  const out: Array<{ workflowId: string; runId: string; type: string; events: TEvent[] }> = [];
  const queue: Array<{ workflowId: string; runId: string }> = [{ workflowId, runId: firstRunId }];
  while (queue.length) {
    const next = queue.shift()!;
    for (const run of await runsFrom(client, next.workflowId, next.runId)) {
      out.push({ workflowId: next.workflowId, ...run });
      for (const e of run.events) {
        const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
        if (child?.workflowId && child.runId) queue.push({ workflowId: child.workflowId, runId: child.runId });
      }
    }
  }
  return out;
}

const PATHS: Record<TProjectYearsProfile, string> = {
  happy:
    'proposal → pool (10 + 10 days of publicity) → funding → capital and progress reports → START and SUBSTANTIAL payments → acceptance (vote, three approvals) → 7-day publicity → ACCEPTANCE payment, asset, handover → evaluation 良 and income each year, the retention payment in year 2',
  hard:
    'proposal → objection during the village publicity → returned, resubmitted, posted again (10 days) → township review and publicity → county joint review returns the matter to the township, re-approved, countersigned → leading group → pool → funding → capital and progress reports → START payment; ' +
    'SUBSTANTIAL payments: duplicate invoice to another payee (two flags, confirmed, rejected), more than verified progress (flag, confirmed, rejected), overspend (flag dismissed, paid) → acceptance failed by the expert → rectified → vote, three approvals → 7-day publicity → ACCEPTANCE payment, two assets, handover → ' +
    `each year: evaluation 差 (容错纠错 notices to five officials) → rectification plan (${HARD_RECTIFICATION_DAYS} days) → re-evaluation 良 → income; the retention payment in year 2`,
};

export async function runProjectYears(
  stack: TStack,
  settings: TBenchSettings,
  log: (line: string) => void,
  profile: TProjectYearsProfile = 'happy',
): Promise<TProjectYearsResult> {
  const n = settings.projectYearsProjects;
  const years = settings.projectYears;
  const prisma = createPrisma({ url: stack.db.url, poolSize: 4 });
  const ts = await startTimeSkippingWorker({ prisma, prefix: `bench-years-${profile}` });
  const t0 = performance.now();
  try {
    const client = ts.env.client;
    // Human actions per project and year, and the business waits of each year (the same for all).
    // The year is the simulated year on the server's clock since the projects started: a wait
    // counts in the year it ends, an action in the year of the last wait (the clock moves only in
    // the waits); whatever happens after the last year counts in the last year.
    let year = 0;
    let simStart = 0;
    const updates = new Map<string, number[]>();
    const timers = Array.from({ length: years }, () => 0);
    const sleep = async (msToSleep: number) => {
      // In steps of at most SLEEP_STEP: one unlock-with-sleep call that lasts minutes of real time
      // loses its answer when the test server closes the connection for its keepalive pings.
      for (let left = msToSleep; left > 0; left -= SLEEP_STEP) {
        const before = performance.now();
        await ts.env.sleep(Math.min(left, SLEEP_STEP));
        const took = performance.now() - before;
        if (took > 5_000) log(`  (${profile}: ${Math.round(Math.min(left, SLEEP_STEP) / DAY)} simulated days took ${Math.round(took / 1000)} s)`);
      }
      year = Math.min(years - 1, Math.floor(((await ts.env.currentTimeMs()) - simStart) / YEAR));
      timers[year]! += 1;
    };
    const countUpdate = (projectId: string) => {
      const perYear = updates.get(projectId) ?? Array.from({ length: years }, () => 0);
      perYear[year]! += 1;
      updates.set(projectId, perYear);
    };
    const d = lifecycleDrivers({ client, prisma, taskQueue: ts.taskQueue, sleep, onUpdate: countUpdate });
    simStart = await ts.env.currentTimeMs();
    const started: Array<{ projectId: string; handle: THandle; firstRunId: string; startedAt: number }> = [];
    for (let i = 0; i < n; i++) {
      const { projectId, handle } = await d.startProject(`项目年 ${profile} ${i + 1}`);
      const first = await client.workflow.getHandle(handle.workflowId).describe();
      started.push({ projectId, handle, firstRunId: first.runId, startedAt: first.startTime.getTime() });
    }
    const ids = started.map((p) => p.projectId);
    type TStarted = (typeof started)[number];
    const payee = '桃源茶叶合作社';
    const invoiceOf = (p: TStarted, seq: number) => ({
      number: `3300 ${p.projectId} ${seq}`,
      sha256: crypto.createHash('sha256').update(`${p.projectId}:${seq}`).digest('hex'),
    });
    const pay = async (p: TStarted, seq: number, tranche: string, amountFen: number) => {
      await d.command(p.handle, implementer, { type: 'REQUEST_PAYMENT', tranche, amountFen, payeeId: payee, invoices: [invoiceOf(p, seq)] } as never);
      await d.decidePaymentStep(p.projectId, 'PAYMENT_VERIFICATION');
      await d.decidePaymentStep(p.projectId, 'PAYMENT_APPROVAL');
      await d.paymentStatus(p.projectId, seq, 'PAID');
    };
    /** A payment the risk screen flags; the finance bureau confirms the flags (rejected) or dismisses them (paid). */
    const flaggedPayment = async (p: TStarted, seq: number, request: Record<string, unknown>, confirm: boolean) => {
      await d.command(p.handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'SUBSTANTIAL_COMPLETION', payeeId: payee, ...request } as never);
      await d.decidePaymentStep(p.projectId, 'PAYMENT_VERIFICATION');
      await d.paymentStatus(p.projectId, seq, 'FLAGGED');
      if (confirm) {
        await d.decidePaymentStep(p.projectId, 'RISK_FLAG_REVIEW', { type: 'REJECT', reason: '确认违规' });
        await d.paymentStatus(p.projectId, seq, 'REJECTED');
      } else {
        await d.decidePaymentStep(p.projectId, 'RISK_FLAG_REVIEW');
        await d.decidePaymentStep(p.projectId, 'PAYMENT_APPROVAL');
        await d.paymentStatus(p.projectId, seq, 'PAID');
      }
    };
    const report = async (p: TStarted, type: 'REPORT_CAPITAL' | 'REPORT_PROGRESS', value: number, verifier = finance) => {
      const cmd = type === 'REPORT_CAPITAL' ? { type, amountFen: value, evidence: ['bank-slip.pdf'] } : { type, percent: value, evidence: ['site-photos.zip'] };
      const r = await d.command(p.handle, implementer, cmd);
      await d.command(p.handle, verifier, { type: 'VERIFY_REPORT', reportId: r.recordId! });
    };
    /** An evaluation submitted with `level` and approved by the leading group, once its task is open. */
    const evaluate = async (p: TStarted, level: number) => {
      await d.waitForStage(p.projectId, 'EVALUATION');
      await d.taskOf(p.projectId, 'EVALUATION_SUBMIT');
      await d.command(p.handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(level) });
      await d.decide((await d.taskOf(p.projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    };
    /** 差: the project goes into rectification and its village submits the plan. */
    const evaluatePoor = async (p: TStarted) => {
      await evaluate(p, 50);
      await d.waitForStage(p.projectId, 'RECTIFICATION');
      await d.taskOf(p.projectId, 'RECTIFICATION_PLAN');
      await d.command(p.handle, proposer, { type: 'SUBMIT_RECTIFICATION_PLAN', plan: '更换管护主体，补植茶苗', dueInDays: HARD_RECTIFICATION_DAYS });
    };
    /** 良: the project stays in operation, the run continues as new; then the year's income. */
    const evaluateGoodAndIncome = async (p: TStarted, y: number) => {
      const runBefore = (await p.handle.describe()).runId;
      await evaluate(p, 85);
      await d.waitForStage(p.projectId, 'OPERATION');
      await waitFor(
        async () => (await p.handle.describe()).runId,
        (r) => r !== runBefore,
        `${p.handle.workflowId} to continue as new after its evaluation cycle`,
      );
      await d.command(p.handle, proposer, {
        type: 'RECORD_INCOME',
        period: { from: `${2028 + y}-01-01`, until: `${2029 + y}-01-01` },
        incomeFen: 2_800_000,
        households: [
          { householdId: 'h-01', shares: 2 },
          { householdId: 'h-02', shares: 1 },
        ],
        plan: { retainedBp: 2000, regularWeight: 1, monitoredWeight: 2 },
      });
    };
    /** One year's evaluation cycle of every project: 良 (happy), or 差, the rectification period and the re-evaluation 良 (hard). */
    const evaluationCycle = async (y: number) => {
      if (profile === 'hard') {
        for (const p of started) await evaluatePoor(p);
        await sleep(HARD_RECTIFICATION_DAYS * DAY + 60_000);
      }
      for (const p of started) await evaluateGoodAndIncome(p, y);
    };
    const acceptanceApprovals = async (p: TStarted) => {
      // Agriculture, finance and the expert: each approves its own task of the acceptance step.
      for (const role of ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE', 'EXPERT'])
        await d.decide((await d.taskOf(p.projectId, 'COMPLETION_ACCEPTANCE', role)).id, BY_ROLE[role]!, { type: 'APPROVE' });
      await d.waitForStage(p.projectId, 'ACCEPTANCE_PUBLICITY');
    };
    // Before each inspection round: the joint team's tasks open once the villagers voted in favour.
    const vote = (p: TStarted) => d.command(p.handle, proposer, FAVOURABLE_VOTE);

    // ---- year 0: proposal → pool → funding → implementation → acceptance → handover → first evaluation
    log(`  ${profile}: ${n} projects on the time-skipping server: proposal → pool`);
    if (profile === 'happy') await d.throughPool(ids);
    else await throughPoolHard(d, started, sleep, countUpdate);
    log(`  ${profile}: funding, implementation (capital and progress reports, payments${profile === 'hard' ? ' with risk flags' : ''}), acceptance`);
    for (const p of started) {
      countUpdate(p.projectId);
      await p.handle.executeUpdate(allocateFundsUpdate, {
        args: [{ requestId: `alloc-${p.projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }],
      });
      await d.waitForStage(p.projectId, 'IMPLEMENTATION');
      await report(p, 'REPORT_CAPITAL', 4_000_000);
      await pay(p, 1, 'START', 16_000_000);
      await report(p, 'REPORT_PROGRESS', 85, township);
      await report(p, 'REPORT_CAPITAL', 6_000_000);
      if (profile === 'happy') await pay(p, 2, 'SUBSTANTIAL_COMPLETION', 20_000_000);
      else {
        // The invoice of payment 1 again, to another payee; more than verified progress; overspend (dismissed).
        await flaggedPayment(
          p,
          2,
          { amountFen: 20_000_000, payeeId: '青山某建材公司', invoices: [{ ...invoiceOf(p, 1), sha256: invoiceOf(p, 2).sha256 }] },
          true,
        );
        await flaggedPayment(p, 3, { amountFen: 25_000_000 }, true);
        await flaggedPayment(p, 4, { amountFen: 20_000_000, reportedTotalSpendFen: 45_000_000 }, false);
      }
      await report(p, 'REPORT_PROGRESS', 100, agri);
      await d.command(p.handle, proposer, { type: 'REQUEST_ACCEPTANCE' });
      if (profile === 'hard') {
        await vote(p);
        await d.decide((await d.taskOf(p.projectId, 'COMPLETION_ACCEPTANCE', 'COUNTY_AGRICULTURE')).id, agri, { type: 'APPROVE' });
        await d.decide((await d.taskOf(p.projectId, 'COMPLETION_ACCEPTANCE', 'EXPERT')).id, expert, { type: 'REJECT', reason: '排水沟未完工' });
        await d.waitForStage(p.projectId, 'ACCEPTANCE_RECTIFICATION');
        await d.taskOf(p.projectId, 'ACCEPTANCE_RECTIFY');
        await d.command(p.handle, implementer, { type: 'RECTIFIED', text: '排水沟已完工并经监理确认' });
        await d.waitForStage(p.projectId, 'ACCEPTANCE');
      }
      await vote(p);
      await acceptanceApprovals(p);
    }
    await sleep(7 * DAY + 60_000);
    log(`  ${profile}: handover and the first evaluation`);
    const acceptanceSeq = profile === 'hard' ? 5 : 3;
    for (const p of started) {
      await d.waitForStage(p.projectId, 'ASSET_HANDOVER');
      await pay(p, acceptanceSeq, 'ACCEPTANCE', 2_000_000);
      await d.command(p.handle, agri, { ...TEA_GARDEN_ASSET, custodian: payee, certificateNo: `QS-${p.projectId}` });
      if (profile === 'hard') await d.command(p.handle, agri, TEA_ROAD_ASSET);
      await d.command(p.handle, proposer, { type: 'CONFIRM_HANDOVER' });
    }
    await evaluationCycle(0);
    // ---- years 1..Y-1: a year passes; the retention (year 2), the evaluation cycle and the income
    for (let cycle = 1; cycle < years; cycle++) {
      await sleep(366 * DAY);
      log(`  ${profile}: evaluation cycle ${cycle + 1} of ${years} (simulated year ${year + 1})${cycle === 1 ? ', retention released' : ''}`);
      for (const p of started) {
        if (cycle === 1) {
          await d.decidePaymentStep(p.projectId, 'PAYMENT_VERIFICATION');
          await d.decidePaymentStep(p.projectId, 'PAYMENT_APPROVAL');
          await d.paymentStatus(p.projectId, acceptanceSeq + 1, 'PAID');
        }
      }
      await evaluationCycle(cycle);
    }
    const seconds = (performance.now() - t0) / 1000;

    // ---- read every history back and count events per simulated year
    const perProjectYear: number[][] = [];
    let maxRun: TRunEvents | null = null;
    let maxProjectRun: TRunEvents | null = null;
    const projectRuns: number[] = [];
    const childRuns: number[] = [];
    const childTypes: Record<string, number> = {};
    let continuedAsNew = true;
    for (const p of started) {
      const executions = await executionsOf(client, p.handle.workflowId, p.firstRunId);
      const buckets = Array.from({ length: years }, () => 0);
      for (const x of executions) {
        for (const e of x.events) buckets[Math.min(years - 1, Math.max(0, Math.floor((ms(e.eventTime) - p.startedAt) / YEAR)))]! += 1;
        const run: TRunEvents = {
          workflowType: x.type,
          workflowId: x.workflowId,
          events: x.events.length,
          continuedAsNew: !!x.events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes,
        };
        if (!maxRun || run.events > maxRun.events) maxRun = run;
        if (x.workflowId === p.handle.workflowId && (!maxProjectRun || run.events > maxProjectRun.events)) maxProjectRun = run;
        if (x.workflowId !== p.handle.workflowId) childTypes[x.type] = (childTypes[x.type] ?? 0) + 1;
      }
      const own = executions.filter((x) => x.workflowId === p.handle.workflowId);
      projectRuns.push(own.length);
      childRuns.push(executions.length - own.length);
      continuedAsNew &&= own.length > 1;
      perProjectYear.push(buckets);
    }
    for (const k of Object.keys(childTypes)) childTypes[k] = Math.round((childTypes[k]! / n) * 10) / 10;

    // ---- the baseline of each year: a bare workflow with that year's Updates and waits
    const bareQueue = `${ts.taskQueue}-bare`;
    const bareWorker = await Worker.create({
      connection: ts.env.nativeConnection,
      taskQueue: bareQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: BASELINE_WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
    });
    const perYear: TProjectYearsResult['perYear'] = [];
    await bareWorker.runUntil(async () => {
      for (let y = 0; y < years; y++) {
        const u = mean(ids.map((id) => updates.get(id)![y]!));
        const h = await client.workflow.start<typeof bareProjectYear>('bareProjectYear', {
          workflowId: `bare-year-${y}-${crypto.randomBytes(4).toString('hex')}`,
          taskQueue: bareQueue,
          args: [{ updates: Math.round(u), timers: timers[y]! }],
        });
        for (let k = 0; k < Math.round(u); k++) await h.executeUpdate(bareActUpdate, { args: [k] });
        await h.result();
        const baseline = (await h.describe()).historyLength;
        const ev = perProjectYear.map((b) => b[y]!);
        perYear.push({
          year: y + 1,
          events: { mean: mean(ev), max: Math.max(...ev) },
          updates: { mean: u },
          timers: timers[y]!,
          baseline,
          ratio: ratio(mean(ev), baseline),
        });
      }
    });
    const all = perProjectYear.flat();
    const m = maxRun!;
    const result: TProjectYearsResult = {
      profile,
      target: `< ${TARGET_EVENTS_PER_PROJECT_YEAR.toLocaleString('en')} events per project-year; every run < ${CONTINUE_AS_NEW_SUGGESTED_AT.toLocaleString('en')} events (the server's continue-as-new suggestion)`,
      path: `${PATHS[profile]}; ${years} evaluation cycles${profile === 'hard' ? ` (each 12 months after the previous re-evaluation plus the ${HARD_RECTIFICATION_DAYS}-day rectification, so they drift later in the simulated years; events after the last year count in it)` : ''}`,
      projects: n,
      years,
      seconds: Math.round(seconds),
      perYear,
      perProjectYear: { mean: mean(all), max: Math.max(...all), withinTarget: Math.max(...all) < TARGET_EVENTS_PER_PROJECT_YEAR },
      baselinePerProjectYear: { mean: mean(perYear.map((y) => y.baseline)), max: Math.max(...perYear.map((y) => y.baseline)) },
      ratio: ratio(mean(all), mean(perYear.map((y) => y.baseline))),
      runs: { projectRunsMean: mean(projectRuns), projectContinuedAsNew: continuedAsNew, childRunsMean: mean(childRuns), childTypes },
      maxRun: { ...m, suggestedAt: CONTINUE_AS_NEW_SUGGESTED_AT, withinSuggestion: m.events < CONTINUE_AS_NEW_SUGGESTED_AT },
      maxProjectRun: maxProjectRun!,
    };
    log(
      `  ${profile}: events per project-year: mean ${result.perProjectYear.mean}, max ${result.perProjectYear.max} (by year: ${perYear.map((y) => y.events.mean).join(' / ')}); bare baseline ${perYear.map((y) => y.baseline).join(' / ')}; largest run ${m.events} events (${m.workflowType}); project runs ${result.runs.projectRunsMean} per project; ${result.seconds} s`,
    );
    return result;
  } finally {
    await ts.close().catch((err) => log(`  (time-skipping server: ${(err as Error).message})`));
    await prisma.$disconnect();
  }
}

/**
 * The hard profile's way to the pool (the paths of test/workflows/lifecycle-pool.test.ts and
 * lifecycle-return-to-step.test.ts): an objection three days into the village publicity returns each
 * project to the village, which resubmits it for a new 10-day period; the township approves; after
 * its publicity, agriculture signs and finance returns the matter to the township review, which
 * approves again; finance signs, the leading group approves.
 */
async function throughPoolHard(
  d: ReturnType<typeof lifecycleDrivers>,
  projects: Array<{ projectId: string; handle: THandle }>,
  sleep: (ms: number) => Promise<void>,
  countUpdate: (projectId: string) => void,
) {
  await sleep(3 * DAY);
  for (const { projectId, handle } of projects) {
    countUpdate(projectId);
    await handle.executeUpdate(lodgeObjectionUpdate, { args: [{ requestId: `obj-${projectId}`, actor: villager, text: '占用了集体林地，未经村民同意' }] });
    await d.decide((await d.taskOf(projectId, 'REVISE_AND_RESUBMIT')).id, proposer, { type: 'RESUBMIT' });
    await d.waitForStage(projectId, 'VILLAGE_PUBLICITY');
  }
  await sleep(10 * DAY + 60_000);
  for (const { projectId } of projects) {
    await d.decide((await d.taskOf(projectId, 'TOWNSHIP_REVIEW')).id, township, { type: 'APPROVE', checks: PASSED_CHECKS });
    await d.waitForStage(projectId, 'TOWNSHIP_PUBLICITY');
  }
  await sleep(10 * DAY + 60_000);
  for (const { projectId } of projects) {
    await d.decide((await d.taskOf(projectId, 'COUNTY_JOINT_REVIEW', 'COUNTY_AGRICULTURE')).id, agri, { type: 'APPROVE' });
    const financeTask = await d.taskOf(projectId, 'COUNTY_JOINT_REVIEW', 'COUNTY_FINANCE');
    await d.decide(financeTask.id, finance, { type: 'RETURN', reason: '资金来源需乡镇核实', target: { to: 'STEP', stepId: 'township-review' } });
    await d.waitForStage(projectId, 'TOWNSHIP_REVIEW');
    await d.decide((await d.taskOf(projectId, 'TOWNSHIP_REVIEW')).id, township, { type: 'APPROVE', checks: PASSED_CHECKS });
    await d.waitForStage(projectId, 'COUNTY_JOINT_REVIEW');
    await d.decide((await d.taskOf(projectId, 'COUNTY_JOINT_REVIEW', 'COUNTY_FINANCE')).id, finance, { type: 'APPROVE' });
    await d.decide((await d.taskOf(projectId, 'COUNTY_APPROVAL')).id, leader, { type: 'APPROVE' });
    await d.waitForStage(projectId, 'IN_POOL');
  }
}
