/**
 * Scenario 5 of the issue, history per project — as far as the code goes today: events per
 * project through the current thin path (start → township approval), read from
 * `describe().historyLength` of the project workflow and of its township-review step (a child
 * workflow with its own history), next to the bare baseline workflow's history for one decision.
 * The multi-year figure (events per simulated project-year on the time-skipping server) is
 * project-years.ts; scenario 2 counts the path to the pool.
 */
import { approvalStepWorkflowId } from '../../workflows/messages/approval-step';
import { TOWNSHIP_REVIEW_STEP_ID } from '../../src/domain/lifecycle/township-review';
import type { TBenchSettings } from '../lib/settings';
import type { TStack } from '../lib/services';
import { ratio } from '../lib/stats';

export interface THistoryResult {
  path: string;
  sampled: number;
  project: { mean: number; max: number; status: string[] };
  step: { mean: number; max: number };
  total: { mean: number; max: number };
  baseline: { mean: number; max: number };
  ratio: number;
  continueAsNewSuggested: boolean;
  note: string;
}

export const CONTINUE_AS_NEW_SUGGESTED_AT = 4096;

const stats = (xs: number[]) => ({ mean: Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10, max: Math.max(...xs) });

export async function runHistory(stack: TStack, settings: TBenchSettings, baselineIds: string[], log: (line: string) => void): Promise<THistoryResult> {
  const approved = await stack.appPrisma.project.findMany({
    where: { stage: { in: ['TOWNSHIP_PUBLICITY', 'COUNTY_JOINT_REVIEW'] } },
    select: { workflowId: true },
    take: settings.historySample,
    orderBy: { createdAt: 'asc' },
  });
  if (approved.length === 0) throw new Error('no approved project to measure');
  const projectLens: number[] = [];
  const stepLens: number[] = [];
  const totals: number[] = [];
  const statuses = new Set<string>();
  for (const { workflowId } of approved) {
    const p = await stack.client.workflow.getHandle(workflowId).describe();
    // A project that hosts its steps (patch approval-steps-hosted) has no step workflow: 0 events there.
    const stepLength = await stack.client.workflow
      .getHandle(approvalStepWorkflowId(workflowId, TOWNSHIP_REVIEW_STEP_ID, 1))
      .describe()
      .then(
        (d) => d.historyLength,
        () => 0,
      );
    projectLens.push(p.historyLength);
    stepLens.push(stepLength);
    totals.push(p.historyLength + stepLength);
    statuses.add(p.status.name);
  }
  // Baseline: the decided bare workflows (the first ones were used by the warm-up and level 1).
  const bareLens: number[] = [];
  for (const id of baselineIds.slice(0, settings.historySample)) {
    const d = await stack.client.workflow.getHandle(id).describe();
    if (d.status.name === 'COMPLETED') bareLens.push(d.historyLength);
  }
  // The server's default continue-as-new suggestion (dynamic config limit.historyCount.suggestContinueAsNew) is 4 Ki events.
  const suggested = Math.max(...projectLens, ...stepLens) >= CONTINUE_AS_NEW_SUGGESTED_AT;
  const t = stats(totals);
  const b = stats(bareLens.length ? bareLens : [NaN]);
  log(
    `  events per project (start → township approval): project ${stats(projectLens).mean} + step ${stats(stepLens).mean} = ${t.mean} (max ${t.max}); bare baseline ${b.mean}`,
  );
  return {
    path: 'start → township review approved (the current thin path)',
    sampled: approved.length,
    project: { ...stats(projectLens), status: [...statuses] },
    step: stats(stepLens),
    total: t,
    baseline: b,
    ratio: ratio(t.mean, b.mean),
    continueAsNewSuggested: suggested,
    note: 'Scenario 2 counts the whole path to the pool (project + three steps); the events per simulated project-year (target < 2,000) are measured on the time-skipping server in the project-year part of scenario 5.',
  };
}
