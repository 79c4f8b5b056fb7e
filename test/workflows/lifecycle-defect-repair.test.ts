import { expect, it } from 'vitest';
import { allocateFundsUpdate } from '../../workflows/messages/project';
import { proposer, implementer, agri, finance } from '../support/county-actors';
import { BY_ROLE, DAY, type THandle } from '../support/lifecycle-drivers';
import { FAVOURABLE_VOTE, TEA_ROAD_ASSET } from '../support/proposal';
import { timeSkippingLifecycle } from '../support/time-skipping-lifecycle';
import { expectUpdateRefused as refused } from '../support/update-refused';

/**
 * Issue #13, item 11 (second half): a reported defect withheld the retention (质保金) for ever, with
 * no path to repair it. Through the project's own workflow on the time-skipping server.
 */
const t = timeSkippingLifecycle('defect-repair');

/** Funded with 40,000,000 fen (RETENTION 2,000,000), built, accepted, its assets handed over. */
async function handedOver(name: string): Promise<{ projectId: string; handle: THandle }> {
  const { projectId, handle } = await t.d.startProject(name);
  await t.d.throughPool([projectId]);
  await handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: `alloc-${projectId}`, actor: finance, fiscalYear: 2027, amountFen: 40_000_000 }] });
  const capital = await t.d.command(handle, implementer, { type: 'REPORT_CAPITAL', amountFen: 10_000_000, evidence: ['bank-slip.pdf'] });
  await t.d.command(handle, finance, { type: 'VERIFY_REPORT', reportId: capital.recordId! });
  const built = await t.d.command(handle, implementer, { type: 'REPORT_PROGRESS', percent: 100, evidence: ['completion-report.pdf'] });
  await t.d.command(handle, agri, { type: 'VERIFY_REPORT', reportId: built.recordId! });
  await t.d.command(handle, proposer, { type: 'REQUEST_ACCEPTANCE' });
  await t.d.command(handle, proposer, FAVOURABLE_VOTE);
  for (const role of ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE', 'EXPERT'])
    await t.d.decide((await t.d.taskOf(projectId, 'COMPLETION_ACCEPTANCE', role)).id, BY_ROLE[role]!, { type: 'APPROVE' });
  await t.d.throughPublicity([projectId], 'ACCEPTANCE');
  await t.d.waitForStage(projectId, 'ASSET_HANDOVER');
  await t.d.command(handle, agri, TEA_ROAD_ASSET);
  await t.d.command(handle, proposer, { type: 'CONFIRM_HANDOVER' });
  return { projectId, handle };
}

const retentionPayments = (projectId: string) => t.s.db.prisma.payment.findMany({ where: { projectId, tranche: 'RETENTION' } });
const audited = async (projectId: string, action: string) => t.s.db.prisma.auditEvent.count({ where: { entityId: projectId, action } });

it('a reported defect withheld the retention for ever: its repair reported and verified releases the withheld retention', async () => {
  const { projectId, handle } = await handedOver('桃源村缺陷修复');
  const defect = await t.d.command(handle, proposer, { type: 'REPORT_DEFECT', text: '机耕道雨后塌方 20 米' });
  expect(defect).toMatchObject({ recordId: `${projectId}:defect:1`, details: { openDefects: 1 } });
  const defectId = defect.recordId!;
  await refused(t.d.command(handle, agri, { type: 'VERIFY_DEFECT_REPAIR', defectId }), 'TRANSITION_NOT_ALLOWED', 'body.command.defectId');
  await refused(
    t.d.command(handle, implementer, { type: 'REPORT_DEFECT_REPAIRED', defectId: `${projectId}:defect:9`, evidence: ['photos.zip'] }),
    'DEFECT_NOT_FOUND',
    'body.command.defectId',
  );

  // The guarantee year is over with the defect open: withheld, nothing requested.
  await t.s.env.sleep(366 * DAY);
  await expect.poll(() => audited(projectId, 'RETENTION_WITHHELD'), { timeout: 20_000 }).toBe(1);
  expect(await retentionPayments(projectId)).toHaveLength(0);

  // Repaired, but not yet verified: still withheld; the repairer's own word is not the verification.
  expect(
    await t.d.command(handle, implementer, { type: 'REPORT_DEFECT_REPAIRED', defectId, evidence: ['repair-photos.zip'], text: '已重新夯实并浇筑' }),
  ).toMatchObject({ details: { status: 'REPAIRED', openDefects: 1 } });
  await refused(t.d.command(handle, implementer, { type: 'VERIFY_DEFECT_REPAIR', defectId }), 'ROLE_NOT_ALLOWED', 'actor.roles');
  await refused(t.d.command(handle, agri, { type: 'VERIFY_DEFECT_REPAIR', defectId, result: 'REJECTED' }), 'VALIDATION_FAILED', 'body.command.comment');
  expect(await retentionPayments(projectId)).toHaveLength(0);

  // Verified by the supervising department: no open defect, the release starts at once.
  expect(await t.d.command(handle, agri, { type: 'VERIFY_DEFECT_REPAIR', defectId })).toMatchObject({ details: { status: 'VERIFIED', openDefects: 0 } });
  await refused(t.d.command(handle, agri, { type: 'VERIFY_DEFECT_REPAIR', defectId }), 'ALREADY_VERIFIED', 'body.command.defectId');
  await expect.poll(async () => (await retentionPayments(projectId)).length, { timeout: 20_000 }).toBe(1);
  await t.d.decidePaymentStep(projectId, 'PAYMENT_VERIFICATION');
  await t.d.decidePaymentStep(projectId, 'PAYMENT_APPROVAL');
  await expect.poll(async () => (await retentionPayments(projectId))[0]!.status, { timeout: 20_000 }).toBe('PAID');
  expect((await retentionPayments(projectId))[0]).toMatchObject({ amountFen: 2_000_000n, requestedBy: 'system' });
  for (const action of ['DEFECT_REPORTED', 'DEFECT_REPAIRED', 'DEFECT_REPAIR_VERIFIED']) expect(await audited(projectId, action)).toBe(1);
  await handle.terminate('test done');
}, 120_000);

it('a defect repaired and verified within the guarantee year no longer withholds the retention: released when the hold ends', async () => {
  const { projectId, handle } = await handedOver('桃源村保内修复');
  const { recordId: defectId } = await t.d.command(handle, proposer, { type: 'REPORT_DEFECT', text: '水渠渗漏' });
  await t.d.command(handle, implementer, { type: 'REPORT_DEFECT_REPAIRED', defectId: defectId!, evidence: ['repair.pdf'] });
  // Rejected with a comment: open again, to be repaired again.
  expect(await t.d.command(handle, agri, { type: 'VERIFY_DEFECT_REPAIR', defectId: defectId!, result: 'REJECTED', comment: '仍有渗漏' })).toMatchObject({
    details: { status: 'OPEN', openDefects: 1 },
  });
  await t.d.command(handle, implementer, { type: 'REPORT_DEFECT_REPAIRED', defectId: defectId!, evidence: ['repair-2.pdf'] });
  await t.d.command(handle, agri, { type: 'VERIFY_DEFECT_REPAIR', defectId: defectId! });
  await t.s.env.sleep(30 * DAY);
  expect(await retentionPayments(projectId)).toHaveLength(0);
  await t.s.env.sleep(336 * DAY);
  await expect.poll(async () => (await retentionPayments(projectId)).length, { timeout: 20_000 }).toBe(1);
  expect(await audited(projectId, 'RETENTION_WITHHELD')).toBe(0);
  await handle.terminate('test done');
}, 120_000);
