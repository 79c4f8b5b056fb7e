import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { noopMetricMeter, type MetricCounter, type MetricMeter, type MetricTags } from '@temporalio/common';
import { writeAuditEvent } from '../../src/audit/write-audit-event';
import { createTestDatabase } from '../support/db';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** The SDK's no-op meter, except that counters record what they were given (the meter is not under test). */
function recordingMeter(): { meter: MetricMeter; added: Array<{ name: string; value: number; tags: MetricTags }> } {
  const added: Array<{ name: string; value: number; tags: MetricTags }> = [];
  const meter: MetricMeter = Object.assign(Object.create(noopMetricMeter) as MetricMeter, {
    createCounter(name: string): MetricCounter {
      return Object.assign(Object.create(noopMetricMeter.createCounter(name)) as MetricCounter, {
        add: (value: number, tags: MetricTags = {}) => void added.push({ name, value, tags }),
      });
    },
  });
  return { meter, added };
}

const entry = (key: string) => ({
  eventKey: `counter-test:${key}`,
  entityType: 'Task',
  entityId: key,
  action: 'TASK_OPENED' as const,
  details: { taskId: key, kind: 'TOWNSHIP_REVIEW' },
});

describe("the worker's audit-row counter (bangfu_audit_events)", () => {
  it('counts a row once its transaction committed, never for a rolled-back one, and not again when a retry finds it', async () => {
    const { meter, added } = recordingMeter();
    const env = new MockActivityEnvironment({}, { metricMeter: meter });
    const counted = () => added.filter((a) => a.name === 'bangfu_audit_events').reduce((sum, a) => sum + a.value, 0);

    // An attempt whose transaction rolls back after writing the row: nothing written, nothing counted.
    const failed = env.run(() =>
      db.prisma.$transaction(async (tx) => {
        await writeAuditEvent(tx, entry('a'));
        throw new Error('the database went away before COMMIT');
      }),
    );
    await expect(failed).rejects.toThrow('went away');
    expect(await db.prisma.auditEvent.count({ where: { eventKey: 'counter-test:a' } })).toBe(0);
    expect(counted()).toBe(0);

    // Its retry commits: one row, counted once, by action.
    await env.run(() => db.prisma.$transaction((tx) => writeAuditEvent(tx, entry('a'))));
    expect(await db.prisma.auditEvent.count({ where: { eventKey: 'counter-test:a' } })).toBe(1);
    expect(added).toMatchObject([{ name: 'bangfu_audit_events', value: 1, tags: { action: 'TASK_OPENED' } }]);

    // Another retry finds the row: nothing new, nothing counted.
    await env.run(() => db.prisma.$transaction((tx) => writeAuditEvent(tx, entry('a'))));
    expect(counted()).toBe(1);

    // Written outside a transaction, the row is committed by its own statement: counted at once.
    await env.run(() => writeAuditEvent(db.prisma, entry('b')));
    expect(counted()).toBe(2);
  });

  it('counts nothing outside an activity (the API writes its rows without a meter)', async () => {
    await expect(db.prisma.$transaction((tx) => writeAuditEvent(tx, entry('c')))).resolves.toEqual({ written: true });
    expect(await db.prisma.auditEvent.count({ where: { eventKey: 'counter-test:c' } })).toBe(1);
  });
});
