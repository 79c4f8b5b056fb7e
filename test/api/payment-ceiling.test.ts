import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AMOUNT_FEN } from '../../src/domain/policies/money';
import { httpProject } from '../support/http-project';
import { approveThroughCounty, newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';

/**
 * Issue #14 item 5: a project's own money figures (disbursed, paid per tranche) stay exact JSON
 * numbers because its payment requests may total at most MAX_AMOUNT_FEN: the workflow's update
 * validator refuses a request that would pass it, and records nothing.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

describe('payment requests of one project total at most the maximum amount', () => {
  it('a project at the maximum budget: after 1 fen paid, a request of the maximum is refused on body.command.amountFen', async () => {
    const h = httpProject(s);
    const ownCapital = 100_000_000_000;
    const started = await h.call('POST', '/api/projects', s.tokens.village!, {
      ...sampleProposal({ name: '县域最大预算项目', budgetFen: MAX_AMOUNT_FEN, fundingSources: [{ source: 'CENTRAL_LINKAGE', amountFen: MAX_AMOUNT_FEN - ownCapital }, { source: 'OWN_CAPITAL', amountFen: ownCapital }] }),
      requestId: newRequestId(),
    });
    expect(started.statusCode, started.body).toBe(201);
    const { projectId, taskId } = started.json();
    await h.approveTask('township', taskId);
    await approveThroughCounty(s, projectId);
    await expect.poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 10_000 }).toBe('IN_POOL');
    const funded = await h.call('POST', `/api/projects/${projectId}/funding`, s.tokens.finance!, { fiscalYear: 2027, amountFen: MAX_AMOUNT_FEN, requestId: newRequestId() });
    expect(funded.json()).toMatchObject({ stageAfter: 'IMPLEMENTATION', amountFen: MAX_AMOUNT_FEN });

    const capital = await h.act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: ownCapital, evidence: ['slip.pdf'] });
    expect((await h.act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId: capital.json().recordId })).statusCode).toBe(201);
    const first = await h.act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 1, payeeId: '桃源茶叶合作社' });
    expect(first.statusCode, first.body).toBe(201);
    await h.approveTask('agri', await h.inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'));
    await h.approveTask('finance', await h.inboxTask('finance', projectId, 'PAYMENT_APPROVAL'));
    await expect.poll(async () => (await s.prisma.payment.findFirst({ where: { projectId } }))?.status, { timeout: 10_000 }).toBe('PAID');

    // START is still releasable (1 fen of 40% paid), so only the ceiling stands in the way.
    const over = await h.act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: MAX_AMOUNT_FEN, payeeId: '桃源茶叶合作社' });
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.command.amountFen' }] });
    expect(await s.prisma.payment.count({ where: { projectId } })).toBe(1);
    // Up to the ceiling is still allowed.
    const upTo = await h.act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: MAX_AMOUNT_FEN - 1, payeeId: '桃源茶叶合作社' });
    expect(upTo.statusCode, upTo.body).toBe(201);
    expect(await s.prisma.payment.count({ where: { projectId } })).toBe(2);
  });
});
