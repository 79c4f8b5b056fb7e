/**
 * kill -9 of the worker between "payment approved" and "paid", and during asset registration
 * (issue #4's crash tests, with the worker-kill harness of issue #7): the worker runs as deployed
 * in a process of its own and reaches the database through a TCP proxy whose traps stop the
 * activity's transaction at a known point. After a restart the payment is paid exactly once (one
 * PAID row, one PAYMENT_PAID audit event, the disbursed total counted once) and the asset is
 * registered once, and the workflow agrees with the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectStateQuery } from '../../workflows/messages/project';
import { httpProject } from '../support/http-project';
import type { TTestStack } from '../support/stack';
import { activityAttempts } from './support/faults';
import type { TTcpProxy } from './support/tcp-proxy';
import { startKillStack } from './support/kill-stack';
import { FAVOURABLE_VOTE, TEA_GARDEN_ASSET } from '../support/proposal';

let k: Awaited<ReturnType<typeof startKillStack>>;
let s: TTestStack;
let proxy: TTcpProxy;

beforeAll(async () => {
  k = await startKillStack();
  ({ s, proxy } = k);
});
afterAll(async () => {
  await k?.close();
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A funded project whose START payment waits for the finance bureau's approval. */
async function paymentAwaitingFinance() {
  const h = httpProject(s);
  const projectId = await h.fundedProject();
  const capital = await h.act(projectId, 'implementer', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['slip.pdf'] });
  await h.act(projectId, 'finance', { type: 'VERIFY_REPORT', reportId: capital.json().recordId });
  await h.act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社' });
  await h.approveTask('agri', await h.inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'));
  const financeTask = await h.inboxTask('finance', projectId, 'PAYMENT_APPROVAL');
  return { h, projectId, financeTask, paymentId: `${projectId}:pay:1`, workflowId: `project-${projectId}` };
}

/** Paid once: the row, the audit event, the project's total, and the workflow's own figure. */
async function expectPaidOnce(projectId: string, paymentId: string) {
  const live = () => s.client.workflow.getHandle(`project-${projectId}`).query(projectStateQuery);
  await expect.poll(async () => (await live()).financial?.disbursedFen, { timeout: 90_000, interval: 500 }).toBe(16_000_000);
  expect(await s.prisma.payment.findMany({ where: { projectId }, select: { id: true, status: true, voucherNo: true } })).toEqual([
    { id: paymentId, status: 'PAID', voucherNo: `PV-${paymentId}` },
  ]);
  expect((await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).disbursedFen).toBe(16_000_000n);
  expect(await s.prisma.auditEvent.count({ where: { entityId: projectId, action: 'PAYMENT_PAID' } })).toBe(1);
  expect((await live()).operation?.payments.map((p) => p.status)).toEqual(['PAID']);
}

describe('kill -9 of the worker between "payment approved" and "paid"', () => {
  it('the payment committed but the worker never heard: the next worker finds it paid and pays nothing more', async () => {
    const { h, projectId, financeTask, paymentId, workflowId } = await paymentAwaitingFinance();
    const committed = proxy.trap({ when: new RegExp(`"voucherNo"[\\s\\S]*PV-${escape(paymentId)}`), then: /COMMIT/, hold: 'response' });
    expect((await h.approveTask('finance', financeTask)).statusCode).toBe(200);
    await committed;
    await k.kill();
    // The money left (the transaction is durable); the worker that sent it is gone.
    expect((await s.prisma.payment.findUniqueOrThrow({ where: { id: paymentId } })).status).toBe('PAID');
    await k.restart();
    await expectPaidOnce(projectId, paymentId);
    expect(Math.max(...(await activityAttempts(s, workflowId, 'payPayment')))).toBe(2);
  });

  it('killed before the COMMIT reached the database: the next worker pays it, once', async () => {
    const { h, projectId, financeTask, paymentId, workflowId } = await paymentAwaitingFinance();
    const beforeCommit = proxy.trap({ when: new RegExp(`"voucherNo"[\\s\\S]*PV-${escape(paymentId)}`), then: /COMMIT/, hold: 'request' });
    expect((await h.approveTask('finance', financeTask)).statusCode).toBe(200);
    await beforeCommit;
    await k.kill();
    await expect.poll(async () => (await s.prisma.payment.findUniqueOrThrow({ where: { id: paymentId } })).status, { timeout: 10_000 }).toBe('APPROVED');
    expect((await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).disbursedFen).toBe(0n);
    await k.restart();
    await expectPaidOnce(projectId, paymentId);
    expect(Math.max(...(await activityAttempts(s, workflowId, 'payPayment')))).toBe(2);
  });
});

describe('kill -9 of the worker during asset registration', () => {
  it('the registration is retried by the next worker and the asset exists once', async () => {
    const h = httpProject(s);
    const projectId = await h.fundedProject();
    const done = await h.act(projectId, 'implementer', { type: 'REPORT_PROGRESS', percent: 100, evidence: ['完工报告.pdf'] });
    await h.act(projectId, 'agri', { type: 'VERIFY_REPORT', reportId: done.json().recordId });
    await h.act(projectId, 'village', { type: 'REQUEST_ACCEPTANCE' });
    await h.act(projectId, 'village', FAVOURABLE_VOTE);
    for (const who of ['agri', 'finance', 'expert']) await h.approveTask(who, await h.inboxTask(who, projectId, 'COMPLETION_ACCEPTANCE'));
    await expect.poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 30_000 }).toBe('ASSET_HANDOVER');

    const beforeCommit = proxy.trap({ when: new RegExp(`INSERT INTO "[^"]+"\\."Asset"[\\s\\S]*${escape(projectId)}`), then: /COMMIT/, hold: 'request' });
    const answer = h.act(projectId, 'agri', TEA_GARDEN_ASSET);
    await beforeCommit;
    await k.kill();
    expect(await s.prisma.asset.count({ where: { projectId } })).toBe(0);
    await k.restart();
    const res = await answer;
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ type: 'REGISTER_ASSET', recordId: `${projectId}:asset:1` });
    expect(await s.prisma.asset.findMany({ where: { projectId }, select: { id: true, valueFen: true } })).toEqual([
      { id: `${projectId}:asset:1`, valueFen: 30_000_000n },
    ]);
    expect(await s.prisma.auditEvent.count({ where: { entityId: projectId, action: 'ASSET_REGISTERED' } })).toBe(1);
    expect((await s.client.workflow.getHandle(`project-${projectId}`).query(projectStateQuery)).operation?.assets.map((a) => a.id)).toEqual([
      `${projectId}:asset:1`,
    ]);
  });
});
