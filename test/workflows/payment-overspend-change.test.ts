import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocateFundsUpdate, projectStateQuery } from '../../workflows/messages/project';
import { finance, implementer, leader } from '../support/county-actors';
import { lifecycleDrivers } from '../support/lifecycle-drivers';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';
import { expectUpdateRefused } from '../support/update-refused';

/**
 * Issue #13, item 10 (批小建大): a payment whose reported total spend is beyond the budget and the
 * county's tolerance was dismissed by the finance bureau alone in its flag review. It now needs the
 * county leading group's new 批复, a 项目变更 approval step (PROJECT_CHANGE_APPROVAL), through the
 * project's own workflow and its approval steps on the time-skipping server.
 */
let s: TTimeSkippingStack;
let d: ReturnType<typeof lifecycleDrivers>;

beforeEach(async () => {
  s = await startTimeSkippingStack('overspend-change');
  d = lifecycleDrivers({ client: s.env.client, prisma: s.db.prisma, taskQueue: s.taskQueue, sleep: (ms) => s.env.sleep(ms) });
});
afterEach(async () => {
  await s?.close();
});

/** Funded 40,000,000 (tolerance 10 %: spending up to 44,000,000 needs no new 批复), START releasable. */
async function fundedWithCapital(name: string) {
  const started = await d.startProject(name);
  await d.throughPool([started.projectId]);
  await started.handle.executeUpdate(allocateFundsUpdate, {
    args: [{ requestId: `alloc-${started.projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }],
  });
  const capital = await d.command(started.handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['bank-slip.pdf'] });
  await d.command(started.handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! });
  return started;
}

describe('overspend beyond the tolerance needs the leading group (issue #13, item 10)', () => {
  it('the finance bureau can no longer dismiss an overspend flag alone; the leading group’s 项目变更 approval lets the payment go on to finance approval', async () => {
    const { projectId, handle } = await fundedWithCapital('桃源村批小建大');
    await d.command(handle, implementer, {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '桃源茶叶合作社',
      reportedTotalSpendFen: 45_000_000,
    });
    await d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await d.paymentStatus(projectId, 1, 'CHANGE_APPROVAL');
    expect((await d.payment(projectId, 1)).riskFlags.map((f) => [f.code, f.status])).toEqual([['OVERSPEND_NEEDS_NEW_APPROVAL', 'OPEN']]);
    // No flag review for the finance bureau; the change approval is the leading group's, not theirs.
    const change = await d.taskOf(projectId, 'PROJECT_CHANGE_APPROVAL');
    expect(change.candidateRole).toBe('COUNTY_LEADING_GROUP');
    expect(await d.pending(projectId, 'RISK_FLAG_REVIEW')).toHaveLength(0);
    await expectUpdateRefused(d.decide(change.id, finance, { type: 'APPROVE' }), 'ROLE_NOT_ALLOWED', 'actor.roles');
    expect((await d.payment(projectId, 1)).status).toBe('CHANGE_APPROVAL');
    expect((await handle.query(projectStateQuery)).operation?.payments[0]).toMatchObject({
      status: 'CHANGE_APPROVAL',
      flags: ['OVERSPEND_NEEDS_NEW_APPROVAL'],
    });

    await d.decide(change.id, leader, { type: 'APPROVE' });
    await d.paymentStatus(projectId, 1, 'FINANCE_APPROVAL');
    await d.decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await d.paymentStatus(projectId, 1, 'PAID');
    expect((await d.payment(projectId, 1)).riskFlags.map((f) => [f.status, f.resolvedBy])).toEqual([['DISMISSED', 'u-leader']]);
    expect(await s.db.prisma.auditEvent.count({ where: { entityId: projectId, action: 'PROJECT_CHANGE_APPROVED' } })).toBe(1);
    await handle.terminate('test done');
  }, 90_000);

  it('the leading group’s rejection of the change rejects the payment; other flags stay the finance bureau’s review', async () => {
    const { projectId, handle } = await fundedWithCapital('桃源村超概算且收款方不符');
    await d.command(handle, implementer, {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '青山某建材公司',
      reportedTotalSpendFen: 45_000_000,
    });
    await d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await d.paymentStatus(projectId, 1, 'FLAGGED');
    // The payee flag is the finance bureau's: dismissed (a 委托支付 on file); the overspend is not theirs.
    const review = await d.taskOf(projectId, 'RISK_FLAG_REVIEW');
    expect(review.candidateRole).toBe('COUNTY_FINANCE');
    await d.decide(review.id, finance, { type: 'APPROVE' });
    await d.paymentStatus(projectId, 1, 'CHANGE_APPROVAL');
    const flags = async () => Object.fromEntries((await d.payment(projectId, 1)).riskFlags.map((f) => [f.code, f.status]));
    expect(await flags()).toEqual({ PAYEE_NOT_IMPLEMENTER: 'DISMISSED', OVERSPEND_NEEDS_NEW_APPROVAL: 'OPEN' });
    await d.decidePaymentStep(projectId, 'PROJECT_CHANGE_APPROVAL', { type: 'REJECT', reason: '超概算未经重新批复' });
    await d.paymentStatus(projectId, 1, 'REJECTED');
    expect(await flags()).toEqual({ PAYEE_NOT_IMPLEMENTER: 'DISMISSED', OVERSPEND_NEEDS_NEW_APPROVAL: 'CONFIRMED' });
    expect(await d.pending(projectId, 'PAYMENT_APPROVAL')).toHaveLength(0);
    expect((await s.db.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).disbursedFen).toBe(0n);
    await handle.terminate('test done');
  }, 90_000);
});
