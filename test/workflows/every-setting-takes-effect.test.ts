import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideAcceptanceVote } from '../../src/domain/lifecycle/acceptance-vote';
import { planDisbursement, type TTranche } from '../../src/domain/policies/disbursement-schedule';
import { scoreEvaluation, type TEvaluationIndicators } from '../../src/domain/policies/evaluation-scoring';
import { acceptanceTrancheShareBp, DEFAULT_COUNTY_SETTINGS as DEFAULTS, type TCountySettingsOverrides } from '../../src/domain/policies/settings';
import { readCountySettings } from '../../src/db/county-settings';
import { allocateFundsUpdate } from '../../workflows/messages/project';
import { agri, finance, implementer, leader, proposer, township } from '../support/county-actors';
import { BY_ROLE, DAY, lifecycleDrivers, waitFor, type THandle } from '../support/lifecycle-drivers';
import { createTestDatabase } from '../support/db';
import { FAVOURABLE_VOTE, PASSED_CHECKS, TEA_GARDEN_ASSET } from '../support/proposal';
import { countySettingKeys } from '../support/settings-keys';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';
import { expectUpdateRefused as refused } from '../support/update-refused';

/**
 * Issue #13: every county setting takes effect. For each leaf of the settings schema (enumerated
 * from the schema, test/support/settings-keys.ts) a project started with a non-default value shows,
 * through its own workflow on the time-skipping server with the real activities and database, an
 * outcome that differs from what the default gives. The default's outcome is the same domain
 * policy the workflow runs, asked with DEFAULT_COUNTY_SETTINGS, or a second project with no
 * settings in the same run. The last test checks that the keys proven (here, or by the existing
 * tests named in REFERENCED) are exactly the keys of the schema.
 */
const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;

/** Keys whose proof lives in another test file: file → the test's name, which must still be there. */
const REFERENCED: Record<string, { file: string; test: string }> = {
  'workingDays.calendar': {
    file: 'test/workflows/publicity-working-days.test.ts',
    test: 'a county that takes the holiday out of its calendar gets the shorter period',
  },
  'faultTolerance.appealLevel': {
    file: 'test/workflows/fault-tolerance-appeal-level.test.ts',
    test: 'appealLevel PROVINCE (inherited from the province) draws the province’s holders; COUNTY keeps the county’s other holders',
  },
  'faultTolerance.appealWindowDays': {
    file: 'test/workflows/fault-tolerance-constitution.test.ts',
    test: 'county settings that do nothing: appealWindowDays 20, applicationWindowDays 40',
  },
};

const proven = new Set<string>();
const prove = (...keys: string[]) => keys.forEach((k) => proven.add(k));

let s: TTimeSkippingStack;
let d: ReturnType<typeof lifecycleDrivers>;

type TStarted = Awaited<ReturnType<typeof d.startProject>>;

