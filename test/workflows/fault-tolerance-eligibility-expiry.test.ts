import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { reviewEligibilityWindow, reviewEligibilityWindowId } from '../../workflows/review-eligibility-window';
import { addProject, DAY } from './fault-tolerance-support';
import { startTimeSkippingWorker, type TTimeSkippingWorker } from './fault-tolerance-time-skipping';

/**
 * Eligibility notices (可申请容错纠错) leave the inbox when their application window closes: the
 * reviewEligibilityWindow workflow's 30-day timer, on a time-skipping server of its own, with the
 * real activities on a test database.
 */
let t: TTimeSkippingWorker;

beforeAll(async () => {
  t = await startTimeSkippingWorker('eligibility-expiry');
}, 120_000);
afterAll(async () => t?.close());

describe('eligibility notices expire with their application window', () => {
  it('an unused notice is CANCELLED (EXPIRED) with an audit event when the window closes; a used one stays as the application left it', async () => {
    const { env, db, taskQueue, userIds } = t;
    const acts = createActivities({ prisma: db.prisma });
    await addProject(db.prisma, { id: 'P-expire-a', name: '桃源村茶园 A', proposerId: userIds.village! });
    await addProject(db.prisma, { id: 'P-expire-b', name: '桃源村茶园 B', proposerId: userIds.village2! });
    const at = await env.currentTimeMs();
    const a = { projectId: 'P-expire-a', trigger: 'POOR_GRADE' as const, triggerRef: 'eval-a' };
    const b = { projectId: 'P-expire-b', trigger: 'POOR_GRADE' as const, triggerRef: 'eval-b' };
    const notifiedA = await acts.notifyReviewEligibility({ ...a, at, windowDays: 30 });
    const notifiedB = await acts.notifyReviewEligibility({ ...b, at, windowDays: 30 });
    // B's official applied in time: the application closed the notice (as review-records.ts does).
    const usedB = await db.prisma.reviewEligibility.findFirstOrThrow({ where: { projectId: b.projectId } });
    await db.prisma.reviewEligibility.update({ where: { id: usedB.id }, data: { caseId: 'FT-used', appliedAt: new Date(at + DAY) } });
    await db.prisma.task.update({ where: { id: usedB.taskId }, data: { status: 'DONE', outcome: 'APPLIED', completedAt: new Date(at + DAY) } });

    const start = (k: typeof a, closesAt: number) =>
      env.client.workflow.start(reviewEligibilityWindow, { taskQueue, workflowId: reviewEligibilityWindowId(k), args: [{ ...k, closesAt }] });
    const [ha, hb] = await Promise.all([start(a, notifiedA.closesAt), start(b, notifiedB.closesAt)]);
    // Before the window closes the notice is still pending.
    expect((await db.prisma.task.findFirstOrThrow({ where: { projectId: a.projectId, kind: 'REVIEW_ELIGIBLE' } })).status).toBe('PENDING');
    expect(await ha.result()).toEqual({ expired: 1 });
    expect(await hb.result()).toEqual({ expired: 0 });
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(notifiedA.closesAt);

    const taskA = await db.prisma.task.findFirstOrThrow({ where: { projectId: a.projectId, kind: 'REVIEW_ELIGIBLE' } });
    expect(taskA).toMatchObject({ status: 'CANCELLED', outcome: 'EXPIRED', candidateUserId: userIds.village });
    expect(taskA.completedAt!.getTime()).toBeGreaterThanOrEqual(notifiedA.closesAt);
    expect(await db.prisma.task.findUniqueOrThrow({ where: { id: usedB.taskId } })).toMatchObject({ status: 'DONE', outcome: 'APPLIED' });
    const audit = await db.prisma.auditEvent.findMany({ where: { action: 'REVIEW_ELIGIBILITY_EXPIRED' } });
    expect(audit).toEqual([
      expect.objectContaining({ entityId: a.projectId, details: expect.objectContaining({ userIds: [userIds.village], triggerRef: 'eval-a' }) }),
    ]);
    // The eligibility row stays, closed: the official's list shows it, a late application is refused from it.
    expect(await db.prisma.reviewEligibility.count({ where: { projectId: a.projectId, caseId: null } })).toBe(1);

    // A retried activity changes nothing more.
    expect(await acts.expireReviewEligibility({ ...a, at: await env.currentTimeMs() })).toEqual({ expired: 0 });
    expect(await db.prisma.auditEvent.count({ where: { action: 'REVIEW_ELIGIBILITY_EXPIRED' } })).toBe(1);
  });
});
