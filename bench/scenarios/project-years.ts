/**
 * Scenario 5 of the issue, history per project-year: N projects driven on the Temporal
 * time-skipping test server (timers of days and years pass in milliseconds) from proposal through
 * the pool, funding, implementation with payments, acceptance, its publicity, handover and Y years
 * of evaluation and income, with the drivers the time-skipping tests use
 * (test/support/lifecycle-drivers.ts) and the real activities on the benchmark's database.
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
import { allocateFundsUpdate } from '../../workflows/shared';
import { startTimeSkippingWorker } from '../../test/support/time-skipping-worker';
import { BY_ROLE, DAY, indicators, lifecycleDrivers, waitFor, type THandle } from '../../test/support/lifecycle-drivers';
import { proposer, implementer, township, agri, finance, leader } from '../../test/support/county-actors';
import { BASELINE_WORKFLOWS_PATH, type TStack } from '../lib/services';
import type { TBenchSettings } from '../lib/settings';
import { ratio } from '../lib/stats';
import { bareActUpdate, type bareProjectYear } from '../baseline-workflows';
import { CONTINUE_AS_NEW_SUGGESTED_AT } from './history';

export const TARGET_EVENTS_PER_PROJECT_YEAR = 2000;
const YEAR = 365 * DAY;

export interface TRunEvents {
  workflowType: string;
  workflowId: string;
  events: number;
  continuedAsNew: boolean;
}

export interface TProjectYearsResult {
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
  for (let id: string | null | undefined = runId; id; ) {
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

export async function runProjectYears(stack: TStack, settings: TBenchSettings, log: (line: string) => void): Promise<TProjectYearsResult> {
  const n = settings.projectYearsProjects;
  const years = settings.projectYears;
  const prisma = createPrisma({ url: stack.db.url, poolSize: 4 });
  const ts = await startTimeSkippingWorker({ prisma, prefix: 'bench-years' });
  const t0 = performance.now();
  try {
    const client = ts.env.client;
    // Human actions per project and year, and the business waits of each year (the same for all).
    let year = 0;
    const updates = new Map<string, number[]>();
    const timers = Array.from({ length: years }, () => 0);
    const sleep = (msToSleep: number) => {
      timers[year]! += 1;
      return ts.env.sleep(msToSleep);
    };
    const countUpdate = (projectId: string) => {
      const perYear = updates.get(projectId) ?? Array.from({ length: years }, () => 0);
      perYear[year]! += 1;
      updates.set(projectId, perYear);
    };
    const d = lifecycleDrivers({ client, prisma, taskQueue: ts.taskQueue, sleep, onUpdate: countUpdate });
    const started: Array<{ projectId: string; handle: THandle; firstRunId: string; startedAt: number }> = [];
    for (let i = 0; i < n; i++) {
      const { projectId, handle } = await d.startProject(`项目年 ${i + 1}`);
      const first = await client.workflow.getHandle(handle.workflowId).describe();
      started.push({ projectId, handle, firstRunId: first.runId, startedAt: first.startTime.getTime() });
    }
    const ids = started.map((p) => p.projectId);
    const payee = '桃源茶叶合作社';
    const pay = async (p: (typeof started)[number], seq: number, tranche: string, amountFen: number) => {
      const invoice = { number: `3300 ${p.projectId} ${seq}`, sha256: crypto.createHash('sha256').update(`${p.projectId}:${seq}`).digest('hex') };
      await d.command(p.handle, implementer, { type: 'REQUEST_PAYMENT', tranche, amountFen, payeeId: payee, invoices: [invoice] } as never);
      await d.decidePaymentStep(p.projectId, 'PAYMENT_VERIFICATION');
      await d.decidePaymentStep(p.projectId, 'PAYMENT_APPROVAL');
      await d.paymentStatus(p.projectId, seq, 'PAID');
    };
    const report = async (p: (typeof started)[number], type: 'REPORT_CAPITAL' | 'REPORT_PROGRESS', value: number, verifier = finance) => {
      const cmd = type === 'REPORT_CAPITAL' ? { type, amountFen: value, evidence: ['bank-slip.pdf'] } : { type, percent: value, evidence: ['site-photos.zip'] };
      const r = await d.command(p.handle, implementer, cmd);
      await d.command(p.handle, verifier, { type: 'VERIFY_REPORT', reportId: r.recordId! });
    };
    /** The yearly evaluation (良: the project stays in operation, the run continues as new) and the year's income. */
    const evaluationYear = async (p: (typeof started)[number], y: number) => {
      await d.waitForStage(p.projectId, 'EVALUATION');
      await d.taskOf(p.projectId, 'EVALUATION_SUBMIT');
      await d.command(p.handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(85) });
      const runBefore = (await p.handle.describe()).runId;
      await d.decide((await d.taskOf(p.projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
      await d.waitForStage(p.projectId, 'OPERATION');
      await waitFor(async () => (await p.handle.describe()).runId, (r) => r !== runBefore, `${p.handle.workflowId} to continue as new after its evaluation cycle`);
      await d.command(p.handle, proposer, {
        type: 'RECORD_INCOME',
        period: { from: `${2028 + y}-01-01`, until: `${2029 + y}-01-01` },
        incomeFen: 2_800_000,
        households: [{ householdId: 'h-01', shares: 2 }, { householdId: 'h-02', shares: 1 }],
        plan: { retainedBp: 2000, regularWeight: 1, monitoredWeight: 2 },
      });
    };

    // ---- year 0: proposal → pool → funding → implementation → acceptance → handover → first evaluation
    log(`  ${n} projects on the time-skipping server: proposal → pool`);
    await d.throughPool(ids);
    log('  funding, implementation (capital and progress reports, START and SUBSTANTIAL payments), acceptance');
    for (const p of started) {
      countUpdate(p.projectId);
      await p.handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: `alloc-${p.projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }] });
      await d.waitForStage(p.projectId, 'IMPLEMENTATION');
      await report(p, 'REPORT_CAPITAL', 4_000_000);
      await pay(p, 1, 'START', 16_000_000);
      await report(p, 'REPORT_PROGRESS', 85, township);
      await report(p, 'REPORT_CAPITAL', 6_000_000);
      await pay(p, 2, 'SUBSTANTIAL_COMPLETION', 20_000_000);
      await report(p, 'REPORT_PROGRESS', 100, agri);
      await d.command(p.handle, proposer, { type: 'REQUEST_ACCEPTANCE' });
      await d.command(p.handle, proposer, { type: 'RECORD_ACCEPTANCE_VOTE', votesFor: 38, votesAgainst: 2, abstentions: 1, satisfactionPercent: 95 });
      // Agriculture, finance and the expert: each approves its own task of the acceptance step.
      for (const role of ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE', 'EXPERT']) await d.decide((await d.taskOf(p.projectId, 'COMPLETION_ACCEPTANCE', role)).id, BY_ROLE[role]!, { type: 'APPROVE' });
      await d.waitForStage(p.projectId, 'ACCEPTANCE_PUBLICITY');
    }
    await sleep(7 * DAY + 60_000);
    log('  handover and the first evaluation');
    for (const p of started) {
      await d.waitForStage(p.projectId, 'ASSET_HANDOVER');
      await pay(p, 3, 'ACCEPTANCE', 2_000_000);
      await d.command(p.handle, agri, { type: 'REGISTER_ASSET', name: '高山茶园 300 亩', assetClass: 'OPERATING', valueFen: 30_000_000, owner: '桃源村股份经济合作社', custodian: payee, certificateNo: `QS-${p.projectId}` });
      await d.command(p.handle, proposer, { type: 'CONFIRM_HANDOVER' });
      await evaluationYear(p, 0);
    }
    // ---- years 1..Y-1: a year passes; the retention (year 1), the evaluation and the income
    for (year = 1; year < years; year++) {
      log(`  year ${year + 1} of ${years}: evaluation${year === 1 ? ', retention released' : ''}, income`);
      await sleep(366 * DAY);
      for (const p of started) {
        if (year === 1) {
          await d.decidePaymentStep(p.projectId, 'PAYMENT_VERIFICATION');
          await d.decidePaymentStep(p.projectId, 'PAYMENT_APPROVAL');
          await d.paymentStatus(p.projectId, 4, 'PAID');
        }
        await evaluationYear(p, year);
      }
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
        const run: TRunEvents = { workflowType: x.type, workflowId: x.workflowId, events: x.events.length, continuedAsNew: !!x.events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes };
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
        const h = await client.workflow.start<typeof bareProjectYear>('bareProjectYear', { workflowId: `bare-year-${y}-${crypto.randomBytes(4).toString('hex')}`, taskQueue: bareQueue, args: [{ updates: Math.round(u), timers: timers[y]! }] });
        for (let k = 0; k < Math.round(u); k++) await h.executeUpdate(bareActUpdate, { args: [k] });
        await h.result();
        const baseline = (await h.describe()).historyLength;
        const ev = perProjectYear.map((b) => b[y]!);
        perYear.push({ year: y + 1, events: { mean: mean(ev), max: Math.max(...ev) }, updates: { mean: u }, timers: timers[y]!, baseline, ratio: ratio(mean(ev), baseline) });
      }
    });
    const all = perProjectYear.flat();
    const m = maxRun!;
    const result: TProjectYearsResult = {
      target: `< ${TARGET_EVENTS_PER_PROJECT_YEAR.toLocaleString('en')} events per project-year; every run < ${CONTINUE_AS_NEW_SUGGESTED_AT.toLocaleString('en')} events (the server's continue-as-new suggestion)`,
      path: `proposal → pool (10 + 10 days of publicity) → funding → capital and progress reports → START and SUBSTANTIAL payments → acceptance (vote, three approvals) → 7-day publicity → ACCEPTANCE payment, asset, handover → evaluation 良 and income each year, the retention payment in year 2; ${years} simulated years`,
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
    log(`  events per project-year: mean ${result.perProjectYear.mean}, max ${result.perProjectYear.max} (by year: ${perYear.map((y) => y.events.mean).join(' / ')}); bare baseline ${perYear.map((y) => y.baseline).join(' / ')}; largest run ${m.events} events (${m.workflowType}); project runs ${result.runs.projectRunsMean} per project; ${result.seconds} s`);
    return result;
  } finally {
    await ts.close().catch((err) => log(`  (time-skipping server: ${(err as Error).message})`));
    await prisma.$disconnect();
  }
}
