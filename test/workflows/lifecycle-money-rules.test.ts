import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocateFundsUpdate, projectStateQuery } from '../../workflows/messages/project';
import { proposer, implementer, township, agri, finance, leader } from '../support/county-actors';
import { BY_ROLE, DAY, indicators, lifecycleDrivers, type THandle } from '../support/lifecycle-drivers';
import { FAVOURABLE_VOTE, PASSED_CHECKS, TEA_GARDEN_ASSET } from '../support/proposal';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';
import { expectUpdateRefused } from '../support/update-refused';

/**
 * Issue #13, items 1, 4, 6, 7 and 9: each defect an auditor reproduced on main, driven through the
 * project's own workflow (and its approval steps) on the time-skipping server with the drivers of
 * lifecycle-operation.test.ts.
 */
let s: TTimeSkippingStack;
let d: ReturnType<typeof lifecycleDrivers>;

// A server per test: a project terminated after its payment or approval steps ran leaves the
// time-skipping server unable to skip time for the next test (it waits for ever), as it does after
// the three-year flow of lifecycle-operation.test.ts.
beforeEach(async () => {
  s = await startTimeSkippingStack('money-rules');
  d = lifecycleDrivers({ client: s.env.client, prisma: s.db.prisma, taskQueue: s.taskQueue, sleep: (ms) => s.env.sleep(ms) });
});
afterEach(async () => {
  await s?.close();
});

const refused = expectUpdateRefused;

