/**
 * Scenario 1, approval round trip. Ours: an approver's decision over HTTP (Fastify on loopback)
 * → approval-step Update → XState machine → projection (local) activity → parent lifecycle report and
 * acknowledgement → response. Baseline: a bare workflow (bench/baseline-workflows.ts `bareApproval`)
 * taking the same Update payload straight from the Temporal client. Projection floor: the same bare
 * workflow whose handler first runs one local activity writing one AuditEvent row in a Prisma
 * transaction through the real hash-chain trigger (`bareApprovalWithRecord`,
 * bench/floor-activities.ts), and nothing else: floor ÷ baseline is the part of the 2× budget a
 * durable record alone takes, ours ÷ floor what our path costs above it. HTTP floor: that floor
 * workflow behind a bare Fastify route with the bearer-token lookup (bench/lib/floor-http.ts), the
 * least the issue's path (HTTP → Update → projection → answer) can cost. The four sides run at each
 * concurrency level in the same run (baseline, floor, HTTP floor, ours), on the same dev server and database,
 * with the same approvers and number of decisions, each decision on a distinct task or workflow.
 */
import crypto from 'node:crypto';
import type { TApprovalActCommand } from '../../workflows/messages/approval-step';
import type { TActor } from '../../src/domain/actor';
import { bareApproval, bareApprovalWithRecord, bareApproveUpdate } from '../baseline-workflows';
import { approveOverHttp, benchRequestId, createProjectOverHttp, http, townshipApprovers } from '../lib/api';
import { startFloorHttp } from '../lib/floor-http';
import { decisionsFor, type TBenchSettings } from '../lib/settings';
import type { TStack } from '../lib/services';
import { drive, pool, ratio, summarize, type TLatency } from '../lib/stats';
import {
  installSqlCounter,
  measureSide,
  temporalCost,
  type TDecisionWindow,
  type TProcessIds,
  type TSideCost,
  type TTemporalCost,
} from '../lib/decision-breakdown';

type TSide = TLatency & { perSecond: number; errors: number };

export interface TApprovalLevel {
  concurrency: number;
  decisions: number;
  ours: TSide;
  baseline: TSide;
  p50Ratio: number;
  p95Ratio: number;
  p99Ratio: number;
  /** ours decisions/s ÷ baseline decisions/s (1 = as fast; below 1 = slower). */
  throughputRatio: number;
  p50WithinTarget: boolean;
  /** SQL and CPU per decision of each side, from the bench's counters (scenario 1). */
  cost?: { ours: TSideCost; baseline: TSideCost; floor?: TSideCost };
}

/** Scenario 1's projection floor at one level (`bareApprovalWithRecord`, same decisions and approvers). */
export interface TFloorFigures {
  floor: TSide;
  /** floor p50 ÷ baseline p50: how much of the 2× budget one durable audit record alone takes. */
  floorP50Ratio: number;
  /** ours p50 ÷ floor p50: what our path costs above that one record. */
  oursToFloorP50Ratio: number;
  /** floor p50 ≤ TARGET_P50_RATIO × baseline p50: whether the record alone fits the target. */
  floorWithinTarget: boolean;
  /** The HTTP floor (bench/lib/floor-http.ts): the projection floor behind a bare route with the bearer-token lookup. */
  httpFloor?: TSide;
  /** HTTP floor p50 ÷ baseline p50: the least the issue's path (HTTP → Update → projection → answer) costs. */
  httpFloorP50Ratio?: number;
  /** ours p50 ÷ HTTP floor p50: what our route, machine, rows and parent cost above that. */
  oursToHttpFloorP50Ratio?: number;
  /** Ours with `?wait=record` (answer once the step's record is committed; the stage follows). */
  oursRecorded?: TSide;
  oursRecordedP50Ratio?: number;
  oursRecordedWithinTarget?: boolean;
}

export type TApprovalLevelWithFloor = TApprovalLevel & TFloorFigures;

/** A side driven like the bare baseline: its own pre-started workflows and its decision. */
export interface TTimedSide {
  items: string[];
  decide: (item: string, approver: number) => Promise<void>;
}

