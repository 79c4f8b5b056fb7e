/**
 * Scenario 2, lifecycle throughput: N projects from proposal to the pool. Ours: the real system as
 * users drive it over HTTP (POST /api/projects, then the township review, the county joint review
 * (agriculture and finance countersign) and the leading group's approval as decisions on
 * POST /api/tasks/:id/decision), with the 0-day publicity periods of the benchmark's county.
 * Baseline: the same workflow shape — the very same workflow code (workflows/index.ts), parent and
 * three approval-step children — on a worker whose activities are all no-ops, driven with the same
 * payloads straight on Temporal (update-with-start, then the approval Updates). Both sides wait for
 * the next step's tasks the same way (the project workflow's state query) and run one after the
 * other in the same run, at the same concurrency (closed loop: a driver starts its next project
 * when the previous one reached the pool).
 *
 * Temporal actions per project: the histories of the project workflow and its three steps for a
 * sample of projects on each side, counted as events, as commands (events a workflow task's
 * commands produce) and as actions in the sense of Temporal Cloud's metering.
 */
import proto from '@temporalio/proto';
import type { History } from '@temporalio/common/lib/proto-utils';
import { REVIEW_STEP_IDS } from '../../src/domain/lifecycle/township-review';
import type { TActor } from '../../src/domain/actor';
import { approvalStepWorkflowId } from '../../workflows/messages/approval-step';
import { projectStateQuery, type TOpenTask } from '../../workflows/messages/project';
import {
  approveOnTemporal,
  approveOverHttp,
  benchRequestId,
  createProjectOverHttp,
  demoActor,
  projectInput,
  startProjectOnTemporal,
  type TCreated,
} from '../lib/api';
import type { TBenchSettings } from '../lib/settings';
import type { TStack } from '../lib/services';
import { drive, ratio, summarize, type TLatency } from '../lib/stats';

// Default import: the package is CommonJS, which tsx's ESM loader does not destructure.
const { EventType: E } = proto.temporal.api.enums.v1;

/** Events produced by a workflow task's commands. */
const COMMAND_EVENTS = new Set<number>([
  E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  E.EVENT_TYPE_TIMER_STARTED,
  E.EVENT_TYPE_TIMER_CANCELED,
  E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  E.EVENT_TYPE_MARKER_RECORDED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
]);

/**
 * Actions after Temporal Cloud's metering: the root workflow's start, child starts, activity
 * attempts, timers, signals received, updates accepted, search-attribute upserts and markers
 * (queries, which Cloud also meters, are not in a history and are not counted).
 */
function actionsOf(history: History, root: boolean): number {
  let n = 0;
  for (const e of history.events ?? []) {
    switch (e.eventType) {
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        if (root) n += 1;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        n += Math.max(1, e.activityTaskStartedEventAttributes?.attempt ?? 1);
        break;
      case E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
      case E.EVENT_TYPE_TIMER_STARTED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      case E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      case E.EVENT_TYPE_MARKER_RECORDED:
        n += 1;
        break;
      default:
    }
  }
  return n;
}

const STEPS = [REVIEW_STEP_IDS.TOWNSHIP_REVIEW, REVIEW_STEP_IDS.COUNTY_JOINT_REVIEW, REVIEW_STEP_IDS.COUNTY_APPROVAL] as const;
type TWho = 'township' | 'agri' | 'finance' | 'leader';
const WHO_BY_ROLE: Record<string, TWho> = {
  TOWNSHIP_REVIEWER: 'township',
  COUNTY_AGRICULTURE: 'agri',
  COUNTY_FINANCE: 'finance',
  COUNTY_LEADING_GROUP: 'leader',
};

export interface TActionCount {
  sampled: number;
  /** Per project: the project workflow and its three steps together. */
  events: { mean: number; max: number };
  commands: { mean: number; max: number };
  actions: { mean: number; max: number };
  /** Mean events per execution: project, township review, county joint review, county approval. */
  eventsByExecution: Record<string, number>;
}

export interface TLifecycleSide {
  projects: number;
  completed: number;
  errors: number;
  errorSamples: string[];
  wallSeconds: number;
  projectsPerMinute: number;
  /** Proposal → IN_POOL per project, ms. */
  latency: TLatency;
  actions: TActionCount;
}

export interface TLifecycleResult {
  path: string;
  concurrency: number;
  ours: TLifecycleSide;
  baseline: TLifecycleSide;
  /** ours projects/min ÷ baseline projects/min (below 1 = fewer). */
  throughputRatio: number;
  latencyP50Ratio: number;
  eventsRatio: number;
  actionsRatio: number;
}

interface TSide {
  create(i: number): Promise<TCreated>;
  approve(stepWorkflowId: string, taskId: string, who: TWho): Promise<void>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const stats = (xs: number[]) => ({ mean: round1(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)), max: xs.length ? Math.max(...xs) : NaN });

