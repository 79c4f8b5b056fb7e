import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateFundsUpdate, projectStateQuery } from '../../workflows/messages/project';
import { proposer, implementer, township, agri, finance, leader, expert } from '../support/county-actors';
import { BY_ROLE, DAY, indicators, lifecycleDrivers } from '../support/lifecycle-drivers';
import { FAVOURABLE_VOTE, TEA_GARDEN_ASSET, TEA_GARDEN_INCOME, TEA_ROAD_ASSET } from '../support/proposal';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';
import { expectUpdateRefused } from '../support/update-refused';

/**
 * One project over three simulated years on the time-skipping server, from proposal to its
 * replacement: every stage, every payment and risk check, the records and the money at each step.
 */
let s: TTimeSkippingStack;
let d: ReturnType<typeof lifecycleDrivers>;

const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const INVOICE_A = { number: '3300 2024 0001', sha256: sha('invoice-a') };

beforeAll(async () => {
  s = await startTimeSkippingStack('operation');
  d = lifecycleDrivers({ client: s.env.client, prisma: s.db.prisma, taskQueue: s.taskQueue, sleep: (ms) => s.env.sleep(ms) });
});
afterAll(async () => {
  await s?.close();
});

const TEA_ACCOUNT = '6222 0201 0001 1234';
const refused = expectUpdateRefused;