export interface TApprovalResult {
  target: string;
  setup: { projects: number; projectsPerSecond: number; approvers: number; concurrency: number; retries: number; retrySamples: string[] };
  levels: TApprovalLevelWithFloor[];
  /** Temporal operations per decision of the first level, from the sampled projects' histories. */
  temporal?: TTemporalCost;
  errorSamples: string[];
  /** Workflow ids used by the history scenario. */
  projectWorkflowIds: string[];
  baselineWorkflowIds: string[];
}

/** Issue #20's targets: p50 ≤ 2× the bare Update at 1 approver; throughput ≥ 0.5× at 8 and 32. */
export const TARGET_P50_RATIO = 2;
export const TARGET_THROUGHPUT_RATIO = 0.5;

/** Every pending township-review task the reviewer sees, through GET /api/tasks. */
async function pendingTaskIds(stack: TStack, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const res = await http(stack, 'GET', `/api/tasks?view=pending&kind=TOWNSHIP_REVIEW&pageSize=200&page=${page}`, token);
    if (res.status !== 200) throw new Error(`GET /api/tasks answered ${res.status}: ${JSON.stringify(res.json)}`);
    ids.push(...(res.json.items as Array<{ id: string }>).map((t) => t.id));
    if (ids.length >= res.json.total || res.json.items.length === 0) return ids;
  }
}

const sideOf = (d: Awaited<ReturnType<typeof drive>>): TSide => ({
  ...summarize(d.latencies),
  perSecond: round1((d.latencies.length / d.wallMs) * 1000),
  errors: d.errors.length,
});

/** The sides a level may time besides ours and the baseline (scenario 1 times all three). */
export interface TExtraSides {
  floor?: TTimedSide;
  httpFloor?: TTimedSide;
  /** Ours with `?wait=record`: the answer once the step's record is committed, before the project's stage. */
  oursRecorded?: TTimedSide;
  /** When given, ours, the baseline and the floor are each measured for SQL and CPU per decision. */
  measure?: TProcessIds;
}

/**
 * One level: the baseline's decisions, then the projection floor's and the HTTP floor's (when
 * given), then ours with `?wait=record` (when given), then ours, at the same concurrency on the
 * same warm services.
 */
