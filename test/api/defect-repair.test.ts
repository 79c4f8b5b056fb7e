import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpProject } from '../support/http-project';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * Issue #13, item 11 (second half), over HTTP as a person hits it: a reported defect is repaired
 * and the repair verified on POST /api/projects/:id/actions; the retention's release after it is
 * proven through the workflow in test/workflows/lifecycle-defect-repair.test.ts.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

it('a reported defect had no path to repair: repaired by the implementer, verified by agriculture, over HTTP, refusals changing nothing', async () => {
  const h = httpProject(s);
  const projectId = await h.fundedProject();
  await h.throughHandover(projectId);
  const reported = await h.act(projectId, 'village', { type: 'REPORT_DEFECT', text: '茶园机耕道塌方' });
  expect([reported.statusCode, reported.json().recordId]).toEqual([201, `${projectId}:defect:1`]);
  const defectId = reported.json().recordId as string;
  const early = await h.act(projectId, 'agri', { type: 'VERIFY_DEFECT_REPAIR', defectId });
  expect([early.statusCode, early.json().error.code]).toEqual([409, 'TRANSITION_NOT_ALLOWED']);
  const unknown = await h.act(projectId, 'implementer', { type: 'REPORT_DEFECT_REPAIRED', defectId: `${projectId}:defect:7`, evidence: ['修复照片.zip'] });
  expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'DEFECT_NOT_FOUND']);
  const noEvidence = await h.act(projectId, 'implementer', { type: 'REPORT_DEFECT_REPAIRED', defectId, evidence: [] });
  expect([noEvidence.statusCode, noEvidence.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
  expect(await s.prisma.auditEvent.count({ where: { entityId: projectId, action: { in: ['DEFECT_REPAIRED', 'DEFECT_REPAIR_VERIFIED'] } } })).toBe(0);

  expect((await h.act(projectId, 'implementer', { type: 'REPORT_DEFECT_REPAIRED', defectId, evidence: ['修复照片.zip'] })).json()).toMatchObject({
    recordId: defectId,
    details: { status: 'REPAIRED' },
  });
  const byImplementer = await h.act(projectId, 'implementer', { type: 'VERIFY_DEFECT_REPAIR', defectId });
  expect([byImplementer.statusCode, byImplementer.json().error.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
  const verified = await h.act(projectId, 'agri', { type: 'VERIFY_DEFECT_REPAIR', defectId });
  expect([verified.statusCode, verified.json().details]).toEqual([201, { status: 'VERIFIED', openDefects: 0 }]);
  const audit = await s.prisma.auditEvent.findMany({
    where: { entityId: projectId, action: { in: ['DEFECT_REPORTED', 'DEFECT_REPAIRED', 'DEFECT_REPAIR_VERIFIED'] } },
    orderBy: { id: 'asc' },
  });
  expect(audit.map((a) => [a.action, a.actorId])).toEqual([
    ['DEFECT_REPORTED', s.userIds.village],
    ['DEFECT_REPAIRED', s.userIds.implementer],
    ['DEFECT_REPAIR_VERIFIED', s.userIds.agri],
  ]);
}, 120_000);
