import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProject } from '../support/http-project';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';

/**
 * A funded project driven over HTTP, the way the web app and the CLI do it: commands on
 * POST /api/projects/:id/actions, payment approvals in the inbox, records on GET .../records.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const h = () => httpProject(s);
const call: ReturnType<typeof httpProject>['call'] = (...args) => h().call(...args);
const act: ReturnType<typeof httpProject>['act'] = (...args) => h().act(...args);
const sha: ReturnType<typeof httpProject>['sha'] = (text) => h().sha(text);
const fundedProject = () => h().fundedProject();
const inboxTask = (who: string, projectId: string, kind: string) => h().inboxTask(who, projectId, kind);
const approveTask = (who: string, taskId: string) => h().approveTask(who, taskId);
const paymentRows = (projectId: string) => s.prisma.payment.findMany({ where: { projectId }, orderBy: { seq: 'asc' }, include: { riskFlags: true } });

describe('funded project commands over HTTP', () => {
  it('own capital, a payment through verification and finance approval, and refusals that change nothing', async () => {
    const projectId = await fundedProject();
    const capital = await act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['银行进账单 2027-03-02.pdf'] });
    expect(capital.statusCode).toBe(201);
    const reportId = capital.json().recordId;
    const byTownship = await act(projectId, 'township', { type: 'VERIFY_REPORT', reportId });
    expect([byTownship.statusCode, byTownship.json().error.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect((await act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId })).statusCode).toBe(201);
    expect(await s.prisma.progressReport.findUniqueOrThrow({ where: { id: reportId } })).toMatchObject({
      verifiedBy: s.userIds.finance,
      amountFen: 4_000_000n,
    });

    // Refused: the wrong role, another village's committee, a malformed amount, a tranche not due.
    const wrongRole = await act(projectId, 'township', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社' });
    expect([wrongRole.statusCode, wrongRole.json().error.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const otherVillage = await act(projectId, 'village2', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社' });
    expect(otherVillage.statusCode).toBe(404);
    const negative = await act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: -5, payeeId: '桃源茶叶合作社' });
    expect([negative.statusCode, negative.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(JSON.stringify(negative.json().error.details)).toContain('amountFen');
    const notDue = await act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' });
    expect([notDue.statusCode, notDue.json().error.code]).toEqual([409, 'TRANCHE_NOT_RELEASABLE']);
    expect(await paymentRows(projectId)).toHaveLength(0);

    const requestId = newRequestId();
    const requested = await act(
      projectId,
      'implementer',
      {
        type: 'REQUEST_PAYMENT',
        tranche: 'START',
        amountFen: 16_000_000,
        payeeId: '桃源茶叶合作社',
        invoices: [{ number: 'ZJ-2027-000123', sha256: sha('zj-123') }],
      },
      requestId,
    );
    expect(requested.statusCode).toBe(201);
    expect(requested.json()).toMatchObject({ type: 'REQUEST_PAYMENT', stageAfter: 'IMPLEMENTATION', recordId: `${projectId}:pay:1` });
    // The same request again answers the same and records nothing new.
    const again = await act(
      projectId,
      'implementer',
      { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社' },
      requestId,
    );
    expect(again.json().recordId).toBe(`${projectId}:pay:1`);
    expect(await paymentRows(projectId)).toHaveLength(1);

    expect((await approveTask('agri', await inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'))).statusCode).toBe(200);
    expect((await approveTask('finance', await inboxTask('finance', projectId, 'PAYMENT_APPROVAL'))).statusCode).toBe(200);
    await expect.poll(async () => (await paymentRows(projectId))[0]?.status, { timeout: 10_000 }).toBe('PAID');

    const records = await call('GET', `/api/projects/${projectId}/records`, s.tokens.monitor!);
    expect(records.statusCode).toBe(200);
    expect(records.json().money).toMatchObject({
      budgetFen: 50_000_000,
      allocatedFen: 40_000_000,
      disbursedFen: 16_000_000,
      paidByTranche: { START: 16_000_000 },
    });
    expect(records.json().payments[0]).toMatchObject({
      status: 'PAID',
      amountFen: 16_000_000,
      voucherNo: `PV-${projectId}:pay:1`,
      invoices: [{ number: 'ZJ-2027-000123' }],
    });
    const detail = await call('GET', `/api/projects/${projectId}`, s.tokens.monitor!);
    expect(detail.json()).toMatchObject({
      stage: 'IMPLEMENTATION',
      disbursedFen: 16_000_000,
      live: { financial: { disbursedFen: 16_000_000, approvedFen: 40_000_000 } },
    });
    const audit = await s.prisma.auditEvent.findMany({ where: { entityType: 'Project', entityId: projectId, action: { startsWith: 'PAYMENT_' } } });
    expect(audit.filter((a) => a.action === 'PAYMENT_PAID')).toHaveLength(1);
  });

  it("flags an invoice already used in another project's payment, and the finance bureau's confirmation rejects it", async () => {
    const first = await fundedProject();
    const second = await fundedProject();
    const invoice = { number: 'ZJ-2027-777', sha256: sha('shared-invoice') };
    for (const projectId of [first, second]) {
      const capital = await act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['slip.pdf'] });
      await act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId: capital.json().recordId });
      expect(
        (
          await act(projectId, 'implementer', {
            type: 'REQUEST_PAYMENT',
            tranche: 'START',
            amountFen: 16_000_000,
            payeeId: '桃源茶叶合作社',
            invoices: [invoice],
          })
        ).statusCode,
      ).toBe(201);
      await approveTask('agri', await inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'));
    }
    await expect.poll(async () => (await paymentRows(second))[0]?.status, { timeout: 10_000 }).toBe('FLAGGED');
    const [flag] = (await paymentRows(second))[0]!.riskFlags;
    expect(flag).toMatchObject({ code: 'DUPLICATE_INVOICE', status: 'OPEN' });
    expect((flag!.details as { matches: Array<{ projectId: string }> }).matches.map((m) => m.projectId)).toEqual([first]);
    const review = await inboxTask('finance', second, 'RISK_FLAG_REVIEW');
    const confirm = await call('POST', `/api/tasks/${encodeURIComponent(review)}/decision`, s.tokens.finance!, {
      action: 'reject',
      comment: '同一发票重复报账',
      requestId: newRequestId(),
    });
    expect(confirm.statusCode).toBe(200);
    await expect.poll(async () => (await paymentRows(second))[0]?.status, { timeout: 10_000 }).toBe('REJECTED');
    expect((await paymentRows(second))[0]!.riskFlags[0]).toMatchObject({ status: 'CONFIRMED', resolvedBy: s.userIds.finance });
    expect((await s.prisma.project.findUniqueOrThrow({ where: { id: second } })).disbursedFen).toBe(0n);
  });
});

/** Issue #13: the rules that guard money and acceptance, where a person meets them over HTTP. */
describe('rules that guard money and acceptance over HTTP (issue #13)', () => {
  const stageOf = async (projectId: string) => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage;
  const refusal = (res: { statusCode: number; json(): { error: { code: string; details: Array<{ path: string }> } } }) => [
    res.statusCode,
    res.json().error.code,
    res.json().error.details.map((x) => x.path),
  ];

  /** Own capital in full and progress 100 % verified, acceptance requested. */
  async function inspectionOpen(projectId: string) {
    const capital = await act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: 10_000_000, evidence: ['slip.pdf'] });
    await act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId: capital.json().recordId });
    const done = await act(projectId, 'implementer', { type: 'REPORT_PROGRESS', percent: 100, evidence: ['完工报告.pdf'] });
    await act(projectId, 'agri', { type: 'VERIFY_REPORT', reportId: done.json().recordId });
    expect((await act(projectId, 'village', { type: 'REQUEST_ACCEPTANCE' })).statusCode).toBe(201);
  }
  const vote = (satisfactionPercent: number, votesFor = 38, votesAgainst = 2) => ({
    type: 'RECORD_ACCEPTANCE_VOTE',
    representatives: 45,
    votesFor,
    votesAgainst,
    abstentions: 1,
    satisfactionPercent,
  });

  it('the retention cannot be drawn early: an ACCEPTANCE request that includes the retention is refused 409 AMOUNT_EXCEEDS_RELEASABLE on body.command.amountFen', async () => {
    const projectId = await fundedProject();
    await inspectionOpen(projectId);
    await act(projectId, 'village', vote(95));
    for (const who of ['agri', 'finance', 'expert']) await approveTask(who, await inboxTask(who, projectId, 'COMPLETION_ACCEPTANCE'));
    await expect.poll(() => stageOf(projectId), { timeout: 10_000 }).toBe('ASSET_HANDOVER');
    const early = await act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 4_000_000, payeeId: '桃源茶叶合作社' });
    expect(refusal(early)).toEqual([409, 'AMOUNT_EXCEEDS_RELEASABLE', ['body.command.amountFen']]);
    expect(await paymentRows(projectId)).toHaveLength(0);
    const right = await act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'ACCEPTANCE', amountFen: 2_000_000, payeeId: '桃源茶叶合作社' });
    expect(right.statusCode).toBe(201);
    expect((await paymentRows(projectId))[0]).toMatchObject({ amountFen: 2_000_000n, fiscalSource: 'CENTRAL_LINKAGE' });
  });

  it('fiscal allocation cannot exceed the fiscal sources: funding 45,000,000 of 40,000,000 fiscal (own capital 10,000,000) is refused 409 FISCAL_SOURCES_EXCEEDED', async () => {
    const projectId = await h().projectInPool();
    const over = await call('POST', `/api/projects/${projectId}/funding`, s.tokens.finance!, {
      fiscalYear: 2027,
      amountFen: 45_000_000,
      requestId: newRequestId(),
    });
    expect(refusal(over)).toEqual([409, 'FISCAL_SOURCES_EXCEEDED', ['body.amountFen']]);
    expect(await s.prisma.fundAllocation.count({ where: { projectId } })).toBe(0);
  });

  it('payments name no fiscal source: each paid payment is bound to one, and the records report central 衔接资金 on its own', async () => {
    const projectId = await fundedProject();
    await h().paidStartPayment(projectId);
    const records = await call('GET', `/api/projects/${projectId}/records`, s.tokens.monitor!);
    expect(records.json().money.paidBySource).toEqual({ CENTRAL_LINKAGE: 16_000_000, LOCAL: 0, OTHER: 0 });
    expect(records.json().payments[0]).toMatchObject({ fiscalSource: 'CENTRAL_LINKAGE' });
  });

  it("acceptance cannot pass without the villagers' vote or with a vote against: no inspection task until a vote, a vote against fails the round", async () => {
    const projectId = await fundedProject();
    await inspectionOpen(projectId);
    const inbox = await call('GET', '/api/tasks', s.tokens.agri!);
    expect(inbox.json().items.filter((t: { projectId: string; kind: string }) => t.projectId === projectId && t.kind === 'COMPLETION_ACCEPTANCE')).toHaveLength(
      0,
    );
    const noCount = await act(projectId, 'village', { type: 'RECORD_ACCEPTANCE_VOTE', votesFor: 38, votesAgainst: 2, satisfactionPercent: 95 });
    expect(refusal(noCount)).toEqual([400, 'VALIDATION_FAILED', ['body.command.representatives']]);
    const against = await act(projectId, 'village', vote(95, 10, 30));
    expect(against.json()).toMatchObject({ stageAfter: 'ACCEPTANCE_RECTIFICATION', details: { passed: false } });
    await expect.poll(() => stageOf(projectId), { timeout: 10_000 }).toBe('ACCEPTANCE_RECTIFICATION');
    const rounds = await s.prisma.acceptance.findMany({ where: { projectId } });
    expect(rounds.map((r) => r.result)).toEqual(['FAILED']);
  });

  it("the township's five checks are required on the township approval: an approval without them is refused 400 CHECKS_REQUIRED", async () => {
    const started = await call('POST', '/api/projects', s.tokens.village!, { ...sampleProposal(), requestId: newRequestId() });
    const { projectId, taskId } = started.json();
    const bare = await call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township!, {
      action: 'approve',
      comment: '同意',
      requestId: newRequestId(),
    });
    expect(refusal(bare)).toEqual([400, 'CHECKS_REQUIRED', ['body.checks.authenticity']]);
    expect(await stageOf(projectId)).toBe('TOWNSHIP_REVIEW');
    const ok = await call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township!, {
      action: 'approve',
      checks: PASSED_CHECKS,
      requestId: newRequestId(),
    });
    expect(ok.statusCode).toBe(200);
  });

  it("an evaluation's outcome class cannot be overridden without a reason: 400 REASON_REQUIRED on body.command.outcomeReason", async () => {
    const projectId = await fundedProject();
    await h().throughHandover(projectId);
    const indicators = {
      output: { quantity: 85, quality: 85, timeliness: 85, cost: 85 },
      benefit: { economic: 85, social: 85, ecological: 85, sustainability: 85 },
      satisfactionPercent: 90,
      budgetExecutionPercent: 85,
    };
    const bare = await act(projectId, 'agri', { type: 'SUBMIT_EVALUATION', indicators, outcomeClass: 'ADJUST' });
    expect(refusal(bare)).toEqual([400, 'REASON_REQUIRED', ['body.command.outcomeReason']]);
    const reasoned = await act(projectId, 'agri', { type: 'SUBMIT_EVALUATION', indicators, outcomeClass: 'ADJUST', outcomeReason: '市场萎缩，转产加工' });
    expect(reasoned.json()).toMatchObject({ details: { grade: 'GOOD', outcomeClass: 'ADJUST' } });
  });
});