/** One level's decisions: `ours` and the `baseline` over their items, at concurrency `c`. */
export interface TLevelSides {
  c: number;
  ourItems: string[];
  ours: TTimedSide['decide'];
  bareItems: string[];
  baseline: TTimedSide['decide'];
  errorSamples: string[];
  log: (line: string) => void;
}
export async function timedLevel(sides: TLevelSides): Promise<TApprovalLevel>;
export async function timedLevel(sides: TLevelSides & { extra: TExtraSides & { floor: TTimedSide } }): Promise<TApprovalLevelWithFloor>;
export async function timedLevel({
  c,
  ourItems,
  ours,
  bareItems,
  baseline,
  errorSamples,
  log,
  extra = {},
}: TLevelSides & { extra?: TExtraSides }): Promise<TApprovalLevel | TApprovalLevelWithFloor> {
  const costs: Partial<Record<'ours' | 'baseline' | 'floor', TSideCost>> = {};
  const timed = async (name: keyof typeof costs | null, items: string[], decide: TTimedSide['decide']) => {
    if (!extra.measure || !name) return drive(items, c, decide);
    const { result, cost } = await measureSide(extra.measure, items.length, () => drive(items, c, decide));
    costs[name] = cost;
    return result;
  };
  const run = (side: TTimedSide | undefined, name: keyof typeof costs | null = null) => (side ? timed(name, side.items, side.decide) : Promise.resolve(null));
  const b = await timed('baseline', bareItems, baseline);
  const f = await run(extra.floor, 'floor');
  const hf = await run(extra.httpFloor);
  const or = await run(extra.oursRecorded);
  const o = await timed('ours', ourItems, ours);
  for (const d of [o, b, f, hf, or]) errorSamples.push(...(d?.errors.slice(0, 3) ?? []));
  const oS = sideOf(o);
  const bS = sideOf(b);
  const level: TApprovalLevel = {
    concurrency: c,
    decisions: ourItems.length,
    ours: oS,
    baseline: bS,
    p50Ratio: ratio(oS.p50, bS.p50),
    p95Ratio: ratio(oS.p95, bS.p95),
    p99Ratio: ratio(oS.p99, bS.p99),
    throughputRatio: ratio(oS.perSecond, bS.perSecond),
    p50WithinTarget: ratio(oS.p50, bS.p50) <= TARGET_P50_RATIO,
    ...(costs.ours && costs.baseline ? { cost: { ours: costs.ours, baseline: costs.baseline, ...(costs.floor ? { floor: costs.floor } : {}) } } : {}),
  };
  if (level.cost) {
    const { ours: oc, floor: fc } = level.cost;
    log(
      `  c=${c}: per decision ours ${oc.sql.statements} SQL statements (${oc.sql.writes} writes, ${oc.sql.transactionControl} transaction control), CPU ${oc.cpuMs.total} ms (bench ${oc.cpuMs.benchProcess}, Temporal ${oc.cpuMs.temporalServer}, database ${oc.cpuMs.database})${fc ? ` · floor ${fc.sql.statements} statements, CPU ${fc.cpuMs.total} ms` : ''} · baseline CPU ${level.cost.baseline.cpuMs.total} ms`,
    );
  }
  log(
    `  c=${c}: ours p50 ${oS.p50} ms, ${oS.perSecond}/s · baseline p50 ${bS.p50} ms, ${bS.perSecond}/s · p50 ratio ${level.p50Ratio}× · throughput ratio ${level.throughputRatio}${o.errors.length + b.errors.length ? ` · errors ${o.errors.length}/${b.errors.length}` : ''}`,
  );
  if (!f) return level;
  const fS = sideOf(f);
  const withFloor: TApprovalLevelWithFloor = {
    ...level,
    floor: fS,
    floorP50Ratio: ratio(fS.p50, bS.p50),
    oursToFloorP50Ratio: ratio(oS.p50, fS.p50),
    floorWithinTarget: ratio(fS.p50, bS.p50) <= TARGET_P50_RATIO,
  };
  log(
    `  c=${c}: projection floor p50 ${fS.p50} ms, ${fS.perSecond}/s · floor ÷ baseline p50 ${withFloor.floorP50Ratio}× · ours ÷ floor p50 ${withFloor.oursToFloorP50Ratio}×${f.errors.length ? ` · floor errors ${f.errors.length}` : ''}`,
  );
  if (hf) {
    const hS = sideOf(hf);
    Object.assign(withFloor, { httpFloor: hS, httpFloorP50Ratio: ratio(hS.p50, bS.p50), oursToHttpFloorP50Ratio: ratio(oS.p50, hS.p50) });
    log(
      `  c=${c}: HTTP floor p50 ${hS.p50} ms, ${hS.perSecond}/s · HTTP floor ÷ baseline p50 ${withFloor.httpFloorP50Ratio}× · ours ÷ HTTP floor p50 ${withFloor.oursToHttpFloorP50Ratio}×${hf.errors.length ? ` · HTTP floor errors ${hf.errors.length}` : ''}`,
    );
  }
  if (or) {
    const rS = sideOf(or);
    Object.assign(withFloor, {
      oursRecorded: rS,
      oursRecordedP50Ratio: ratio(rS.p50, bS.p50),
      oursRecordedWithinTarget: ratio(rS.p50, bS.p50) <= TARGET_P50_RATIO,
    });
    log(
      `  c=${c}: ours with ?wait=record p50 ${rS.p50} ms, ${rS.perSecond}/s · ÷ baseline p50 ${withFloor.oursRecordedP50Ratio}×${or.errors.length ? ` · errors ${or.errors.length}` : ''}`,
    );
  }
  return withFloor;
}

/**
 * Baseline workflows (`bareApproval`, or the projection floor's `bareApprovalWithRecord`), started
 * and past their first workflow task before anything is timed.
 */
