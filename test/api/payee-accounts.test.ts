import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectStateQuery, projectWorkflowId } from '../../workflows/messages/project';
import { httpProject } from '../support/http-project';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';

/**
 * Issue #13, item 5: the payee-account check of risk screening never fired, because the workflow
 * passed no registered accounts. The finance bureau now registers the implementer's accounts with
 * the allocation (POST /funding `payeeAccounts`), the project's workflow keeps them, and a payment
 * to any other account is flagged, over HTTP, on the real workflow and database.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const REGISTERED = '6222 0201 0001 1234';

describe('registered payee accounts (issue #13, item 5)', () => {
  it('a payment to an account the implementer never registered is flagged PAYEE_NOT_IMPLEMENTER (the dead payee-account check)', async () => {
    const h = httpProject(s);
    const projectId = await h.projectInPool({ name: '桃源村收款账户核查' });

    // The same account twice (once grouped with spaces): refused on the second, nothing funded.
    const twice = await h.call('POST', `/api/projects/${projectId}/funding`, s.tokens.finance!, {
      fiscalYear: 2027,
      amountFen: 40_000_000,
      requestId: newRequestId(),
      payeeAccounts: [REGISTERED, '6222020100011234'],
    });
    expect([twice.statusCode, twice.json().error?.code, twice.json().error?.details?.[0]?.path], twice.body).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.payeeAccounts.1',
    ]);
    const empty = await h.call('POST', `/api/projects/${projectId}/funding`, s.tokens.finance!, {
      fiscalYear: 2027,
      amountFen: 40_000_000,
      requestId: newRequestId(),
      payeeAccounts: [],
    });
    expect([empty.statusCode, empty.json().error?.code], empty.body).toEqual([400, 'VALIDATION_FAILED']);
    expect(await s.prisma.fundAllocation.count({ where: { projectId } })).toBe(0);

    const funded = await h.call('POST', `/api/projects/${projectId}/funding`, s.tokens.finance!, {
      fiscalYear: 2027,
      amountFen: 40_000_000,
      requestId: newRequestId(),
      payeeAccounts: [REGISTERED],
    });
    expect(funded.statusCode, funded.body).toBe(201);
    expect((await s.prisma.fundAllocation.findFirstOrThrow({ where: { projectId } })).payeeAccounts).toEqual([REGISTERED]);
    // Kept in the workflow's own state, which continue-as-new carries (`carried.ops`).
    const state = await s.client.workflow.getHandle(projectWorkflowId(projectId)).query(projectStateQuery);
    expect(state.operation?.payeeAccounts).toEqual([REGISTERED]);

    const capital = await h.act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['slip.pdf'] });
    await h.act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId: capital.json().recordId });
    const elsewhere = await h.act(projectId, 'implementer', {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '桃源茶叶合作社',
      payeeAccount: '6222 0299 9999 0000',
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    await h.approveTask('agri', await h.inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'));
    const first = `${projectId}:pay:1`;
    await expect.poll(async () => (await s.prisma.payment.findUniqueOrThrow({ where: { id: first } })).status, { timeout: 10_000 }).toBe('FLAGGED');
    const flags = await s.prisma.riskFlag.findMany({ where: { paymentId: first } });
    expect(flags.map((f) => [f.code, (f.details as { reason?: string }).reason])).toEqual([['PAYEE_NOT_IMPLEMENTER', 'ACCOUNT']]);
    const review = await h.inboxTask('finance', projectId, 'RISK_FLAG_REVIEW');
    await h.call('POST', `/api/tasks/${encodeURIComponent(review)}/decision`, s.tokens.finance!, {
      action: 'reject',
      comment: '收款账户非登记账户',
      requestId: newRequestId(),
    });
    await expect.poll(async () => (await s.prisma.payment.findUniqueOrThrow({ where: { id: first } })).status, { timeout: 10_000 }).toBe('REJECTED');

    // The registered account, written without its spaces: screened clean, on to finance approval.
    let again = await h.act(projectId, 'implementer', {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '桃源茶叶合作社',
      payeeAccount: '6222020100011234',
    });
    await expect
      .poll(
        async () => {
          if (again.json().error?.code === 'PAYMENT_IN_PROGRESS')
            again = await h.act(projectId, 'implementer', {
              type: 'REQUEST_PAYMENT',
              tranche: 'START',
              amountFen: 16_000_000,
              payeeId: '桃源茶叶合作社',
              payeeAccount: '6222020100011234',
            });
          return again.statusCode;
        },
        { timeout: 10_000 },
      )
      .toBe(201);
    await h.approveTask('agri', await h.inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'));
    await h.inboxTask('finance', projectId, 'PAYMENT_APPROVAL');
    expect(await s.prisma.riskFlag.count({ where: { paymentId: `${projectId}:pay:2` } })).toBe(0);
  });
});