describe('project lifecycle after funding (time-skipping server, three simulated years)', () => {
  it('funding → payments with risk checks → failed and passed acceptance → handover → evaluations 良, 差, 差 → replacement by a pool project', async () => {
    const { startProject, project, stageOf, taskOf, decide, command, throughPool, decidePaymentStep, payment } = d;
    const { projectId, handle } = await startProject('桃源村高山茶园提质扩面');
    const replacement = await startProject('桃源村茶叶加工厂');
    await throughPool([projectId, replacement.projectId]);

    // ---- funding and implementation ----------------------------------------------------------
    // With the implementer's registered payee account: requests naming none are paid to it.
    await handle.executeUpdate(allocateFundsUpdate, {
      args: [{ requestId: `alloc-${projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000, payeeAccounts: [TEA_ACCOUNT] }],
    });
    expect(await stageOf(projectId)).toBe('IMPLEMENTATION');
    // Tranches of 40,000,000: START 16,000,000 · SUBSTANTIAL 20,000,000 · ACCEPTANCE 2,000,000 · RETENTION 2,000,000.
    // Own capital committed: 10,000,000; START needs 40% of it invested, SUBSTANTIAL 90%, the rest 100%.
    await refused(
      command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', invoices: [] }),
      'TRANCHE_NOT_RELEASABLE',
    );
    await refused(command(handle, township, { type: 'REPORT_CAPITAL', amountFen: 1, evidence: ['x'] }), 'ROLE_NOT_ALLOWED');
    const capital = await command(handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['bank-slip-1.pdf'] });
    await refused(command(handle, township, { type: 'VERIFY_REPORT', reportId: capital.recordId! }), 'ROLE_NOT_ALLOWED');
    await command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! });
    await refused(command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! }), 'ALREADY_VERIFIED');

    // Payment 1 (START): verification → clean risk screen → finance approval → paid once.
    const p1 = await command(handle, implementer, {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '桃源茶叶合作社',
      invoices: [INVOICE_A],
    });
    expect(p1).toMatchObject({ type: 'REQUEST_PAYMENT', recordId: `${projectId}:pay:1`, details: { status: 'VERIFYING' } });
    await refused(command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 1, payeeId: '桃源茶叶合作社' }), 'PAYMENT_IN_PROGRESS');
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await expect.poll(async () => (await payment(projectId, 1)).status, { timeout: 20_000 }).toBe('PAID');
    expect(await payment(projectId, 1)).toMatchObject({ tranche: 'START', amountFen: 16_000_000n, voucherNo: `PV-${projectId}:pay:1`, riskFlags: [] });
    expect((await project(projectId)).disbursedFen).toBe(16_000_000n);

    // Progress 85% and capital to 100% (10,000,000) verified: SUBSTANTIAL becomes releasable.
    const progress = await command(handle, implementer, { type: 'REPORT_PROGRESS', percent: 85, evidence: ['site-photos-2027-05.zip'] });
    await command(handle, township, { type: 'VERIFY_REPORT', reportId: progress.recordId! });
    const capital2 = await command(handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 6_000_000, evidence: ['bank-slip-2.pdf'] });
    await command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital2.recordId! });
    await refused(
      command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' }),
      'TRANCHE_NOT_RELEASABLE',
    );

    // Payment 2: the invoice of payment 1 again, to another payee → two flags, confirmed → rejected.
    await command(handle, implementer, {
      type: 'REQUEST_PAYMENT',
      tranche: 'SUBSTANTIAL_COMPLETION',
      amountFen: 20_000_000,
      payeeId: '青山某建材公司',
      invoices: [{ number: 'No. 330020240001', sha256: sha('a-rescan') }],
    });
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await expect.poll(async () => (await payment(projectId, 2)).status, { timeout: 20_000 }).toBe('FLAGGED');
    expect((await payment(projectId, 2)).riskFlags.map((f) => f.code).sort()).toEqual(['DUPLICATE_INVOICE', 'PAYEE_NOT_IMPLEMENTER']);
    await expect
      .poll(async () => (await handle.describe()).searchAttributes.RiskFlags, { timeout: 20_000 })
      .toEqual(['DUPLICATE_INVOICE', 'PAYEE_NOT_IMPLEMENTER']);
    await decidePaymentStep(projectId, 'RISK_FLAG_REVIEW', { type: 'REJECT', reason: '发票重复、收款方不符，确认违规' });
    await expect.poll(async () => (await payment(projectId, 2)).status, { timeout: 20_000 }).toBe('REJECTED');
    expect((await payment(projectId, 2)).riskFlags.every((f) => f.status === 'CONFIRMED' && f.resolvedBy === 'u-finance')).toBe(true);

    // More than the tranche may release (25M of a 20M tranche) is refused before it is a payment.
    await refused(
      command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'SUBSTANTIAL_COMPLETION', amountFen: 25_000_000, payeeId: '桃源茶叶合作社' }),
      'AMOUNT_EXCEEDS_RELEASABLE',
      'body.command.amountFen',
    );

    // Payment 3: total spend reported beyond budget + 10% → flag; the leading group's new 批复 (项目变更) → paid.
    await command(handle, implementer, {
      type: 'REQUEST_PAYMENT',
      tranche: 'SUBSTANTIAL_COMPLETION',
      amountFen: 20_000_000,
      payeeId: '桃源茶叶合作社',
      reportedTotalSpendFen: 45_000_000,
    });
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await expect.poll(async () => (await payment(projectId, 3)).status, { timeout: 20_000 }).toBe('CHANGE_APPROVAL');
    expect((await payment(projectId, 3)).riskFlags.map((f) => f.code)).toEqual(['OVERSPEND_NEEDS_NEW_APPROVAL']);
    await decidePaymentStep(projectId, 'PROJECT_CHANGE_APPROVAL');
    await decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await expect.poll(async () => (await payment(projectId, 3)).status, { timeout: 20_000 }).toBe('PAID');
    expect((await payment(projectId, 3)).riskFlags.map((f) => f.status)).toEqual(['DISMISSED']);
    expect((await project(projectId)).disbursedFen).toBe(36_000_000n);
    // No open flag left: an empty keyword list removes the attribute.
    await expect.poll(async () => (await handle.describe()).searchAttributes, { timeout: 20_000 }).toMatchObject({ DisbursedFen: [36_000_000] });
    expect((await handle.describe()).searchAttributes.RiskFlags).toBeUndefined();

    // ---- completion acceptance: fails once, rectified, passes ---------------------------------
    await refused(command(handle, implementer, { type: 'REQUEST_ACCEPTANCE' }), 'PROGRESS_NOT_COMPLETE');
    const done = await command(handle, implementer, { type: 'REPORT_PROGRESS', percent: 100, evidence: ['completion-report.pdf'] });
    await command(handle, agri, { type: 'VERIFY_REPORT', reportId: done.recordId! });
    expect(await command(handle, proposer, { type: 'REQUEST_ACCEPTANCE' })).toMatchObject({ stageBefore: 'IMPLEMENTATION', stageAfter: 'ACCEPTANCE' });
    await command(handle, proposer, FAVOURABLE_VOTE);
    await decide((await taskOf(projectId, 'COMPLETION_ACCEPTANCE', 'COUNTY_AGRICULTURE')).id, agri, { type: 'APPROVE' });
    await decide((await taskOf(projectId, 'COMPLETION_ACCEPTANCE', 'EXPERT')).id, expert, { type: 'REJECT', reason: '排水沟未完工' });
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE_RECTIFICATION');
    const rectifyTask = await taskOf(projectId, 'ACCEPTANCE_RECTIFY');
    expect(rectifyTask.dueAt!.getTime() - rectifyTask.createdAt.getTime()).toBeGreaterThan(29 * DAY);
    await command(handle, implementer, { type: 'RECTIFIED', text: '排水沟已完工并经监理确认' });
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE');
    await command(handle, proposer, FAVOURABLE_VOTE);
    for (const role of ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE', 'EXPERT']) {
      await decide((await taskOf(projectId, 'COMPLETION_ACCEPTANCE', role)).id, BY_ROLE[role]!, { type: 'APPROVE' });
    }
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE_PUBLICITY');
    const acceptances = await s.db.prisma.acceptance.findMany({ where: { projectId }, orderBy: { round: 'asc' } });
    expect(acceptances.map((a) => [a.round, a.result])).toEqual([
      [1, 'FAILED'],
      [2, 'PASSED'],
    ]);
    expect(acceptances[1]!.vote).toMatchObject({ votesFor: 38, satisfactionPercent: 95 });

    // 7-working-day acceptance publicity, then the final tranche and the handover.
    await d.throughPublicity([projectId], 'ACCEPTANCE');
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ASSET_HANDOVER');
    await command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' });
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await expect.poll(async () => (await payment(projectId, 4)).status, { timeout: 20_000 }).toBe('PAID');
    await refused(command(handle, proposer, { type: 'CONFIRM_HANDOVER' }), 'NO_ASSETS_REGISTERED');
    await command(handle, agri, { ...TEA_GARDEN_ASSET, certificateNo: 'QS-2028-001' });
    await command(handle, agri, TEA_ROAD_ASSET);
    await command(handle, proposer, { type: 'CONFIRM_HANDOVER' });
    const assets = await s.db.prisma.asset.findMany({ where: { projectId } });
    expect(assets.map((a) => [a.assetClass, a.valueFen, a.handedOverBy])).toEqual([
      ['OPERATING', 30_000_000n, 'u-village'],
      ['PUBLIC_WELFARE', 8_000_000n, 'u-village'],
    ]);
    // In the register (issue #15): the project's village and county, its largest funding line's source.
    expect(assets.map((a) => [a.orgUnitId, a.countyId, a.fundingSource, a.status])).toEqual([
      ['v-taoyuan', 'c-qingshan', 'FISCAL_LINKAGE', 'IN_USE'],
      ['v-taoyuan', 'c-qingshan', 'FISCAL_LINKAGE', 'IN_USE'],
    ]);

    // ---- operation: the first evaluation is due at once (at acceptance) ------------------------
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
    await taskOf(projectId, 'EVALUATION_SUBMIT');
    await refused(command(handle, proposer, { type: 'SUBMIT_EVALUATION', indicators: indicators(85) }), 'ROLE_NOT_ALLOWED');
    expect(await command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(85) })).toMatchObject({
      details: { grade: 'GOOD', outcomeClass: 'CONSOLIDATE' },
    });
    const runBefore = (await handle.describe()).runId;
    await decide((await taskOf(projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('OPERATION');
    // Continue-as-new at the end of the evaluation cycle: a new run, the same project.
    await expect.poll(async () => (await handle.describe()).runId !== runBefore, { timeout: 20_000 }).toBe(true);
    const afterCycle = await handle.query(projectStateQuery);
    expect(afterCycle).toMatchObject({
      stage: 'OPERATION',
      latestGrade: 'GOOD',
      runs: 2,
      operation: { payeeAccounts: [TEA_ACCOUNT] },
      financial: { approvedFen: 40_000_000, disbursedFen: 38_000_000, verifiedProgressPercent: 100, ownCapitalInvestedFen: 10_000_000 },
    });
    expect((await handle.describe()).searchAttributes).toMatchObject({ LatestGrade: ['GOOD'], ProjectStage: ['OPERATION'] });

    // Income of the operating asset (300 亩 tea garden, principal 30,000,000): 9.33% ≥ the 8% minimum.
    const income = await command(handle, proposer, TEA_GARDEN_INCOME);
    expect(income.details).toMatchObject({ distributedFen: 2_240_000, retainedFen: 560_000, dividendRateBp: 933, meetsMinimum: true });
    const ledger = await s.db.prisma.incomeRecord.findFirstOrThrow({ where: { projectId } });
    expect((ledger.distribution as Array<{ householdId: string; amountFen: number }>).map((h) => [h.householdId, h.amountFen])).toEqual([
      ['h-01', 1_120_000],
      ['h-02', 1_120_000],
    ]);

    // ---- a year later: retention released (no defect) and the second evaluation due -----------
    await s.env.sleep(366 * DAY);
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await expect.poll(async () => (await payment(projectId, 5)).status, { timeout: 20_000 }).toBe('PAID');
    // Released in the run after continue-as-new, to the account registered at funding: screened clean.
    expect(await payment(projectId, 5)).toMatchObject({
      tranche: 'RETENTION',
      amountFen: 2_000_000n,
      requestedBy: 'system',
      fiscalSource: 'CENTRAL_LINKAGE',
      payeeAccount: TEA_ACCOUNT,
      riskFlags: [],
    });
    expect((await project(projectId)).disbursedFen).toBe(40_000_000n);

    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
    await command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(50) });
    await decide((await taskOf(projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('RECTIFICATION');
    expect((await project(projectId)).latestGrade).toBe('POOR');
    await taskOf(projectId, 'RECTIFICATION_PLAN');
    await command(handle, proposer, { type: 'SUBMIT_RECTIFICATION_PLAN', plan: '更换管护主体，补植茶苗', dueInDays: 90 });

    // At the deadline, the re-evaluation; 差 again → the leading group decides on replacement.
    await s.env.sleep(91 * DAY);
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
    await command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(40) });
    await decide((await taskOf(projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('REPLACEMENT_REVIEW');
    await taskOf(projectId, 'REPLACEMENT_PROPOSAL');
    await refused(command(handle, agri, { type: 'PROPOSE_REPLACEMENT', replacementProjectId: projectId, reason: '自身' }), 'VALIDATION_FAILED');
    await command(handle, agri, { type: 'PROPOSE_REPLACEMENT', replacementProjectId: replacement.projectId, reason: '茶园经营失败，改建加工厂' });
    await decide((await taskOf(projectId, 'REPLACEMENT_DECISION')).id, leader, { type: 'APPROVE' });
    const result = await handle.result();
    expect(result.stage).toBe('CLOSED');

    // Linked both ways; the replacing project waits in the pool with the link in its history.
    expect(await project(projectId)).toMatchObject({
      stage: 'CLOSED',
      replacedByProjectId: replacement.projectId,
      latestGrade: 'POOR',
      disbursedFen: 40_000_000n,
    });
    expect(await project(replacement.projectId)).toMatchObject({ stage: 'IN_POOL', replacesProjectId: projectId });
    await expect
      .poll(async () => (await replacement.handle.query(projectStateQuery)).history.some((h) => h.action === 'replaces'), { timeout: 20_000 })
      .toBe(true);

    // Money: every paid fen once; the evaluations; the audit trail names every step.
    const payments = await s.db.prisma.payment.findMany({ where: { projectId }, orderBy: { seq: 'asc' } });
    expect(payments.map((p) => [p.tranche, p.status])).toEqual([
      ['START', 'PAID'],
      ['SUBSTANTIAL_COMPLETION', 'REJECTED'],
      ['SUBSTANTIAL_COMPLETION', 'PAID'],
      ['ACCEPTANCE', 'PAID'],
      ['RETENTION', 'PAID'],
    ]);
    expect(payments.filter((p) => p.status === 'PAID').reduce((sum, p) => sum + p.amountFen, 0n)).toBe(40_000_000n);
    const evaluations = await s.db.prisma.evaluation.findMany({ where: { projectId }, orderBy: { seq: 'asc' } });
    expect(evaluations.map((e) => [e.grade, e.status])).toEqual([
      ['GOOD', 'APPROVED'],
      ['POOR', 'APPROVED'],
      ['POOR', 'APPROVED'],
    ]);
    const audit = (await s.db.prisma.auditEvent.findMany({ where: { entityType: 'Project', entityId: projectId } })).map((a) => a.action);
    for (const action of [
      'FUNDS_ALLOCATED',
      'PAYMENT_PAID',
      'RISK_FLAGS_CONFIRMED',
      'PROJECT_CHANGE_APPROVED',
      'ACCEPTANCE_FAILED',
      'ACCEPTANCE_PASSED',
      'ASSETS_HANDED_OVER',
      'INCOME_DISTRIBUTED',
      'EVALUATION_APPROVED',
      'RECTIFICATION_PLANNED',
      'PROJECT_REPLACED',
    ]) {
      expect(audit).toContain(action);
    }
    expect(audit.filter((a) => a === 'PAYMENT_PAID')).toHaveLength(4);
    // Left open: only the notices that the officials may apply for a review (两次差 + 调换, five officials
    // each). Those of the first 差 expired with their 30-day window during the 91 days of rectification;
    // the later ones may have too, since awaiting handle.result() lets the time-skipping server jump ahead.
    expect(await s.db.prisma.task.count({ where: { projectId, status: 'PENDING', kind: { not: 'REVIEW_ELIGIBLE' } } })).toBe(0);
    const notices = await s.db.prisma.task.findMany({ where: { projectId, kind: 'REVIEW_ELIGIBLE' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(notices).toHaveLength(15);
    expect(notices.slice(0, 5).map((t) => [t.status, t.outcome])).toEqual(Array(5).fill(['CANCELLED', 'EXPIRED']));
    expect(notices.every((t) => t.status === 'PENDING' || (t.status === 'CANCELLED' && t.outcome === 'EXPIRED'))).toBe(true);
    await replacement.handle.terminate('test done');
  }, 150_000);
});
