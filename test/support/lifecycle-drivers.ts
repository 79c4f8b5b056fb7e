import crypto from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { TActor } from '../../src/domain/actor';
import type { TPrisma } from '../../src/db/prisma';
import type { TProjectCommand, TProjectCommandInput } from '../../src/domain/lifecycle/project-commands';
import type { TEvaluationIndicators } from '../../src/domain/policies/evaluation-scoring';
import type { projectLifecycle } from '../../workflows/project-lifecycle';
import { approvalActUpdate } from '../../workflows/messages/approval-step';
import { projectActUpdate, type TProjectLifecycleInput } from '../../workflows/messages/project';
import { PASSED_CHECKS, sampleProposal } from './proposal';
import { proposer, township, agri, finance, leader, expert, TAOYUAN } from './county-actors';

/**
 * Drivers of one project through its lifecycle by the workflows' own Updates (no HTTP), shared by
 * the time-skipping tests (test/workflows/lifecycle-operation.test.ts) and the benchmark's
 * project-year scenario (bench/scenarios/project-years.ts): no test-runner imports.
 */
export const DAY = 24 * 60 * 60 * 1000;

export const BY_ROLE: Record<string, TActor> = {
  TOWNSHIP_REVIEWER: township,
  COUNTY_AGRICULTURE: agri,
  COUNTY_FINANCE: finance,
  COUNTY_LEADING_GROUP: leader,
  EXPERT: expert,
};

export type THandle = WorkflowHandle<typeof projectLifecycle>;
export type TDecision =
  | { type: 'APPROVE'; checks?: Record<string, { result: 'PASS' | 'FAIL'; note?: string }> }
  | { type: 'REJECT'; reason: string }
  | { type: 'RESUBMIT' }
  /** 退回: to the applicant, or to an earlier review step of the lifecycle. */
  | { type: 'RETURN'; reason: string; target: { to: 'APPLICANT' } | { to: 'STEP'; stepId: string } };

export const indicators = (level: number): TEvaluationIndicators => ({
  output: { quantity: level, quality: level, timeliness: level, cost: level },
  benefit: { economic: level, social: level, ecological: level, sustainability: level },
  satisfactionPercent: Math.min(100, level + 5),
  budgetExecutionPercent: level,
});

/** Polls `read` until `accept` holds (the projections are written by activities, after the Update answered). */
export async function waitFor<T>(read: () => Promise<T>, accept: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (accept(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x))})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TLifecycleDriverContext {
  client: Client;
  prisma: TPrisma;
  taskQueue: string;
  /** Moves the (time-skipping) server's clock on. */
  sleep(ms: number): Promise<void>;
  /** Called once per Update sent to a project or one of its steps (the benchmark counts them). */
  onUpdate?(projectId: string): void;
}

