import crypto from 'node:crypto';
import { Prisma } from '../generated/prisma/client';
import { rawTable, type TPrisma } from '../db/prisma';
import type { TActor } from '../domain/actor';

export type TTokenKind = 'PERSONAL' | 'LOGIN' | 'SESSION';

/** How long a sign-in lasts, as a session cookie or as the bearer token login returns. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Bearer tokens are random; only their sha256 is stored, so a database leak reveals no token. */
export function newToken(): { token: string; hash: string } {
  const token = `bf_${crypto.randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function issueToken(prisma: TPrisma, userId: string, name: string, options: { kind?: TTokenKind; expiresAt?: Date | null } = {}): Promise<string> {
  const { token } = await issueTokenRecord({ prisma, userId, name, ...options });
  return token;
}

/** Like issueToken, with the stored row too (for the one response that may show the token). */
export async function issueTokenRecord({
  prisma,
  userId,
  name,
  kind = 'PERSONAL',
  expiresAt = null,
}: {
  prisma: Pick<TPrisma, 'apiToken'>;
  userId: string;
  name: string;
  kind?: TTokenKind;
  expiresAt?: Date | null;
}) {
  const { token, hash } = newToken();
  const record = await prisma.apiToken.create({ data: { userId, name, kind, tokenHash: hash, expiresAt } });
  return { token, record };
}

/** Session tokens live only in the signed cookie; a bearer header carrying one is refused. */
const KINDS_BY_CHANNEL: Record<'bearer' | 'cookie', TTokenKind[]> = {
  bearer: ['PERSONAL', 'LOGIN'],
  cookie: ['SESSION'],
};

/** Writing lastUsedAt on every request would double the writes; once a minute is enough to show. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The actor behind a token, with every role grant and its org path; null if the token is unknown,
 * revoked, expired, of the wrong kind for the channel it came by, or its user is deactivated.
 */
export async function actorForToken(prisma: TPrisma, token: string, channel: 'bearer' | 'cookie' = 'bearer'): Promise<TActor | null> {
  // Every API request starts here, so it is one statement: findUnique with the user, its grants
  // and their org units was four statements one after another (a third of an inbox request's time
  // at 100k tasks, bench scenario 3).
  const [row] = await prisma.$queryRaw<TTokenRow[]>(Prisma.sql`
    SELECT k.id, k.kind::text AS kind, k."expiresAt", k."lastUsedAt", k."revokedAt",
           u.id AS "userId", u."displayName", u.active,
           coalesce(json_agg(json_build_object('role', r.role, 'orgUnitId', r."orgUnitId", 'path', o.path) ORDER BY r."createdAt", r.id)
                    FILTER (WHERE r.id IS NOT NULL), '[]') AS roles
    FROM ${rawTable(prisma, 'ApiToken')} k
    JOIN ${rawTable(prisma, 'User')} u ON u.id = k."userId"
    LEFT JOIN ${rawTable(prisma, 'RoleAssignment')} r ON r."userId" = u.id
    LEFT JOIN ${rawTable(prisma, 'OrgUnit')} o ON o.id = r."orgUnitId"
    WHERE k."tokenHash" = ${hashToken(token)}
    GROUP BY k.id, u.id`);
  const now = Date.now();
  if (!row || row.revokedAt || !row.active) return null;
  if (!KINDS_BY_CHANNEL[channel].includes(row.kind)) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= now) return null;
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Best effort and off the request's path: a lost timestamp is harmless.
    prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
  }
  const roles = (typeof row.roles === 'string' ? JSON.parse(row.roles) : row.roles) as Array<{ role: string; orgUnitId: string; path: string }>;
  return actorFromUser({
    id: row.userId,
    displayName: row.displayName,
    roles: roles.map((r) => ({ role: r.role, orgUnitId: r.orgUnitId, orgUnit: { path: r.path } })),
  });
}

interface TTokenRow {
  id: string;
  kind: TTokenKind;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  userId: string;
  displayName: string;
  active: boolean;
  roles: unknown;
}

export function actorFromUser(user: { id: string; displayName: string; roles: Array<{ role: string; orgUnitId: string; orgUnit: { path: string } }> }): TActor {
  return {
    userId: user.id,
    displayName: user.displayName,
    roles: user.roles.map((r) => ({ role: r.role as TActor['roles'][number]['role'], orgUnitId: r.orgUnitId, orgPath: r.orgUnit.path })),
  };
}

/**
 * After a password change or reset, every credential the old password could have produced goes:
 * sign-ins (LOGIN, SESSION) and personal tokens alike, since a personal token made by whoever
 * knew the old password would otherwise outlive it. `exceptHashes` keeps the credentials of the
 * request making the change (the user changing their own password stays signed in).
 */
export async function revokeCredentials({ prisma, userId, exceptHashes = [] }: { prisma: Pick<TPrisma, 'apiToken'>; userId: string; exceptHashes?: string[] }) {
  const revoke = async (kinds: TTokenKind[]) =>
    (
      await prisma.apiToken.updateMany({
        where: { userId, kind: { in: kinds }, revokedAt: null, tokenHash: { notIn: exceptHashes } },
        data: { revokedAt: new Date() },
      })
    ).count;
  return { signIns: await revoke(['LOGIN', 'SESSION']), personalTokens: await revoke(['PERSONAL']) };
}
