import { afterEach, beforeEach } from 'vitest';
import { lifecycleDrivers } from './lifecycle-drivers';
import { startTimeSkippingStack, type TTimeSkippingStack } from './time-skipping';

/**
 * A time-skipping server, worker and database per test, with the lifecycle drivers on it: a
 * project terminated after its steps ran leaves the server unable to skip time for the next test
 * (see lifecycle-money-rules.test.ts).
 */
export function timeSkippingLifecycle(name: string) {
  const t = {} as { s: TTimeSkippingStack; d: ReturnType<typeof lifecycleDrivers> };
  beforeEach(async () => {
    t.s = await startTimeSkippingStack(name);
    t.d = lifecycleDrivers({ client: t.s.env.client, prisma: t.s.db.prisma, taskQueue: t.s.taskQueue, sleep: (ms) => t.s.env.sleep(ms) });
  });
  afterEach(async () => {
    await t.s?.close();
  });
  return t;
}
