import { Prisma } from '../generated/prisma/client';
import { rawTable, type TPrisma } from '../db/prisma';

/**
 * Failed-login limit: a sliding window over the FailedLogin table, per username+address and per
 * address. It lives in the database rather than in process memory so that every API server
 * behind a load balancer counts the same attempts, and a restart does not reset the count.
 *
 * - username+address (maxFailures): guessing one account's password. Not username alone, so an
 *   attacker cannot lock a known official out from elsewhere.
 * - address (maxFailuresPerAddress): spraying one password over many usernames, which the first
 *   key never sees more than once per username.
 *
 * An attempt is counted BEFORE its password is checked (a reservation), under a per-address
 * transaction lock: checking the count and recording the attempt are one step, so concurrent
 * guesses cannot all pass the check before any of them is recorded. A success takes its
 * reservation back; a failure leaves it as the failure's record.
 */
export interface TLoginLimit {
  maxFailures: number;
  windowMs: number;
  /** Failed logins from one address over all usernames; defaults to DEFAULT_MAX_FAILURES_PER_ADDRESS. */
  maxFailuresPerAddress?: number;
}

export const DEFAULT_MAX_FAILURES_PER_ADDRESS = 20;
export const DEFAULT_LOGIN_LIMIT: TLoginLimit = { maxFailures: 5, windowMs: 15 * 60 * 1000, maxFailuresPerAddress: DEFAULT_MAX_FAILURES_PER_ADDRESS };

/** The per-address cap never below the per-account one: otherwise the account limit would never bite. */
export const perAddressCap = (limit: TLoginLimit) => Math.max(limit.maxFailuresPerAddress ?? DEFAULT_MAX_FAILURES_PER_ADDRESS, limit.maxFailures);

/** Usernames are matched case-insensitively at the limiter, so "Admin" and "admin" share a count. */
const keyOf = (username: string) => username.trim().toLowerCase();

/** First key of the two-key advisory lock: keeps these locks apart from any other use of advisory locks. */
const LOGIN_LOCK_CLASS = 0x6c6f67; // "log"

export type TLoginReservation = { reserved: true; attemptId: bigint } | { reserved: false; retryAfterSeconds: number };

/** Counts this attempt if both windows have room; otherwise says when the blocking window reopens. */
export async function reserveLoginAttempt({
  prisma,
  username,
  ip,
  limit,
  now = new Date(),
}: {
  prisma: TPrisma;
  username: string;
  ip: string;
  limit: TLoginLimit;
  now?: Date;
}): Promise<TLoginReservation> {
  const table = rawTable(prisma, 'FailedLogin');
  const key = keyOf(username);
  // Prisma keeps DateTime as UTC in a column without time zone; an ISO literal cast to timestamp
  // drops its zone, which stores the same UTC wall time.
  const at = now.toISOString();
  const since = new Date(now.getTime() - limit.windowMs).toISOString();
  // One batch is one transaction: the lock is held from the first statement to the commit, and the
  // insert (a later statement, so a later snapshot under READ COMMITTED) sees every attempt that
  // committed before the lock was granted. Every key counted here includes the address, so one
  // lock per address serializes all of them.
  const [, , inserted] = await prisma.$transaction([
    prisma.$executeRaw`SELECT pg_advisory_xact_lock(${LOGIN_LOCK_CLASS}::int, hashtext(${ip}))`,
    // Rows that left the window are no longer evidence of anything; prune this address's on the way.
    prisma.$executeRaw`DELETE FROM ${table} WHERE ip = ${ip} AND at <= ${since}::timestamp(3)`,
    prisma.$queryRaw<Array<{ id: bigint }>>`
      INSERT INTO ${table} (username, ip, at)
      SELECT ${key}, ${ip}, ${at}::timestamp(3)
      WHERE (SELECT count(*) FROM ${table} WHERE username = ${key} AND ip = ${ip} AND at > ${since}::timestamp(3)) < ${limit.maxFailures}
        AND (SELECT count(*) FROM ${table} WHERE ip = ${ip} AND at > ${since}::timestamp(3)) < ${perAddressCap(limit)}
      RETURNING id`,
  ]);
  if (inserted[0]) return { reserved: true, attemptId: inserted[0].id };
  return { reserved: false, retryAfterSeconds: await retryAfterSeconds({ prisma, key, ip, limit, now }) };
}

/** When the window that blocks reopens: the oldest of the last N attempts of that key leaves it. */
async function retryAfterSeconds({ prisma, key, ip, limit, now }: { prisma: TPrisma; key: string; ip: string; limit: TLoginLimit; now: Date }) {
  const since = new Date(now.getTime() - limit.windowMs);
  const reopensAt = async (where: Prisma.FailedLoginWhereInput, max: number) => {
    const recent = await prisma.failedLogin.findMany({ where: { ...where, at: { gt: since } }, orderBy: { at: 'desc' }, take: max, select: { at: true } });
    return recent.length < max ? 0 : recent[recent.length - 1]!.at.getTime() + limit.windowMs;
  };
  const until = Math.max(await reopensAt({ username: key, ip }, limit.maxFailures), await reopensAt({ ip }, perAddressCap(limit)));
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

/** Takes back a reservation whose password turned out right (it was no failure). */
export async function releaseLoginAttempt({ prisma, attemptId }: { prisma: TPrisma; attemptId: bigint }): Promise<void> {
  await prisma.failedLogin.deleteMany({ where: { id: attemptId } });
}

/** After a successful login: this username's earlier typos from this address no longer count. */
export async function clearFailedLogins({ prisma, username, ip }: { prisma: TPrisma; username: string; ip: string }): Promise<void> {
  await prisma.failedLogin.deleteMany({ where: { username: keyOf(username), ip } });
}