/** Waits until the project is in `stage` with at least `tasks` open tasks (the workflow's own view). */
async function openTasksIn(stack: TStack, workflowId: string, stage: string, tasks: number): Promise<TOpenTask[]> {
  const handle = stack.client.workflow.getHandle(workflowId);
  let last = '';
  for (let i = 0; i < 1200; i++) {
    const state = await handle.query(projectStateQuery);
    if (state.stage === stage && state.openTasks.length >= tasks) return state.openTasks;
    last = `${state.stage} with ${state.openTasks.length} open tasks`;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${workflowId} did not reach ${stage} with ${tasks} open tasks (last: ${last})`);
}

/** One project from proposal to the pool. */
async function toPool(stack: TStack, side: TSide, i: number): Promise<string> {
  const p = await side.create(i);
  // Every step is hosted in the project's workflow (patch approval-steps-hosted): its Updates go there.
  const step = (_stepId: string) => p.workflowId;
  if (!p.taskId) throw new Error(`project ${p.projectId} answered without a township task`);
  await side.approve(step(STEPS[0]), p.taskId, 'township');
  for (const [stepId, stage, n] of [
    [STEPS[1], 'COUNTY_JOINT_REVIEW', 2],
    [STEPS[2], 'COUNTY_APPROVAL', 1],
  ] as const) {
    for (const task of await openTasksIn(stack, p.workflowId, stage, n)) await side.approve(step(stepId), task.id, WHO_BY_ROLE[task.candidateRole]!);
  }
  await openTasksIn(stack, p.workflowId, 'IN_POOL', 0);
  return p.workflowId;
}

async function countActions(stack: TStack, workflowIds: string[]): Promise<TActionCount> {
  const events: number[] = [];
  const commands: number[] = [];
  const actions: number[] = [];
  const perExecution: Record<string, number[]> = { project: [], ...Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) };
  for (const workflowId of workflowIds) {
    let ev = 0;
    let cmd = 0;
    let act = 0;
    for (const [name, id] of [['project', workflowId], ...STEPS.map((s) => [s, approvalStepWorkflowId(workflowId, s, 1)])] as const) {
      const history = await stack.client.workflow
        .getHandle(id)
        .fetchHistory()
        .catch(() => null);
      // A hosted step has no workflow of its own: its events are the project's.
      if (!history) continue;
      const list = history.events ?? [];
      ev += list.length;
      cmd += list.filter((e) => COMMAND_EVENTS.has(e.eventType ?? 0)).length;
      act += actionsOf(history, name === 'project');
      perExecution[name]!.push(list.length);
    }
    events.push(ev);
    commands.push(cmd);
    actions.push(act);
  }
  return {
    sampled: workflowIds.length,
    events: stats(events),
    commands: stats(commands),
    actions: stats(actions),
    eventsByExecution: Object.fromEntries(Object.entries(perExecution).map(([k, v]) => [k, stats(v).mean])),
  };
}

async function runSide(stack: TStack, settings: TBenchSettings, side: TSide, log: (line: string) => void): Promise<TLifecycleSide> {
  const n = settings.lifecycleProjects;
  const done: string[] = [];
  const t0 = performance.now();
  const run = await drive(
    Array.from({ length: n }, (_, i) => i),
    settings.lifecycleConcurrency,
    async (i) => {
      done.push(await toPool(stack, side, i));
      if (done.length % Math.max(1, Math.round(n / 10)) === 0 && done.length < n)
        log(`    ${done.length}/${n} in the pool after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    },
  );
  return {
    projects: n,
    completed: run.latencies.length,
    errors: run.errors.length,
    errorSamples: run.errors.slice(0, 5),
    wallSeconds: round1(run.wallMs / 1000),
    projectsPerMinute: round1((run.latencies.length / run.wallMs) * 60_000),
    latency: summarize(run.latencies),
    actions: await countActions(stack, done.slice(0, settings.historySample)),
  };
}

export async function runLifecycle(stack: TStack, settings: TBenchSettings, log: (line: string) => void): Promise<TLifecycleResult> {
  const actors: Record<TWho, TActor> = {
    township: await demoActor(stack, 'township'),
    agri: await demoActor(stack, 'agri'),
    finance: await demoActor(stack, 'finance'),
    leader: await demoActor(stack, 'leader'),
  };
  const template = await projectInput(stack, await demoActor(stack, 'village'), 'template');
  const baseline: TSide = {
    create: (i) =>
      startProjectOnTemporal(stack, stack.noopTaskQueue, {
        ...template,
        projectId: `noop-${i}-${benchRequestId('p').slice(-12)}`,
        requestId: benchRequestId(),
      }),
    approve: (stepWorkflowId, taskId, who) => approveOnTemporal(stack, stepWorkflowId, taskId, actors[who]),
  };
  const ours: TSide = {
    create: (i) => createProjectOverHttp(stack, i),
    approve: (_step, taskId, who) => approveOverHttp(stack, taskId, stack.tokens[who]!),
  };
  const c = settings.lifecycleConcurrency;
  // Warm both sides (bundles loaded, pools and caches filled) before anything is timed.
  await toPool(stack, baseline, -1);
  await toPool(stack, ours, -1);
  log(`  baseline: ${settings.lifecycleProjects} projects, ${c} at a time (same workflows, no-op activities, on Temporal)`);
  const b = await runSide(stack, settings, baseline, log);
  log(
    `  baseline: ${b.completed} in the pool in ${b.wallSeconds} s, ${b.projectsPerMinute}/min, p50 ${b.latency.p50} ms${b.errors ? `, ${b.errors} errors` : ''}; ${b.actions.events.mean} events, ${b.actions.actions.mean} actions per project`,
  );
  log(`  ours: ${settings.lifecycleProjects} projects over HTTP, ${c} at a time`);
  const o = await runSide(stack, settings, ours, log);
  log(
    `  ours: ${o.completed} in the pool in ${o.wallSeconds} s, ${o.projectsPerMinute}/min, p50 ${o.latency.p50} ms${o.errors ? `, ${o.errors} errors` : ''}; ${o.actions.events.mean} events, ${o.actions.actions.mean} actions per project`,
  );
  return {
    path: 'proposal → township review → county joint review (countersign) → leading group → IN_POOL, 0-day publicity',
    concurrency: c,
    ours: o,
    baseline: b,
    throughputRatio: ratio(o.projectsPerMinute, b.projectsPerMinute),
    latencyP50Ratio: ratio(o.latency.p50, b.latency.p50),
    eventsRatio: ratio(o.actions.events.mean, b.actions.events.mean),
    actionsRatio: ratio(o.actions.actions.mean, b.actions.actions.mean),
  };
}
