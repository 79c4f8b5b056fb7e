import type { TPrisma } from '../db/prisma';

/**
 * Failed-login limit: a sliding window over the FailedLogin table, per username and client
 * address. It lives in the database rather than in process memory so that every API server
 * behind a load balancer counts the same attempts, and a restart does not reset the count.
 * Keyed by username+IP (not username alone) so an attacker cannot lock a known official out
 * from elsewhere; a success clears the key's failures so a user's earlier typos do not linger.
 */
export interface TLoginLimit {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMIT: TLoginLimit = { maxFailures: 5, windowMs: 15 * 60 * 1000 };

/** Usernames are matched case-insensitively at the limiter, so "Admin" and "admin" share a count. */
const keyOf = (username: string) => username.trim().toLowerCase();

export async function isLoginBlocked({ prisma, username, ip, limit, now = new Date() }: {
  prisma: TPrisma;
  username: string;
  ip: string;
  limit: TLoginLimit;
  now?: Date;
}): Promise<{ blocked: boolean; retryAfterSeconds: number }> {
  const since = new Date(now.getTime() - limit.windowMs);
  const recent = await prisma.failedLogin.findMany({
    where: { username: keyOf(username), ip, at: { gt: since } },
    orderBy: { at: 'desc' },
    take: limit.maxFailures,
    select: { at: true },
  });
  if (recent.length < limit.maxFailures) return { blocked: false, retryAfterSeconds: 0 };
  // The window reopens when the oldest of the last maxFailures attempts leaves it.
  const oldest = recent[recent.length - 1]!.at.getTime();
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((oldest + limit.windowMs - now.getTime()) / 1000)) };
}

export async function recordFailedLogin({ prisma, username, ip, limit, now = new Date() }: {
  prisma: TPrisma;
  username: string;
  ip: string;
  limit: TLoginLimit;
  now?: Date;
}): Promise<void> {
  await prisma.$transaction([
    // Rows that left the window are no longer evidence of anything; prune this key's on the way.
    prisma.failedLogin.deleteMany({ where: { username: keyOf(username), ip, at: { lte: new Date(now.getTime() - limit.windowMs) } } }),
    prisma.failedLogin.create({ data: { username: keyOf(username), ip, at: now } }),
  ]);
}

export async function clearFailedLogins({ prisma, username, ip }: { prisma: TPrisma; username: string; ip: string }): Promise<void> {
  await prisma.failedLogin.deleteMany({ where: { username: keyOf(username), ip } });
}
