import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateFundsUpdate, projectStateQuery } from '../../workflows/messages/project';
import { TEST_CONTINUE_AS_NEW_HISTORY_LENGTH } from '../../workflows/continue-as-new';
import { proposer, implementer, agri, finance, expert, leader } from '../support/county-actors';
import { DAY, indicators, lifecycleDrivers, type THandle } from '../support/lifecycle-drivers';
import { FAVOURABLE_VOTE, TEA_GARDEN_ASSET } from '../support/proposal';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';

/**
 * The project workflow's continue-as-new, forced by the test flag `testContinueAsNew`
 * (workflows/continue-as-new.ts) at the points where a real project takes the SDK's suggestion:
 * right after funding, after a payment that was in flight (never during it), with the handover
 * task open, and in operation with the evaluation and retention timers running. After each
 * handover the state, the rows and the audit trail are as they were (nothing written twice,
 * nothing lost) and the next action works in the new run.
 */
let s: TTimeSkippingStack;
let d: ReturnType<typeof lifecycleDrivers>;

beforeAll(async () => {
  s = await startTimeSkippingStack('can');
  d = lifecycleDrivers({ client: s.env.client, prisma: s.db.prisma, taskQueue: s.taskQueue, sleep: (ms) => s.env.sleep(ms) });
});
afterAll(async () => {
  await s?.close();
});

const ACCOUNT = '6222 0201 0009 8765';

/**
 * Waits for the run after `runId`, then holds its state to the last state of that run (queried on
 * the closed run: its history replayed): everything carried, only the run count one higher.
 */
async function handedOver(handle: THandle, runId: string) {
  await expect.poll(async () => (await handle.describe()).runId, { timeout: 20_000 }).not.toBe(runId);
  const { runs: last, ...kept } = await s.env.client.workflow.getHandle(handle.workflowId, runId).query(projectStateQuery);
  const { runs: next, ...now } = await handle.query(projectStateQuery);
  expect(now).toEqual(kept);
  expect(next).toBe(last! + 1);
  return now;
}

/** The project's audit trail, by event key. */
const auditKeys = async (projectId: string) =>
  (await s.db.prisma.auditEvent.findMany({ where: { entityId: { contains: projectId } }, orderBy: { id: 'asc' } })).map((e) => e.eventKey);

