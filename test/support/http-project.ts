import crypto from 'node:crypto';
import { expect } from 'vitest';
import { approveThroughCounty, newRequestId, sampleProposal, type TTestStack } from './stack';
import { FAVOURABLE_VOTE, PASSED_CHECKS, TEA_GARDEN_ASSET } from './proposal';

/** HTTP helpers for a funded project, driven as the web app and the CLI do it. */
export function httpProject(s: TTestStack) {
  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
    s.app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
  const act = (projectId: string, who: string, command: object, requestId = newRequestId()) =>
    call('POST', `/api/projects/${projectId}/actions`, s.tokens[who]!, { requestId, command });
  const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

  /** Proposed (the sample proposal with `proposal`'s changes) and approved by the township: the county's joint review (会签) is open. */
  async function reviewedProject(proposal: Parameters<typeof sampleProposal>[0] = {}) {
    const started = await call('POST', '/api/projects', s.tokens.village!, { ...sampleProposal(proposal), requestId: newRequestId() });
    expect(started.statusCode, started.body).toBe(201);
    const { projectId, taskId } = started.json();
    await call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township!, {
      action: 'approve',
      checks: PASSED_CHECKS,
      requestId: newRequestId(),
    });
    return projectId as string;
  }

  /** Then approved through the county: in the pool (入库), waiting for its funds. */
  async function projectInPool(proposal: Parameters<typeof sampleProposal>[0] = {}) {
    const projectId = await reviewedProject(proposal);
    await approveThroughCounty(s, projectId);
    await expect.poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 10_000 }).toBe('IN_POOL');
    return projectId;
  }

  /** Proposed, approved through the county, funded with 40,000,000 fen for 2027. */
  async function fundedProject() {
    const projectId = await projectInPool();
    const funded = await call('POST', `/api/projects/${projectId}/funding`, s.tokens.finance!, {
      fiscalYear: 2027,
      amountFen: 40_000_000,
      requestId: newRequestId(),
    });
    expect(funded.json()).toMatchObject({ stageAfter: 'IMPLEMENTATION' });
    return projectId;
  }

  /** The first pending task of a kind in someone's inbox, once it appears. */
  async function inboxTask(who: string, projectId: string, kind: string) {
    let found: { id: string } | undefined;
    await expect
      .poll(
        async () => {
          const inbox = await call('GET', '/api/tasks', s.tokens[who]!);
          found = inbox.json().items.find((t: { projectId: string; kind: string }) => t.projectId === projectId && t.kind === kind);
          return Boolean(found);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    return found!.id;
  }

  const approveTask = (who: string, taskId: string) =>
    call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens[who]!, { action: 'approve', comment: '核验通过', requestId: newRequestId() });

  /** Own capital for the START tranche, then a START payment verified, approved and paid. */
  async function paidStartPayment(projectId: string, invoices: Array<{ number: string; sha256: string }> = []) {
    const capital = await act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['slip.pdf'] });
    await act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId: capital.json().recordId });
    await act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', invoices });
    await approveTask('agri', await inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'));
    await approveTask('finance', await inboxTask('finance', projectId, 'PAYMENT_APPROVAL'));
    await expect.poll(async () => (await s.prisma.payment.findFirst({ where: { projectId } }))?.status, { timeout: 10_000 }).toBe('PAID');
  }

  /**
   * Own capital (40,000 yuan) and progress (30%) reported and verified, then a START payment of
   * 160,000 yuan to the cooperative requested with `invoices`: agriculture's to verify.
   */
  async function requestedStartPayment(
    projectId: string,
    { payeeAccount, invoices }: { payeeAccount: string; invoices: Array<{ number: string; sha256: string }> },
  ) {
    const capital = await act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['slip.pdf'] });
    await act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId: capital.json().recordId });
    const progress = await act(projectId, 'implementer', { type: 'REPORT_PROGRESS', percent: 30, evidence: ['进度照片.jpg'] });
    await act(projectId, 'agri', { type: 'VERIFY_REPORT', reportId: progress.json().recordId });
    const requested = await act(projectId, 'implementer', {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '桃源茶叶合作社',
      payeeAccount,
      invoices,
    });
    expect(requested.statusCode, requested.body).toBe(201);
  }

  /** A funded project with a payment at verification: its START payment requested (as requestedStartPayment), agriculture's PAYMENT_VERIFICATION task open. */
  async function paymentAtVerification(payment: Parameters<typeof requestedStartPayment>[1]) {
    const projectId = await fundedProject();
    await requestedStartPayment(projectId, payment);
    return { projectId, taskId: await inboxTask('agri', projectId, 'PAYMENT_VERIFICATION') };
  }

  /** A funded project named `name` whose START payment agriculture has verified: the finance bureau's PAYMENT_APPROVAL task is open. */
  async function paymentAwaitingFinance(name: string, payment: Parameters<typeof requestedStartPayment>[1]) {
    const { projectId, taskId } = await paymentAtVerification(payment);
    await s.prisma.project.update({ where: { id: projectId }, data: { name } });
    expect((await approveTask('agri', taskId)).statusCode).toBe(200);
    return { projectId, taskId: await inboxTask('finance', projectId, 'PAYMENT_APPROVAL') };
  }

  /** From implementation to the first evaluation (publicity 0 days in the test stack). */
  async function throughHandover(projectId: string) {
    const done = await act(projectId, 'implementer', { type: 'REPORT_PROGRESS', percent: 100, evidence: ['完工报告.pdf'] });
    await act(projectId, 'agri', { type: 'VERIFY_REPORT', reportId: done.json().recordId });
    await act(projectId, 'village', { type: 'REQUEST_ACCEPTANCE' });
    await act(projectId, 'village', FAVOURABLE_VOTE);
    for (const who of ['agri', 'finance', 'expert']) await approveTask(who, await inboxTask(who, projectId, 'COMPLETION_ACCEPTANCE'));
    await expect.poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 10_000 }).toBe('ASSET_HANDOVER');
    await act(projectId, 'agri', TEA_GARDEN_ASSET);
    await act(projectId, 'village', { type: 'CONFIRM_HANDOVER' });
    await expect.poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 10_000 }).toBe('EVALUATION');
  }

  return {
    call,
    act,
    sha,
    reviewedProject,
    projectInPool,
    fundedProject,
    paymentAtVerification,
    inboxTask,
    approveTask,
    paidStartPayment,
    requestedStartPayment,
    paymentAwaitingFinance,
    throughHandover,
  };
}
