import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProject } from '../support/http-project';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';

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
    expect(await s.prisma.progressReport.findUniqueOrThrow({ where: { id: reportId } })).toMatchObject({ verifiedBy: s.userIds.finance, amountFen: 4_000_000n });

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
    const requested = await act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', invoices: [{ number: 'ZJ-2027-000123', sha256: sha('zj-123') }] }, requestId);
    expect(requested.statusCode).toBe(201);
    expect(requested.json()).toMatchObject({ type: 'REQUEST_PAYMENT', stageAfter: 'IMPLEMENTATION', recordId: `${projectId}:pay:1` });
    // The same request again answers the same and records nothing new.
    const again = await act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社' }, requestId);
    expect(again.json().recordId).toBe(`${projectId}:pay:1`);
    expect(await paymentRows(projectId)).toHaveLength(1);

    expect((await approveTask('agri', await inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'))).statusCode).toBe(200);
    expect((await approveTask('finance', await inboxTask('finance', projectId, 'PAYMENT_APPROVAL'))).statusCode).toBe(200);
    await expect.poll(async () => (await paymentRows(projectId))[0]?.status, { timeout: 10_000 }).toBe('PAID');

    const records = await call('GET', `/api/projects/${projectId}/records`, s.tokens.monitor!);
    expect(records.statusCode).toBe(200);
    expect(records.json().money).toMatchObject({ budgetFen: 50_000_000, allocatedFen: 40_000_000, disbursedFen: 16_000_000, paidByTranche: { START: 16_000_000 } });
    expect(records.json().payments[0]).toMatchObject({ status: 'PAID', amountFen: 16_000_000, voucherNo: `PV-${projectId}:pay:1`, invoices: [{ number: 'ZJ-2027-000123' }] });
    const detail = await call('GET', `/api/projects/${projectId}`, s.tokens.monitor!);
    expect(detail.json()).toMatchObject({ stage: 'IMPLEMENTATION', disbursedFen: 16_000_000, live: { financial: { disbursedFen: 16_000_000, approvedFen: 40_000_000 } } });
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
      expect((await act(projectId, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', invoices: [invoice] })).statusCode).toBe(201);
      await approveTask('agri', await inboxTask('agri', projectId, 'PAYMENT_VERIFICATION'));
    }
    await expect.poll(async () => (await paymentRows(second))[0]?.status, { timeout: 10_000 }).toBe('FLAGGED');
    const [flag] = (await paymentRows(second))[0]!.riskFlags;
    expect(flag).toMatchObject({ code: 'DUPLICATE_INVOICE', status: 'OPEN' });
    expect((flag!.details as { matches: Array<{ projectId: string }> }).matches.map((m) => m.projectId)).toEqual([first]);
    const review = await inboxTask('finance', second, 'RISK_FLAG_REVIEW');
    const confirm = await call('POST', `/api/tasks/${encodeURIComponent(review)}/decision`, s.tokens.finance!, { action: 'reject', comment: '同一发票重复报账', requestId: newRequestId() });
    expect(confirm.statusCode).toBe(200);
    await expect.poll(async () => (await paymentRows(second))[0]?.status, { timeout: 10_000 }).toBe('REJECTED');
    expect((await paymentRows(second))[0]!.riskFlags[0]).toMatchObject({ status: 'CONFIRMED', resolvedBy: s.userIds.finance });
    expect((await s.prisma.project.findUniqueOrThrow({ where: { id: second } })).disbursedFen).toBe(0n);
  });
});

describe('the README saved Temporal UI queries', () => {
  it('every query in the README table is valid on the dev server, and the money query finds a paid-out project', async () => {
    const readme = await import('node:fs/promises').then((fs) => fs.readFile(new URL('../../README.md', import.meta.url), 'utf8'));
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
    await expect.poll(async () => {
      const ids: string[] = [];
      for await (const wf of s.client.workflow.list({ query: paid })) ids.push(wf.workflowId);
      return ids.includes(`project-${projectId}`);
    }, { timeout: 10_000 }).toBe(true);
  });
});