describe('the README saved Temporal UI queries', () => {
  it('every query in the README table is valid on the dev server, and the money query finds a paid-out project', async () => {
    const readme = await import('node:fs/promises').then((fs) => fs.readFile(new URL('../../docs/operations.md', import.meta.url), 'utf8'));
    const section = readme.slice(readme.indexOf('## Watching projects in the Temporal UI'), readme.indexOf('## Tests'));
    const queries = [...section.matchAll(/^\| [^|]+ \| `([^`]+)` \|$/gm)].map((m) => m[1]!);
    expect(queries.length).toBeGreaterThanOrEqual(12);
    for (const query of queries) {
      // Scoped to this test's task queue so other files' workflows do not count; a syntax error
      // or an unknown attribute throws here.
      const listed = s.client.workflow.list({ query: `(${query}) AND TaskQueue = "${s.taskQueue}"` });
      for await (const _ of listed) break;
    }
    const projectId = await fundedProject();
    const paid = `ProjectStage = "IMPLEMENTATION" AND DisbursedFen < 25000000 AND ApprovedFen > 0 AND TaskQueue = "${s.taskQueue}"`;
    await expect
      .poll(
        async () => {
          const ids: string[] = [];
          for await (const wf of s.client.workflow.list({ query: paid })) ids.push(wf.workflowId);
          return ids.includes(`project-${projectId}`);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
  });
});