describe('project workflow across forced continue-as-new (testContinueAsNew, time-skipping server)', () => {
  it('hands over after funding, after a payment in flight, with the handover task open and with its timers running; nothing is lost and the next action works', async () => {
    const { startProject, stageOf, taskOf, decide, command, throughPool, decidePaymentStep, payment } = d;
    const { projectId, handle } = await startProject('桃源村续跑测试茶园', 2027, { testContinueAsNew: true });
    const runs = async () => (await handle.query(projectStateQuery)).runs;
    const runId = async () => (await handle.describe()).runId;
    await throughPool([projectId]);
    expect(await runs()).toBe(1);

    // ---- right after funding: the first run is long (publicity, three reviews) -----------------
    const run1 = await runId();
    await handle.executeUpdate(allocateFundsUpdate, {
      args: [{ requestId: `alloc-${projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000, payeeAccounts: [ACCOUNT] }],
    });
    expect(await handedOver(handle, run1)).toMatchObject({
      stage: 'IMPLEMENTATION',
      operation: { payeeAccounts: [ACCOUNT] },
      financial: { approvedFen: 40_000_000, disbursedFen: 0 },
    });
    expect((await handle.describe()).searchAttributes).toMatchObject({ ProjectStage: ['IMPLEMENTATION'], FiscalYear: [2027] });

    // ---- a payment in flight holds the handover back until it is paid --------------------------
    const capital = await command(handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['bank-slip.pdf'] });
    await command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! });
    const run2 = await runId();
    await command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社' });
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await taskOf(projectId, 'PAYMENT_APPROVAL');
    // Long enough to hand over, but the payment waits for the finance bureau: the same run.
    expect(Number((await handle.describe()).raw.workflowExecutionInfo?.historyLength)).toBeGreaterThan(TEST_CONTINUE_AS_NEW_HISTORY_LENGTH);
    expect(await runId()).toBe(run2);
    await decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await expect.poll(async () => (await payment(projectId, 1)).status, { timeout: 20_000 }).toBe('PAID');
    expect(await handedOver(handle, run2)).toMatchObject({
      operation: { payments: [{ id: `${projectId}:pay:1`, status: 'PAID', payeeAccount: ACCOUNT }], disbursedFen: 16_000_000 },
      financial: { disbursedFen: 16_000_000 },
    });
    expect(await payment(projectId, 1)).toMatchObject({ status: 'PAID', amountFen: 16_000_000n, voucherNo: `PV-${projectId}:pay:1` });

    // ---- acceptance, its publicity, then the handover task open across a handover -------------
    const done = await command(handle, implementer, { type: 'REPORT_PROGRESS', percent: 100, evidence: ['completion-report.pdf'] });
    await command(handle, agri, { type: 'VERIFY_REPORT', reportId: done.recordId! });
    await command(handle, proposer, { type: 'REQUEST_ACCEPTANCE' });
    await command(handle, proposer, FAVOURABLE_VOTE);
    for (const [role, who] of [
      ['COUNTY_AGRICULTURE', agri],
      ['COUNTY_FINANCE', finance],
      ['EXPERT', expert],
    ] as const) {
      await decide((await taskOf(projectId, 'COMPLETION_ACCEPTANCE', role)).id, who, { type: 'APPROVE' });
    }
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE_PUBLICITY');
    const run3 = await runId();
    await d.throughPublicity([projectId], 'ACCEPTANCE');
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ASSET_HANDOVER');
    const handover = await taskOf(projectId, 'ASSET_HANDOVER');
    expect((await handedOver(handle, run3)).openTasks.map((t) => t.id)).toEqual([handover.id]);
    expect((await s.db.prisma.task.findUniqueOrThrow({ where: { id: handover.id } })).status).toBe('PENDING');
    // The next action works in the new run: assets registered, handed over.
    await command(handle, agri, TEA_GARDEN_ASSET);
    await command(handle, proposer, { type: 'CONFIRM_HANDOVER' });
    expect((await s.db.prisma.task.findUniqueOrThrow({ where: { id: handover.id } })).status).toBe('DONE');

    // ---- operation: the evaluation and retention timers run across a handover -----------------
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
    await command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(85) });
    const evaluating = await runId();
    await decide((await taskOf(projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('OPERATION');
    // The continue-as-new every approved evaluation ends with (not the flag's).
    await handedOver(handle, evaluating);
    const cycleRun = await runId();
    const audit = await auditKeys(projectId);
    // Income recorded until the run is long enough: it hands over while both timers wait.
    let period = 0;
    while ((await runId()) === cycleRun) {
      expect(period).toBeLessThan(8);
      await command(handle, proposer, {
        type: 'RECORD_INCOME',
        period: { from: `${2028 + period}-01-01`, until: `${2029 + period}-01-01` },
        incomeFen: 2_800_000,
        households: [{ householdId: 'h-01', shares: 1 }],
        plan: { retainedBp: 2000, regularWeight: 1, monitoredWeight: 2 },
      });
      period += 1;
      // The handover goes in the workflow task that answers the command, if the run is long enough.
      await new Promise((r) => setTimeout(r, 500));
    }
    const operating = await handedOver(handle, cycleRun);
    expect(operating.operation?.incomePeriods).toHaveLength(period);
    // The evaluation due in a year and the retention not yet requested: both timers still to fire.
    expect(operating.operation).toMatchObject({ nextEvaluationAt: expect.any(Number), retentionRequested: false });
    // Nothing of the earlier runs missing, and the income records only added.
    const after = await auditKeys(projectId);
    expect(after.slice(0, audit.length)).toEqual(audit);
    expect(await s.db.prisma.incomeRecord.count({ where: { projectId } })).toBe(period);
    // A year on, both timers of the earlier run fire in this one: the retention falls due (withheld
    // and recorded: only the first tranche was paid, so nothing of it is releasable) and the next
    // evaluation opens; the evaluator's action works.
    await s.env.sleep(366 * DAY);
    await taskOf(projectId, 'EVALUATION_SUBMIT');
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
    await expect.poll(async () => (await auditKeys(projectId)).includes(`retention-withheld:${projectId}`), { timeout: 20_000 }).toBe(true);
    expect(await command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(80) })).toMatchObject({
      stageAfter: 'EVALUATION',
      details: { grade: 'GOOD' },
    });
    await taskOf(projectId, 'EVALUATION_APPROVAL');
  }, 150_000);
});
