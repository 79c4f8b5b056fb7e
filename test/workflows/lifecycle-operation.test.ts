import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { allocateFundsUpdate, projectStateQuery } from '../../workflows/shared';
import { proposer, implementer, township, agri, finance, leader, expert } from '../support/county-actors';
import { BY_ROLE, DAY, indicators, lifecycleDrivers, type THandle } from '../support/lifecycle-drivers';
import { FAVOURABLE_VOTE, PASSED_CHECKS } from '../support/proposal';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';

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

/** The update fails with this error type (the typed code the API turns into a status). */
async function refused(p: Promise<unknown>, code: string, path?: string) {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as { cause?: { type?: string; message?: string; details?: unknown[] } }).cause;
  expect(cause?.type, cause?.message).toBe(code);
  if (path) expect((cause?.details as Array<{ path: string }>).map((d) => d.path)).toContain(path);
}

describe('project lifecycle after funding (time-skipping server, three simulated years)', () => {
  it('funding → payments with risk checks → failed and passed acceptance → handover → evaluations 良, 差, 差 → replacement by a pool project', async () => {
    const { startProject, project, stageOf, taskOf, decide, command, throughPool, decidePaymentStep, payment } = d;
    const { projectId, handle } = await startProject('桃源村高山茶园提质扩面');
    const replacement = await startProject('桃源村茶叶加工厂');
    await throughPool([projectId, replacement.projectId]);

    // ---- funding and implementation ----------------------------------------------------------
    await handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: `alloc-${projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }] });
    expect(await stageOf(projectId)).toBe('IMPLEMENTATION');
    // Tranches of 40,000,000: START 16,000,000 · SUBSTANTIAL 20,000,000 · ACCEPTANCE 2,000,000 · RETENTION 2,000,000.
    // Own capital committed: 10,000,000; START needs 40% of it invested, SUBSTANTIAL 90%, the rest 100%.
    await refused(command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', invoices: [] }), 'TRANCHE_NOT_RELEASABLE');
    await refused(command(handle, township, { type: 'REPORT_CAPITAL', amountFen: 1, evidence: ['x'] }), 'ROLE_NOT_ALLOWED');
    const capital = await command(handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['bank-slip-1.pdf'] });
    await refused(command(handle, township, { type: 'VERIFY_REPORT', reportId: capital.recordId! }), 'ROLE_NOT_ALLOWED');
    await command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! });
    await refused(command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! }), 'ALREADY_VERIFIED');

    // Payment 1 (START): verification → clean risk screen → finance approval → paid once.
    const p1 = await command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', invoices: [INVOICE_A] });
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
    await refused(command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' }), 'TRANCHE_NOT_RELEASABLE');

    // Payment 2: the invoice of payment 1 again, to another payee → two flags, confirmed → rejected.
    await command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'SUBSTANTIAL_COMPLETION', amountFen: 20_000_000, payeeId: '青山某建材公司', invoices: [{ number: 'No. 330020240001', sha256: sha('a-rescan') }] });
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await expect.poll(async () => (await payment(projectId, 2)).status, { timeout: 20_000 }).toBe('FLAGGED');
    expect((await payment(projectId, 2)).riskFlags.map((f) => f.code).sort()).toEqual(['DUPLICATE_INVOICE', 'PAYEE_NOT_IMPLEMENTER']);
    await expect.poll(async () => (await handle.describe()).searchAttributes.RiskFlags, { timeout: 20_000 }).toEqual(['DUPLICATE_INVOICE', 'PAYEE_NOT_IMPLEMENTER']);
    await decidePaymentStep(projectId, 'RISK_FLAG_REVIEW', { type: 'REJECT', reason: '发票重复、收款方不符，确认违规' });
    await expect.poll(async () => (await payment(projectId, 2)).status, { timeout: 20_000 }).toBe('REJECTED');
    expect((await payment(projectId, 2)).riskFlags.every((f) => f.status === 'CONFIRMED' && f.resolvedBy === 'u-finance')).toBe(true);

    // More than the tranche may release (25M of a 20M tranche) is refused before it is a payment.
    await refused(command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'SUBSTANTIAL_COMPLETION', amountFen: 25_000_000, payeeId: '桃源茶叶合作社' }), 'AMOUNT_EXCEEDS_RELEASABLE', 'body.command.amountFen');

    // Payment 3: total spend reported beyond budget + 10% → flag; the bureau dismisses it (new 批复) → paid.
    await command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'SUBSTANTIAL_COMPLETION', amountFen: 20_000_000, payeeId: '桃源茶叶合作社', reportedTotalSpendFen: 45_000_000 });
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await expect.poll(async () => (await payment(projectId, 3)).status, { timeout: 20_000 }).toBe('FLAGGED');
    expect((await payment(projectId, 3)).riskFlags.map((f) => f.code)).toEqual(['OVERSPEND_NEEDS_NEW_APPROVAL']);
    await decidePaymentStep(projectId, 'RISK_FLAG_REVIEW');
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
    await command(handle, proposer, { type: 'RECORD_ACCEPTANCE_VOTE', representatives: 45, votesFor: 38, votesAgainst: 2, abstentions: 1, satisfactionPercent: 95 });
    for (const role of ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE', 'EXPERT']) {
      await decide((await taskOf(projectId, 'COMPLETION_ACCEPTANCE', role)).id, BY_ROLE[role]!, { type: 'APPROVE' });
    }
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE_PUBLICITY');
    const acceptances = await s.db.prisma.acceptance.findMany({ where: { projectId }, orderBy: { round: 'asc' } });
    expect(acceptances.map((a) => [a.round, a.result])).toEqual([[1, 'FAILED'], [2, 'PASSED']]);
    expect(acceptances[1]!.vote).toMatchObject({ votesFor: 38, satisfactionPercent: 95 });

    // 7-day acceptance publicity, then the final tranche and the handover.
    await s.env.sleep(7 * DAY + 60_000);
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ASSET_HANDOVER');
    await command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' });
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await expect.poll(async () => (await payment(projectId, 4)).status, { timeout: 20_000 }).toBe('PAID');
    await refused(command(handle, proposer, { type: 'CONFIRM_HANDOVER' }), 'NO_ASSETS_REGISTERED');
    await command(handle, agri, { type: 'REGISTER_ASSET', name: '高山茶园 300 亩', assetClass: 'OPERATING', valueFen: 30_000_000, owner: '桃源村股份经济合作社', custodian: '桃源茶叶合作社', certificateNo: 'QS-2028-001' });
    await command(handle, agri, { type: 'REGISTER_ASSET', name: '茶园机耕道 2 公里', assetClass: 'PUBLIC_WELFARE', valueFen: 8_000_000, owner: '桃源村村民委员会', custodian: '桃源村村民委员会' });
    await command(handle, proposer, { type: 'CONFIRM_HANDOVER' });
    const assets = await s.db.prisma.asset.findMany({ where: { projectId } });
    expect(assets.map((a) => [a.assetClass, a.valueFen, a.handedOverBy])).toEqual([['OPERATING', 30_000_000n, 'u-village'], ['PUBLIC_WELFARE', 8_000_000n, 'u-village']]);

    // ---- operation: the first evaluation is due at once (at acceptance) ------------------------
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
    await taskOf(projectId, 'EVALUATION_SUBMIT');
    await refused(command(handle, proposer, { type: 'SUBMIT_EVALUATION', indicators: indicators(85) }), 'ROLE_NOT_ALLOWED');
    expect(await command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(85) })).toMatchObject({ details: { grade: 'GOOD', outcomeClass: 'CONSOLIDATE' } });
    const runBefore = (await handle.describe()).runId;
    await decide((await taskOf(projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('OPERATION');
    // Continue-as-new at the end of the evaluation cycle: a new run, the same project.
    await expect.poll(async () => (await handle.describe()).runId !== runBefore, { timeout: 20_000 }).toBe(true);
    const afterCycle = await handle.query(projectStateQuery);
    expect(afterCycle).toMatchObject({ stage: 'OPERATION', latestGrade: 'GOOD', runs: 2, financial: { approvedFen: 40_000_000, disbursedFen: 38_000_000, verifiedProgressPercent: 100, ownCapitalInvestedFen: 10_000_000 } });
    expect((await handle.describe()).searchAttributes).toMatchObject({ LatestGrade: ['GOOD'], ProjectStage: ['OPERATION'] });

    // Income of the operating asset (300 亩 tea garden, principal 30,000,000): 9.33% ≥ the 8% minimum.
    const income = await command(handle, proposer, {
      type: 'RECORD_INCOME',
      period: { from: '2028-01-01', until: '2029-01-01' },
      incomeFen: 2_800_000,
      households: [{ householdId: 'h-01', shares: 2 }, { householdId: 'h-02', shares: 1, monitoring: [{ from: '2028-01-01' }] }],
      plan: { retainedBp: 2000, regularWeight: 1, monitoredWeight: 2 },
    });
    expect(income.details).toMatchObject({ distributedFen: 2_240_000, retainedFen: 560_000, dividendRateBp: 933, meetsMinimum: true });
    const ledger = await s.db.prisma.incomeRecord.findFirstOrThrow({ where: { projectId } });
    expect((ledger.distribution as Array<{ householdId: string; amountFen: number }>).map((h) => [h.householdId, h.amountFen])).toEqual([['h-01', 1_120_000], ['h-02', 1_120_000]]);

    // ---- a year later: retention released (no defect) and the second evaluation due -----------
    await s.env.sleep(366 * DAY);
    await decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await expect.poll(async () => (await payment(projectId, 5)).status, { timeout: 20_000 }).toBe('PAID');
    expect(await payment(projectId, 5)).toMatchObject({ tranche: 'RETENTION', amountFen: 2_000_000n, requestedBy: 'system', fiscalSource: 'CENTRAL_LINKAGE' });
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
    expect(await project(projectId)).toMatchObject({ stage: 'CLOSED', replacedByProjectId: replacement.projectId, latestGrade: 'POOR', disbursedFen: 40_000_000n });
    expect(await project(replacement.projectId)).toMatchObject({ stage: 'IN_POOL', replacesProjectId: projectId });
    await expect.poll(async () => (await replacement.handle.query(projectStateQuery)).history.some((h) => h.action === 'replaces'), { timeout: 20_000 }).toBe(true);

    // Money: every paid fen once; the evaluations; the audit trail names every step.
    const payments = await s.db.prisma.payment.findMany({ where: { projectId }, orderBy: { seq: 'asc' } });
    expect(payments.map((p) => [p.tranche, p.status])).toEqual([
      ['START', 'PAID'], ['SUBSTANTIAL_COMPLETION', 'REJECTED'], ['SUBSTANTIAL_COMPLETION', 'PAID'], ['ACCEPTANCE', 'PAID'], ['RETENTION', 'PAID'],
    ]);
    expect(payments.filter((p) => p.status === 'PAID').reduce((sum, p) => sum + p.amountFen, 0n)).toBe(40_000_000n);
    const evaluations = await s.db.prisma.evaluation.findMany({ where: { projectId }, orderBy: { seq: 'asc' } });
    expect(evaluations.map((e) => [e.grade, e.status])).toEqual([['GOOD', 'APPROVED'], ['POOR', 'APPROVED'], ['POOR', 'APPROVED']]);
    const audit = (await s.db.prisma.auditEvent.findMany({ where: { entityType: 'Project', entityId: projectId } })).map((a) => a.action);
    for (const action of ['FUNDS_ALLOCATED', 'PAYMENT_PAID', 'RISK_FLAGS_CONFIRMED', 'RISK_FLAGS_DISMISSED', 'ACCEPTANCE_FAILED', 'ACCEPTANCE_PASSED', 'ASSETS_HANDED_OVER', 'INCOME_DISTRIBUTED', 'EVALUATION_APPROVED', 'RECTIFICATION_PLANNED', 'PROJECT_REPLACED']) {
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

/** Issue #13: the rules that guard money and acceptance, each through the project's own workflow. */
describe('rules that guard money and acceptance (issue #13)', () => {
  const CENTRAL_AND_LOCAL = { fundingSources: [{ source: 'CENTRAL_LINKAGE', amountFen: 30_000_000 }, { source: 'LOCAL', amountFen: 10_000_000 }, { source: 'OWN_CAPITAL', amountFen: 10_000_000 }] };

  /** Proposed, through the pool, funded with 40,000,000 fen (the fiscal sources of the sample). */
  async function funded(name: string, extra: Parameters<typeof d.startProject>[2] = {}) {
    const started = await d.startProject(name, 2027, extra);
    await d.throughPool([started.projectId]);
    await started.handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: `alloc-${started.projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }] });
    return started;
  }

  /** Own capital in full and progress 100 % verified, acceptance requested: the inspection round is open. */
  async function inspectionOpen(handle: THandle) {
    const capital = await d.command(handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 10_000_000, evidence: ['bank-slip.pdf'] });
    await d.command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! });
    const done = await d.command(handle, implementer, { type: 'REPORT_PROGRESS', percent: 100, evidence: ['completion-report.pdf'] });
    await d.command(handle, agri, { type: 'VERIFY_REPORT', reportId: done.recordId! });
    await d.command(handle, proposer, { type: 'REQUEST_ACCEPTANCE' });
  }

  /** The joint team (agriculture, finance, the third party) passes the inspection. */
  async function jointTeamApproves(projectId: string) {
    for (const role of ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE', 'EXPERT']) await d.decide((await d.taskOf(projectId, 'COMPLETION_ACCEPTANCE', role)).id, BY_ROLE[role]!, { type: 'APPROVE' });
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE_PUBLICITY');
  }

  it('the retention cannot be drawn early: an ACCEPTANCE request that includes the retention is refused during the acceptance publicity', async () => {
    const { projectId, handle } = await funded('桃源村质保金提前拨付');
    await inspectionOpen(handle);
    await d.command(handle, proposer, FAVOURABLE_VOTE);
    await jointTeamApproves(projectId);
    // ACCEPTANCE 2,000,000 + RETENTION 2,000,000 in one request: the old check saw only "ACCEPTANCE has something releasable".
    await refused(d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 4_000_000, payeeId: '桃源茶叶合作社' }), 'AMOUNT_EXCEEDS_RELEASABLE', 'body.command.amountFen');
    await refused(d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'RETENTION', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' }), 'TRANCHE_NOT_RELEASABLE', 'body.command.tranche');
    expect(await s.db.prisma.payment.count({ where: { projectId } })).toBe(0);
    const ok = await d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' });
    expect(ok.details).toMatchObject({ fiscalSource: 'CENTRAL_LINKAGE' });
    await handle.terminate('test done');
  }, 90_000);

  it('fiscal allocation cannot exceed the fiscal sources: 45,000,000 of a project whose fiscal sources are 40,000,000 is refused', async () => {
    const { projectId, handle } = await d.startProject('桃源村超额下达');
    await d.throughPool([projectId]);
    await refused(handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: `alloc-${projectId}`, actor: finance, fiscalYear: 2027, amountFen: 45_000_000 }] }), 'FISCAL_SOURCES_EXCEEDED', 'body.amountFen');
    expect(await d.stageOf(projectId)).toBe('IN_POOL');
    await handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: `alloc2-${projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }] });
    expect(await d.stageOf(projectId)).toBe('IMPLEMENTATION');
    await handle.terminate('test done');
  }, 90_000);

  it('payments name no fiscal source: each is bound to one, and central 衔接资金 paid is reported on its own', async () => {
    const { projectId, handle } = await funded('桃源村资金来源', { proposal: CENTRAL_AND_LOCAL });
    const capital = await d.command(handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 10_000_000, evidence: ['slip.pdf'] });
    await d.command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! });
    // Central 30,000,000 and local 10,000,000: local cannot pay the START tranche's 16,000,000.
    await refused(d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', fiscalSource: 'LOCAL' }), 'FISCAL_SOURCE_EXHAUSTED', 'body.command.fiscalSource');
    await d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社' });
    await d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await d.decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await d.paymentStatus(projectId, 1, 'PAID');
    expect(await d.payment(projectId, 1)).toMatchObject({ fiscalSource: 'CENTRAL_LINKAGE' });
    // The rest of central (14,000,000) is less than the SUBSTANTIAL tranche: the payer asks per source.
    const progress = await d.command(handle, implementer, { type: 'REPORT_PROGRESS', percent: 85, evidence: ['photos.zip'] });
    await d.command(handle, township, { type: 'VERIFY_REPORT', reportId: progress.recordId! });
    await refused(d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'SUBSTANTIAL_COMPLETION', amountFen: 20_000_000, payeeId: '桃源茶叶合作社' }), 'FISCAL_SOURCE_EXHAUSTED', 'body.command.amountFen');
    const local = await d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'SUBSTANTIAL_COMPLETION', amountFen: 6_000_000, payeeId: '桃源茶叶合作社', fiscalSource: 'LOCAL' });
    expect(local.details).toMatchObject({ fiscalSource: 'LOCAL' });
    await d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await d.decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await d.paymentStatus(projectId, 2, 'PAID');
    expect((await handle.query(projectStateQuery)).financial).toMatchObject({ disbursedFen: 22_000_000, paidBySource: { CENTRAL_LINKAGE: 16_000_000, LOCAL: 6_000_000 } });
    await handle.terminate('test done');
  }, 90_000);

  it("acceptance cannot pass without the villagers' vote, nor with a vote against", async () => {
    const { projectId, handle } = await funded('桃源村验收表决');
    await inspectionOpen(handle);
    // No vote: the joint team's tasks do not open, so nobody can pass the inspection.
    await s.env.sleep(DAY);
    expect(await d.pending(projectId, 'COMPLETION_ACCEPTANCE')).toHaveLength(0);
    await refused(d.command(handle, proposer, { type: 'RECORD_ACCEPTANCE_VOTE', votesFor: 38, votesAgainst: 2, abstentions: 1, satisfactionPercent: 95 }), 'VALIDATION_FAILED', 'body.command.representatives');
    // A vote against fails the round: rectify, then a new round with its own vote.
    const against = await d.command(handle, proposer, { type: 'RECORD_ACCEPTANCE_VOTE', representatives: 45, votesFor: 12, votesAgainst: 28, abstentions: 0, satisfactionPercent: 95 });
    expect(against.details).toMatchObject({ passed: false, stage: 'ACCEPTANCE_RECTIFICATION' });
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE_RECTIFICATION');
    expect((await s.db.prisma.acceptance.findFirstOrThrow({ where: { projectId, round: 1 } })).result).toBe('FAILED');
    await d.command(handle, implementer, { type: 'RECTIFIED', text: '按村民意见整改完毕' });
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE');
    await d.command(handle, proposer, FAVOURABLE_VOTE);
    await refused(d.command(handle, proposer, FAVOURABLE_VOTE), 'CONFLICT');
    await jointTeamApproves(projectId);
    expect((await s.db.prisma.acceptance.findMany({ where: { projectId }, orderBy: { round: 'asc' } })).map((a) => a.result)).toEqual(['FAILED', 'PASSED']);
    await handle.terminate('test done');
  }, 90_000);

  it("the county's satisfaction line decides the vote: 85 % fails at the default 90 % and passes where the county set 80 %", async () => {
    const vote = { type: 'RECORD_ACCEPTANCE_VOTE', representatives: 45, votesFor: 40, votesAgainst: 1, abstentions: 0, satisfactionPercent: 85 } as const;
    const strict = await funded('桃源村满意度默认');
    const lenient = await funded('桃源村满意度县设', { settings: { acceptance: { minSatisfactionPercent: 80 } } });
    for (const p of [strict, lenient]) await inspectionOpen(p.handle);
    expect((await d.command(strict.handle, proposer, vote)).details).toMatchObject({ passed: false, satisfied: false });
    expect((await d.command(lenient.handle, proposer, vote)).details).toMatchObject({ passed: true, satisfied: true });
    await expect.poll(() => d.stageOf(strict.projectId), { timeout: 20_000 }).toBe('ACCEPTANCE_RECTIFICATION');
    await jointTeamApproves(lenient.projectId);
    for (const p of [strict, lenient]) await p.handle.terminate('test done');
  }, 120_000);

  it("the township's five checks cannot be skipped by any caller of the step's Update", async () => {
    const { projectId, handle } = await d.startProject('桃源村五项审核');
    await s.env.sleep(10 * DAY + 60_000);
    const task = await d.taskOf(projectId, 'TOWNSHIP_REVIEW');
    await refused(d.decide(task.id, township, { type: 'APPROVE' }), 'CHECKS_REQUIRED', 'body.checks.authenticity');
    await refused(d.decide(task.id, township, { type: 'APPROVE', checks: { ...PASSED_CHECKS, feasibility: { result: 'FAIL', note: '无销路' } } }), 'CHECKS_REQUIRED', 'body.checks.feasibility.result');
    expect(await s.db.prisma.decision.count({ where: { taskId: task.id } })).toBe(0);
    await d.decide(task.id, township, { type: 'APPROVE', checks: PASSED_CHECKS });
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('TOWNSHIP_PUBLICITY');
    await handle.terminate('test done');
  }, 60_000);

  it("an evaluation's outcome class cannot be overridden without a reason", async () => {
    const { projectId, handle } = await funded('桃源村评价结论');
    await inspectionOpen(handle);
    await d.command(handle, proposer, FAVOURABLE_VOTE);
    await jointTeamApproves(projectId);
    await s.env.sleep(7 * DAY + 60_000);
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('ASSET_HANDOVER');
    await d.command(handle, agri, { type: 'REGISTER_ASSET', name: '高山茶园 300 亩', assetClass: 'OPERATING', valueFen: 30_000_000, owner: '桃源村股份经济合作社', custodian: '桃源茶叶合作社' });
    await d.command(handle, proposer, { type: 'CONFIRM_HANDOVER' });
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
    // 良 suggests 巩固 (CONSOLIDATE); 升级 (UPGRADE) instead needs the evaluator's reason.
    await refused(d.command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(85), outcomeClass: 'UPGRADE' }), 'REASON_REQUIRED', 'body.command.outcomeReason');
    const requestId = `req-${crypto.randomUUID()}`;
    const ok = await d.command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(85), outcomeClass: 'UPGRADE', outcomeReason: '订单已签至 2030 年，扩建加工线' }, requestId);
    expect(ok.details).toMatchObject({ grade: 'GOOD', outcomeClass: 'UPGRADE' });
    const audit = await s.db.prisma.auditEvent.findFirstOrThrow({ where: { requestId, action: 'EVALUATION_SUBMITTED' } });
    expect(audit.details).toMatchObject({ outcomeClass: 'UPGRADE', suggestedOutcome: 'CONSOLIDATE', outcomeReason: '订单已签至 2030 年，扩建加工线' });
    await handle.terminate('test done');
  }, 120_000);
});