export async function startBareWorkflows(
  stack: TStack,
  n: number,
  concurrency: number,
  workflow: typeof bareApproval = bareApproval,
  prefix = 'bench-bare',
): Promise<string[]> {
  const bareIds = Array.from({ length: n }, (_, i) => `${prefix}-${i}-${crypto.randomBytes(3).toString('hex')}`);
  await pool(bareIds, concurrency, (workflowId) => stack.client.workflow.start(workflow, { workflowId, taskQueue: stack.baselineTaskQueue, args: [] }));
  await pool(bareIds, concurrency, async (workflowId) => {
    for (let i = 0; i < 200; i++) {
      const d = await stack.client.workflow.getHandle(workflowId).describe();
      if ((d.historyLength ?? 0) >= 4) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  return bareIds;
}

/** The baseline decision: the same Update payload on a bare workflow (either kind), by approver number. */
export const bareDecision = (stack: TStack, actors: TActor[]) => (workflowId: string, approver: number) => {
  const requestId = benchRequestId('bench-d');
  const cmd: TApprovalActCommand = {
    requestId,
    taskId: `${workflowId}:t1`,
    actor: actors[approver]!,
    action: { type: 'APPROVE', comment: '材料齐全' },
    comment: '材料齐全',
  };
  return stack.client.workflow
    .getHandle(workflowId)
    .executeUpdate(bareApproveUpdate, { args: [cmd], updateId: requestId })
    .then((r) => {
      if (r.phaseAfter !== 'approved') throw new Error(`baseline answered ${JSON.stringify(r)}`);
    });
};

export async function runApproval(stack: TStack, settings: TBenchSettings, log: (line: string) => void): Promise<TApprovalResult> {
  installSqlCounter();
  const levels = settings.concurrency;
  const perLevel = levels.map((c) => decisionsFor(settings, c));
  const total = settings.warmup + perLevel.reduce((a, b) => a + b, 0);
  const approvers = Math.max(...levels);

  // Approvers: distinct township reviewers of 河西镇, one bearer token each.
  const approverList = await townshipApprovers(stack, approvers);
  const approverTokens = approverList.map((a) => a.token);
  const approverActors: TActor[] = approverList.map((a) => a.actor);

  // Projects through the API (update-with-start), so every task is a real township review.
  // Twice the decisions: ours as the web sends them, and ours with ?wait=record.
  const projects = 2 * total;
  log(`  creating ${projects} projects via POST /api/projects (${settings.setupConcurrency} at a time)`);
  const t0 = performance.now();
  const setupRetries: string[] = [];
  const created = await pool(
    Array.from({ length: projects }, (_, i) => i),
    settings.setupConcurrency,
    (i) => createProjectOverHttp(stack, i, setupRetries),
  );
  const setupSeconds = (performance.now() - t0) / 1000;
  const taskIds = await pendingTaskIds(stack, stack.tokens.township);
  if (taskIds.length < projects) throw new Error(`expected ${projects} pending township tasks, the inbox shows ${taskIds.length}`);
  log(`  ${created.length} projects in ${setupSeconds.toFixed(1)} s (${setupRetries.length} retried); ${taskIds.length} pending tasks in the township inbox`);

  const bareIds = await startBareWorkflows(stack, total, settings.setupConcurrency);
  const floorIds = await startBareWorkflows(stack, total, settings.setupConcurrency, bareApprovalWithRecord, 'bench-floor');
  const httpFloorIds = await startBareWorkflows(stack, total, settings.setupConcurrency, bareApprovalWithRecord, 'bench-floor-http');
  const floorHttp = await startFloorHttp(stack);
  const httpFloor = (workflowId: string, approver: number) => floorHttp.decide(workflowId, approverTokens[approver]!);
  const ours = (taskId: string, approver: number) => approveOverHttp(stack, taskId, approverTokens[approver], 'TOWNSHIP_PUBLICITY');
  const oursRecorded = (taskId: string, approver: number) => approveOverHttp(stack, taskId, approverTokens[approver], 'TOWNSHIP_PUBLICITY', 'record');
  const baseline = bareDecision(stack, approverActors);

  const ourQueue = [...taskIds.slice(0, total)];
  const recordQueue = [...taskIds.slice(total, 2 * total)];
  const recordedProjects = created.filter((p) => p.taskId !== null && recordQueue.includes(p.taskId)).map((p) => p.projectId);
  const bareQueue = [...bareIds];
  const floorQueue = [...floorIds];
  const httpFloorQueue = [...httpFloorIds];
  const take = <T>(q: T[], n: number) => q.splice(0, n);

  if (settings.warmup > 0) {
    await drive(take(ourQueue, settings.warmup), 1, ours);
    await drive(take(recordQueue, settings.warmup), 1, oursRecorded);
    await drive(take(bareQueue, settings.warmup), 1, baseline);
    await drive(take(floorQueue, settings.warmup), 1, baseline);
    await drive(take(httpFloorQueue, settings.warmup), 1, httpFloor);
  }

  // The first level's decisions (one approver by default: no overlap) are the sample whose
  // histories the Temporal breakdown reads.
  const windows: TDecisionWindow[] = [];
  const oursSampled = async (taskId: string, approver: number) => {
    const sentAt = Date.now();
    await ours(taskId, approver);
    if (windows.length < settings.historySample) windows.push({ projectWorkflowId: taskId.split(':step:')[0]!, sentAt, answeredAt: Date.now() });
  };
  const measure = { temporalPid: stack.temporal.process.pid, databasePid: stack.db.pid };

  const results: TApprovalLevelWithFloor[] = [];
  const errorSamples: string[] = [];
  for (let i = 0; i < levels.length; i++) {
    const c = levels[i];
    const n = perLevel[i];
    results.push(
      await timedLevel({
        c,
        ourItems: take(ourQueue, n),
        ours: i === 0 ? oursSampled : ours,
        bareItems: take(bareQueue, n),
        baseline,
        errorSamples,
        log,
        extra: {
          floor: { items: take(floorQueue, n), decide: baseline },
          httpFloor: { items: take(httpFloorQueue, n), decide: httpFloor },
          oursRecorded: { items: take(recordQueue, n), decide: oursRecorded },
          measure,
        },
      }),
    );
  }
  await floorHttp.close();
  // The ?wait=record decisions answered before their projects took the reports: every one of those
  // projects must still leave the township review (and the run must not close the services first).
  const settled = performance.now();
  for (;;) {
    const behind = await stack.appPrisma.project.count({ where: { id: { in: recordedProjects }, stage: 'TOWNSHIP_REVIEW' } });
    if (behind === 0) break;
    if (performance.now() - settled > 120_000) throw new Error(`${behind} of the ?wait=record projects still in TOWNSHIP_REVIEW 120 s after the last decision`);
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`  ?wait=record: all ${recordedProjects.length} projects past the township review ${Math.round(performance.now() - settled)} ms after the last answer`);
  // By now the sampled decisions' cascades (the next step's activation) have long settled.
  const temporal = windows.length ? await temporalCost(stack.client, windows) : undefined;
  if (temporal) {
    const b = temporal.beforeAnswer;
    const a = temporal.afterAnswer;
    log(
      `  per decision (${temporal.sampled} sampled), before the answer: ${b.workflowTasks} workflow tasks in ${b.workflows} workflows, ${b.updatesAccepted} Updates, ${b.activities} activities, ${b.localActivities} local activities, ${b.searchAttributeUpserts} search-attribute upserts, ${b.events} events; after it: ${a.workflowTasks} workflow tasks, ${a.activities} activities, ${a.localActivities} local activities, ${a.childWorkflows} child workflows, ${a.events} events`,
    );
    const m = temporal.pathMs;
    log(
      `  time on the answer's path (ms per decision): to the first workflow task ${m.toFirstWorkflowTask}, workflow tasks ${m.workflowTasks}, activities ${m.activities}, after the last event ${m.afterLastEvent}, total ${m.total}`,
    );
  }

  return {
    target: `ours p50 ≤ ${TARGET_P50_RATIO}× baseline p50`,
    setup: {
      projects: created.length,
      projectsPerSecond: round1(created.length / setupSeconds),
      approvers,
      concurrency: settings.setupConcurrency,
      retries: setupRetries.length,
      retrySamples: setupRetries.slice(0, 5),
    },
    levels: results,
    ...(temporal ? { temporal } : {}),
    errorSamples: errorSamples.slice(0, 10),
    projectWorkflowIds: created.map((p) => p.workflowId),
    baselineWorkflowIds: bareIds,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
