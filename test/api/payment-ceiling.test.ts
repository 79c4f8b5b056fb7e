import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AMOUNT_FEN } from '../../src/domain/policies/money';
import { httpProject } from '../support/http-project';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';

/**
 * Issue #14 item 5: a project's own money figures (disbursed, paid per tranche) stay exact JSON
 * numbers because its payments are bounded: funding is at most the fiscal sources (≤ the budget ≤
 * MAX_AMOUNT_FEN) and a request at most what its tranche may release now (issue #13, item 1);
 * projects started before those rules are held by the validator's ceiling on a project's payment
 * requests in total (paymentCeilingRefusal, tested in test/domain/policies/money.test.ts).
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

describe('payment requests of one project stay within what it may release, at the maximum budget', () => {
  it('after 1 fen paid, a request of the maximum is refused on body.command.amountFen and nothing is recorded', async () => {
    const h = httpProject(s);
    const ownCapital = 100_000_000_000;
    // projectInPool holds the proposal to 201 Created.
    const projectId = await h.projectInPool({
      name: '县域最大预算项目',
      budgetFen: MAX_AMOUNT_FEN,
      fundingSources: [
        { source: 'CENTRAL_LINKAGE', amountFen: MAX_AMOUNT_FEN - ownCapital },
        { source: 'OWN_CAPITAL', amountFen: ownCapital },
      ],
    });
    const fiscal = MAX_AMOUNT_FEN - ownCapital;
    const funded = await h.call('POST', `/api/projects/${projectId}/funding`, s.tokens.finance!, {
      fiscalYear: 2027,
      amountFen: fiscal,
      requestId: newRequestId(),
    });
    expect(funded.json()).toMatchObject({ stageAfter: 'IMPLEMENTATION', amountFen: fiscal });

    const capital = await h.act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: ownCapital, evidence: ['slip.pdf'] });
    expect((await h.act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId: capital.json().recordId })).statusCode).toBe(201);
    const first = await h.act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 1, payeeId: '桃源茶叶合作社' });
    expect(first.statusCode, first.body).toBe(201);
    await h.approveTask('agri', await h.inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'));
    await h.approveTask('finance', await h.inboxTask('finance', projectId, 'PAYMENT_APPROVAL'));
    await expect.poll(async () => (await s.prisma.payment.findFirst({ where: { projectId } }))?.status, { timeout: 10_000 }).toBe('PAID');

    // A request of the maximum passes the ceiling on a project's payments in total: refused on its
    // amount. One within the ceiling but beyond what START may release: refused by the tranche cap.
    // The payment row says PAID a moment before the workflow has taken the payment's end: until
    // then a request is refused PAYMENT_IN_PROGRESS (changing nothing), so ask again.
    let over = await h.act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: MAX_AMOUNT_FEN, payeeId: '桃源茶叶合作社' });
    await expect
      .poll(
        async () => {
          if (over.json().error?.code === 'PAYMENT_IN_PROGRESS')
            over = await h.act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: MAX_AMOUNT_FEN, payeeId: '桃源茶叶合作社' });
          return over.json().error?.code;
        },
        { timeout: 10_000 },
      )
      .not.toBe('PAYMENT_IN_PROGRESS');
    expect([over.statusCode, over.json().error.code, over.json().error.details[0].path], over.body).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.command.amountFen',
    ]);
    const beyond = await h.act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: fiscal, payeeId: '桃源茶叶合作社' });
    expect([beyond.statusCode, beyond.json().error.code, beyond.json().error.details[0].path], beyond.body).toEqual([
      409,
      'AMOUNT_EXCEEDS_RELEASABLE',
      'body.command.amountFen',
    ]);
    expect(await s.prisma.payment.count({ where: { projectId } })).toBe(1);
    // The project's figures at this size are exact numbers.
    const records = await h.call('GET', `/api/projects/${projectId}/records`, s.tokens.finance!);
    expect(records.json().money).toMatchObject({ allocatedFen: fiscal, disbursedFen: 1 });
  });
});