export function lifecycleDrivers(ctx: TLifecycleDriverContext) {
  const { client, prisma } = ctx;

  /** `extra`: proposal overrides (e.g. funding sources) and the county's settings overrides. */
  async function startProject(
    name: string,
    fiscalYear = 2027,
    extra: { proposal?: Record<string, unknown>; settings?: TProjectLifecycleInput['settings']; testContinueAsNew?: boolean } = {},
  ) {
    const projectId = `op-${crypto.randomBytes(5).toString('hex')}`;
    const input: TProjectLifecycleInput = {
      projectId,
      requestId: `req-${projectId}`,
      proposal: sampleProposal({ name, fiscalYear, ...extra.proposal }) as TProjectLifecycleInput['proposal'],
      proposer,
      ...TAOYUAN,
      ...(extra.settings ? { settings: extra.settings } : {}),
      ...(extra.testContinueAsNew ? { testContinueAsNew: true } : {}),
    };
    const handle: THandle = await client.workflow.start<typeof projectLifecycle>('projectLifecycle', {
      workflowId: `project-${projectId}`,
      taskQueue: ctx.taskQueue,
      args: [input],
    });
    return { projectId, handle };
  }

  const project = (projectId: string) => prisma.project.findUniqueOrThrow({ where: { id: projectId } });
  const stageOf = async (projectId: string) => (await project(projectId)).stage;
  const waitForStage = (projectId: string, stage: string) =>
    waitFor(
      () => stageOf(projectId),
      (s) => s === stage,
      `project ${projectId} in ${stage}`,
    );
  const pending = (projectId: string, kind?: string) =>
    prisma.task.findMany({ where: { projectId, status: 'PENDING', ...(kind ? { kind } : {}) }, orderBy: { id: 'asc' } });

  /** Waits for the pending task of a kind (and role) to appear, then returns it. */
  async function taskOf(projectId: string, kind: string, role?: string) {
    const tasks = await waitFor(
      () => pending(projectId, kind),
      (ts) => ts.some((t) => !role || t.candidateRole === role),
      `a pending ${kind}${role ? ` (${role})` : ''} task of ${projectId}`,
    );
    return tasks.find((t) => !role || t.candidateRole === role)!;
  }

  async function decide(taskId: string, who: TActor, action: TDecision) {
    const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId } });
    ctx.onUpdate?.(task.projectId);
    return client.workflow.getHandle(task.workflowId).executeUpdate(approvalActUpdate, {
      args: [{ requestId: `req-${crypto.randomUUID()}`, taskId, actor: who, action, comment: 'reason' in action ? action.reason : undefined }],
    });
  }

  const command = (handle: THandle, who: TActor, cmd: TProjectCommandInput, requestId = `req-${crypto.randomUUID()}`) => {
    ctx.onUpdate?.(handle.workflowId.replace(/^project-/, ''));
    return handle.executeUpdate(projectActUpdate, { args: [{ requestId, actor: who, command: cmd as TProjectCommand }] });
  };

  /**
   * Sleeps through the latest publicity period of a kind of each project, to a minute past the
   * longest: its length is the Publicity row's, which is the timer's. Periods count working days
   * (policies/working-days.ts), so how long they last depends on the date the server starts at.
   */
  async function throughPublicity(projectIds: string[], kind: 'VILLAGE' | 'TOWNSHIP' | 'ACCEPTANCE') {
    const rows = await Promise.all(
      projectIds.map((projectId) =>
        waitFor(
          () => prisma.publicity.findFirst({ where: { projectId, kind }, orderBy: { round: 'desc' } }),
          (row) => row !== null,
          `the ${kind} publicity of ${projectId}`,
        ),
      ),
    );
    await ctx.sleep(Math.max(...rows.map((row) => row!.endsAt.getTime() - row!.startsAt.getTime())) + 60_000);
  }

  /** Publicity (10 + 10 working days) and every approval up to the pool, for projects started together. */
  async function throughPool(projectIds: string[]) {
    await throughPublicity(projectIds, 'VILLAGE');
    for (const id of projectIds) await decide((await taskOf(id, 'TOWNSHIP_REVIEW')).id, township, { type: 'APPROVE', checks: PASSED_CHECKS });
    for (const id of projectIds) await waitForStage(id, 'TOWNSHIP_PUBLICITY');
    await throughPublicity(projectIds, 'TOWNSHIP');
    for (const id of projectIds) {
      await decide((await taskOf(id, 'COUNTY_JOINT_REVIEW', 'COUNTY_AGRICULTURE')).id, agri, { type: 'APPROVE' });
      await decide((await taskOf(id, 'COUNTY_JOINT_REVIEW', 'COUNTY_FINANCE')).id, finance, { type: 'APPROVE' });
      await decide((await taskOf(id, 'COUNTY_APPROVAL')).id, leader, { type: 'APPROVE' });
      await waitForStage(id, 'IN_POOL');
    }
  }

  /** A payment step's task: approved (or rejected) by the role it waits for. */
  async function decidePaymentStep(projectId: string, kind: string, action: TDecision = { type: 'APPROVE' }) {
    const task = await taskOf(projectId, kind);
    return decide(task.id, BY_ROLE[task.candidateRole!]!, action);
  }

  const payment = (projectId: string, seq: number) =>
    prisma.payment.findUniqueOrThrow({ where: { id: `${projectId}:pay:${seq}` }, include: { riskFlags: true } });
  const paymentStatus = (projectId: string, seq: number, status: string) =>
    waitFor(
      async () => (await payment(projectId, seq)).status,
      (s) => s === status,
      `payment ${seq} of ${projectId} ${status}`,
    );

  return {
    startProject,
    project,
    stageOf,
    waitForStage,
    pending,
    taskOf,
    decide,
    command,
    throughPublicity,
    throughPool,
    decidePaymentStep,
    payment,
    paymentStatus,
  };
}
