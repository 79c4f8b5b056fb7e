import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProject } from '../support/http-project';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * GET /api/web/tasks/:taskId shows the matter a task decides (issue #18): a payment step's task
 * carries its payment, invoices, risk flags and the verified facts behind the tranche; every task
 * carries its step round's signers, who has decided and who is pending. Real workflows, real rows.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const taskPage = async (who: string, taskId: string) => {
  const res = await s.app.inject({ method: 'GET', url: `/api/web/tasks/${encodeURIComponent(taskId)}`, headers: { authorization: `Bearer ${s.tokens[who]}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('the matter on the task page (GET /api/web/tasks/:taskId)', () => {
  it('a countersign (会签) task lists who has signed and who is pending; it has no payment', async () => {
    const h = httpProject(s);
    const projectId = await h.reviewedProject({ name: '茶岭村会签展示' });
    const agriTask = await h.inboxTask('agri', projectId, 'COUNTY_JOINT_REVIEW');
    expect((await h.approveTask('agri', agriTask)).statusCode).toBe(200);
    const financeTask = await h.inboxTask('finance', projectId, 'COUNTY_JOINT_REVIEW');

    const page = await taskPage('finance', financeTask);
    expect(page.payment).toBeNull();
    expect(page.mode).toBe('COUNTERSIGN');
    const signers = page.signers.map((t: any) => [t.candidate.role, t.status, t.decision?.action ?? null, t.decision?.actorName ?? null]);
    expect(signers).toEqual(
      expect.arrayContaining([
        ['COUNTY_AGRICULTURE', 'DONE', 'approve', '县农业农村局 刘科长'],
        ['COUNTY_FINANCE', 'PENDING', null, null],
      ]),
    );
    expect(page.signers).toHaveLength(2);
    expect(page.signers.every((t: any) => t.candidate.orgUnitName === '青山县')).toBe(true);
  });

  it('a payment verification (拨付核验) and a finance approval (财政审批拨付) carry the payment and the facts of its tranche', async () => {
    const h = httpProject(s);
    const invoice = { number: 'No.044001900211', sha256: h.sha('发票扫描件') };
    const { projectId, taskId: verification } = await h.paymentAtVerification({ payeeAccount: '6222 0201 0001 1234', invoices: [invoice] });
    const page = await taskPage('agri', verification);
    expect(page.payment).toMatchObject({
      id: `${projectId}:pay:1`,
      seq: 1,
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '桃源茶叶合作社',
      payeeAccount: '6222 0201 0001 1234',
      status: 'VERIFYING',
      requestedBy: { userId: s.userIds.implementer, displayName: '桃源茶叶合作社' },
      invoices: [invoice],
      riskFlags: [],
      facts: {
        allocatedFen: 40_000_000,
        disbursedFen: 0,
        verifiedProgressPercent: 30,
        ownCapitalRequiredFen: 10_000_000,
        ownCapitalVerifiedFen: 4_000_000,
      },
    });
    expect(page.signers.map((t: any) => [t.candidate.role, t.status])).toEqual([['COUNTY_AGRICULTURE', 'PENDING']]);

    expect((await h.approveTask('agri', verification)).statusCode).toBe(200);
    const approval = await h.inboxTask('finance', projectId, 'PAYMENT_APPROVAL');
    const financePage = await taskPage('finance', approval);
    expect(financePage.payment).toMatchObject({ id: `${projectId}:pay:1`, amountFen: 16_000_000, status: 'FINANCE_APPROVAL', fiscalSource: 'CENTRAL_LINKAGE' });
    expect(financePage.actions).toContain('approve');
  });

  it('the OpenAPI document describes the payment and the signers', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const body = doc.paths['/api/web/tasks/{taskId}'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['payment', 'signers']));
    const payment = body.properties.payment.anyOf?.find((x: any) => x.type === 'object') ?? body.properties.payment;
    expect(Object.keys(payment.properties)).toEqual(
      expect.arrayContaining(['amountFen', 'tranche', 'payeeId', 'payeeAccount', 'invoices', 'riskFlags', 'facts']),
    );
  });
});