/** Proposed with the county's settings, through the pool (default publicity), funded with 40,000,000 fen. */
async function fundedTogether(names: Array<[string, TCountySettingsOverrides]>): Promise<TStarted[]> {
  const started: TStarted[] = [];
  for (const [name, settings] of names) started.push(await d.startProject(name, 2027, { settings }));
  await d.throughPool(started.map((p) => p.projectId));
  for (const p of started)
    await p.handle.executeUpdate(allocateFundsUpdate, {
      args: [{ requestId: `alloc-${p.projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }],
    });
  return started;
}

/**
 * What a tranche may release now, read from the workflow's own refusal of a request for more than
 * the whole allocation (a refusal changes nothing, so the probe leaves no trace).
 */
async function releasableNow(handle: THandle, tranche: TTranche): Promise<number> {
  const err = await d.command(handle, implementer, { type: 'REQUEST_PAYMENT', tranche, amountFen: 40_000_001, payeeId: '桃源茶叶合作社' }).then(
    () => null,
    (e: unknown) => e,
  );
  const cause = (err as { cause?: { type?: string; message?: string } } | null)?.cause;
  if (cause?.type === 'TRANCHE_NOT_RELEASABLE') return 0;
  if (cause?.type === 'AMOUNT_EXCEEDS_RELEASABLE') return Number(/at most (\d+) fen/.exec(cause.message!)![1]);
  throw new Error(`unexpected answer to the ${tranche} probe: ${String(cause?.type ?? err)} ${cause?.message ?? ''}`);
}

/** The same facts asked of the disbursement policy with the default schedule. */
const defaultReleasable = (tranche: TTranche, facts: { verifiedProgressPercent: number; acceptancePassed: boolean }) =>
  planDisbursement({
    approvedBudgetFen: 40_000_000,
    schedule: DEFAULTS.disbursement,
    ownCapitalRequiredFen: 10_000_000,
    ownCapitalInvestedFen: 0,
    handoverDate: null,
    openDefects: 0,
    asOfDate: '2027-06-01',
    ...facts,
  }).tranches.find((t) => t.tranche === tranche)!.releasableFen;

/** The default schedule's plan for a project built, accepted and its own capital not required, as of `asOfDate`. */
const planAcceptedByDefault = (dates: { handoverDate: string | null; asOfDate: string }) =>
  planDisbursement({
    approvedBudgetFen: 40_000_000,
    schedule: DEFAULTS.disbursement,
    ownCapitalRequiredFen: 0,
    ownCapitalInvestedFen: 0,
    verifiedProgressPercent: 100,
    acceptancePassed: true,
    openDefects: 0,
    ...dates,
  });

/** The joint team (agriculture, finance, the third party) passes the inspection. */
const jointTeamPasses = async (projectId: string) => {
  for (const role of ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE', 'EXPERT'])
    await d.decide((await d.taskOf(projectId, 'COMPLETION_ACCEPTANCE', role)).id, BY_ROLE[role]!, { type: 'APPROVE' });
  await d.waitForStage(projectId, 'ACCEPTANCE_PUBLICITY');
};

/** After the acceptance publicity: the operating asset registered and handed over, the first evaluation due. */
const handedOver = async ({ projectId, handle }: TStarted) => {
  await d.waitForStage(projectId, 'ASSET_HANDOVER');
  await d.command(handle, agri, TEA_GARDEN_ASSET);
  await d.command(handle, proposer, { type: 'CONFIRM_HANDOVER' });
  await d.waitForStage(projectId, 'EVALUATION');
};

const verifiedProgress = async (handle: THandle, percent: number) => {
  const report = await d.command(handle, implementer, { type: 'REPORT_PROGRESS', percent, evidence: [`progress-${percent}.zip`] });
  await d.command(handle, agri, { type: 'VERIFY_REPORT', reportId: report.recordId! });
};

const COUNTY_WEIGHTS = { output: 40, benefit: 25, satisfaction: 20, budgetExecution: 15 };

const zeroIndicators: TEvaluationIndicators = {
  output: { quantity: 0, quality: 0, timeliness: 0, cost: 0 },
  benefit: { economic: 0, social: 0, ecological: 0, sustainability: 0 },
  satisfactionPercent: 0,
  budgetExecutionPercent: 0,
};
/** Output, benefit and budget execution at `x`, satisfaction full: the score sits between x and 100 by the satisfaction weight. */
const level = (x: number): TEvaluationIndicators => ({
  output: { quantity: x, quality: x, timeliness: x, cost: x },
  benefit: { economic: x, social: x, ecological: x, sustainability: x },
  satisfactionPercent: 100,
  budgetExecutionPercent: x,
});

describe('every county setting takes effect, through the project workflow (issue #13)', () => {
  // A server per test, as in lifecycle-money-rules.test.ts: a project terminated after its approval
  // steps ran can leave the time-skipping server unable to skip time for the next test.
  beforeEach(async () => {
    s = await startTimeSkippingStack('settings');
    d = lifecycleDrivers({ client: s.env.client, prisma: s.db.prisma, taskQueue: s.taskQueue, sleep: (ms) => s.env.sleep(ms) });
  });
  afterEach(async () => {
    await s?.close();
  });

  it('publicity and approval timing: villageDays, townshipDays, reminderAfterHours, escalateAfterHours, urgeIntervalHours', async () => {
    const county = await d.startProject('桃源村公示时限县设', 2027, {
      settings: { publicity: { villageDays: 2, townshipDays: 2 }, approvalTiming: { reminderAfterHours: 2, escalateAfterHours: 4, urgeIntervalHours: 1 } },
    });
    const plain = await d.startProject('桃源村公示时限默认');

    // Two working days of village publicity, not ten: the township review opens while the default project is still on show.
    await d.throughPublicity([county.projectId], 'VILLAGE');
    const task = await d.taskOf(county.projectId, 'TOWNSHIP_REVIEW');
    expect(await d.stageOf(county.projectId)).toBe('TOWNSHIP_REVIEW');
    expect(await d.stageOf(plain.projectId)).toBe('VILLAGE_PUBLICITY');
    prove('publicity.villageDays');

    // Due 4 hours after it opened (the default escalates after 168).
    const dueInHours = (task.dueAt!.getTime() - task.updatedAt!.getTime()) / HOUR;
    expect(dueInHours).toBeCloseTo(4, 1);
    expect(dueInHours).not.toBeCloseTo(DEFAULTS.approvalTiming.escalateAfterHours, 0);
    prove('approvalTiming.escalateAfterHours');

    // Urged again after an hour: the default's 24-hour gap would refuse it (URGE_RATE_LIMITED).
    await d.decide(task.id, proposer, { type: 'URGE' } as never);
    await s.env.sleep(HOUR + MINUTE);
    await d.decide(task.id, proposer, { type: 'URGE' } as never);
    expect(HOUR + MINUTE).toBeLessThan(DEFAULTS.approvalTiming.urgeIntervalHours * HOUR);
    expect((await s.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).urgeCount).toBe(2);
    prove('approvalTiming.urgeIntervalHours');

    // Reminded two hours in (the default reminds after 72).
    await s.env.sleep(HOUR);
    await expect.poll(async () => (await s.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).remindedAt, { timeout: 10_000 }).not.toBeNull();
    prove('approvalTiming.reminderAfterHours');

    // Two working days of township publicity, not ten: the county joint review opens.
    await d.decide(task.id, township, { type: 'APPROVE', checks: PASSED_CHECKS });
    await d.waitForStage(county.projectId, 'TOWNSHIP_PUBLICITY');
    await d.throughPublicity([county.projectId], 'TOWNSHIP');
    await d.waitForStage(county.projectId, 'COUNTY_JOINT_REVIEW');
    expect(await d.stageOf(plain.projectId)).toBe('VILLAGE_PUBLICITY');
    prove('publicity.townshipDays');
    for (const p of [county, plain]) await p.handle.terminate('test done');
  }, 120_000);

  it('money, acceptance, evaluation and operation: disbursement.*, budget.*, acceptance.*, collectiveDecision.*, publicity.acceptanceDays, evaluation.*, income.*, faultTolerance.applicationWindowDays', async () => {
    const [county, strict, poor] = await fundedTogether([
      [
        '桃源村县设拨付验收评价',
        {
          budget: { overspendToleranceBp: 200 },
          disbursement: {
            startShareBp: 3000,
            substantialCompletionShareBp: 4000,
            retentionBp: 1000,
            substantialCompletionProgressPercent: 50,
            retentionHoldMonths: 1,
            ownCapitalMatching: 'NONE',
          },
          acceptance: { rectificationDays: 5, minSatisfactionPercent: 80 },
          collectiveDecision: { majorityMoreThan: { numerator: 2, denominator: 3 } },
          publicity: { acceptanceDays: 2 },
          evaluation: {
            weights: COUNTY_WEIGHTS,
            gradeThresholds: { excellentMin: 95, goodMin: 85, fairMin: 70 },
            satisfactionTargetPercent: 80,
            intervalMonths: 3,
          },
          income: { minDividendRateBp: 1000 },
        },
      ],
      ['桃源村县设复验法定人数', { acceptance: { maxReinspections: 0 }, collectiveDecision: { quorum: { numerator: 3, denominator: 4 } } }],
      ['桃源村县设申请窗口', { publicity: { acceptanceDays: 2 }, faultTolerance: { applicationWindowDays: 40 } }],
    ]);
    const { projectId, handle } = county!;

    // ---- disbursement, before any progress or own capital ---------------------------------------
    // START is 30 % (12,000,000), payable with no own capital invested: the default's 40 % waits for 4,000,000 of it.
    expect(await releasableNow(handle, 'START')).toBe(12_000_000);
    expect(defaultReleasable('START', { verifiedProgressPercent: 0, acceptancePassed: false })).toBe(0);
    prove('disbursement.startShareBp', 'disbursement.ownCapitalMatching');

    // Total spend reported at 42,000,000: beyond 40,000,000 + 2 %, within the default's 10 %.
    await d.command(handle, implementer, {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 12_000_000,
      payeeId: '桃源茶叶合作社',
      reportedTotalSpendFen: 42_000_000,
    });
    await d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
    // An overspend goes to the leading group's 项目变更 approval, not the finance bureau's flag review.
    await d.paymentStatus(projectId, 1, 'CHANGE_APPROVAL');
    expect((await d.payment(projectId, 1)).riskFlags.map((f) => f.code)).toContain('OVERSPEND_NEEDS_NEW_APPROVAL');
    expect(42_000_000).toBeLessThanOrEqual(40_000_000 * (1 + DEFAULTS.budget.overspendToleranceBp / 10_000));
    prove('budget.overspendToleranceBp');
    await d.decidePaymentStep(projectId, 'PROJECT_CHANGE_APPROVAL', { type: 'REJECT', reason: '超概算，不予重新批复' });
    await d.paymentStatus(projectId, 1, 'REJECTED');

    // 50 % verified progress releases SUBSTANTIAL_COMPLETION, 40 % (16,000,000); the default needs 80 %.
    await verifiedProgress(handle, 50);
    expect(await releasableNow(handle, 'SUBSTANTIAL_COMPLETION')).toBe(16_000_000);
    expect(defaultReleasable('SUBSTANTIAL_COMPLETION', { verifiedProgressPercent: 50, acceptancePassed: false })).toBe(0);
    expect(defaultReleasable('SUBSTANTIAL_COMPLETION', { verifiedProgressPercent: 80, acceptancePassed: false })).toBe(0); // capital
    prove('disbursement.substantialCompletionProgressPercent', 'disbursement.substantialCompletionShareBp');

    // ---- acceptance: the villagers' vote ---------------------------------------------------------
    for (const p of [county!, strict!, poor!]) {
      await verifiedProgress(p.handle, 100);
      await d.command(p.handle, proposer, { type: 'REQUEST_ACCEPTANCE' });
    }
    await d.command(poor!.handle, proposer, FAVOURABLE_VOTE);
    await jointTeamPasses(poor!.projectId);
    // 30 of 45 present: the default 2/3 quorum is met, the county's 3/4 is not; with no re-inspection
    // left the failed round goes to the leading group (the default, 3, sends it to rectification).
    const thin = { type: 'RECORD_ACCEPTANCE_VOTE', representatives: 45, votesFor: 20, votesAgainst: 10, abstentions: 0, satisfactionPercent: 95 } as const;
    expect((await d.command(strict!.handle, proposer, thin)).details).toMatchObject({ quorumMet: false, passed: false, stage: 'REPLACEMENT_REVIEW' });
    expect(decideAcceptanceVote({ vote: thin, settings: DEFAULTS })).toMatchObject({ quorumMet: true, passed: true });
    prove('collectiveDecision.quorum', 'acceptance.maxReinspections');

    // 25 for, 15 against: more than half, not more than the county's 2/3. Satisfaction 85 %: below
    // the default 90 %, at or above the county's 80 %.
    const split = { type: 'RECORD_ACCEPTANCE_VOTE', representatives: 45, votesFor: 25, votesAgainst: 15, abstentions: 0, satisfactionPercent: 85 } as const;
    const before = await s.env.currentTimeMs();
    expect((await d.command(handle, proposer, split)).details).toMatchObject({
      quorumMet: true,
      majorityInFavour: false,
      satisfied: true,
      passed: false,
      stage: 'ACCEPTANCE_RECTIFICATION',
    });
    expect(decideAcceptanceVote({ vote: split, settings: DEFAULTS })).toMatchObject({ majorityInFavour: true, satisfied: false });
    prove('collectiveDecision.majorityMoreThan', 'acceptance.minSatisfactionPercent');

    // The rectification is due in 5 days (the default gives 30).
    const rectify = await d.taskOf(projectId, 'ACCEPTANCE_RECTIFY');
    const dueInDays = (rectify.dueAt!.getTime() - before) / DAY;
    expect(dueInDays).toBeGreaterThanOrEqual(5);
    expect(dueInDays).toBeLessThan(6);
    expect(DEFAULTS.acceptance.rectificationDays).toBeGreaterThan(6);
    prove('acceptance.rectificationDays');

    await d.command(handle, implementer, { type: 'RECTIFIED', text: '按村民意见整改完毕' });
    await d.waitForStage(projectId, 'ACCEPTANCE');
    await d.command(handle, proposer, FAVOURABLE_VOTE);
    await jointTeamPasses(projectId);

    // After acceptance the last tranche is what the others leave: 40,000,000 − 12,000,000 −
    // 16,000,000 − 4,000,000 retention = 8,000,000 (the default schedule's is 2,000,000). It has no
    // share of its own: disbursement.acceptanceShareBp could only ever be that rest, and was removed.
    expect(await releasableNow(handle, 'ACCEPTANCE')).toBe(8_000_000);
    expect(planAcceptedByDefault({ handoverDate: null, asOfDate: '2027-06-01' }).amounts.ACCEPTANCE).toBe(2_000_000);

    // Two working days of acceptance publicity, not seven.
    await d.throughPublicity([projectId], 'ACCEPTANCE');
    await d.waitForStage(projectId, 'ASSET_HANDOVER');
    prove('publicity.acceptanceDays');

    for (const p of [county!, poor!]) await handedOver(p);

    // A 差 grade approved: the officials concerned may apply for a 容错纠错 review within 40 days (default 30).
    await d.command(poor!.handle, agri, { type: 'SUBMIT_EVALUATION', indicators: level(30) });
    await d.decide((await d.taskOf(poor!.projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    const notices = await waitFor(
      () => s.db.prisma.reviewEligibility.findMany({ where: { projectId: poor!.projectId } }),
      (rows) => rows.length > 0,
      'the eligibility notices',
    );
    for (const notice of notices) {
      expect(notice.windowDays).toBe(40);
      expect((notice.closesAt.getTime() - notice.notifiedAt.getTime()) / DAY).toBeGreaterThanOrEqual(40);
      expect((notice.closesAt.getTime() - notice.notifiedAt.getTime()) / DAY).toBeLessThan(41);
    }
    expect(DEFAULTS.faultTolerance.applicationWindowDays).toBe(30);
    prove('faultTolerance.applicationWindowDays');

    // ---- income: 2,800,000 on a principal of 30,000,000 is 9.33 %: enough for 8 %, not for the county's 10 %.
    const income = await d.command(handle, proposer, {
      type: 'RECORD_INCOME',
      period: { from: '2028-01-01', until: '2029-01-01' },
      incomeFen: 2_800_000,
      households: [{ householdId: 'h-01' }],
    });
    expect(income.details).toMatchObject({ dividendRateBp: 933, meetsMinimum: false });
    expect(933).toBeGreaterThanOrEqual(DEFAULTS.income.minDividendRateBp);
    prove('income.minDividendRateBp');

    // ---- evaluation grades, read from the workflow's refusal of an unexplained outcome class ---------
    // Level 90 scores 92.0 here and 91.0 by default: 优 (suggests UPGRADE) only by default. Level 80:
    // 84.0 / 82.0, 良 (CONSOLIDATE) only by default. Level 60: 68.0 / 64.0, 中 (REVITALISE) only by default.
    const grades = [
      [90, 'UPGRADE', 'gradeThresholds.excellentMin'],
      [80, 'CONSOLIDATE', 'gradeThresholds.goodMin'],
      [60, 'REVITALISE', 'gradeThresholds.fairMin'],
    ] as const;
    for (const [x, outcomeClass, key] of grades) {
      expect(scoreEvaluation({ indicators: level(x), settings: DEFAULTS.evaluation }).suggestedOutcome).toBe(outcomeClass);
      await refused(
        d.command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators: level(x), outcomeClass }),
        'REASON_REQUIRED',
        'body.command.outcomeReason',
      );
      prove(`evaluation.${key}`);
    }

    // ---- evaluation scores: one category at a time scores its weight (the evaluation is sent back each time).
    const submitted = async (indicators: TEvaluationIndicators) => {
      await d.taskOf(projectId, 'EVALUATION_SUBMIT');
      return (await d.command(handle, agri, { type: 'SUBMIT_EVALUATION', indicators })).details as { score: number };
    };
    const sentBack = async () => d.decide((await d.taskOf(projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'REJECT', reason: '重新评价' });
    const defaultScore = (indicators: TEvaluationIndicators) => scoreEvaluation({ indicators, settings: DEFAULTS.evaluation }).score;
    const oneCategory: Array<[string, TEvaluationIndicators, number]> = [
      ['evaluation.weights.output', { ...zeroIndicators, output: { quantity: 100, quality: 100, timeliness: 100, cost: 100 } }, 40],
      ['evaluation.weights.benefit', { ...zeroIndicators, benefit: { economic: 100, social: 100, ecological: 100, sustainability: 100 } }, 25],
      ['evaluation.weights.satisfaction', { ...zeroIndicators, satisfactionPercent: 100 }, 20],
      ['evaluation.weights.budgetExecution', { ...zeroIndicators, budgetExecutionPercent: 100 }, 15],
      // 80 % satisfied meets the county's 80 % target (the full 20 points); against 90 % it would not.
      ['evaluation.satisfactionTargetPercent', { ...zeroIndicators, satisfactionPercent: 80 }, 20],
    ];
    for (const [key, indicators, score] of oneCategory) {
      expect((await submitted(indicators)).score).toBe(score);
      expect(defaultScore(indicators)).not.toBe(score);
      await sentBack();
      prove(key);
    }
    expect(scoreEvaluation({ indicators: oneCategory[4]![1], settings: { ...DEFAULTS.evaluation, weights: COUNTY_WEIGHTS } }).score).toBeLessThan(20);

    // Approved 优: back to operation, the next evaluation due in 3 months (the default: 12).
    await submitted(level(100));
    await d.decide((await d.taskOf(projectId, 'EVALUATION_APPROVAL')).id, leader, { type: 'APPROVE' });
    await d.waitForStage(projectId, 'OPERATION');

    // ---- a month after handover the retention (10 %: 4,000,000) is released; by default it is 5 % after 12 months.
    await s.env.sleep(32 * DAY);
    const retention = await waitFor(
      () => s.db.prisma.payment.findFirst({ where: { projectId, tranche: 'RETENTION' } }),
      (p) => p !== null,
      'the retention payment',
    );
    expect(retention!.amountFen).toBe(4_000_000n);
    expect(planAcceptedByDefault({ handoverDate: '2027-01-01', asOfDate: '2027-02-02' }).retentionReleasableOn).toBe('2028-01-01');
    expect(DEFAULTS.disbursement.retentionBp).toBe(500);
    prove('disbursement.retentionBp', 'disbursement.retentionHoldMonths');

    await s.env.sleep(62 * DAY);
    await d.waitForStage(projectId, 'EVALUATION');
    prove('evaluation.intervalMonths');
    for (const p of [county!, strict!, poor!]) await p.handle.terminate('test done');
  }, 240_000);
});

describe('the settings test covers every key', () => {
  it('each key of the settings schema is proven here or by a named existing test, and nothing else is', () => {
    const keys = countySettingKeys();
    for (const [key, { file, test }] of Object.entries(REFERENCED)) {
      expect(fs.readFileSync(path.resolve(import.meta.dirname, '../..', file), 'utf8'), `${key}: ${file}`).toContain(test);
    }
    expect([...new Set([...proven, ...Object.keys(REFERENCED)])].sort()).toEqual(keys);
  });
});

describe('removed keys are migrated', () => {
  it('a county that saved disbursement.acceptanceShareBp still loads: migration 0020 strips the key and keeps the rest', async () => {
    const stored = { ...DEFAULTS, disbursement: { ...DEFAULTS.disbursement, startShareBp: 3000, acceptanceShareBp: 2000 } };
    const db = await createTestDatabase({
      before: {
        migration: '0020_retire_acceptance_share_setting',
        sql: `INSERT INTO "OrgUnit" (id, name, level, path) VALUES ('c-old', '旧县', 'COUNTY', '/c-old/');
              INSERT INTO "CountySettings" ("countyId", "values", version, "updatedAt") VALUES ('c-old', '${JSON.stringify(stored)}', 3, now());`,
      },
    });
    try {
      const row = await db.prisma.countySettings.findUniqueOrThrow({ where: { countyId: 'c-old' } });
      const disbursement = (row.values as { disbursement: Record<string, unknown> }).disbursement;
      expect(disbursement).not.toHaveProperty('acceptanceShareBp');
      expect(disbursement).toMatchObject({ startShareBp: 3000, substantialCompletionShareBp: 5000, retentionBp: 500 });
      const read = await readCountySettings(db.prisma, { countyId: 'c-old', defaults: DEFAULTS });
      expect(read).toMatchObject({ source: 'COUNTY', version: 3, settings: { disbursement: { startShareBp: 3000 } } });
      expect(acceptanceTrancheShareBp(read.settings.disbursement)).toBe(2000);
    } finally {
      await db.drop();
    }
  });
});