/** Issue #13: the rules that guard money and acceptance, each through the project's own workflow. */
describe('rules that guard money and acceptance (issue #13)', () => {
  const CENTRAL_AND_LOCAL = {
    fundingSources: [
      { source: 'CENTRAL_LINKAGE', amountFen: 30_000_000 },
      { source: 'LOCAL', amountFen: 10_000_000 },
      { source: 'OWN_CAPITAL', amountFen: 10_000_000 },
    ],
  };

  /** Proposed, through the pool, funded with 40,000,000 fen (the fiscal sources of the sample). */
  async function funded(name: string, extra: Parameters<typeof d.startProject>[2] = {}) {
    const started = await d.startProject(name, 2027, extra);
    await d.throughPool([started.projectId]);
    await started.handle.executeUpdate(allocateFundsUpdate, {
      args: [{ requestId: `alloc-${started.projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }],
    });
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
    for (const role of ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE', 'EXPERT'])
      await d.decide((await d.taskOf(projectId, 'COMPLETION_ACCEPTANCE', role)).id, BY_ROLE[role]!, { type: 'APPROVE' });
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('ACCEPTANCE_PUBLICITY');
  }

  it('the retention cannot be drawn early: an ACCEPTANCE request that includes the retention is refused during the acceptance publicity', async () => {
    const { projectId, handle } = await funded('桃源村质保金提前拨付');
    await inspectionOpen(handle);
    await d.command(handle, proposer, FAVOURABLE_VOTE);
    await jointTeamApproves(projectId);
    // ACCEPTANCE 2,000,000 + RETENTION 2,000,000 in one request: the old check saw only "ACCEPTANCE has something releasable".
    await refused(
      d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 4_000_000, payeeId: '桃源茶叶合作社' }),
      'AMOUNT_EXCEEDS_RELEASABLE',
      'body.command.amountFen',
    );
    await refused(
      d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'RETENTION', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' }),
      'TRANCHE_NOT_RELEASABLE',
      'body.command.tranche',
    );
    expect(await s.db.prisma.payment.count({ where: { projectId } })).toBe(0);
    const ok = await d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' });
    expect(ok.details).toMatchObject({ fiscalSource: 'CENTRAL_LINKAGE' });
    // Paid: bound to its source on the Payment row.
    await d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await d.decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await d.paymentStatus(projectId, 1, 'PAID');
    expect(await d.payment(projectId, 1)).toMatchObject({ tranche: 'ACCEPTANCE', amountFen: 2_000_000n, fiscalSource: 'CENTRAL_LINKAGE' });
    await handle.terminate('test done');
  }, 90_000);

  it('fiscal allocation cannot exceed the fiscal sources: 45,000,000 of a project whose fiscal sources are 40,000,000 is refused', async () => {
    const { projectId, handle } = await d.startProject('桃源村超额下达');
    await d.throughPool([projectId]);
    await refused(
      handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: `alloc-${projectId}`, actor: finance, fiscalYear: 2027, amountFen: 45_000_000 }] }),
      'FISCAL_SOURCES_EXCEEDED',
      'body.amountFen',
    );
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
    await refused(
      d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', fiscalSource: 'LOCAL' }),
      'FISCAL_SOURCE_EXHAUSTED',
      'body.command.fiscalSource',
    );
    await d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社' });
    await d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await d.decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await d.paymentStatus(projectId, 1, 'PAID');
    expect(await d.payment(projectId, 1)).toMatchObject({ fiscalSource: 'CENTRAL_LINKAGE' });
    // The rest of central (14,000,000) is less than the SUBSTANTIAL tranche: the payer asks per source.
    const progress = await d.command(handle, implementer, { type: 'REPORT_PROGRESS', percent: 85, evidence: ['photos.zip'] });
    await d.command(handle, township, { type: 'VERIFY_REPORT', reportId: progress.recordId! });
    await refused(
      d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche: 'SUBSTANTIAL_COMPLETION', amountFen: 20_000_000, payeeId: '桃源茶叶合作社' }),
      'FISCAL_SOURCE_EXHAUSTED',
      'body.command.amountFen',
    );
    const local = await d.command(handle, implementer, {
      type: 'REQUEST_PAYMENT',
      tranche: 'SUBSTANTIAL_COMPLETION',
      amountFen: 6_000_000,
      payeeId: '桃源茶叶合作社',
      fiscalSource: 'LOCAL',
    });
    expect(local.details).toMatchObject({ fiscalSource: 'LOCAL' });
    await d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    await d.decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
    await d.paymentStatus(projectId, 2, 'PAID');
    expect((await handle.query(projectStateQuery)).financial).toMatchObject({
      disbursedFen: 22_000_000,
      paidBySource: { CENTRAL_LINKAGE: 16_000_000, LOCAL: 6_000_000 },
    });
    await handle.terminate('test done');
  }, 90_000);

  it("acceptance cannot pass without the villagers' vote, nor with a vote against", async () => {
    const { projectId, handle } = await funded('桃源村验收表决');
    await inspectionOpen(handle);
    // No vote: the joint team's tasks do not open, so nobody can pass the inspection.
    await s.env.sleep(DAY);
    expect(await d.pending(projectId, 'COMPLETION_ACCEPTANCE')).toHaveLength(0);
    await refused(
      d.command(handle, proposer, { type: 'RECORD_ACCEPTANCE_VOTE', votesFor: 38, votesAgainst: 2, abstentions: 1, satisfactionPercent: 95 }),
      'VALIDATION_FAILED',
      'body.command.representatives',
    );
    // A vote against fails the round: rectify, then a new round with its own vote.
    const against = await d.command(handle, proposer, {
      type: 'RECORD_ACCEPTANCE_VOTE',
      representatives: 45,
      votesFor: 12,
      votesAgainst: 28,
      abstentions: 0,
      satisfactionPercent: 95,
    });
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
    await d.throughPublicity([projectId], 'VILLAGE');
    const task = await d.taskOf(projectId, 'TOWNSHIP_REVIEW');
    await refused(d.decide(task.id, township, { type: 'APPROVE' }), 'CHECKS_REQUIRED', 'body.checks.authenticity');
    await refused(
      d.decide(task.id, township, { type: 'APPROVE', checks: { ...PASSED_CHECKS, feasibility: { result: 'FAIL', note: '无销路' } } }),
      'CHECKS_REQUIRED',
      'body.checks.feasibility.result',
    );
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
    await d.throughPublicity([projectId], 'ACCEPTANCE');
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('ASSET_HANDOVER');
    await d.command(handle, agri, TEA_GARDEN_ASSET);
    await d.command(handle, proposer, { type: 'CONFIRM_HANDOVER' });
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
    // 良 suggests 巩固 (CONSOLIDATE); 升级 (UPGRADE) instead needs the evaluator's reason.
    await refused(
      d.command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: indicators(85), outcomeClass: 'UPGRADE' }),
      'REASON_REQUIRED',
      'body.command.outcomeReason',
    );
    const requestId = `req-${crypto.randomUUID()}`;
    const ok = await d.command(
      handle,
      agri,
      { type: 'SUBMIT_EVALUATION', indicators: indicators(85), outcomeClass: 'UPGRADE', outcomeReason: '订单已签至 2030 年，扩建加工线' },
      requestId,
    );
    expect(ok.details).toMatchObject({ grade: 'GOOD', outcomeClass: 'UPGRADE' });
    const audit = await s.db.prisma.auditEvent.findFirstOrThrow({ where: { requestId, action: 'EVALUATION_SUBMITTED' } });
    expect(audit.details).toMatchObject({ outcomeClass: 'UPGRADE', suggestedOutcome: 'CONSOLIDATE', outcomeReason: '订单已签至 2030 年，扩建加工线' });
    // The override stands once approved.
    await d.decide((await d.taskOf(projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    await expect.poll(() => d.stageOf(projectId), { timeout: 20_000 }).toBe('OPERATION');
    await handle.terminate('test done');
  }, 120_000);
});
