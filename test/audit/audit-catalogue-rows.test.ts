import { describe, expect, it } from 'vitest';
import { checkAuditPayload } from '../../src/domain/audit/audit-events';
import { seedDemoProjects } from '../../src/seed/demo-projects';
import { demoStack } from '../support/demo-call';

/**
 * The audit catalogue against what a real run writes: the demo projects walked through the API on
 * a real worker (proposals, approvals, returns, publicity, the pool, funding, payments, acceptance)
 * leave only rows whose action and details fit the catalogue. The write path refuses any other
 * row, so a writer out of step with the catalogue would show here as a missing row (its activity
 * retrying) or a stage never reached.
 */
const demo = demoStack();

/** Activities still running or retrying in the run's open workflows, with their last failure. */
async function pendingActivities() {
  const pending: string[] = [];
  for await (const wf of demo.s.client.workflow.list({ query: `TaskQueue = '${demo.s.taskQueue}' AND ExecutionStatus = 'Running'` })) {
    const { raw } = await demo.s.client.workflow.getHandle(wf.workflowId).describe();
    for (const a of raw.pendingActivities ?? [])
      pending.push(`${wf.workflowId} ${a.activityType?.name} attempt ${a.attempt}: ${a.lastFailure?.message ?? 'running'}`);
  }
  return pending;
}

describe('audit rows of a real run', () => {
  it('every row the demo projects leave fits the catalogue, across the stages they reach', async () => {
    const seeded = await seedDemoProjects({ call: demo.call });
    const stages = () => Promise.all(seeded.map(async (p) => (await demo.s.prisma.project.findUniqueOrThrow({ where: { id: p.projectId } })).stage));
    await expect.poll(stages, { timeout: 30_000 }).toContain('ACCEPTANCE');
    // An activity whose row the catalogue refused would stay here, retrying, its failure naming the action.
    await expect.poll(pendingActivities, { timeout: 60_000, interval: 1_000 }).toEqual([]);
    const rows = await demo.s.prisma.auditEvent.findMany({ select: { action: true, details: true }, orderBy: { id: 'asc' } });
    const refused = rows.flatMap((r) => {
      try {
        checkAuditPayload({ action: r.action, details: r.details ?? undefined });
        return [];
      } catch (err) {
        return [(err as Error).message];
      }
    });
    expect(refused).toEqual([]);
    const actions = new Set(rows.map((r) => r.action));
    for (const a of [
      'PROJECT_PROPOSED',
      'STEP_ACTIVATED',
      'TASK_APPROVE',
      'TASK_RETURN',
      'PUBLICITY_STARTED',
      'FUNDS_ALLOCATED',
      'PAYMENT_REQUESTED',
      'PROGRESS_REPORTED',
    ])
      expect(actions, a).toContain(a);
  }, 240_000);
});
