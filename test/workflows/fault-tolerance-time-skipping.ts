import { issueToken } from '../../src/auth/tokens';
import { DEMO_USERS, seedDemoCounty } from '../../src/seed/demo-county';
import { startTimeSkippingStack } from '../support/time-skipping';

/** The shared time-skipping stack (test/support/time-skipping.ts) with the demo county seeded and a token per demo user. */
export async function startTimeSkippingWorker(prefix: string) {
  const stack = await startTimeSkippingStack(prefix);
  await seedDemoCounty(stack.db.prisma, 'test-password-123');
  const userIds: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    const user = await stack.db.prisma.user.findUniqueOrThrow({ where: { username: u.username } });
    userIds[u.username] = user.id;
    tokens[u.username] = await issueToken(stack.db.prisma, user.id, 'test');
  }
  return { ...stack, userIds, tokens };
}
export type TTimeSkippingWorker = Awaited<ReturnType<typeof startTimeSkippingWorker>>;
