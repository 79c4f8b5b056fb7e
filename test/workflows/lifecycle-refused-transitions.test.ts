import { describe, expect, it } from 'vitest';
import { REVIEW_STEP_IDS } from '../../src/domain/lifecycle/township-review';
import { allocateFundsUpdate, projectStateQuery } from '../../workflows/messages/project';
import { approvalStepWorkflowId, stepReportUpdate } from '../../workflows/messages/approval-step';
import { proposer, implementer, township, agri, finance } from '../support/county-actors';
import { PASSED_CHECKS } from '../support/proposal';
import { timeSkippingLifecycle } from '../support/time-skipping-lifecycle';
import { expectUpdateRefused } from '../support/update-refused';

/**
 * Issue #13, item 12: a refused lifecycle transition was silent (a history entry, and the effects
 * of the stage, whether or not the machine moved). Through the project's own workflow on the
 * time-skipping server.
 */
const t = timeSkippingLifecycle('refused-transitions');

describe('a refused lifecycle transition is never silent (issue #13, item 12)', () => {
  it('a forged step report is refused before it reaches the machine: the stage, the history and the records stay, the project goes on', async () => {
    const { projectId, handle } = await t.d.startProject('桃源村拒绝事件');
    await t.d.throughPublicity([projectId], 'VILLAGE');
    const task = await t.d.taskOf(projectId, 'TOWNSHIP_REVIEW');
    const historyBefore = (await handle.query(projectStateQuery)).history.length;
    // A project hosting its approval steps has no child to report to it: a report from outside
    // (here one returning the matter to a later step, which the machine would refuse too) is
    // refused by the Update's validator and never enters the history. Projects whose steps are
    // children took it and recorded LIFECYCLE_EVENT_REFUSED (test/replay, lifecycle-refused-event).
    const forged = handle.executeUpdate(stepReportUpdate, {
      args: [
        {
          seq: 1000,
          stepWorkflowId: approvalStepWorkflowId(handle.workflowId, REVIEW_STEP_IDS.TOWNSHIP_REVIEW, 1),
          phase: 'returned',
          actorId: township.userId,
          reason: '退回县审定',
          openTasks: [],
          returnTo: { stepId: REVIEW_STEP_IDS.COUNTY_APPROVAL },
        },
      ],
    });
    await expectUpdateRefused(forged, 'TRANSITION_NOT_ALLOWED', 'report');
    const state = await handle.query(projectStateQuery);
    expect(state.stage).toBe('TOWNSHIP_REVIEW');
    expect(state.history).toHaveLength(historyBefore);
    expect(await t.d.stageOf(projectId)).toBe('TOWNSHIP_REVIEW');
    const events = (await handle.fetchHistory()).events!;
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId?.includes(':report:'))).toEqual([]);
    // The project goes on as if nothing happened: the real approval still moves it.
    await t.d.decide(task.id, township, { type: 'APPROVE', checks: PASSED_CHECKS });
    await t.d.waitForStage(projectId, 'TOWNSHIP_PUBLICITY');
    expect(await t.s.db.prisma.auditEvent.count({ where: { entityId: projectId, action: 'LIFECYCLE_EVENT_REFUSED' } })).toBe(0);
    await handle.terminate('test done');
  }, 90_000);

  it('a refused command (own capital verified once the project left implementation) gets TRANSITION_NOT_ALLOWED and changes nothing', async () => {
    const { projectId, handle } = await t.d.startProject('桃源村拒绝命令');
    await t.d.throughPool([projectId]);
    await handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: `alloc-${projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }] });
    const done = await t.d.command(handle, implementer, { type: 'REPORT_PROGRESS', percent: 100, evidence: ['completion-report.pdf'] });
    await t.d.command(handle, agri, { type: 'VERIFY_REPORT', reportId: done.recordId! });
    await t.d.command(handle, proposer, { type: 'REQUEST_ACCEPTANCE' });
    // REPORT_CAPITAL is taken in acceptance, but the machine counts own capital only in implementation:
    // the verification used to mark the report verified, write a history entry and count nothing.
    const capital = await t.d.command(handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 10_000_000, evidence: ['bank-slip.pdf'] });
    const before = await handle.query(projectStateQuery);
    await expectUpdateRefused(t.d.command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! }), 'TRANSITION_NOT_ALLOWED', 'stage');
    const after = await handle.query(projectStateQuery);
    expect(after.history).toEqual(before.history);
    expect(after.stage).toBe('ACCEPTANCE');
    expect(after.operation?.reports.find((r) => r.id === capital.recordId)?.verified).toBe(false);
    expect(after.financial?.ownCapitalInvestedFen).toBe(0);
    expect((await t.s.db.prisma.progressReport.findUniqueOrThrow({ where: { id: capital.recordId! } })).verifiedAt).toBeNull();
    await handle.terminate('test done');
  }, 90_000);
});
